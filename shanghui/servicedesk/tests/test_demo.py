"""The service-request part of the demo data set."""

import datetime as dt

import pytest
from django.db import transaction

from shanghui.accounts.models import User
from shanghui.core.kpis import Period
from shanghui.demo.generator import generate
from shanghui.demo.servicedesk import fingerprint_rows
from shanghui.orgs import workdays
from shanghui.orgs.models import Holiday, Region
from shanghui.servicedesk import kpis
from shanghui.servicedesk.models import RequestEvent, ServiceRequest, State


@pytest.fixture
def demo(db):
    return generate(seed=5, enterprises=300)


def test_a_year_of_requests_in_every_state_with_timelines(demo):
    assert demo["service_requests"] == ServiceRequest.objects.count() >= 40
    assert set(ServiceRequest.objects.values_list("state", flat=True)) == set(State.values)
    assert ServiceRequest.objects.filter(filed_at__year=2018).count() == ServiceRequest.objects.count()
    # Every request's timeline starts with its filing and ends in its current state.
    for req in ServiceRequest.objects.prefetch_related("events"):
        events = list(req.events.all())
        assert events[0].action == "file" and events[-1].to_state == req.state, req.pk
        assert all(a.at <= b.at for a, b in zip(events, events[1:], strict=False)), req.pk
    assert RequestEvent.objects.count() == demo["service_request_events"]
    # Deadlines follow the official calendar (no day is typed by hand): none falls on a day off.
    off, _ = workdays.official(dt.date(2018, 1, 1), dt.date(2019, 12, 31))
    assert not set(ServiceRequest.objects.values_list("deadline", flat=True)) & set(off)
    assert not Holiday.objects.exists()


def test_the_figures_look_like_a_working_service(demo):
    district = Region.objects.get(code="110101")
    s = kpis.summary(district, Period.year(2018))
    assert s.filed == ServiceRequest.objects.count()
    assert 70 <= s.on_time_rate <= 95
    assert 3.5 <= s.mean_satisfaction <= 5
    assert s.median_days is not None and s.median_days > 0
    streets = [r for r in kpis.by_street(district, Period.year(2018)) if r.filed]
    departments = [r for r in kpis.by_department(district, Period.year(2018)) if r.resolved]
    assert len(streets) >= 10 and len(departments) == 5


def test_the_demo_handler_sees_his_departments_requests(demo):
    handler = User.objects.get(username="dhm_market")
    visible = ServiceRequest.objects.visible_to(handler)
    assert visible.exists()
    assert set(visible.values_list("department__code", flat=True)) == {"market"}
    assert set(visible.values_list("enterprise__region__code", flat=True)) == {"110101001"}


class _Undo(Exception):
    pass


def _rows_of(seed: int) -> list:
    """Generate inside a savepoint, read the rows, roll back: the next call starts from an empty database."""
    try:
        with transaction.atomic():
            generate(seed=seed, enterprises=120)
            result = [list(q) for q in fingerprint_rows()]
            raise _Undo
    except _Undo:
        return result


def test_same_seed_gives_the_same_requests(db):
    first = _rows_of(5)
    assert len(first[0]) >= 40 and not ServiceRequest.objects.exists()
    assert _rows_of(5) == first
    assert _rows_of(6) != first
