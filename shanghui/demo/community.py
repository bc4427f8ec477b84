"""Community demo data, added by generator.py after the activities.

Modelled on the article: the 南锣鼓巷 and 簋街 governance projects (“南锣经验”, “簋街模式”), the
“百街千巷” environment campaign, the federation's counterpart assistance (受援地区 here is an
illustrative partner area) and the youth association's student-aid programme “手拉手共成长” with
about thirty aid records (masked names and pseudonymous codes only). Contributions come from
enterprises and chambers of the streets concerned, and from youth association members.

Same rules as generator.py: deterministic (its own seeded Random, iteration in primary-key
order), bulk writes without audit events.
"""

import datetime as dt
from decimal import Decimal

from shanghui.community.models import (
    AidRecord,
    Contribution,
    ContributionKind,
    Project,
    ProjectKind,
    mask_name,
)
from shanghui.directory.choices import Status
from shanghui.directory.models import Enterprise, Membership
from shanghui.orgs.models import Chamber, Region

from . import names
from .codes import random_date

PARTNER_AREA = "内蒙古自治区兴安盟"
SCHOOLS = ["史家小学", "和平里第四小学", "府学胡同小学", "东四九条小学", "北京市第五中学", "北京市第二十二中学",
           "兴安盟科右前旗第一中学", "乌兰浩特市第三小学"]
GRADES = ["三年级", "四年级", "五年级", "六年级", "初一", "初二", "初三"]
AID_RECORDS = 30


def _money(rng, lo: float, hi: float) -> Decimal:
    return Decimal(str(round(rng.uniform(lo, hi), 1)))


def generate(gen, batch_size: int) -> None:
    rng = gen.rng("community")
    district = Region.objects.get(code="110101")
    streets = {r.code: r for r in Region.objects.streets().order_by("code")}
    street_chambers = {c.region.code: c for c in Chamber.objects.filter(kind=Chamber.Kind.STREET)
                       .select_related("region").order_by("region__code")}
    youth = Chamber.objects.filter(kind=Chamber.Kind.ASSOCIATION, individual_members=True).order_by("pk").first()

    def project(kind, title, region, start, end=None, organiser=None, partner_area="", description=""):
        return Project(kind=kind, title=title, region=region, start=gen.date(*start),
                       end=gen.date(*end) if end else None, organiser=organiser, partner_area=partner_area,
                       description=description)

    nanluo = project(ProjectKind.GOVERNANCE, "南锣鼓巷商户自治与街区治理（南锣经验）", streets["110101003"], (2016, 3, 1),
                     organiser=street_chambers.get("110101003"),
                     description="交道口街道商会组织南锣鼓巷商户成立自律组织，参与非首都功能疏解和街区环境治理。")
    guijie = project(ProjectKind.GOVERNANCE, "簋街餐饮街区共建共治（簋街模式）", streets["110101005"], (2016, 6, 1),
                     organiser=street_chambers.get("110101005"),
                     description="北新桥街道商会引导簋街餐饮企业自我管理，配合政府开展油烟、占道和夜间秩序治理。")
    baijie = project(ProjectKind.ENVIRONMENT, "“百街千巷”环境整治提升", district, (2017, 3, 1), (2019, 12, 31),
                     description="各街道商会组织会员企业参与背街小巷环境整治提升。")
    assistance = project(ProjectKind.ASSISTANCE, "东城区工商联对口帮扶", district, (2018, 1, 1),
                         partner_area=PARTNER_AREA, description="引领社会力量参与东城区对口帮扶：产业合作、消费帮扶和就业岗位。")
    charity = project(ProjectKind.CHARITY, "“手拉手共成长”助学活动", district, (2014, 9, 1), organiser=youth,
                      description="青创会发起的资助品学兼优贫困学生爱心活动。")
    projects = [nanluo, guijie, baijie, assistance, charity]
    Project.objects.bulk_create(projects)
    gen.count("community_projects", len(projects))

    def active(street_code=None, limit=8):
        qs = Enterprise.objects.filter(status=Status.ACTIVE).order_by("pk")
        if street_code:
            qs = qs.filter(region__code=street_code)
        return list(qs[:limit])

    rows: list[Contribution] = []

    def give(p, kind, amount, day, *, enterprise=None, chamber=None, person=None, note=""):
        if day < p.start or (p.end and day > p.end):
            return
        rows.append(Contribution(project=p, kind=kind, amount=amount, date=day, enterprise=enterprise,
                                 chamber=chamber, person_id=person, note=note))

    for p, code in ((nanluo, "110101003"), (guijie, "110101005")):
        chamber = street_chambers.get(code)
        for year in range(p.start.year, min(gen.horizon.year, 2019) + 1):
            if chamber:
                give(p, ContributionKind.VOLUNTEER, Decimal(rng.randrange(200, 600)), gen.date(year, 6, 15),
                     chamber=chamber, note="商会组织志愿服务")
            for ent in active(code, 4):
                give(p, ContributionKind.MONEY, _money(rng, 0.5, 5), random_date(rng, gen.date(year, 3), gen.date(year, 11)),
                     enterprise=ent, note="环境提升出资")
    for code, chamber in street_chambers.items():
        for year in (2017, 2018, 2019):
            give(baijie, ContributionKind.VOLUNTEER, Decimal(rng.randrange(80, 400)), gen.date(year, 9, 20),
                 chamber=chamber, note="背街小巷清整")
        for ent in active(code, 1):
            give(baijie, ContributionKind.GOODS, _money(rng, 0.2, 2), gen.date(2018, 5, 10), enterprise=ent)
    for ent in active(None, 12):
        kind = rng.choice([ContributionKind.MONEY, ContributionKind.GOODS, ContributionKind.JOBS])
        amount = Decimal(rng.randrange(2, 20)) if kind == ContributionKind.JOBS else _money(rng, 1, 20)
        give(assistance, kind, amount, random_date(rng, gen.date(2018, 3), gen.date(2019, 12, 31)), enterprise=ent,
             note="消费帮扶" if kind == ContributionKind.GOODS else "")
    for chamber in Chamber.objects.filter(kind=Chamber.Kind.INDUSTRY).order_by("pk"):
        give(assistance, ContributionKind.MONEY, _money(rng, 5, 30), gen.date(2018, 10, 17), chamber=chamber,
             note="扶贫日捐款")
    if youth:
        members = list(Membership.objects.filter(chamber=youth, person__isnull=False).order_by("pk")
                       .values_list("person", "joined")[:40])
        for person_id, joined in members:
            day = max(joined, charity.start) + dt.timedelta(days=rng.randrange(30, 200))
            if day <= gen.horizon:
                give(charity, ContributionKind.MONEY, _money(rng, 0.1, 1), day, person=person_id)
        for year in range(2014, min(gen.horizon.year, 2019) + 1):
            give(charity, ContributionKind.VOLUNTEER, Decimal(rng.randrange(50, 150)), gen.date(year, 11, 5),
                 chamber=youth, note="青创会会员志愿服务")
    Contribution.objects.bulk_create(rows, batch_size=batch_size)
    gen.count("community_contributions", len(rows))

    street_list = list(streets.values())
    aid = []
    for i in range(AID_RECORDS):
        year = 2014 + i * 5 // AID_RECORDS
        outside = rng.random() < 0.4
        name, _ = names.person_name(rng, male=rng.random() < 0.5)
        aid.append(AidRecord(
            project=charity, code=f"SZ{year}-{i + 1:03d}", masked_name=mask_name(name),
            school=rng.choice(SCHOOLS[6:] if outside else SCHOOLS[:6]), grade=rng.choice(GRADES),
            region=None if outside else street_list[rng.randrange(len(street_list))],
            partner_area=PARTNER_AREA if outside else "", amount=Decimal(rng.choice([1000, 1500, 2000, 3000])),
            date=min(gen.date(year, 9, rng.randint(1, 28)), gen.horizon)))
    AidRecord.objects.bulk_create(aid)
    gen.count("aid_records", len(aid))


def fingerprint_rows():
    return [
        Project.objects.order_by("title").values_list("kind", "title", "region__code", "partner_area", "start", "end",
                                                      "organiser__name"),
        Contribution.objects.order_by("project__title", "date", "kind", "amount", "note").values_list(
            "project__title", "enterprise__uscc", "chamber__name", "person__id_number_digest", "kind", "amount",
            "date", "note"),
        AidRecord.objects.order_by("code").values_list("code", "masked_name", "school", "grade", "region__code",
                                                       "partner_area", "amount", "date"),
    ]
