import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shanghui.core.kpis import Period
from shanghui.servicedesk import kpis
from shanghui.servicedesk.forms import RequestFilter
from shanghui.servicedesk.models import ServiceRequest


def at(day: dt.date, hour=10):
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour), timezone.get_default_timezone())


def make(desk, *, enterprise_user, filed, deadline, resolved=None, rating=None, department=None, title="诉求"):
    req = desk.file(enterprise_user=enterprise_user, title=title)
    ServiceRequest.objects.filter(pk=req.pk).update(
        filed_at=at(filed), deadline=deadline, resolved_at=at(resolved, 16) if resolved else None,
        state="closed" if rating else ("resolved" if resolved else "submitted"), satisfaction=rating,
        department=department or (desk.cast.market if resolved else None))
    return req


def world(desk):
    """Street A: 3 filed in 2024 (one on time rated 5, one late rated 3, one open), one filed in 2023 and
    resolved in 2024 on time (unrated). Street B: 1 filed and resolved on time, rated 4, by justice."""
    c, D = desk.cast, dt.date
    a, b = c.enterprise_user_a, desk.enterprise_user_b
    make(desk, enterprise_user=a, filed=D(2024, 3, 1), deadline=D(2024, 3, 15), resolved=D(2024, 3, 5), rating=5)
    make(desk, enterprise_user=a, filed=D(2024, 4, 1), deadline=D(2024, 4, 10), resolved=D(2024, 4, 21), rating=3)
    make(desk, enterprise_user=a, filed=D(2024, 6, 1), deadline=D(2024, 6, 14))
    make(desk, enterprise_user=a, filed=D(2023, 12, 20), deadline=D(2024, 1, 10), resolved=D(2024, 1, 10))
    make(desk, enterprise_user=b, filed=D(2024, 5, 1), deadline=D(2024, 5, 20), resolved=D(2024, 5, 8), rating=4,
         department=desk.justice)


def test_summary_for_the_district_and_a_street(desk):
    world(desk)
    c, year = desk.cast, Period.year(2024)
    s = kpis.summary(c.district, year)
    assert (s.filed, s.resolved, s.resolved_on_time) == (4, 4, 3)
    assert s.on_time_rate == Decimal("75.0")
    assert s.mean_satisfaction == Decimal("4.00")
    # Handling times 4, 20, 21 and 7 days (filed 10:00, resolved 16:00): median 13.75 → 13.8.
    assert s.median_days == 13.8
    a = kpis.summary(c.street_a, year)
    assert (a.filed, a.resolved, a.resolved_on_time, a.mean_satisfaction) == (3, 3, 2, Decimal("4.00"))
    empty = kpis.summary(c.district, Period.year(2020))
    assert (empty.filed, empty.on_time_rate, empty.mean_satisfaction, empty.median_days) == (0, None, None, None)


def test_a_users_scope_counts_only_what_he_sees(desk):
    world(desk)
    c, year = desk.cast, Period.year(2024)
    assert kpis.summary(c.worker_a, year).filed == 3
    assert kpis.summary(c.leader, year).filed == 4
    # The market handler of street A: the resolved ones assigned to market there.
    handler = kpis.summary(c.handler_a, year)
    assert (handler.filed, handler.resolved) == (2, 3)
    assert kpis.summary(c.auditor, year).filed == 0
    assert kpis.summary(desk.enterprise_user_b, year).resolved == 1


def test_grouped_rows_add_up_to_the_summary(desk):
    world(desk)
    c, year = desk.cast, Period.year(2024)
    total = kpis.summary(c.district, year)
    for rows in (kpis.by_department(c.district, year), kpis.by_category(c.district, year),
                 kpis.by_street(c.district, year)):
        assert sum(r.filed for r in rows) == total.filed
        assert sum(r.resolved for r in rows) == total.resolved
        assert sum(r.resolved_on_time for r in rows) == total.resolved_on_time
    streets = {r.label: r for r in kpis.by_street(c.district, year)}
    assert len(streets) == 17 and streets["景山街道"].mean_satisfaction == Decimal("4.00")
    departments = {r.label: r for r in kpis.by_department(c.district, year)}
    assert departments["司法"].resolved == 1 and departments["尚未交办"].filed == 1
    assert departments["市场监管"].on_time_rate == Decimal("66.7")


def test_drilldowns_list_the_requests_behind_each_figure(desk):
    world(desk)
    c, year = desk.cast, Period.year(2024)
    assert kpis.drilldown(c.district, year, "filed").count() == 4
    assert kpis.drilldown(c.district, year, "late").count() == 1
    assert kpis.drilldown(c.district, year, "on_time", "street", "110101002").count() == 1
    assert kpis.drilldown(c.district, year, "filed", "department", "none").count() == 1
    assert kpis.drilldown(c.district, year, "rated", "category", str(desk.category.pk)).count() == 3
    client = Client()
    client.force_login(c.worker_a)
    query = {"start": "2024-01-01", "end": "2024-12-31"}
    page = client.get(reverse("servicedesk:kpis"), query).content.decode()
    assert "75.0%" not in page and "66.7%" in page  # street A only: 2 of 3 on time
    csv = b"".join(client.get(reverse("servicedesk:kpi_export", args=["resolved"]),
                              {**query, "format": "csv"}).streaming_content).decode()
    assert csv.count("诉求") >= 3 and "景山" not in csv
    # Asking for another street's rows through the URL gives none of them.
    listing = client.get(reverse("servicedesk:kpi_list", args=["filed"]),
                         {**query, "group": "street", "key": "110101002"}).content.decode()
    assert "共 0 条" in listing


def test_api_kpis_match(desk):
    world(desk)
    from shanghui.accounts.models import ApiToken

    key = ApiToken.issue(user=desk.cast.admin)[1]
    data = Client().get("/api/v1/service-requests/kpis", {"start": "2024-01-01", "end": "2024-12-31"},
                        HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert data["summary"] == {"filed": 4, "resolved": 4, "resolved_on_time": 3, "on_time_rate": 75.0,
                               "mean_satisfaction": 4.0, "median_days": 13.8}
    assert sum(r["filed"] for r in data["by_street"]) == 4
    rows = Client().get("/api/v1/service-requests/kpis/late", {"start": "2024-01-01", "end": "2024-12-31"},
                        HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert rows["count"] == 1



def test_one_kpi_scope_for_the_page_and_the_api(desk):
    c, today = desk.cast, timezone.localdate()
    assert kpis.kpi_scope(c.admin) == (c.admin, Period(dt.date(today.year, 1, 1), today))
    assert kpis.kpi_scope(c.admin, street=c.street_b)[0] == c.street_b
    # A department handler's figures stay his own rows whichever street he picks.
    assert kpis.kpi_scope(c.handler_a, street=c.street_a)[0] == c.handler_a
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        kpis.kpi_scope(c.worker_a, street=c.street_b)
    with pytest.raises(ValidationError, match="截止日期不能早于起始日期"):
        kpis.kpi_scope(c.admin, start=dt.date(2024, 2, 1), end=dt.date(2024, 1, 1))


def test_the_list_filter_is_one_queryset_method(desk):
    world(desk)
    c = desk.cast
    qs = ServiceRequest.objects.visible_to(c.admin)
    assert qs.matching(view="open").count() == 1 and qs.matching(street=c.street_b).count() == 1
    assert qs.matching(department=desk.justice.pk).get() == qs.matching(department=desk.justice).get()
    form = RequestFilter({"state": "closed", "street": c.street_a.code}, user=c.admin)
    assert form.apply(qs).count() == qs.matching(state="closed", street=c.street_a).count() == 2


def test_the_api_list_takes_the_same_filters(desk):
    from shanghui.accounts.models import ApiToken

    world(desk)
    key = ApiToken.issue(user=desk.cast.admin)[1]

    def count(**query):
        return Client().get("/api/v1/service-requests", query, HTTP_AUTHORIZATION=f"Bearer {key}").json()["count"]

    assert count() == 5 and count(street="") == 5 and count(street=desk.cast.street_b.code) == 1
    assert count(view="open") == 1 and count(state="closed", department=desk.cast.market.pk) == 2
