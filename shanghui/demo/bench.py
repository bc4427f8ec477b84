"""Bench-scale additions to the demo data set (bench/dashboard.py), never part of the normal demo.

After `generator.generate(enterprises=1_000_000)`, `add_activity_load()` adds activities over the
years 2008-2025 in every street and the district (education, training, meetings and the rest,
about 2 % cancelled) and fills them with attendances drawn from every person of the data set,
until the totals asked for (the issue: 50,000 activities, 10,000,000 attendances) are reached.
An attendance counts for the street of the enterprise the person works for, else the person's.

Same rules as the demo generator: deterministic (a seeded Random per concern), bulk writes in
batches, no audit event per row. Attendance rows go in through a plain executemany, not model
instances: ten million ORM objects would cost more than the rest of the build; the counter
triggers count them like any other insert.
"""

import datetime as dt
import random
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from shanghui.activities.models import Activity, Attendance, Kind, Source, Status
from shanghui.directory.models import Person
from shanghui.orgs.models import Region

YEARS = range(2008, 2026)
KINDS = [(Kind.EDUCATION, 40), (Kind.TRAINING, 30), (Kind.MEETING, 15), (Kind.YOUTH, 5), (Kind.CHARITY, 5),
         (Kind.GOVERNANCE, 5)]
BATCH = 20_000


def add_activity_load(*, seed: int = 1, activities: int, attendances: int,
                      progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Add activities and attendances up to the totals given; returns the counts added."""
    rng = random.Random(f"shanghui-bench:{seed}:activities")
    have_activities, have_attendances = Activity.objects.count(), Attendance.objects.count()
    new_activities = max(0, activities - have_activities)
    new_attendances = max(0, attendances - have_attendances)
    if new_attendances and not new_activities:
        new_activities = max(1, new_attendances // 200)  # the demo alone made enough activities
    if not new_activities:
        return {"activities": 0, "attendances": 0}
    regions = [*Region.objects.streets().order_by("code"), Region.objects.filter(level="district").get()]
    tz = timezone.get_default_timezone()
    rows = []
    for i in range(new_activities):
        year = rng.choice(YEARS)
        day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        start = timezone.make_aware(dt.datetime(day.year, day.month, day.day, rng.choice([9, 14])), tz)
        kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
        rows.append(Activity(title=f"{year}年活动{i + 1}", kind=kind, region=rng.choice(regions), start=start,
                             end=start + dt.timedelta(hours=3), created=start - dt.timedelta(days=7),
                             status=Status.CANCELLED if rng.random() < 0.02 else Status.NORMAL))
    with transaction.atomic():
        Activity.objects.bulk_create(rows, batch_size=2000)
    if progress:
        progress("activities", new_activities, new_activities)

    people = list(Person.objects.order_by("pk").values_list("pk", "region_id", "enterprise_id",
                                                             "enterprise__region_id"))
    adapt = connection.ops.adapt_datetimefield_value
    sql = ("INSERT INTO activities_attendance (activity_id, person_id, enterprise_id, region_id, source, created) "
           "VALUES (%s, %s, %s, %s, %s, %s)")
    per_activity, extra = divmod(new_attendances, len(rows))
    written, batch = 0, []
    for index, activity in enumerate(rows):
        n = min(len(people), per_activity + (1 if index < extra else 0))
        created = adapt(activity.end)
        source = Source.IMPORT if activity.kind == Kind.TRAINING else Source.QR
        for i in rng.sample(range(len(people)), n):
            pk, region, enterprise, ent_region = people[i]
            batch.append((activity.pk, pk, enterprise, ent_region if enterprise else region, source, created))
        if len(batch) >= BATCH or index == len(rows) - 1:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, batch)
            written += len(batch)
            batch = []
            if progress:
                progress("attendances", written, new_attendances)
    return {"activities": new_activities, "attendances": written}
