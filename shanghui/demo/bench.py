"""Bench-scale additions to the demo data set (bench/dashboard.py), never part of the normal demo.

After `generator.generate()` (the 3,000-enterprise demo), `add_scale_load()` tops the data set up
to the benchmark sizes (1,000,000 enterprises, 300,000 memberships, 200,000 party
members, 50,000 activities, 10,000,000 attendances): enterprises in every street, memberships of
their street chamber, party coverage and instructors, people working for them, party members,
activities of every kind over 2008-2025 (about 2 % cancelled) and attendances drawn from every
person. An attendance counts for the street of the enterprise the person works for, else the
person's.

Same rules as the demo generator: deterministic (a seeded Random), bulk writes in batches, no
audit event per row.
"""

import datetime as dt
import random
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from shanghui.activities.models import Activity, Attendance, Kind, Source, Status
from shanghui.directory.choices import Status as EnterpriseStatus
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.imports.sql import insert_rows
from shanghui.orgs.models import Chamber, Region, StaffAssignment
from shanghui.party.models import Form, InstructorAssignment, PartyCoverage, PartyMember, PartyOrganization
from shanghui.reports import counters, streetyears

YEARS = range(2008, 2026)
KINDS = [(Kind.EDUCATION, 40), (Kind.TRAINING, 30), (Kind.MEETING, 15), (Kind.YOUTH, 5), (Kind.CHARITY, 5),
         (Kind.GOVERNANCE, 5)]


# Rows are written as plain tuples through the import engine's bulk insert
# (executemany on SQLite, COPY on PostgreSQL): the ORM path of the demo generator costs about
# 9 ms an enterprise (names, pinyin, encrypted identity numbers), i.e. 2.5 hours for a million.
# The rows are deliberately plain (no identity numbers or phone numbers): they exist to be counted.

def add_scale_load(*, seed: int = 1, enterprises: int, memberships: int, persons: int, party_members: int,
                   activities: int, attendances: int,
                   progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Top the demo data set up to the totals given, with the dashboard's counter triggers off
    during the load and the counters recounted once at the end (their cost per write is measured
    separately). Returns the number of rows added per table and the recount's seconds."""
    rng = random.Random(f"shanghui-bench:{seed}:scale")
    note = progress or (lambda *a: None)
    streets = list(Region.objects.streets().order_by("code").values_list("pk", flat=True))
    chamber_of = dict(Chamber.objects.filter(kind=Chamber.Kind.STREET).values_list("region", "pk"))
    joint_of = dict(PartyOrganization.objects.filter(form=Form.JOINT, host_chamber__kind=Chamber.Kind.STREET)
                    .values_list("host_chamber__region", "pk"))
    own_orgs = list(PartyOrganization.objects.filter(form=Form.OWN).values_list("pk", flat=True))
    instructors = list(StaffAssignment.objects.filter(kind=StaffAssignment.Kind.INSTRUCTOR)
                       .values_list("pk", flat=True))
    now = timezone.now()
    added: dict[str, int] = {}

    def chunks(rows, size=100_000):
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch

    def load(name, model, fields, rows, total):
        done = 0
        for batch in chunks(rows):
            with transaction.atomic():
                done += insert_rows(model, fields, batch)
            note(name, done, total)
        added[name] = done

    def day(first, last):
        return dt.date(rng.randint(first, last), rng.randint(1, 12), rng.randint(1, 28))

    counters.uninstall()
    try:
        new = max(0, enterprises - Enterprise.objects.count())
        first_new = (Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

        def enterprise_rows():
            for i in range(new):
                closed = rng.random() < 0.15
                yield (f"BENCH{seed:02d}{i:011d}", f"基准企业{i}", "", rng.choice(streets),
                       None if rng.random() < 0.1 else day(1990, 2024),
                       rng.choice([EnterpriseStatus.CLOSED, EnterpriseStatus.MOVED]) if closed
                       else EnterpriseStatus.ACTIVE, day(2005, 2025) if closed else None, "", "", "", now)

        load("enterprises", Enterprise, ["uscc", "name", "name_initials", "region", "founded", "status",
                                         "status_changed", "industry", "size", "address", "created"],
             enterprise_rows(), new)
        ents = list(Enterprise.objects.filter(pk__gte=first_new).order_by("pk").values_list("pk", "region_id"))

        picked = rng.sample(ents, min(len(ents), max(0, memberships - Membership.objects.count())))

        def membership_rows():
            for pk, region in picked:
                joined = day(2000, 2024)
                left = joined + dt.timedelta(days=rng.randint(200, 3000)) if rng.random() < 0.2 else None
                yield "member", joined, left, chamber_of[region], pk

        load("memberships", Membership, ["role", "joined", "left", "chamber", "enterprise"], membership_rows(),
             len(picked))

        # Party coverage: about 30 % by the street's joint committee, 3 % by their own organisation,
        # 10 % with an instructor.
        shuffled = rng.sample(ents, len(ents))
        joint_n, own_n = int(len(ents) * 0.30), int(len(ents) * 0.03) if own_orgs else 0
        load("coverages", PartyCoverage, ["organization", "enterprise", "start", "end"],
             ((joint_of[region] if i < joint_n else rng.choice(own_orgs), pk, day(2008, 2020),
               day(2021, 2024) if rng.random() < 0.1 else None)
              for i, (pk, region) in enumerate(shuffled[:joint_n + own_n]) if region in joint_of),
             joint_n + own_n)
        taught = rng.sample(ents, int(len(ents) * 0.10)) if instructors else []
        load("instructor_assignments", InstructorAssignment, ["instructor", "enterprise", "start"],
             ((rng.choice(instructors), pk, day(2010, 2020)) for pk, _ in taught), len(taught))

        new_people = max(0, persons - Person.objects.count())
        first_person = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        owners = [rng.choice(ents) if rng.random() < 0.9 else (None, rng.choice(streets)) for _ in range(new_people)]
        load("persons", Person, ["name", "name_initials", "gender", "id_number_cipher", "mobile_cipher",
                                 "mobile_digest", "political_status", "position", "created", "enterprise", "region"],
             ((f"基准人员{i}", "", "M", "", "", "", "", "", now, ent, region)
              for i, (ent, region) in enumerate(owners)), new_people)
        people = list(Person.objects.order_by("pk").values_list("pk", "region_id", "enterprise_id",
                                                                 "enterprise__region_id"))
        new_members = max(0, party_members - PartyMember.objects.count())
        busy = set(PartyMember.objects.filter(left__isnull=True).values_list("person", flat=True))
        orgs = [*joint_of.values(), *own_orgs]
        candidates = [p[0] for p in people if p[0] >= first_person and p[0] not in busy]
        load("party_members", PartyMember, ["person", "organization", "category", "joined_party", "joined_org",
                                            "flowing"],
             ((pk, rng.choice(orgs), "full", joined, joined, False)
              for pk in candidates[:new_members] for joined in [day(1980, 2024)]), min(new_members, len(candidates)))

        added.update(add_activity_rows(rng, activities=activities, attendances=attendances, people=people,
                                       load=load))
    finally:
        counters.install()
    started = time.monotonic()
    counters.rebuild()
    streetyears.rebuild()
    added["recount_seconds"] = round(time.monotonic() - started, 1)
    return added


def add_activity_rows(rng: random.Random, *, activities: int, attendances: int, people: list, load) -> dict:
    """Activities over 2008-2025 and attendances drawn from `people` up to the totals ."""
    new_activities = max(0, activities - Activity.objects.count())
    new_attendances = max(0, attendances - Attendance.objects.count())
    if not new_activities:
        return {}
    regions = [*Region.objects.streets().order_by("code"), Region.objects.filter(level="district").get()]
    tz = timezone.get_default_timezone()
    rows = []
    for i in range(new_activities):
        year = rng.choice(YEARS)
        start = timezone.make_aware(dt.datetime(year, rng.randint(1, 12), rng.randint(1, 28), rng.choice([9, 14])), tz)
        kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
        rows.append(Activity(title=f"{year}年活动{i + 1}", kind=kind, region=rng.choice(regions), start=start,
                             end=start + dt.timedelta(hours=3), created=start - dt.timedelta(days=7),
                             status=Status.CANCELLED if rng.random() < 0.02 else Status.NORMAL))
    with transaction.atomic():
        Activity.objects.bulk_create(rows, batch_size=2000)
    per_activity, extra = divmod(new_attendances, len(rows))

    def attendance_rows():
        for index, activity in enumerate(rows):
            n = min(len(people), per_activity + (1 if index < extra else 0))
            source = Source.IMPORT if activity.kind == Kind.TRAINING else Source.QR
            for i in rng.sample(range(len(people)), n):
                pk, region, enterprise, ent_region = people[i]
                yield activity.pk, pk, enterprise, ent_region if enterprise else region, source, activity.end

    load("attendances", Attendance, ["activity", "person", "enterprise", "region", "source", "created"],
         attendance_rows(), new_attendances)
    return {"activities": new_activities}
