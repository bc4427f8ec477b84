"""The big registers' exports read a constant number of queries, however many rows they carry:
no query per row through a related object (an N+1 made a 153,000-row export take minutes)."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shanghui.activities.models import Activity, Attendance
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.party.models import PartyMember, PartyOrganization
from shanghui.testing import make_id_number, make_mobile, make_uscc

pytestmark = pytest.mark.django_db


def _person(cast, rng, i, enterprise) -> Person:
    person = Person(name=f"测试人{i}", region=cast.street_a, enterprise=enterprise, position="经理")
    person.set_id_number(make_id_number(rng))
    person.set_mobile(make_mobile(rng))
    person.save()
    return person


class World:
    """Adds rows to every big register at once, each row with all its related objects set."""

    def __init__(self, cast):
        self.cast, self.rng, self.i = cast, random.Random(21), 0
        self.org = PartyOrganization.objects.create(name="中共测试有限公司支部委员会", level="branch", form="own",
                                                    enterprise=cast.enterprise_a, founded=dt.date(2016, 7, 1))
        start = timezone.now()
        self.activity = Activity.objects.create(title="政策宣讲会", kind="training", region=cast.street_a,
                                                start=start, end=start + dt.timedelta(hours=2))

    def add(self, n: int) -> None:
        cast = self.cast
        for _ in range(n):
            self.i += 1
            enterprise = Enterprise.objects.create(uscc=make_uscc(self.rng), name=f"测试{self.i}有限公司",
                                                   region=cast.street_a, industry="R", size="small")
            person = _person(cast, self.rng, self.i, enterprise)
            enterprise.principal = person
            enterprise.save()
            Membership.objects.create(chamber=cast.chamber_a, enterprise=enterprise, joined=dt.date(2019, 1, 1))
            Membership.objects.create(chamber=cast.youth, person=person, joined=dt.date(2019, 1, 1))
            PartyMember.objects.create(person=person, organization=self.org, joined_party=dt.date(2010, 7, 1),
                                       joined_org=dt.date(2018, 1, 1))
            Attendance.objects.create(activity=self.activity, person=person, enterprise=enterprise,
                                      region=cast.street_a)


def _export_queries(client, url: str, fmt: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"format": fmt})
        assert response.status_code == 200
        b"".join(response.streaming_content)
    return len(queries)


def _urls(world) -> list[str]:
    return [reverse("directory:enterprise_export"), reverse("directory:person_export"),
            reverse("directory:membership_export"), reverse("party:member_export"),
            reverse("activities:attendance_export", args=[world.activity.pk])] + [
        reverse("imports:export", args=[kind]) for kind in
        ("enterprises", "persons", "memberships", "party_members", "attendances")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_big_registers_export_issues_as_many_queries_for_three_rows_as_for_twelve(client, cast, fmt):
    world = World(cast)
    world.add(3)
    client.force_login(cast.admin)
    urls = _urls(world)
    for url in urls:  # the first request of a session reads a few things once (the user, cached settings)
        _export_queries(client, url, fmt)
    before = {url: _export_queries(client, url, fmt) for url in urls}
    world.add(9)
    after = {url: _export_queries(client, url, fmt) for url in urls}
    assert after == before
