"""The KPI drill-down lists of the API read their rows straight from the querysets (the schemas
resolve the nested values), and the compliance list pages the way @paginated does."""

import datetime as dt

import pytest
from django.utils import timezone

from shanghui.activities import services as activities
from shanghui.party import services as party

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(cast):
    admin, start = cast.admin, timezone.now() - dt.timedelta(days=1)
    for street, chamber, person in ((cast.street_a, cast.chamber_a, cast.person_a),
                                    (cast.street_b, cast.chamber_b, cast.person_b)):
        for kind in ("education", "training"):
            activity = activities.activity_create(by=admin, title=f"{street.name}{kind}", kind=kind, region=street,
                                                  start=start, end=start + dt.timedelta(hours=2))
            activities.attendance_add(by=admin, activity=activity, person=person)
        org = party.organization_create(by=admin, name=f"{street.name}商会联合党委", level="committee",
                                        form="joint", host_chamber=chamber, founded=dt.date(2019, 1, 1),
                                        term_years=5)
        party.member_create(by=admin, person=person, organization=org, joined_party=dt.date(2015, 7, 1),
                            joined_org=dt.date(2020, 1, 1))
    return cast


def test_drill_down_rows_are_streets_or_enterprises(records, as_user):
    client = as_user(records.admin)
    streets = client.get("/api/v1/party/kpis/joint_committee/covered").json()
    assert streets["count"] == 2
    assert {(r["code"], r["region"]) for r in streets["items"]} == {
        (records.street_a.code, None), (records.street_b.code, None)}
    enterprises = client.get("/api/v1/party/kpis/own/missing").json()["items"]
    assert enterprises and all(r["code"] != r["region"] and len(r["code"]) == 18 for r in enterprises)
    assert {r["region"] for r in enterprises} == {records.street_a.code, records.street_b.code}


def test_training_rows_carry_the_activity_and_the_person(records, as_user):
    body = as_user(records.worker_a).get("/api/v1/activities/kpis/training").json()
    assert body["count"] == 1
    [row] = body["items"]
    assert row["activity_title"] == f"{records.street_a.name}training"
    assert (row["person"], row["person_name"], row["region"]) == (records.person_a.pk, records.person_a.name,
                                                                  records.street_a.code)


def test_compliance_pages_like_every_paginated_list(records, as_user):
    client = as_user(records.admin)
    whole = client.get("/api/v1/party/compliance").json()
    assert whole["count"] == len(whole["items"]) == 2
    pages = [client.get(f"/api/v1/party/compliance?page_size=1&page={n}").json() for n in (1, 2, 3)]
    assert [p["count"] for p in pages] == [2, 2, 2]
    assert [p["items"] for p in pages] == [whole["items"][:1], whole["items"][1:], []]
