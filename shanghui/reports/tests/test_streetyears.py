"""The street-year counters (streetyears.py) stay equal to the live KPI queries after writes of
every kind, by every path: ORM saves, bulk_create, queryset update/delete and raw SQL."""

import datetime as dt
import random

import pytest
from django.core.management import call_command
from django.db import connection

from shanghui.activities import kpis as activity_kpis
from shanghui.activities.models import Activity, Attendance, Kind, Status
from shanghui.core.kpis import Period
from shanghui.directory.choices import Status as EnterpriseStatus
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.party import kpis as party_kpis
from shanghui.party.models import Form, InstructorAssignment, PartyCoverage, PartyOrganization
from shanghui.reports import counters, kpis, streetyears
from shanghui.reports.models import EnterpriseMark
from shanghui.testing import make_uscc

from . import world

pytestmark = pytest.mark.django_db


def live(region, year: int) -> dict:
    """The rate KPIs per street computed by the live queries of party/ and activities/."""
    p = Period.year(year)
    out = {}
    for row in party_kpis.by_street(region, p):
        out[row.street.pk] = {k: row.figures[k] for k in party_kpis.ENTERPRISE_KPIS}
    for row in activity_kpis.by_street(region, p):
        out.setdefault(row.street.pk, {}).update(member=row.member, district=row.district)
    return out


def counted(region, year: int) -> dict:
    return {row.street.pk: {k: row.figures[k] for k in (*party_kpis.ENTERPRISE_KPIS, "member", "district")}
            for row in kpis.by_street(region, year)}


def assert_counters_right(cast, step=None):
    for year in (2016, *world.YEARS, 2020):
        assert counted(cast.district, year) == live(cast.district, year), (step, year)
    streetyears.settle()
    assert streetyears.stored() == streetyears.recount(), step
    assert not EnterpriseMark.objects.exists()


def _new_enterprise(rng, street, i):
    return Enterprise(uscc=make_uscc(rng), name=f"新企业{i}", region=street,
                      founded=rng.choice([None, dt.date(rng.randint(2015, 2020), rng.randint(1, 12), 1)]))


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_street_year_counters_equal_the_live_kpis_after_random_writes_of_every_kind(cast, seed):
    w = world.build(cast, seed, enterprises=30)
    rng: random.Random = w["rng"]
    streets = w["streets"]
    assert_counters_right(cast)
    assert streetyears.stored(), "the world has enterprises to count"
    ops = ["new", "bulk_new", "raw_new", "close", "reopen", "found", "move", "delete", "join", "leave",
           "unjoin", "cover", "uncover", "end_cover", "form", "instruct", "uninstruct", "attend", "unattend",
           "cancel"]
    for step in range(45):
        op = rng.choice(ops)
        ents = list(Enterprise.objects.exclude(pk__in=[cast.enterprise_a.pk, cast.enterprise_b.pk]).order_by("pk"))
        ent = rng.choice(ents)
        if op == "new":
            _new_enterprise(rng, rng.choice(streets), step).save()
        elif op == "bulk_new":
            Enterprise.objects.bulk_create([_new_enterprise(rng, rng.choice(streets), f"{step}-{i}") for i in range(3)])
        elif op == "raw_new":
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO directory_enterprise (uscc, name, name_initials, region_id, status, founded, "
                    "industry, size, address, created) "
                    "SELECT %s, %s, '', region_id, 'active', NULL, industry, size, address, created "
                    "FROM directory_enterprise WHERE id = %s",
                    [make_uscc(rng), f"原始企业{step}", ent.pk])
        elif op == "close":
            Enterprise.objects.filter(pk=ent.pk).update(
                status=rng.choice([EnterpriseStatus.CLOSED, EnterpriseStatus.MOVED]),
                status_changed=rng.choice([None, dt.date(2018, 1, 1), dt.date(rng.randint(2016, 2020), 7, 1)]))
        elif op == "reopen":
            Enterprise.objects.filter(pk=ent.pk).update(status=EnterpriseStatus.ACTIVE, status_changed=None)
        elif op == "found":
            ent.founded = rng.choice([None, dt.date(rng.randint(2016, 2020), rng.randint(1, 12), 28)])
            ent.save()
        elif op == "move":
            Enterprise.objects.filter(pk=ent.pk).update(region=rng.choice(streets))
        elif op == "delete":
            try:
                ent.delete()
            except Exception:  # noqa: BLE001 - protected by its own party organisation: another write instead
                continue
        elif op == "join":
            joined = dt.date(rng.randint(2015, 2020), rng.randint(1, 12), 1)
            Membership.objects.create(chamber=cast.chamber_a, enterprise=ent, joined=joined,
                                      left=rng.choice([None, joined + dt.timedelta(days=400)]))
        elif op == "leave":
            Membership.objects.filter(enterprise=ent, joined__gt=dt.date(2018, 6, 30)).delete()
            Membership.objects.filter(enterprise=ent, left__isnull=True).update(left=dt.date(2018, 6, 30))
        elif op == "unjoin":
            Membership.objects.filter(enterprise=ent).delete()
        elif op == "cover":
            org = rng.choice(list(PartyOrganization.objects.order_by("pk")))
            start = dt.date(rng.randint(2016, 2019), 3, 1)
            end = start + dt.timedelta(days=200) if PartyCoverage.objects.filter(enterprise=ent, end=None) else None
            PartyCoverage.objects.bulk_create([PartyCoverage(organization=org, enterprise=ent, start=start, end=end)])
        elif op == "uncover":
            PartyCoverage.objects.filter(enterprise=ent).delete()
        elif op == "end_cover":
            PartyCoverage.objects.filter(enterprise=ent, start__lte=dt.date(2017, 12, 31)).update(
                end=dt.date(2017, 12, 31))
        elif op == "form":
            org = rng.choice(list(PartyOrganization.objects.filter(coverages__isnull=False).distinct().order_by("pk")))
            with connection.cursor() as cursor:  # behind the ORM's back
                if org.form == Form.JOINT:
                    cursor.execute("UPDATE party_partyorganization SET form = 'own', enterprise_id = %s WHERE id = %s",
                                   [ent.pk, org.pk])
                else:
                    cursor.execute("UPDATE party_partyorganization SET form = 'joint', enterprise_id = NULL, "
                                   "host_chamber_id = %s WHERE id = %s", [cast.chamber_a.pk, org.pk])
        elif op == "instruct":
            staff = InstructorAssignment.objects.order_by("pk").first().instructor
            InstructorAssignment.objects.create(instructor=staff, enterprise=ent, start=dt.date(2019, 5, 1))
        elif op == "uninstruct":
            InstructorAssignment.objects.filter(enterprise=ent).delete()
        elif op == "attend":
            activity = rng.choice(list(Activity.objects.filter(kind=Kind.EDUCATION).order_by("pk")))
            person = Person.objects.create(name=f"参加人{step}", region=ent.region, enterprise=ent)
            Attendance.objects.create(activity=activity, person=person, enterprise=ent, region=ent.region)
        elif op == "unattend":
            Attendance.objects.filter(enterprise=ent).delete()
        elif op == "cancel":
            activity = rng.choice(list(Activity.objects.order_by("pk")))
            Activity.objects.filter(pk=activity.pk).update(
                status=Status.NORMAL if activity.status == Status.CANCELLED else Status.CANCELLED)
        assert_counters_right(cast, (step, op))


def test_a_spare_mark_changes_nothing_and_is_cleared(cast):
    world.build(cast, 31, enterprises=10)
    streetyears.settle()
    before = streetyears.stored()
    EnterpriseMark.objects.bulk_create([EnterpriseMark(enterprise_id=e) for e in
                                        Enterprise.objects.values_list("pk", flat=True)[:5]]
                                       + [EnterpriseMark(enterprise_id=10**9)])  # an id that never existed
    version = counters.version()
    assert streetyears.settle() is None
    assert streetyears.stored() == before and not EnterpriseMark.objects.exists()
    assert counters.version() == version + 1
    streetyears.settle()
    assert counters.version() == version + 1  # nothing left to do: no new version, the cache stays


def test_rebuild_counters_repairs_tampered_street_years(cast):
    world.build(cast, 32, enterprises=10)
    streetyears.settle()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_streetyear SET active = active + 3")
    with pytest.raises(Exception, match="不一致"):
        call_command("rebuild_counters", "--check")
    call_command("rebuild_counters")
    assert streetyears.stored() == streetyears.recount()
    assert counted(cast.district, 2018) == live(cast.district, 2018)


def test_a_year_outside_the_counters_is_computed_live(cast):
    Enterprise.objects.filter(pk=cast.enterprise_a.pk).update(founded=dt.date(1970, 5, 1))
    Enterprise.objects.filter(pk=cast.enterprise_b.pk).update(founded=dt.date(2000, 5, 1))
    year = streetyears.BASE_YEAR - 5
    assert not streetyears.kept(year)
    assert counted(cast.district, year) == live(cast.district, year)
    assert party_kpis.organisation_coverage(cast.district, year).denominator == 1
