"""The dashboard page: figures from the records, a cache that any relevant write invalidates,
sorting, the street selector and the exports."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from shanghui.activities import services
from shanghui.activities.models import Activity, Attendance, Kind
from shanghui.directory.models import Membership
from shanghui.reports import counters

from . import world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def tile(response, key):
    return next(t for t in response.context["tiles"] if t["key"] == key)


def test_a_write_changes_what_the_next_dashboard_shows(client, cast):
    client.force_login(cast.admin)
    url = reverse("reports:dashboard") + "?year=2018"
    first = client.get(url)
    assert tile(first, "member")["numerator"] == 0 and tile(first, "member")["denominator"] == 2
    version = counters.version()
    # Served from the cache while nothing changes.
    assert tile(client.get(url), "member")["numerator"] == 0 and counters.version() == version
    start = world.local(2018, 5, 1)
    activity = services.activity_create(by=cast.admin, title="理想信念教育", kind=Kind.EDUCATION, region=cast.street_a,
                                        start=start, end=start + dt.timedelta(hours=2))
    services.attendance_add(by=cast.admin, activity=activity, person=cast.person_a)
    assert counters.version() > version
    after = client.get(url)
    assert tile(after, "member")["numerator"] == 1
    assert tile(after, "district")["numerator"] == 1
    # A bulk path (no signals) and a raw UPDATE are seen too.
    Attendance.objects.bulk_create([Attendance(activity=activity, person=cast.person_b, enterprise=cast.enterprise_b,
                                               region=cast.street_b)])
    assert tile(client.get(url), "member")["numerator"] == 2
    Activity.objects.filter(pk=activity.pk).update(kind=Kind.MEETING)
    assert tile(client.get(url), "member")["numerator"] == 0
    # A membership ending changes the denominator.
    Membership.objects.filter(pk=cast.membership_b.pk).update(joined=dt.date(2017, 1, 1), left=dt.date(2017, 12, 31))
    assert tile(client.get(url), "member")["denominator"] == 1


def test_enterprise_side_writes_change_what_the_next_dashboard_shows(client, cast):
    """New, closed and covered enterprises reach the street-year counters by every path."""
    import random

    from shanghui.directory.models import Enterprise
    from shanghui.party.models import Form, PartyCoverage, PartyOrganization
    from shanghui.testing import make_uscc

    client.force_login(cast.admin)
    url = reverse("reports:dashboard") + "?year=2018"
    assert tile(client.get(url), "district")["denominator"] == 2
    rng = random.Random(5)
    Enterprise.objects.bulk_create([Enterprise(uscc=make_uscc(rng), name=f"新登记企业{i}", region=cast.street_a)
                                    for i in range(3)])
    assert tile(client.get(url), "district")["denominator"] == 5
    # Closed on 1 January 2018: not active in 2018 (a raw UPDATE, no signal).
    Enterprise.objects.filter(name="新登记企业0").update(status="closed", status_changed=dt.date(2018, 1, 1))
    assert tile(client.get(url), "district")["denominator"] == 4
    org = PartyOrganization.objects.create(name="东华门文化传媒有限公司党支部", form=Form.OWN,
                                           enterprise=cast.enterprise_a, founded=dt.date(2017, 1, 1))
    covered = tile(client.get(url), "own")["numerator"]
    PartyCoverage.objects.bulk_create([PartyCoverage(organization=org, enterprise=cast.enterprise_a,
                                                     start=dt.date(2018, 3, 1))])
    assert tile(client.get(url), "own")["numerator"] == covered + 1
    assert tile(client.get(url), "organisation")["numerator"] >= covered + 1


def test_training_person_times_and_the_training_class_tile(client, cast):
    from shanghui.reports import kpis

    w = world.build(cast, 51)
    client.force_login(cast.leader)
    response = client.get(reverse("reports:dashboard"), {"year": 2019})
    data = response.context["data"]
    assert data["training"]["count"] == sum(
        1 for a in Attendance.objects.filter(activity__kind=Kind.TRAINING, activity__status="normal")
        if timezone.localtime(a.activity.start).year == 2019)
    html = response.content.decode()
    run = kpis.training_class_run(cast.district, 2019)
    assert data["training_class"] == {"id": w["training_class"].pk, "name": w["training_class"].name,
                                      "years": run.years, "since": run.since}
    assert 'id="tile-training-class"' in html
    assert reverse("activities:series_detail", args=[w["training_class"].pk]) in html


def test_the_street_table_sorts_by_each_kpi(client, cast):
    world.build(cast, 52)
    client.force_login(cast.admin)
    for key in ("member", "district", "organisation", "work", "own", "training"):
        rows = client.get(reverse("reports:dashboard"), {"year": 2018, "sort": key, "dir": "desc"}).context["rows"]
        values = [r[key] if key == "training" else r[key]["rate"] for r in rows]
        present = [v for v in values if v is not None]
        assert present == sorted(present, reverse=True), key
        assert values[:len(present)] == present  # streets without a rate come last
    rows = client.get(reverse("reports:dashboard"), {"year": 2018, "sort": "nonsense"}).context["rows"]
    assert [r["street"] for r in rows] == sorted(r["street"] for r in rows)


def test_the_street_selector_narrows_the_figures_to_that_street(client, cast):
    world.build(cast, 53)
    client.force_login(cast.admin)
    response = client.get(reverse("reports:dashboard"), {"year": 2018, "street": cast.street_b.pk})
    assert response.context["region"] == cast.street_b
    assert [r["street_name"] for r in response.context["rows"]] == ["景山街道"]
    street_choices = [c for c in response.context["form"].fields["street"].queryset]
    assert len(street_choices) == 17
    client.force_login(cast.worker_b)
    form = client.get(reverse("reports:dashboard")).context["form"]
    assert list(form.fields["street"].queryset) == [cast.street_b]


def test_the_street_table_exports_to_excel_as_shown(client, cast):
    world.build(cast, 54)
    client.force_login(cast.admin)
    shown = client.get(reverse("reports:dashboard"), {"year": 2018}).context["data"]["streets"]
    response = client.get(reverse("reports:dashboard_export"), {"year": 2018, "format": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("街道代码", "街道", "联合党委街道覆盖率（%）")
    assert len(rows) == 1 + len(shown) == 18
    by_code = {r[0]: r for r in rows[1:]}
    for s in shown:
        assert by_code[s["street"]][-1] == s["training"]
        assert by_code[s["street"]][-3:-1] == (s["district"]["numerator"], s["district"]["denominator"])


def test_the_api_gives_the_figures_the_page_shows(client, cast):
    world.build(cast, 55)
    client.force_login(cast.admin)
    page = client.get(reverse("reports:dashboard"), {"year": 2018}).context["data"]
    api = client.get(reverse("api:reports_dashboard"), {"year": 2018}).json()
    assert api["figures"]["member"]["numerator"] == page["figures"]["member"]["numerator"]
    assert [s["district"] for s in api["streets"]] == [
        {k: s["district"][k] for k in ("numerator", "denominator", "rate")} for s in page["streets"]]
    assert api["training"]["cumulative"] == page["training"]["cumulative"]


@pytest.mark.parametrize("seed", [56, 57])
def test_the_tiles_equal_the_kpi_functions_for_the_district_and_a_street(client, cast, seed):
    from shanghui.activities import kpis as activity_kpis
    from shanghui.reports import kpis

    world.build(cast, seed)
    client.force_login(cast.admin)
    for street in (None, cast.street_a):
        params = {"year": 2018, **({"street": street.pk} if street else {})}
        figures = client.get(reverse("reports:dashboard"), params).context["data"]["figures"]
        for key in kpis.RATE_KEYS:
            fig = kpis.figure(key, street or cast.district, 2018)
            assert (figures[key]["numerator"], figures[key]["denominator"]) == (fig.numerator, fig.denominator), key
        trend = client.get(reverse("reports:dashboard"), params).context["data"]["trend"]
        before = activity_kpis.member_participation(street or cast.district, 2017)
        assert trend[0]["year"] == 2017 and trend[0]["member"] == (float(before.rate) if before.rate else None)


def test_the_other_apps_tiles_show_their_figures(client, cast):
    """Youth association, honours and service requests come from their apps' kpis modules."""
    from shanghui.community import kpis as community_kpis

    client.force_login(cast.admin)
    response = client.get(reverse("reports:dashboard"), {"year": 2018})
    other = response.context["other"]
    html = response.content.decode()
    # The cast's youth association has one person member since 2018-01-01.
    assert other["youth"] == community_kpis.youth_size(cast.district, dt.date(2018, 12, 31)) == 1
    assert 'id="tile-youth"' in html
    assert 'id="tile-honours"' in html and other["honours_national"] == 0
    assert 'id="tile-service"' in html and other["service"]["filed"] == 0


def test_without_a_year_the_form_shows_the_year_the_figures_are_for(client, cast, settings):
    client.force_login(cast.admin)
    start = world.local(2018, 5, 1)
    services.activity_create(by=cast.admin, title="理想信念教育", kind=Kind.EDUCATION, region=cast.street_a,
                             start=start, end=start + dt.timedelta(hours=2))
    settings.SHANGHUI_DEFAULT_YEAR = None
    this_year = dt.date.today().year
    response = client.get(reverse("reports:dashboard"))
    assert response.context["year"] == this_year  # the 统计年度, not the latest year with an activity
    assert f'name="year" value="{this_year}"' in response.content.decode()
    settings.SHANGHUI_DEFAULT_YEAR = 2018
    response = client.get(reverse("reports:dashboard"))
    assert response.context["year"] == 2018
    assert 'name="year" value="2018"' in response.content.decode()
