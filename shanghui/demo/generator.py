"""The deterministic demo data set, modelled on the Dongcheng FIC article.

`generate(seed=, enterprises=)` builds: Beijing → 东城区 → 17 streets; the stationed
departments; 17 street chambers with their four guarantees, a few district industry
chambers and the youth entrepreneurs association (160+ individual members); one
full-time worker and one party-building instructor per street chamber; the
enterprises with their principals; memberships with 会长/副会长/理事/会员; and one
demo login per role.

Rules it keeps:
- Deterministic: one `random.Random` per concern, each seeded from the seed and a
  name, so the same seed and counts give the same rows (and changing the number of
  enterprises leaves the chambers and the association as they were). No date comes
  from today except as a clamp; iteration is over lists, never sets.
- Fast and streaming: enterprises go in batches (bulk_create), each batch is built,
  written and dropped, so memory stays flat however many enterprises are asked for;
  identifiers are unique by construction (see codes.py), not by remembering them.
- It writes with bulk operations, not the per-row services (which would audit every
  row), so it fills fields those services fill (`name_initials`) itself, and writes
  one audit event, "demo_data", with the counts.
"""

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery

from shanghui.accounts.models import User
from shanghui.audit import record
from shanghui.core import search
from shanghui.core.pinyin import initials
from shanghui.directory.choices import MemberRole, PoliticalStatus, Size, Status
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.orgs.models import Chamber, ChamberDepartment, Department, Region, StaffAssignment
from shanghui.orgs.seed import load_departments, load_dongcheng

from . import (
    activities,
    community,
    honors,
    invitations,
    library,
    names,
    notices,
    party,
    party_dues,
    recruitment,
    servicedesk,
)
from .codes import YOUTH_SEQ, IdNumberSource, UsccSource, mobile, random_date, weighted
from .users import create_demo_users

# The data describe the world up to the end of the last full year (clamped to today
# on a machine whose clock is behind), so yearly KPIs have a whole year to count.
HORIZON = dt.date(2025, 12, 31)
BATCH_SIZE = 2000
DEMO_STREET = "110101001"  # 东华门街道: the street of the street-level demo logins
FULL_GUARANTEES_STREET = "110101013"  # 东花市街道: all four guarantees, as in the article

# How many enterprises each street has, relatively (Wangfujing and Jianguomen are busiest).
STREET_WEIGHTS = {
    "110101001": 10, "110101002": 3, "110101003": 5, "110101004": 4, "110101005": 6, "110101006": 5,
    "110101007": 7, "110101008": 9, "110101009": 8, "110101010": 6, "110101011": 5, "110101012": 6,
    "110101013": 5, "110101014": 4, "110101015": 5, "110101016": 3, "110101017": 5,
}
# A central-Beijing mix: business services, trade, IT, catering, research, culture first.
INDUSTRY_WEIGHTS = [
    ("L", 20), ("F", 18), ("I", 12), ("M", 11), ("H", 9), ("R", 8), ("K", 5), ("O", 4), ("E", 3), ("J", 2),
    ("P", 2), ("Q", 2), ("G", 2), ("C", 1), ("N", 0.5), ("A", 0.5),
]
SIZES = [(Size.MICRO, 62), (Size.SMALL, 28), (Size.MEDIUM, 8), (Size.LARGE, 2)]
EMPLOYEES = {Size.MICRO: (1, 9), Size.SMALL: (10, 99), Size.MEDIUM: (100, 299), Size.LARGE: (300, 3000)}
STATUSES = [(Status.ACTIVE, 88), (Status.CLOSED, 8), (Status.MOVED, 4)]
PRINCIPAL_POLITICS = [
    (PoliticalStatus.PARTY_MEMBER, 30), (PoliticalStatus.PROBATIONARY, 1), (PoliticalStatus.DEMOCRATIC, 5),
    (PoliticalStatus.NON_PARTY, 6), (PoliticalStatus.MASSES, 58),
]
YOUTH_POLITICS = [
    (PoliticalStatus.PARTY_MEMBER, 26), (PoliticalStatus.PROBATIONARY, 2), (PoliticalStatus.LEAGUE, 8),
    (PoliticalStatus.DEMOCRATIC, 3), (PoliticalStatus.NON_PARTY, 5), (PoliticalStatus.MASSES, 56),
]
# District-level industry chambers: name, the sections they recruit from, founding year range.
INDUSTRY_CHAMBERS = [
    ("东城区餐饮行业商会", ["H"], (2004, 2008)),
    ("东城区文化创意产业商会", ["R"], (2008, 2012)),
    ("东城区科技企业商会", ["I", "M"], (2009, 2014)),
    ("东城区商务服务业商会", ["L"], (2006, 2011)),
]
YOUTH_ASSOCIATION = "东城区青年创业者协会"
STATIONED_EVERYWHERE = ["market", "justice", "food_drug"]
STATIONED_SOMEWHERE = ["tax", "hr"]


class DemoDataExists(Exception):
    """The database already holds business data; demo data would mix with it."""


def database_is_empty() -> bool:
    return not (Enterprise.objects.exists() or Chamber.objects.exists() or Person.objects.exists())


@dataclass
class _StreetState:
    """Per-street running counts that keep the member share on target without a second pass."""

    chamber: Chamber
    share: float
    offset: float
    active: int = 0
    members: int = 0


@dataclass
class _Generator:
    seed: int
    horizon: dt.date
    counts: dict[str, int] = field(default_factory=dict)
    ids: IdNumberSource = field(default_factory=IdNumberSource)

    def rng(self, concern: str) -> random.Random:
        return random.Random(f"shanghui-demo:{self.seed}:{concern}")

    def count(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def date(self, year: int, month: int = 1, day: int = 1) -> dt.date:
        return min(dt.date(year, month, day), self.horizon)

    # --- organisations -----------------------------------------------------

    def organisations(self) -> None:
        rng = self.rng("orgs")
        self.district = load_dongcheng()
        self.departments = {d.code: d for d in load_departments()}
        self.streets = list(Region.objects.streets().filter(parent=self.district).order_by("code"))
        self.count("regions", Region.objects.count())
        self.count("departments", Department.objects.count())

        chambers = []
        for street in self.streets:
            full = street.code == FULL_GUARANTEES_STREET
            chambers.append(self._chamber(
                rng, name=f"{street.name}商会", kind=Chamber.Kind.STREET, region=street,
                founded=random_date(rng, self.date(2003), self.date(2012, 12, 31)),
                address=names.address(rng, street.name),
                has_office=full or rng.random() < 0.85, has_service_functions=full or rng.random() < 0.75,
                has_staff=full or rng.random() < 0.8, has_funding=full or rng.random() < 0.6,
            ))
        for name, _sections, (first, last) in INDUSTRY_CHAMBERS:
            chambers.append(self._chamber(rng, name=name, kind=Chamber.Kind.INDUSTRY, region=self.district,
                                          founded=random_date(rng, self.date(first), self.date(last, 12, 31)),
                                          has_office=True, has_staff=True))
        # The article (2018): "历经五年队伍已发展到160余人" — founded about 2013.
        chambers.append(self._chamber(rng, name=YOUTH_ASSOCIATION, kind=Chamber.Kind.ASSOCIATION,
                                      region=self.district, individual_members=True,
                                      founded=random_date(rng, self.date(2013, 3), self.date(2013, 9, 30)),
                                      has_office=True, has_staff=True, has_funding=True))
        Chamber.objects.bulk_create(chambers)
        self.count("chambers", len(chambers))
        self.street_chambers = chambers[:len(self.streets)]
        self.industry_chambers = chambers[len(self.streets):-1]
        self.youth = chambers[-1]

        stationed = []
        for chamber in self.street_chambers:
            for code in STATIONED_EVERYWHERE:
                stationed.append(ChamberDepartment(chamber=chamber, department=self.departments[code],
                                                   since=random_date(rng, self.date(2017, 6), self.date(2018, 12, 31))))
            for code in STATIONED_SOMEWHERE:
                if rng.random() < 0.35:
                    stationed.append(ChamberDepartment(chamber=chamber, department=self.departments[code],
                                                       since=random_date(rng, self.date(2019), self.date(2023, 12, 31))))
        ChamberDepartment.objects.bulk_create(stationed)
        self.count("chamber_departments", len(stationed))

    def _chamber(self, rng: random.Random, **fields) -> Chamber:
        chamber = Chamber(phone=f"010-6{rng.randrange(10**7):07d}", **fields)
        chamber.name_initials = initials(chamber.name)[:100]
        return chamber

    def staff(self) -> None:
        rng = self.rng("staff")
        rows = []
        for chamber in self.street_chambers:
            # The district staffs every street chamber with a full-time worker; instructors came with
            # the 2018 push for joint party committees in every street.
            rows.append(StaffAssignment(chamber=chamber, kind=StaffAssignment.Kind.WORKER,
                                        name=names.person_name(rng, male=rng.random() < 0.4)[0],
                                        start=random_date(rng, self.date(2010), self.date(2019, 12, 31))))
            rows.append(StaffAssignment(chamber=chamber, kind=StaffAssignment.Kind.INSTRUCTOR,
                                        name=names.person_name(rng, male=rng.random() < 0.6)[0],
                                        start=random_date(rng, self.date(2018, 3), self.date(2019, 12, 31))))
        StaffAssignment.objects.bulk_create(rows)
        self.count("staff", len(rows))
        self.staff_rows = rows

    # --- people --------------------------------------------------------------

    def person(self, rng: random.Random, *, region: Region, birth: dt.date, male: bool, politics, seqs=None,
               **fields) -> Person:
        name, name_initials = names.person_name(rng, male=male)
        person = Person(name=name, name_initials=name_initials[:100], region=region, **fields)
        kwargs = {"seqs": seqs} if seqs else {}
        person.set_id_number(self.ids.next(rng, birth, male=male, **kwargs))
        person.set_mobile(mobile(rng))
        status = weighted(rng, politics)
        # The Youth League is for people up to 28.
        if status == PoliticalStatus.LEAGUE and self.horizon.year - birth.year > 28:
            status = PoliticalStatus.MASSES
        person.political_status = status
        return person

    def youth_members(self) -> None:
        rng = self.rng("youth")
        founded = self.youth.founded
        total, leaving = rng.randint(176, 188), rng.randint(6, 10)
        people, joins = [], []
        for i in range(total):
            # About 160 members by the end of 2018 (the article: "历经五年…160余人"), the rest since.
            if i < 168:
                joined = random_date(rng, founded, self.date(2018, 12, 31))
            else:
                joined = random_date(rng, self.date(2019), self.horizon)
            birth = random_date(rng, self.date(1983), self.date(2000, 12, 31))
            street = self.streets[rng.randrange(len(self.streets))]
            people.append(self.person(rng, region=street, birth=birth, male=rng.random() < 0.65,
                                      politics=YOUTH_POLITICS, seqs=YOUTH_SEQ,
                                      position=rng.choice(["创始人", "总经理", "合伙人", "执行董事", "首席执行官"])))
            joins.append(joined)
        Person.objects.bulk_create(people)
        leavers = set(rng.sample(range(total), leaving))
        memberships = []
        for i, (person, joined) in enumerate(zip(people, joins, strict=True)):
            left = None
            if i in leavers and joined + dt.timedelta(days=365) < self.horizon:
                left = random_date(rng, joined + dt.timedelta(days=365), self.horizon)
            memberships.append(Membership(chamber=self.youth, person=person, joined=joined, left=left))
        Membership.objects.bulk_create(memberships)
        self.count("persons", len(people))
        self.count("memberships", len(memberships))

    # --- enterprises ---------------------------------------------------------

    def enterprises(self, total: int, batch_size: int, progress: Callable[[int, int], None] | None) -> None:
        rng = self.rng("enterprises")
        self.usccs = UsccSource(self.rng("uscc"))
        self.company_names = names.EnterpriseNames(self.rng("company-names"))
        street_weights = [STREET_WEIGHTS.get(s.code, 5) for s in self.streets]
        # Each street chamber recruits its own share of the street's active enterprises (40–50 %).
        self.street_state = {
            s.pk: _StreetState(chamber=c, share=rng.uniform(0.41, 0.49), offset=rng.random())
            for s, c in zip(self.streets, self.street_chambers, strict=True)
        }
        self.industry_chamber_by_section = {
            section: chamber
            for (_name, sections, _years), chamber in zip(INDUSTRY_CHAMBERS, self.industry_chambers, strict=True)
            for section in sections
        }
        demo_street = next(s for s in self.streets if s.code == DEMO_STREET)
        done = 0
        while done < total:
            n = min(batch_size, total - done)
            self._batch(rng, done, n, street_weights, demo_street)
            done += n
            if progress:
                progress(done, total)

    def _batch(self, rng: random.Random, start: int, n: int, street_weights: list[int], demo_street: Region) -> None:
        batch = []
        for i in range(start, start + n):
            # The very first enterprise is an active member in 东华门, so the demo enterprise
            # login always has one, however few enterprises are asked for.
            street = demo_street if i == 0 else rng.choices(self.streets, street_weights)[0]
            industry = weighted(rng, INDUSTRY_WEIGHTS)
            size = weighted(rng, SIZES)
            founded = dt.date.fromordinal(int(rng.triangular(
                dt.date(1988, 1, 1).toordinal(), self.horizon.toordinal(), dt.date(2014, 6, 30).toordinal())))
            name, name_initials = self.company_names.next(rng, industry)
            ent = Enterprise(
                uscc=self.usccs.next(rng), name=name, name_initials=name_initials[:100], region=street,
                industry=industry, size=size, employees=rng.randint(*EMPLOYEES[size]), founded=founded,
                status=Status.ACTIVE if i == 0 else weighted(rng, STATUSES), address=names.address(rng, street.name),
            )
            batch.append(ent)
        Enterprise.objects.bulk_create(batch)

        principals = []
        for ent in batch:
            birth = dt.date.fromordinal(int(rng.triangular(
                dt.date(1950, 1, 1).toordinal(), dt.date(1999, 12, 31).toordinal(), dt.date(1972, 1, 1).toordinal())))
            principals.append(self.person(rng, region=ent.region, birth=birth, male=rng.random() < 0.78,
                                          politics=PRINCIPAL_POLITICS, enterprise=ent,
                                          position=weighted(rng, names.POSITIONS)))
        Person.objects.bulk_create(principals)
        # One statement sets every principal of the batch (each enterprise has exactly one person here).
        first_person = Person.objects.filter(enterprise=OuterRef("pk")).order_by("pk").values("pk")[:1]
        Enterprise.objects.filter(pk__gte=batch[0].pk, pk__lte=batch[-1].pk, principal__isnull=True).update(
            principal=Subquery(first_person))

        memberships = []
        for index, ent in enumerate(batch, start=start):
            memberships += self._memberships(rng, ent, force=index == 0)
        Membership.objects.bulk_create(memberships)
        self.count("enterprises", len(batch))
        self.count("persons", len(principals))
        self.count("memberships", len(memberships))

    def _memberships(self, rng: random.Random, ent: Enterprise, *, force: bool) -> list[Membership]:
        state = self.street_state[ent.region_id]
        chamber = state.chamber
        rows = []
        start = max(ent.founded, chamber.founded)
        if ent.status == Status.ACTIVE:
            state.active += 1
            # Deterministic rounding of share × active enterprises so far: the street's member share
            # never strays more than one enterprise from its target.
            if force or state.members < int(state.share * state.active + state.offset):
                state.members += 1
                rows.append(Membership(chamber=chamber, enterprise=ent, joined=random_date(rng, start, self.horizon)))
            elif rng.random() < 0.06:
                rows += self._former_member(rng, chamber, ent, start)
        elif rng.random() < 0.3:
            rows += self._former_member(rng, chamber, ent, start)
        industry_chamber = self.industry_chamber_by_section.get(ent.industry)
        if industry_chamber and ent.status == Status.ACTIVE and rng.random() < 0.1:
            rows.append(Membership(chamber=industry_chamber, enterprise=ent,
                                   joined=random_date(rng, max(ent.founded, industry_chamber.founded), self.horizon)))
        return rows

    def _former_member(self, rng: random.Random, chamber: Chamber, ent: Enterprise, start: dt.date) -> list:
        latest_join = self.horizon - dt.timedelta(days=365)
        if start > latest_join:
            return []
        joined = random_date(rng, start, latest_join)
        left = random_date(rng, joined + dt.timedelta(days=180), self.horizon)
        return [Membership(chamber=chamber, enterprise=ent, joined=joined, left=left)]

    def roles(self) -> None:
        """Give each chamber its 会长, several 副会长 and 理事: the biggest members lead (earliest, for people)."""
        for chamber in [*self.street_chambers, *self.industry_chambers, self.youth]:
            current = Membership.objects.filter(chamber=chamber, left__isnull=True)
            if chamber.individual_members:
                current = current.order_by("joined", "pk")
            else:
                current = current.order_by("-enterprise__employees", "enterprise__uscc")
            ids = list(current.values_list("pk", flat=True)[:60])
            n = current.count()
            vice = min(8, max(2, n // 15)) if n >= 6 else max(0, n - 1) // 2
            directors = min(30, max(3, n // 6)) if n >= 12 else max(0, n - 1 - vice) // 2
            cut = [(MemberRole.PRESIDENT, 1), (MemberRole.VICE_PRESIDENT, vice), (MemberRole.DIRECTOR, directors)]
            pos = 0
            for role, k in cut:
                if ids[pos:pos + k]:
                    Membership.objects.filter(pk__in=ids[pos:pos + k]).update(role=role)
                pos += k

    # --- logins --------------------------------------------------------------

    def users(self) -> None:
        dhm_chamber = next(c for c in self.street_chambers if c.region.code == DEMO_STREET)
        member = (Membership.objects.filter(chamber=dhm_chamber, left__isnull=True, role=MemberRole.MEMBER)
                  .select_related("enterprise").order_by("enterprise__uscc").first()
                  or Membership.objects.filter(chamber=dhm_chamber, left__isnull=True)
                  .select_related("enterprise").order_by("enterprise__uscc").first())
        worker, instructor = [s for s in self.staff_rows if s.chamber_id == dhm_chamber.pk]
        enterprise = member.enterprise
        display = {
            "fic_admin": "区工商联管理员", "dhm_worker": worker.name, "dhm_instructor": instructor.name,
            "dhm_market": "东华门市场监管所", "dhm_enterprise": enterprise.principal.name if enterprise.principal_id
            else enterprise.name, "leader": "区领导", "auditor": "安全审计员", "root": "系统管理员",
        }
        created = create_demo_users(district=self.district, street=dhm_chamber.region,
                                    department=self.departments["market"], enterprise=enterprise, names=display)
        # The street's staff rows point at the matching logins.
        for staff, username in ((worker, "dhm_worker"), (instructor, "dhm_instructor")):
            if username in created:
                StaffAssignment.objects.filter(pk=staff.pk).update(user=created[username])
        self.count("users", len(created))


def generate(*, seed: int = 1, enterprises: int = 3000, batch_size: int = BATCH_SIZE,
             progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Fill an empty database with the demo data set; returns the counts of rows written."""
    if enterprises < 1:
        raise ValueError("enterprises must be at least 1")
    with transaction.atomic():
        if not database_is_empty():
            raise DemoDataExists(f"数据库中已有业务数据（{Enterprise.objects.count()}家企业、"
                                 f"{Chamber.objects.count()}个商会），不能再生成演示数据。")
        gen = _Generator(seed=seed, horizon=min(HORIZON, dt.date.today()))
        gen.organisations()
        gen.staff()
        gen.youth_members()
        gen.enterprises(enterprises, batch_size, progress)
        gen.roles()
        party.generate(gen, batch_size)
        recruitment.generate(gen, batch_size)
        party_dues.generate(gen, batch_size)
        activities.generate(gen, batch_size)
        servicedesk.generate(gen, batch_size)
        honors.generate(gen, batch_size)
        community.generate(gen, batch_size)
        library.generate(gen, batch_size)
        gen.users()
        notices.generate(gen, batch_size)
        invitations.generate(gen, batch_size)
        # bulk_create sends no save signals: index everything once at the end.
        for kind in search.KINDS:
            search.rebuild(kind)
        record(by=None, action="demo_data", object_type="demo",
               extra={"seed": seed, "enterprises": enterprises, "counts": gen.counts})
        if connection.vendor == "postgresql":
            # Freshly bulk-loaded tables have no statistics: without them the planner picks
            # nested loops over tens of thousands of rows (minutes for one DELETE ... IN).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    return gen.counts


def fingerprint() -> str:
    """A SHA-256 over the demo rows by natural keys, leaving out what is random by design.

    Left out: primary keys, creation timestamps, password hashes and the Fernet
    ciphertexts (random IVs); the keyed digests of ID and mobile numbers stand in
    for those, so the fingerprint compares within one field key.
    """
    h = hashlib.sha256()
    queries = [
        Region.objects.order_by("code").values_list("code", "name", "name_initials", "level", "parent__code", "path"),
        Department.objects.order_by("code").values_list("code", "name"),
        Chamber.objects.order_by("name").values_list(
            "name", "name_initials", "kind", "region__code", "founded", "individual_members", "has_office",
            "has_service_functions", "has_staff", "has_funding", "address", "phone", "is_active"),
        ChamberDepartment.objects.order_by("chamber__name", "department__code").values_list(
            "chamber__name", "department__code", "since"),
        StaffAssignment.objects.order_by("chamber__name", "kind", "start", "name").values_list(
            "chamber__name", "kind", "name", "user__username", "start", "end"),
        Enterprise.objects.order_by("uscc").values_list(
            "uscc", "name", "name_initials", "region__code", "industry", "size", "employees", "founded", "status",
            "address", "principal__id_number_digest"),
        Person.objects.order_by("id_number_digest").values_list(
            "id_number_digest", "name", "name_initials", "gender", "mobile_digest", "political_status",
            "region__code", "enterprise__uscc", "position"),
        Membership.objects.order_by("chamber__name", "enterprise__uscc", "person__id_number_digest", "joined")
        .values_list("chamber__name", "enterprise__uscc", "person__id_number_digest", "role", "joined", "left"),
        User.objects.order_by("username").values_list(
            "username", "role", "region__code", "enterprise__uscc", "department__code", "display_name",
            "is_superuser", "is_staff"),
    ]
    for query in queries:
        h.update(query.model._meta.label.encode())
        for row in query.iterator(chunk_size=5000):
            h.update(repr(row).encode())
    return h.hexdigest()
