"""Every dashboard KPI equals an independent count on random data, for the district and each street;
the additive ones add up from the streets to the district."""

import datetime as dt

import pytest
from django.utils import timezone

from shanghui.activities import kpis as live
from shanghui.activities.models import Attendance, Kind, Status
from shanghui.core.kpis import Period
from shanghui.directory.choices import Status as EnterpriseStatus
from shanghui.directory.models import Enterprise, Membership
from shanghui.party.models import PartyCoverage
from shanghui.reports import kpis

from . import world

pytestmark = pytest.mark.django_db


def active_in(ent: Enterprise, year: int) -> bool:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if ent.founded and ent.founded > end:
        return False
    return ent.status == EnterpriseStatus.ACTIVE or (ent.status_changed is not None and ent.status_changed > start)


def local_year(value) -> int:
    return timezone.localtime(value).year


def independent(region, year: int) -> dict:
    """The figures counted row by row in Python, from the records."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    ents = [e for e in Enterprise.objects.filter(region__path__startswith=region.path) if active_in(e, year)]
    members = {m.enterprise_id for m in Membership.objects.filter(enterprise__isnull=False)
               if m.joined <= end and (m.left is None or m.left >= start)}
    attended = {a.enterprise_id for a in Attendance.objects.select_related("activity")
                if a.enterprise_id and a.activity.kind == Kind.EDUCATION and a.activity.status == Status.NORMAL
                and local_year(a.activity.start) == year}
    covered = {c.enterprise_id for c in PartyCoverage.objects.all()
               if c.start <= end and (c.end is None or c.end >= start)}
    training = [a for a in Attendance.objects.select_related("activity", "region")
                if a.region.path.startswith(region.path) and a.activity.kind == Kind.TRAINING
                and a.activity.status == Status.NORMAL]
    member_ents = [e for e in ents if e.pk in members]
    return {
        "district": (sum(e.pk in attended for e in ents), len(ents)),
        "member": (sum(e.pk in attended for e in member_ents), len(member_ents)),
        "organisation": (sum(e.pk in covered for e in ents), len(ents)),
        "training": sum(local_year(a.activity.start) == year for a in training),
        "cumulative": sum(local_year(a.activity.start) <= year for a in training),
    }


@pytest.mark.parametrize("seed", [11, 12, 13, 14])
def test_every_kpi_equals_an_independent_count_for_the_district_and_each_street(cast, seed):
    w = world.build(cast, seed)
    for year in world.YEARS:
        for region in [cast.district, *w["streets"]]:
            want = independent(region, year)
            for key in ("member", "district", "organisation"):
                fig = kpis.figure(key, region, year)
                assert (fig.numerator, fig.denominator) == want[key], (seed, year, region.name, key)
                # The drill-down lists the same rows as the figure counts.
                assert fig.covered.count() == fig.numerator and fig.missing.count() == fig.missing_count
            training = live.training(region, year)
            assert (training.count, training.cumulative) == (want["training"], want["cumulative"])
            # The counters give what activities/kpis.py's live scan of the attendance table gives.
            live_training = live.training(region, Period.year(year))
            assert (training.count, training.cumulative) == (live_training.count, live_training.cumulative)
            for key in ("member", "district"):
                live_fig = live.figure(key, region, Period.year(year))
                assert set(kpis.figure(key, region, year).covered.values_list("pk", flat=True)) == set(
                    live_fig.covered.values_list("pk", flat=True))


@pytest.mark.parametrize("seed", [21, 22])
def test_district_is_the_sum_of_its_streets_for_the_additive_kpis(cast, seed):
    world.build(cast, seed)
    for year in world.YEARS:
        rows = kpis.by_street(cast.district, year)
        assert len(rows) == 17
        for key in ("organisation", "own", "work", "member", "district", "joint_committee"):
            fig = kpis.figure(key, cast.district, year)
            assert (sum(r.figures[key][0] for r in rows), sum(r.figures[key][1] for r in rows)) == (
                fig.numerator, fig.denominator), (year, key)
        assert sum(r.training for r in rows) == live.training(cast.district, year).count
        for row in rows:
            for key in ("member", "district"):
                fig = kpis.figure(key, row.street, year)
                assert row.figures[key] == (fig.numerator, fig.denominator)


def test_a_street_workers_scope_is_her_street_only(cast):
    world.build(cast, 31)
    assert kpis.scope_region(cast.worker_a) == cast.street_a
    rows = kpis.by_street(cast.worker_a, 2018)
    assert [r.street for r in rows] == [cast.street_a]
    mine = kpis.figure("district", cast.worker_a, 2018)
    assert (mine.numerator, mine.denominator) == (lambda f: (f.numerator, f.denominator))(
        kpis.figure("district", cast.street_a, 2018))
    assert not mine.covered.exclude(region=cast.street_a).exists()
    assert kpis.scope_region(cast.enterprise_user_a) is None and kpis.scope_region(cast.auditor) is None


def test_training_class_run_counts_consecutive_years(cast):
    w = world.build(cast, 41)
    run = kpis.training_class_run(cast.district, 2019)
    held = {local_year(a.start) for a in w["training_class"].activities.exclude(status=Status.CANCELLED)}
    years, y = 0, 2019
    while y in held:
        years, y = years + 1, y - 1
    assert run is not None and run.years == years
    assert kpis.training_class_run(cast.street_a, 2019) is None
