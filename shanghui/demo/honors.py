"""Honours demo data, added by generator.py after the party and activity records.

Modelled on the article:
- the federation's 11 national honours from the 全国工商联 system (全国工商联系统先进单位, 全国“五好”县级工商联
  建设示范点, 十大优秀工作案例, the two “创新中国”特别奖 — the entrepreneurs' class and the youth
  association's 手拉手共成长 — and six plausible others) and its municipal research prize;
- municipal, district and street awards for some street chambers and enterprises;
- the 2018 campaign: 10 advanced party organisations and 10 excellent party members approved (and a
  few rejected), the public notice over, one objection resolved, decided → 20 district honours.

Deterministic (one seeded Random, rows in primary-key order), bulk writes without audit events.
"""

import datetime as dt

from django.utils import timezone

from shanghui.directory.models import Enterprise
from shanghui.honors.models import (
    Campaign,
    CampaignCategory,
    CategoryKind,
    Honor,
    Level,
    Nomination,
    Objection,
    RecipientKind,
)
from shanghui.orgs.models import Chamber, Region
from shanghui.party.models import PartyMember, PartyOrganization

ACFIC = "全国工商联"
NATIONAL = [  # (title, year, category)
    ("全国工商联系统先进单位", 2016, "先进单位"),
    ("全国“五好”县级工商联建设示范点", 2015, "示范点"),
    ("全国工商联系统十大优秀工作案例（非公有制经济人士培训班）", 2017, "优秀案例"),
    ("全国工商联“创新中国”特别奖（东城区工商联优秀民营企业家培训班）", 2018, "创新中国"),
    ("全国工商联“创新中国”特别奖（“手拉手共成长”爱心助学活动）", 2018, "创新中国"),
    ("全国工商联宣传工作先进单位", 2014, "先进单位"),
    ("全国工商联信息工作先进单位", 2013, "先进单位"),
    ("全国工商联调查研究工作先进单位", 2017, "先进单位"),
    ("全国工商联系统商会建设工作先进单位", 2016, "先进单位"),
    ("全国工商联非公有制企业党建工作先进单位", 2018, "先进单位"),
    ("全国工商联光彩事业先进集体", 2015, "先进集体"),
]
MUNICIPAL_FEDERATION = ("北京市统战理论与调研成果一等奖（《东城区工商联引领商会参与新时期城市治理的实践与探索》）",
                        2019, "调研成果", "中共北京市委统战部")
CHAMBER_AWARDS = [  # (title, level, issuer, category)
    ("北京市“四好”商会", Level.MUNICIPAL, "北京市工商联", "先进商会"),
    ("北京市工商联系统先进商会", Level.MUNICIPAL, "北京市工商联", "先进商会"),
    ("东城区先进街道商会", Level.DISTRICT, "东城区工商联", "先进商会"),
    ("东城区商会参与社会治理创新奖", Level.DISTRICT, "东城区工商联", "社会治理"),
    ("街道社会治理先进单位", Level.STREET, "街道办事处", "社会治理"),
]
ENTERPRISE_AWARDS = [
    ("北京市守信企业", Level.MUNICIPAL, "北京市市场监督管理局", "诚信经营"),
    ("东城区诚信经营示范企业", Level.DISTRICT, "东城区商务局", "诚信经营"),
    ("东城区光彩事业贡献奖", Level.DISTRICT, "东城区工商联", "公益慈善"),
    ("街道优秀共建单位", Level.STREET, "街道办事处", "社区共建"),
]
ENTERPRISE_SHARE = 0.03
CAMPAIGN_YEAR = 2018
CAMPAIGN_TITLE = "东城区工商联系统2018年度先进基层党组织和优秀共产党员评选表彰"
QUOTA = 10
EXTRA_NOMINEES = 2  # per category, rejected in review
NOTICE = (dt.date(2018, 11, 20), dt.date(2018, 11, 26))
REASONS = {
    CategoryKind.ADVANCED_PARTY_ORG: ["组织生活规范，“三会一课”落实到位", "带领党员在企业发展中发挥先锋模范作用",
                                      "联合党委覆盖会员企业，党建引领商会工作成效明显"],
    CategoryKind.EXCELLENT_PARTY_MEMBER: ["带头参加理想信念教育实践活动", "积极参与光彩事业和社区共建",
                                          "在企业中发挥党员先锋模范作用，带动职工共同成长"],
}
REJECTIONS = ["名额有限，本年度未列入", "推荐材料不完整"]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour), timezone.get_default_timezone())


class _HonorsGenerator:
    def __init__(self, gen):
        self.gen = gen
        self.rng = gen.rng("honors")
        self.last_year = gen.horizon.year
        self.district = Region.objects.get(code="110101")
        self.street_chamber = {c.region_id: c for c in Chamber.objects.filter(kind=Chamber.Kind.STREET)}
        self.honors: list[Honor] = []

    def federation(self) -> None:
        for title, year, category in NATIONAL:
            self.honors.append(Honor(title=title, level=Level.NATIONAL, issuer=ACFIC, year=year, category=category,
                                     recipient_kind=RecipientKind.FEDERATION, federation=self.district))
        title, year, category, issuer = MUNICIPAL_FEDERATION
        if year <= self.last_year:
            self.honors.append(Honor(title=title, level=Level.MUNICIPAL, issuer=issuer, year=year, category=category,
                                     recipient_kind=RecipientKind.FEDERATION, federation=self.district))

    def chambers_and_enterprises(self) -> None:
        rng = self.rng
        for chamber in Chamber.objects.filter(kind=Chamber.Kind.STREET).order_by("region__code"):
            for title, level, issuer, category in rng.sample(CHAMBER_AWARDS, rng.randint(0, 2)):
                self.honors.append(Honor(title=title, level=level, issuer=issuer, category=category,
                                         year=rng.randint(2012, self.last_year), recipient_kind=RecipientKind.CHAMBER,
                                         chamber=chamber))
        for enterprise_id in Enterprise.objects.active().order_by("pk").values_list("pk", flat=True).iterator():
            if rng.random() >= ENTERPRISE_SHARE:
                continue
            title, level, issuer, category = rng.choice(ENTERPRISE_AWARDS)
            self.honors.append(Honor(title=title, level=level, issuer=issuer, category=category,
                                     year=rng.randint(2012, self.last_year), recipient_kind=RecipientKind.ENTERPRISE,
                                     enterprise_id=enterprise_id))

    def _nominees(self):
        """Organisations and party members that existed through the 2018 campaign, in primary-key order."""
        start, end = dt.date(CAMPAIGN_YEAR, 6, 30), dt.date(CAMPAIGN_YEAR, 12, 31)
        orgs = list(PartyOrganization.objects.filter(founded__lte=start).exclude(dissolved__lte=end)
                    .select_related("host_chamber__region", "enterprise__region").order_by("pk")[:200])
        members = (PartyMember.objects.filter(joined_org__lte=start).exclude(left__lt=end)
                   .select_related("person").order_by("pk")[:400])
        persons, seen = [], set()
        for m in members:
            if m.person_id not in seen:
                seen.add(m.person_id)
                persons.append(m.person)
        # Each is nominated by the street chamber of its street; an organisation hosted by a district
        # chamber has none and is left out.
        orgs = [o for o in orgs if o.region is not None and o.region.pk in self.street_chamber]
        persons = [p for p in persons if p.region_id in self.street_chamber]
        n = QUOTA + EXTRA_NOMINEES
        return (self.rng.sample(orgs, min(n, len(orgs))), self.rng.sample(persons, min(n, len(persons))))

    def campaign(self) -> None:
        if self.last_year <= CAMPAIGN_YEAR:
            return
        orgs, persons = self._nominees()
        campaign = Campaign.objects.create(
            year=CAMPAIGN_YEAR, title=CAMPAIGN_TITLE, region=self.district, state=Campaign.State.DECIDED,
            notice_start=NOTICE[0], notice_end=NOTICE[1], decided_at=_at(dt.date(2018, 12, 5), 10),
            description="各街道商会按名额推荐，区工商联审核后公示，公示期满无异议后表彰。")
        self.gen.count("campaigns", 1)
        nominations: list[Nomination] = []
        for kind, nominees, column in ((CategoryKind.ADVANCED_PARTY_ORG, orgs, "party_organization"),
                                       (CategoryKind.EXCELLENT_PARTY_MEMBER, persons, "person")):
            category = CampaignCategory.objects.create(campaign=campaign, kind=kind, quota=QUOTA)
            for i, nominee in enumerate(nominees):
                chamber = self.street_chamber[nominee.region.pk]
                approved = i < QUOTA
                nominations.append(Nomination(
                    category=category, chamber=chamber, recipient_kind=(RecipientKind.PARTY_ORGANIZATION
                                                                         if column == "party_organization"
                                                                         else RecipientKind.PERSON),
                    reasons="；".join(self.rng.sample(REASONS[kind], 2)) + "。",
                    state=Nomination.State.APPROVED if approved else Nomination.State.REJECTED,
                    reject_reason="" if approved else REJECTIONS[i % len(REJECTIONS)],
                    reviewed_at=_at(dt.date(2018, 11, 12), 15), **{column: nominee}))
        Nomination.objects.bulk_create(nominations)
        self.gen.count("nominations", len(nominations))
        approved = [n for n in nominations if n.state == Nomination.State.APPROVED]
        if approved:
            Objection.objects.create(nomination=approved[0], text="来电反映该推荐对象的事迹材料个别数据有出入。",
                                     resolution="经核实为统计口径不同，事迹属实，异议不成立。",
                                     resolved_at=_at(dt.date(2018, 11, 25), 16))
            Objection.objects.filter(nomination=approved[0]).update(filed_at=_at(dt.date(2018, 11, 22), 9))
            self.gen.count("objections", 1)
        for n in approved:
            label = n.category.get_kind_display()
            column = "party_organization" if n.recipient_kind == RecipientKind.PARTY_ORGANIZATION else "person"
            self.honors.append(Honor(title=f"{CAMPAIGN_YEAR}年度{label}", level=Level.DISTRICT,
                                     issuer=f"{self.district.name}工商联", year=CAMPAIGN_YEAR, category=label,
                                     recipient_kind=n.recipient_kind, nomination=n,
                                     **{column: getattr(n, column)}))

    def write(self) -> None:
        Honor.objects.bulk_create(self.honors, batch_size=1000)
        self.gen.count("honors", len(self.honors))


def generate(gen, batch_size: int) -> None:
    """Add the honours and the 2018 commendation campaign to the demo data set built by `gen`."""
    h = _HonorsGenerator(gen)
    h.federation()
    h.chambers_and_enterprises()
    h.campaign()
    h.write()


def fingerprint_rows():
    """The honours rows by natural keys, for determinism checks."""
    return [
        Honor.objects.order_by("year", "level", "title", "recipient_kind", "chamber__name", "enterprise__uscc",
                               "party_organization__name", "person__id_number_digest").values_list(
            "title", "level", "issuer", "year", "category", "recipient_kind", "federation__code", "chamber__name",
            "enterprise__uscc", "party_organization__name", "person__id_number_digest"),
        Nomination.objects.order_by("category__kind", "party_organization__name", "person__id_number_digest")
        .values_list("category__kind", "chamber__name", "party_organization__name", "person__id_number_digest",
                     "state", "reject_reason"),
    ]
