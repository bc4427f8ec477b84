"""A small hand-built world of activities on top of the shared cast; the KPI tests work out its answers.

Year 2018, street A (东华门):
  enterprise_a   member all year (cast)      its principal attends the street's education day (3-10)
  joined_mid     member from 2018-07-01      attended the district lecture (10-01)
  left_mid       member until 2018-03-31     no education attendance              → missing
  former         member until 2017-12-31     attended the street's education day  → district only
  old_job        not a member                王换岗 represented it on 3-10, then moved to new_job
  new_job        not a member                王换岗 represented it on 10-01
  cancelled_only member all year             attended only the cancelled education day (B, 5-01) → missing
Street B (景山):
  enterprise_b   member all year (cast)      its principal attends the district lecture
  b_plain        not a member                attended an education day on 2019-01-01 00:30 (Beijing) → 2019
Training: the district class (series), sessions held in 2014, 2016, 2017 (two), 2018 (two), and a
cancelled 2018 session; 2015 had none.
"""

import datetime as dt
import random
from dataclasses import dataclass

import pytest
from django.utils import timezone

from shanghui.activities import services
from shanghui.activities.models import Activity, ActivitySeries
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.testing import make_mobile, make_uscc

D = dt.date


def at(y, m, d, hh=9, mm=0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(y, m, d, hh, mm), timezone.get_default_timezone())


@dataclass
class World:
    cast: object
    edu_a: Activity
    edu_district: Activity
    edu_cancelled: Activity
    edu_2019: Activity
    series: ActivitySeries
    sessions: dict
    joined_mid: Enterprise
    left_mid: Enterprise
    former: Enterprise
    old_job: Enterprise
    new_job: Enterprise
    cancelled_only: Enterprise
    b_plain: Enterprise
    mover: Person
    trainees: list


def _enterprise(rng, name, region) -> Enterprise:
    return Enterprise.objects.create(uscc=make_uscc(rng), name=name, region=region)


def _person(rng, name, region, enterprise=None) -> Person:
    p = Person(name=name, region=region, enterprise=enterprise)
    p.set_mobile(make_mobile(rng))
    p.save()
    return p


@pytest.fixture
def world(cast) -> World:
    rng = random.Random(61)
    admin, a, b = cast.admin, cast.street_a, cast.street_b
    joined_mid = _enterprise(rng, "东华门年中入会有限公司", a)
    left_mid = _enterprise(rng, "东华门年中退会有限公司", a)
    former = _enterprise(rng, "东华门往年会员有限公司", a)
    old_job = _enterprise(rng, "东华门旧东家有限公司", a)
    new_job = _enterprise(rng, "东华门新东家有限公司", a)
    cancelled_only = _enterprise(rng, "东华门白跑一趟有限公司", a)
    b_plain = _enterprise(rng, "景山跨年活动有限公司", b)
    Membership.objects.create(chamber=cast.chamber_a, enterprise=joined_mid, joined=D(2018, 7, 1))
    Membership.objects.create(chamber=cast.chamber_a, enterprise=left_mid, joined=D(2015, 1, 1), left=D(2018, 3, 31))
    Membership.objects.create(chamber=cast.chamber_a, enterprise=former, joined=D(2012, 1, 1), left=D(2017, 12, 31))
    Membership.objects.create(chamber=cast.chamber_a, enterprise=cancelled_only, joined=D(2016, 1, 1))

    edu_a = services.activity_create(by=admin, title="东华门街道理想信念教育日", kind="education", region=a,
                                     start=at(2018, 3, 10), end=at(2018, 3, 10, 12), themes=["belief", "trust"],
                                     organisers=[cast.chamber_a])
    edu_district = services.activity_create(by=admin, title="全区“四信”专题报告会", kind="education",
                                            region=cast.district, start=at(2018, 10, 1, 14),
                                            end=at(2018, 10, 1, 17), themes=["belief", "confidence", "trust",
                                                                             "credibility"])
    edu_cancelled = services.activity_create(by=admin, title="景山街道教育日（取消）", kind="education", region=b,
                                             start=at(2018, 5, 1), end=at(2018, 5, 1, 11))
    edu_2019 = services.activity_create(by=admin, title="景山新年第一课", kind="education", region=b,
                                        start=at(2019, 1, 1, 0, 30), end=at(2019, 1, 1, 2))

    mover = _person(rng, "王换岗", a, old_job)
    p_joined = _person(rng, "李年中", a, joined_mid)
    p_former = _person(rng, "赵往年", a, former)
    p_cancel = _person(rng, "钱白跑", a, cancelled_only)
    p_plain = _person(rng, "孙跨年", b, b_plain)
    add = services.attendance_add
    add(by=admin, activity=edu_a, person=cast.person_a)
    add(by=admin, activity=edu_a, person=p_former)
    add(by=admin, activity=edu_a, person=mover)  # representing old_job
    mover.enterprise = new_job
    mover.save()
    add(by=admin, activity=edu_district, person=mover)  # now representing new_job
    add(by=admin, activity=edu_district, person=p_joined)
    add(by=admin, activity=edu_district, person=cast.person_b)
    add(by=admin, activity=edu_cancelled, person=p_cancel)
    add(by=admin, activity=edu_2019, person=p_plain)
    services.activity_update(by=admin, activity=edu_cancelled, status="cancelled")

    series = services.series_create(by=admin, name="东城区非公经济人士培训班", kind="training_class",
                                    region=cast.district, first_year=2014)
    trainees = [cast.person_a, cast.person_b, mover, p_joined, p_former]
    sessions = {}
    plan = [("2014", at(2014, 6, 1), 2), ("2016", at(2016, 6, 1), 2), ("2017a", at(2017, 6, 1), 3),
            ("2017b", at(2017, 6, 8), 2), ("2018a", at(2018, 6, 1), 2), ("2018b", at(2018, 6, 8), 1),
            ("2018x", at(2018, 6, 15), 1)]
    for n, (key, start, count) in enumerate(plan, start=1):
        s = services.activity_create(by=admin, title=f"培训班{key}", kind="training", region=cast.district,
                                     series=series, session=n, start=start, end=start + dt.timedelta(hours=3))
        for person in trainees[:count]:
            add(by=admin, activity=s, person=person)
        sessions[key] = s
    services.activity_update(by=admin, activity=sessions["2018x"], status="cancelled")
    return World(cast=cast, edu_a=edu_a, edu_district=edu_district, edu_cancelled=edu_cancelled, edu_2019=edu_2019,
                 series=series, sessions=sessions, joined_mid=joined_mid, left_mid=left_mid, former=former,
                 old_job=old_job, new_job=new_job, cancelled_only=cancelled_only, b_plain=b_plain, mover=mover,
                 trainees=trainees)


@pytest.fixture
def live(cast):
    """An education activity of street A, organised by its chamber, happening now (sign-in open)."""
    now = timezone.now()
    return services.activity_create(by=cast.admin, title="东华门“四信”讲堂", kind="education", region=cast.street_a,
                                    start=now - dt.timedelta(minutes=30), end=now + dt.timedelta(hours=1),
                                    themes=["belief"], organisers=[cast.chamber_a])
