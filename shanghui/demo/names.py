"""Plausible Chinese names for demo people, enterprises and addresses."""

import random
from functools import lru_cache

from shanghui.core.pinyin import initials

from .codes import Permutation, weighted

# The commonest surnames, roughly by frequency (weights are shares in per mille).
SURNAMES = [
    ("王", 72), ("李", 72), ("张", 68), ("刘", 54), ("陈", 45), ("杨", 32), ("赵", 30), ("黄", 22), ("周", 21),
    ("吴", 20), ("徐", 16), ("孙", 15), ("胡", 13), ("朱", 12), ("高", 12), ("林", 11), ("何", 11), ("郭", 11),
    ("马", 11), ("罗", 8), ("梁", 8), ("宋", 7), ("郑", 7), ("谢", 6), ("韩", 6), ("唐", 6), ("冯", 6), ("于", 6),
    ("董", 5), ("萧", 4), ("程", 5), ("曹", 5), ("袁", 5), ("邓", 5), ("许", 5), ("傅", 4), ("沈", 4), ("曾", 4),
    ("彭", 4), ("吕", 4), ("苏", 4), ("卢", 4), ("蒋", 4), ("蔡", 4), ("贾", 4), ("丁", 4), ("魏", 4), ("薛", 3),
    ("叶", 3), ("阎", 3), ("余", 3), ("潘", 3), ("杜", 3), ("戴", 3), ("夏", 3), ("钟", 3), ("汪", 3), ("田", 3),
    ("任", 3), ("姜", 3), ("范", 3), ("方", 3), ("石", 3), ("姚", 3), ("谭", 2), ("廖", 2), ("邹", 2), ("熊", 2),
    ("金", 2), ("陆", 2), ("郝", 2), ("孔", 2), ("白", 2), ("崔", 2), ("康", 2), ("毛", 2), ("邱", 2), ("秦", 2),
    ("江", 2), ("史", 2), ("顾", 2), ("侯", 2), ("邵", 2), ("孟", 2), ("龙", 2), ("万", 2), ("段", 2), ("雷", 2),
    ("钱", 2), ("汤", 2), ("尹", 2), ("黎", 1), ("易", 1), ("常", 1), ("武", 1), ("乔", 1), ("贺", 1), ("文", 1),
]
MALE_CHARS = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"  # noqa: E501
FEMALE_CHARS = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"  # noqa: E501
# Characters companies like in their trade names (字号).
BRAND_CHARS = "".join(dict.fromkeys(
    "华信达鑫恒泰盛源通瑞博嘉诚宏兴德安丰和金龙凯康联明鹏天伟祥新永宇远正志中卓创东方光汇佳京景聚科乐力美启融"
    "尚顺思腾拓万旺雅益优悦云泽智众辰海璟润禾弘晟昊航锦铭鼎瀚晨星朗睿翔熙耀逸远致宸祺骏尊亿福隆昌茂"
))
# GB/T 4754 section → words a company of that trade puts between trade name and legal form.
INDUSTRY_WORDS = {
    "A": ["农业科技", "生态农业", "农业发展"],
    "C": ["服装", "工艺品", "印刷", "食品", "医疗器械", "珠宝首饰"],
    "E": ["建筑工程", "装饰工程", "建设工程", "机电安装工程"],
    "F": ["商贸", "贸易", "商业", "百货", "医药", "电子商务", "茶叶", "服饰", "图书", "汽车销售"],
    "G": ["物流", "运输", "快递服务", "国际货运代理"],
    "H": ["餐饮管理", "酒店管理", "餐饮服务", "美食", "饮食", "宾馆"],
    "I": ["科技", "信息技术", "网络科技", "软件", "数据科技", "智能科技", "数字科技", "互联网信息服务"],
    "J": ["资产管理", "保险代理", "融资租赁", "典当"],
    "K": ["房地产开发", "物业管理", "房地产经纪", "置业"],
    "L": ["商务咨询", "企业管理", "企业管理咨询", "广告", "会展服务", "人力资源", "国际旅行社", "知识产权代理",
          "文化交流", "设备租赁"],
    "M": ["工程设计", "技术服务", "检测技术", "建筑设计", "工程咨询", "生物技术", "环境科技", "规划设计"],
    "N": ["环保工程", "园林绿化", "环境治理"],
    "O": ["家政服务", "美容美发", "洗衣", "家电维修", "摄影", "婚庆服务"],
    "P": ["教育科技", "培训", "文化艺术培训"],
    "Q": ["医疗管理", "养老服务", "健康管理", "中医门诊部"],
    "R": ["文化传媒", "文化发展", "文化传播", "影视", "艺术", "体育文化", "演艺", "出版"],
}
LEGAL_FORMS = [("有限公司", 86), ("有限责任公司", 10), ("股份有限公司", 4)]
POSITIONS = [("董事长", 30), ("总经理", 30), ("执行董事", 25), ("董事长兼总经理", 10), ("法定代表人", 5)]

# A few real roads of each street (by street name), for addresses.
ROADS = {
    "东华门街道": ["王府井大街", "东安门大街", "南河沿大街", "灯市口大街", "金鱼胡同"],
    "景山街道": ["景山前街", "地安门东大街", "五四大街", "沙滩北街"],
    "交道口街道": ["交道口南大街", "南锣鼓巷", "鼓楼东大街", "地安门外大街"],
    "安定门街道": ["安定门内大街", "国子监街", "方家胡同"],
    "北新桥街道": ["东直门内大街", "北新桥三条", "雍和宫大街"],
    "东四街道": ["东四北大街", "东四十条", "朝阳门北小街"],
    "朝阳门街道": ["朝阳门内大街", "朝阳门南小街", "东四南大街"],
    "建国门街道": ["建国门内大街", "东单北大街", "北京站街"],
    "东直门街道": ["东直门外大街", "东直门南大街", "东中街"],
    "和平里街道": ["和平里东街", "和平里中街", "安定门外大街", "和平里北街"],
    "前门街道": ["前门大街", "鲜鱼口街", "大江胡同", "西打磨厂街"],
    "崇文门外街道": ["崇文门外大街", "东打磨厂街", "新开路"],
    "东花市街道": ["东花市大街", "广渠门内大街", "忠实里"],
    "龙潭街道": ["龙潭路", "光明路", "左安门内大街"],
    "体育馆路街道": ["体育馆路", "法华寺街", "幸福大街"],
    "天坛街道": ["天坛路", "永定门内大街", "天坛东里"],
    "永定门外街道": ["永定门外大街", "安乐林路", "沙子口路"],
}


@lru_cache(maxsize=100_000)
def part_initials(part: str) -> str:
    """Pinyin initials of one part of a name. Names are built from parts, and converting
    each part once instead of every whole name makes the generator several times faster;
    a test checks the result equals `initials()` of the whole name."""
    return initials(part)


def person_name(rng: random.Random, *, male: bool) -> tuple[str, str]:
    """A name and its pinyin initials."""
    chars = MALE_CHARS if male else FEMALE_CHARS
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
    surname = weighted(rng, SURNAMES)
    return surname + given, part_initials(surname) + part_initials(given)


def address(rng: random.Random, street_name: str) -> str:
    road = rng.choice(ROADS.get(street_name, ["东长安街"]))
    text = f"北京市东城区{road}{rng.randrange(1, 300)}号"
    if rng.random() < 0.35:
        text += f"{rng.randrange(1, 12)}层{rng.randrange(1, 30):02d}室"
    return text


class EnterpriseNames:
    """Unique company names, 北京 + 字号 + trade word + legal form, in constant memory.

    The k-th name of an industry comes from a seeded permutation of every
    (字号, trade word) pair of that industry: two-character trade names first,
    three-character ones once those run out (after ~140,000 per industry).
    """

    def __init__(self, rng: random.Random):
        self.base = rng.getrandbits(64)
        self.count: dict[str, int] = {}
        self.perms: dict[tuple[str, int], Permutation] = {}

    def _perm(self, industry: str, width: int) -> Permutation:
        key = (industry, width)
        if key not in self.perms:
            size = len(BRAND_CHARS) ** width * len(INDUSTRY_WORDS[industry])
            # Seeded per key, so a permutation does not depend on the order industries first turn up in.
            self.perms[key] = Permutation(random.Random(f"{self.base}:{industry}:{width}"), size)
        return self.perms[key]

    def next(self, rng: random.Random, industry: str) -> tuple[str, str]:
        """The next name of an industry, and its pinyin initials."""
        k = self.count.get(industry, 0)
        self.count[industry] = k + 1
        words = INDUSTRY_WORDS[industry]
        width = 2
        while k >= len(BRAND_CHARS) ** width * len(words):
            k -= len(BRAND_CHARS) ** width * len(words)
            width += 1
        n = self._perm(industry, width)(k)
        n, word = divmod(n, len(words))
        brand = ""
        for _ in range(width):
            n, r = divmod(n, len(BRAND_CHARS))
            brand += BRAND_CHARS[r]
        form, word = weighted(rng, LEGAL_FORMS), words[word]
        tail = part_initials(word) + part_initials(form)
        # Some are the Beijing arm of a company from elsewhere: 字号（北京）… instead of 北京字号…
        if rng.random() < 0.08:
            return f"{brand}（北京）{word}{form}", part_initials(brand) + "bj" + tail
        return f"北京{brand}{word}{form}", "bj" + part_initials(brand) + tail
