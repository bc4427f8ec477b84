"""Party-building demo data, added to the demo data set by generator.py after the enterprises.

What it builds, modelled on the article ("17个街道商会联合党委实现全覆盖"):
- one joint party committee (联合党委) per street chamber, founded 2017–2018, so joint-committee
  coverage is 17/17; each covers its chamber's member enterprises while they are members;
- own party organisations in about a third of the medium and most of the large active
  enterprises, each taking its enterprise over from the joint committee (the joint coverage
  ends the day before: the coverage history the KPIs read), with 3–15 party members, some of
  whom transferred from the joint committee (two membership rows);
- party members in the joint committees (principals who are party members, and a few
  enterprises with 2–4 members, some of which ought to form their own organisation);
- the street's instructor assigned to most active enterprises without organisation coverage
  (some assignments ended), with 0–3 visits each;
- three years of organisational-life records for every organisation, with each organisation's
  own diligence so that the compliance page shows realistic gaps;
- the closing/moving date (`Enterprise.status_changed`) of every closed or moved enterprise.

Same rules as generator.py: deterministic (one seeded Random, iteration in primary-key order),
streamed in batches, bulk writes without audit events.
"""

import datetime as dt

from django.db.models import Q

from shanghui.core.pinyin import initials
from shanghui.directory.choices import PoliticalStatus, Size, Status
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.orgs.models import StaffAssignment
from shanghui.party.compliance import DEFAULT_CADENCE, slots
from shanghui.party.models import (
    Form,
    InstructorAssignment,
    InstructorVisit,
    Level,
    OrgLifeKind,
    OrgLifeRecord,
    PartyCoverage,
    PartyMember,
    PartyOrganization,
)

from . import names
from .codes import random_date

PARTY_SEQ = range(500, 1000)  # ID sequence codes of the extra party-member persons
ONE_DAY = dt.timedelta(days=1)
PARTY_STATUSES = (PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY)
OWN_ORG_SHARE = {Size.LARGE: 0.8, Size.MEDIUM: 0.35}
INSTRUCTOR_SHARE = 0.75
LIFE_YEARS = 3
TOPICS = {
    OrgLifeKind.COMMITTEE_MEETING: ["研究部署党建工作", "讨论发展党员工作", "研究党费收缴", "部署主题教育"],
    OrgLifeKind.MEMBER_MEETING: ["传达学习上级会议精神", "讨论预备党员转正", "通报支部工作"],
    OrgLifeKind.LECTURE: ["学习党的二十大精神", "坚定理想信念", "非公经济人士的社会责任", "党史专题学习"],
    OrgLifeKind.THEME_DAY: ["参观红色教育基地", "社区志愿服务", "重温入党誓词", "学习先进典型"],
    OrgLifeKind.LIFE_MEETING: ["年度组织生活会"],
    OrgLifeKind.APPRAISAL: ["年度民主评议党员"],
}
VISIT_TOPICS = ["了解企业党员和职工情况", "宣讲党建政策", "指导发展入党积极分子", "帮助解决用工难题",
                "推动建立党的工作小组", "了解企业经营和诉求"]
FOLLOW_UPS = ["", "", "下月回访", "协调商会对接政策", "推荐参加理想信念教育活动"]


def _term_end(founded: dt.date, years: int, horizon: dt.date) -> dt.date:
    """The end of the term running at the horizon, re-elected on time since founding."""
    start = founded
    while True:
        end = start.replace(year=start.year + years) - ONE_DAY if not (start.month == 2 and start.day == 29) \
            else dt.date(start.year + years, 2, 28)
        if end >= horizon:
            return end
        start = end + ONE_DAY


def _org(name: str, **fields) -> PartyOrganization:
    return PartyOrganization(name=name, name_initials=initials(name)[:100], **fields)


class _PartyGenerator:
    def __init__(self, gen):
        self.gen = gen
        self.rng = gen.rng("party")
        self.horizon = gen.horizon
        self.names: set[str] = set()

    def date(self, start: dt.date, end: dt.date) -> dt.date:
        return random_date(self.rng, start, max(start, end))

    # --- joint committees ------------------------------------------------------

    def joint_committees(self) -> None:
        rng, rows = self.rng, []
        for chamber in self.gen.street_chambers:
            founded = max(self.date(self.gen.date(2017, 3), self.gen.date(2018, 11, 30)), chamber.founded + ONE_DAY)
            years = 5 if rng.random() < 0.7 else 3
            term_end = _term_end(founded, years, self.horizon)
            # A few committees are late with their election (换届提醒 shows them).
            if rng.random() < 0.15:
                term_end = self.date(self.horizon - dt.timedelta(days=200), self.horizon - dt.timedelta(days=10))
            rows.append(_org(f"{chamber.name}联合党委", level=Level.COMMITTEE, form=Form.JOINT, host_chamber=chamber,
                             founded=founded, term_years=years, term_end=term_end,
                             secretary=self.gen_name()))
        PartyOrganization.objects.bulk_create(rows)
        self.joint = {org.host_chamber.region_id: org for org in rows}
        self.gen.count("party_organizations", len(rows))
        self.instructors = {s.chamber.region_id: s for s in self.gen.staff_rows
                            if s.kind == StaffAssignment.Kind.INSTRUCTOR}

    def gen_name(self) -> str:
        return names.person_name(self.rng, male=self.rng.random() < 0.6)[0]

    # --- enterprises, in batches ----------------------------------------------------

    def enterprises(self, batch_size: int) -> None:
        last = 0
        while True:
            batch = list(Enterprise.objects.filter(pk__gt=last).order_by("pk")
                         .select_related("principal")[:batch_size])
            if not batch:
                return
            last = batch[-1].pk
            self.batch(batch)

    def batch(self, batch: list[Enterprise]) -> None:
        rng, horizon = self.rng, self.horizon
        ids = [e.pk for e in batch]
        street_memberships: dict[int, list[Membership]] = {}
        for m in (Membership.objects.filter(enterprise_id__in=ids, chamber__kind="street")
                  .order_by("enterprise_id", "joined", "pk")):
            street_memberships.setdefault(m.enterprise_id, []).append(m)

        closed, own_orgs, coverages, people, members, assignments = [], [], [], [], [], []
        for ent in batch:
            gone = None
            if ent.status != Status.ACTIVE:
                earliest = max((ent.founded or dt.date(2010, 1, 1)) + dt.timedelta(days=365), dt.date(2012, 1, 1))
                gone = self.date(min(earliest, horizon), horizon)
                ent.status_changed = gone
                closed.append(ent)
            last_day = gone - ONE_DAY if gone else None
            joint = self.joint[ent.region_id]

            own = None
            share = OWN_ORG_SHARE.get(ent.size, 0)
            if gone is None and share and rng.random() < share and ent.founded and \
                    ent.founded + dt.timedelta(days=365) < horizon:
                founded = self.date(max(ent.founded + dt.timedelta(days=365), dt.date(2012, 1, 1)),
                                    horizon - dt.timedelta(days=60))
                large = ent.size == Size.LARGE and (ent.employees or 0) >= 1000
                name = f"{ent.name}{'党委' if large else '党支部'}"
                if name in self.names:
                    name = f"{ent.name}（{ent.uscc[-6:]}）{'党委' if large else '党支部'}"
                self.names.add(name)
                years = 5 if large else 3
                own = _org(name, level=Level.COMMITTEE if large else Level.BRANCH, form=Form.OWN, enterprise=ent,
                           parent=joint, founded=founded, term_years=years,
                           term_end=_term_end(founded, years, horizon), secretary=self.gen_name())
                own_orgs.append(own)

            # The joint committee covers the chamber's members while they are members (and exist).
            covered_by_joint = []
            for m in street_memberships.get(ent.pk, []):
                start = max(m.joined, joint.founded)
                end = min(d for d in (m.left, last_day, own.founded - ONE_DAY if own else None,
                                      dt.date.max) if d is not None)
                if end == dt.date.max:
                    end = None
                if end is None or end >= start:
                    coverages.append(PartyCoverage(organization=joint, enterprise=ent, start=start, end=end))
                    covered_by_joint.append((start, end))
            if own:
                coverages.append(PartyCoverage(organization=own, enterprise=ent, start=own.founded))

            members += self.party_members(ent, own, joint, covered_by_joint, people)

            covered_now = own is not None or any(e is None for _, e in covered_by_joint)
            instructor = self.instructors.get(ent.region_id)
            if gone is None and not covered_now and instructor and rng.random() < INSTRUCTOR_SHARE:
                start = self.date(max(instructor.start, ent.founded or instructor.start), horizon)
                end = self.date(start, horizon) if rng.random() < 0.12 else None
                assignments.append(InstructorAssignment(instructor=instructor, enterprise=ent, start=start, end=end))

        if closed:
            Enterprise.objects.bulk_update(closed, ["status_changed"])
        PartyOrganization.objects.bulk_create(own_orgs)
        PartyCoverage.objects.bulk_create(coverages)
        Person.objects.bulk_create(people)
        for m in members:  # the persons got their primary keys just now
            m.person_id = m.person.pk
        PartyMember.objects.bulk_create(members)
        InstructorAssignment.objects.bulk_create(assignments)
        visits = self.visits(assignments)
        InstructorVisit.objects.bulk_create(visits)
        self.org_life(own_orgs)
        g = self.gen
        g.count("party_organizations", len(own_orgs))
        g.count("party_coverages", len(coverages))
        g.count("persons", len(people))
        g.count("party_members", len(members))
        g.count("instructor_assignments", len(assignments))
        g.count("instructor_visits", len(visits))

    def party_members(self, ent, own, joint, covered_by_joint, people) -> list[PartyMember]:
        rng, rows = self.rng, []
        if own is not None:
            n = rng.randint(8, 15) if own.level == Level.COMMITTEE else rng.randint(3, 9)
            persons = []
            if ent.principal_id and ent.principal.political_status in PARTY_STATUSES:
                persons.append(ent.principal)
            while len(persons) < n:
                persons.append(self.person(ent, people))
            for person in persons:
                probationary = person.political_status == PoliticalStatus.PROBATIONARY
                joined_party = self.party_date(person, probationary)
                start = max(joined_party, own.founded)
                # Some came over from the joint committee when the own branch was formed.
                before = [(s, e) for s, e in covered_by_joint if e is not None and e + ONE_DAY == own.founded]
                if before and joined_party < own.founded - ONE_DAY and rng.random() < 0.5:
                    first = max(before[0][0], joined_party)
                    if first <= own.founded - ONE_DAY:
                        rows.append(self.member(person, joint, joined_party, first, own.founded - ONE_DAY,
                                                probationary=False))
                rows.append(self.member(person, own, joined_party, start, None, probationary=probationary))
            return rows
        open_cover = [s for s, e in covered_by_joint if e is None]
        if not open_cover or ent.status_changed:
            return rows
        persons = []
        if ent.principal_id and ent.principal.political_status in PARTY_STATUSES:
            persons.append(ent.principal)
        if rng.random() < 0.06:  # a few members enterprises with a small party group of their own people
            for _ in range(rng.randint(2, 4)):
                persons.append(self.person(ent, people))
        for person in persons:
            probationary = person.political_status == PoliticalStatus.PROBATIONARY
            joined_party = self.party_date(person, probationary)
            rows.append(self.member(person, joint, joined_party, max(joined_party, open_cover[0]), None,
                                    probationary=probationary))
        return rows

    def party_date(self, person, probationary: bool) -> dt.date:
        birth = person.birth_date or dt.date(1975, 1, 1)
        if probationary:
            return self.date(self.horizon - dt.timedelta(days=330), self.horizon - dt.timedelta(days=30))
        earliest = birth.replace(year=birth.year + 20) if not (birth.month == 2 and birth.day == 29) \
            else dt.date(birth.year + 20, 3, 1)
        return self.date(earliest, min(self.horizon - dt.timedelta(days=400), dt.date(2023, 12, 31)))

    def member(self, person, org, joined_party, joined_org, left, *, probationary) -> PartyMember:
        return PartyMember(person=person, organization=org, joined_party=joined_party, joined_org=joined_org,
                           left=left, flowing=self.rng.random() < 0.03,
                           category=PartyMember.Category.PROBATIONARY if probationary else PartyMember.Category.FULL)

    def person(self, ent, people: list) -> Person:
        rng = self.rng
        birth = self.date(dt.date(1962, 1, 1), dt.date(2000, 12, 31))
        politics = [(PoliticalStatus.PARTY_MEMBER, 92), (PoliticalStatus.PROBATIONARY, 8)]
        person = self.gen.person(rng, region=ent.region, birth=birth, male=rng.random() < 0.55, politics=politics,
                                 seqs=PARTY_SEQ, enterprise=ent,
                                 position=rng.choice(["员工", "部门经理", "工程师", "财务主管", "行政专员"]))
        people.append(person)
        return person

    def visits(self, assignments) -> list[InstructorVisit]:
        rows = []
        for a in assignments:
            end = a.end or self.horizon
            for _ in range(self.rng.randint(0, 3)):
                rows.append(InstructorVisit(assignment=a, date=self.date(a.start, end),
                                            topics=self.rng.choice(VISIT_TOPICS),
                                            follow_ups=self.rng.choice(FOLLOW_UPS)))
        return rows

    # --- organisational life ------------------------------------------------------------

    def org_life(self, orgs) -> None:
        rng, rows = self.rng, []
        first_year = self.horizon.year - LIFE_YEARS + 1
        for org in orgs:
            diligence = rng.uniform(0.97, 1.0) if org.form == Form.JOINT else rng.uniform(0.7, 0.98)
            size = rng.randint(12, 40) if org.form == Form.JOINT else rng.randint(3, 15)
            for year in range(first_year, self.horizon.year + 1):
                for kind, unit in DEFAULT_CADENCE.items():
                    for slot in slots(year, unit):
                        if slot.end < org.founded or slot.start > self.horizon or rng.random() > diligence:
                            continue
                        day = self.date(max(slot.start, org.founded), min(slot.end, self.horizon))
                        rows.append(OrgLifeRecord(organization=org, kind=kind, date=day,
                                                  topic=rng.choice(TOPICS[kind]),
                                                  attendance=max(1, size - rng.randint(0, max(1, size // 4)))))
        OrgLifeRecord.objects.bulk_create(rows, batch_size=2000)
        self.gen.count("org_life_records", len(rows))


def generate(gen, batch_size: int) -> None:
    """Add the party-building records to the demo data set built by `gen` (generator._Generator)."""
    party = _PartyGenerator(gen)
    party.joint_committees()
    party.enterprises(batch_size)
    party.org_life(list(party.joint.values()))


def fingerprint_rows():
    """The party rows by natural keys, for generator.fingerprint-style determinism checks."""
    return [
        PartyOrganization.objects.order_by("name").values_list(
            "name", "level", "form", "parent__name", "host_chamber__name", "enterprise__uscc", "secretary",
            "founded", "term_years", "term_end", "dissolved"),
        PartyCoverage.objects.order_by("enterprise__uscc", "start").values_list(
            "organization__name", "enterprise__uscc", "start", "end"),
        PartyMember.objects.order_by("person__id_number_digest", "joined_org").values_list(
            "person__id_number_digest", "organization__name", "category", "joined_party", "joined_org", "left",
            "flowing"),
        InstructorAssignment.objects.order_by("enterprise__uscc", "start").values_list(
            "instructor__name", "enterprise__uscc", "start", "end"),
        InstructorVisit.objects.order_by("assignment__enterprise__uscc", "date", "topics").values_list(
            "assignment__enterprise__uscc", "date", "topics", "follow_ups"),
        OrgLifeRecord.objects.order_by("organization__name", "date", "kind", "topic").values_list(
            "organization__name", "kind", "date", "topic", "attendance"),
        Enterprise.objects.filter(~Q(status=Status.ACTIVE)).order_by("uscc").values_list("uscc", "status_changed"),
    ]
