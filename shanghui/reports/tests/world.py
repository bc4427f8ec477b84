"""A seeded random little district for the KPI and counter tests.

Three streets (the cast's A and B and a third), enterprises with random founding, status and
closing dates, memberships that start and end, party coverage and instructor assignments,
activities of every kind over three years (some cancelled, some on New Year's Eve/Day in local
time), and attendances by principals and by people on their own account. Written with plain
ORM calls: the tests check figures, not services.
"""

import datetime as dt
import random

from django.utils import timezone

from shanghui.activities.models import Activity, ActivitySeries, Attendance, Kind, Status
from shanghui.directory.choices import Status as EnterpriseStatus
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.orgs.models import Chamber, Region, StaffAssignment
from shanghui.party.models import Form, InstructorAssignment, Level, PartyCoverage, PartyOrganization
from shanghui.testing import make_uscc

YEARS = (2017, 2018, 2019)
TZ = timezone.get_default_timezone()


def local(year, month, day, hour=10, minute=0):
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute), TZ)


def random_start(rng: random.Random) -> dt.datetime:
    year = rng.choice(YEARS)
    edge = rng.random()
    if edge < 0.1:  # just after local midnight on New Year's Day: still the previous year in UTC
        return local(year, 1, 1, 0, 30)
    if edge < 0.2:  # New Year's Eve late evening
        return local(year, 12, 31, 23, 30)
    return local(year, rng.randint(1, 12), rng.randint(1, 28), rng.choice([9, 14]))


def build(cast, seed: int, enterprises: int = 40) -> dict:
    rng = random.Random(seed)
    street_c = Region.objects.get(code="110101003")
    streets = [cast.street_a, cast.street_b, street_c]
    chambers = {cast.street_a.pk: cast.chamber_a, cast.street_b.pk: cast.chamber_b,
                street_c.pk: Chamber.objects.create(name="交道口街道商会", kind="street", region=street_c)}
    ents, people = [], []
    for i in range(enterprises):
        street = rng.choice(streets)
        status = rng.choice([EnterpriseStatus.ACTIVE] * 4 + [EnterpriseStatus.CLOSED, EnterpriseStatus.MOVED])
        ent = Enterprise.objects.create(
            uscc=make_uscc(rng), name=f"测试企业{seed}-{i}", region=street,
            founded=rng.choice([None, dt.date(rng.randint(2000, 2019), rng.randint(1, 12), 1)]), status=status,
            status_changed=(dt.date(rng.randint(2016, 2020), rng.randint(1, 12), 1)
                            if status != EnterpriseStatus.ACTIVE and rng.random() < 0.7 else None))
        ents.append(ent)
        person = Person.objects.create(name=f"负责人{i}", region=street, enterprise=ent)
        people.append(person)
        if rng.random() < 0.6:
            joined = dt.date(rng.randint(2015, 2019), rng.randint(1, 12), 1)
            left = joined + dt.timedelta(days=rng.randint(30, 1500)) if rng.random() < 0.3 else None
            Membership.objects.create(chamber=chambers[street.pk], enterprise=ent, joined=joined, left=left)
    loners = [Person.objects.create(name=f"个人{i}", region=rng.choice(streets)) for i in range(8)]
    people += loners
    # Party coverage: a joint committee per street (one of them dissolved), some own organisations.
    for street in streets:
        joint = PartyOrganization.objects.create(
            name=f"{street.name}商会联合党委", level=Level.COMMITTEE, form=Form.JOINT,
            host_chamber=chambers[street.pk], founded=dt.date(2016, 5, 1),
            dissolved=dt.date(2018, 6, 30) if street == street_c else None)
        for ent in ents:
            if ent.region_id == street.pk and rng.random() < 0.4:
                PartyCoverage.objects.create(organization=joint, enterprise=ent, start=dt.date(2017, 1, 1),
                                             end=rng.choice([None, dt.date(2018, 3, 1)]))
    open_coverage = set(PartyCoverage.objects.filter(end__isnull=True).values_list("enterprise", flat=True))
    for ent in rng.sample([e for e in ents if e.pk not in open_coverage], 6):
        own = PartyOrganization.objects.create(name=f"{ent.name}党支部", level=Level.BRANCH, form=Form.OWN,
                                               enterprise=ent, founded=dt.date(2017, 1, 1))
        PartyCoverage.objects.create(organization=own, enterprise=ent, start=dt.date(2018, 4, 1))
    instructor = StaffAssignment.objects.create(chamber=cast.chamber_a, kind="instructor", name="指导员",
                                                start=dt.date(2017, 1, 1))
    for ent in rng.sample(ents, 8):
        InstructorAssignment.objects.create(instructor=instructor, enterprise=ent, start=dt.date(2018, 2, 1))
    # Activities and attendance.
    training_class = ActivitySeries.objects.create(name=f"培训班{seed}", kind="training_class",
                                                   region=cast.district, first_year=2017)
    activities = []
    for i in range(24):
        start = random_start(rng)
        kind = rng.choice([Kind.EDUCATION, Kind.EDUCATION, Kind.TRAINING, Kind.TRAINING, Kind.MEETING])
        region = rng.choice([cast.district, *streets])
        activities.append(Activity.objects.create(
            title=f"活动{i}", kind=kind, region=region, start=start, end=start + dt.timedelta(hours=2),
            series=training_class if kind == Kind.TRAINING and region == cast.district else None,
            status=Status.CANCELLED if rng.random() < 0.1 else Status.NORMAL))
    rows = []
    for activity in activities:
        for person in rng.sample(people, rng.randint(0, 15)):
            ent = person.enterprise if person.enterprise_id and rng.random() < 0.9 else None
            rows.append(Attendance(activity=activity, person=person, enterprise=ent,
                                   region_id=Attendance.street_of(person, ent)))
    Attendance.objects.bulk_create(rows)
    return {"streets": streets, "enterprises": ents, "people": people, "activities": activities,
            "training_class": training_class, "rng": rng}
