"""The 节假日 page: a year of the official calendar with its source, and the district's overrides."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shanghui.audit.models import AuditEvent
from shanghui.orgs import workdays
from shanghui.orgs.models import Holiday

URL = reverse("servicedesk:holidays")


@pytest.fixture
def admin(cast):
    client = Client()
    client.force_login(cast.admin)
    return client


def test_a_year_shows_the_official_days_with_their_source(admin):
    page = admin.get(URL, {"year": 2026})
    assert page.context["year"] == 2026
    spring = [e for e in page.context["entries"] if e.name == "春节"]
    assert [(e.first, e.last, e.working) for e in spring] == [
        (dt.date(2026, 2, 14), dt.date(2026, 2, 14), True),
        (dt.date(2026, 2, 15), dt.date(2026, 2, 23), False),
        (dt.date(2026, 2, 28), dt.date(2026, 2, 28), True)]
    assert all(e.source == workdays.OFFICIAL_SOURCE for e in page.context["entries"])
    html = page.content.decode()
    assert "2月15日" in html and "共9天" in html
    assert f"国务院办公厅通知（据 chinese-calendar {workdays.LIBRARY_VERSION}）" in html
    assert {2004, 2026, timezone.localdate().year + 1} <= set(page.context["years"])


def test_a_year_without_official_data_warns_and_a_bad_year_shows_this_one(admin):
    missing = workdays.OFFICIAL_YEARS[-1] + 1
    Holiday.objects.create(date=dt.date(missing, 3, 3), kind=Holiday.Kind.CLOSURE, note="预先录入")
    page = admin.get(URL, {"year": missing})
    assert page.context["year"] == missing
    assert f"{missing}年官方节假日安排尚未收录" in page.content.decode()
    assert [e.source for e in page.context["entries"]] == [workdays.LOCAL_SOURCE]
    for junk in ("abc", "1800", "-1", ""):
        assert admin.get(URL, {"year": junk}).context["year"] == timezone.localdate().year


def test_an_override_is_added_shown_with_its_source_and_audited(admin, cast):
    response = admin.post(URL, {"date": "2026-02-24", "kind": Holiday.Kind.CLOSURE, "note": "区政府通知延长休息一天"})
    assert response.status_code == 302 and response.url == f"{URL}?year=2026"
    row = Holiday.objects.get()
    assert AuditEvent.objects.filter(action="create", object_id=str(row.pk), actor=cast.admin).exists()
    entries = admin.get(response.url).context["entries"]
    local = [e for e in entries if e.override is not None]
    assert [(e.first, e.source, e.label, e.redundant) for e in local] == [
        (dt.date(2026, 2, 24), workdays.LOCAL_SOURCE, "本区停止办公", False)]
    # It counts: the first working day after the festival is now Wednesday.
    assert workdays.deadline(dt.date(2026, 2, 13), 2) == dt.date(2026, 2, 25)

    delete = reverse("servicedesk:holiday_delete", args=[row.pk])
    assert admin.post(delete).url == f"{URL}?year=2026"
    assert not Holiday.objects.exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(row.pk)).exists()


@pytest.mark.parametrize(("day", "kind"), [("2026-02-16", Holiday.Kind.CLOSURE),  # already off (春节)
                                           ("2026-02-14", Holiday.Kind.WORKDAY),  # already worked (调休)
                                           ("2026-03-04", Holiday.Kind.WORKDAY)])  # a plain Wednesday
def test_an_override_that_changes_nothing_is_refused_in_chinese(admin, day, kind):
    audits = AuditEvent.objects.count()
    response = admin.post(URL, {"date": day, "kind": kind, "note": "重复"})
    assert response.status_code == 200
    assert "按官方安排本就" in response.content.decode()
    assert not Holiday.objects.exists() and AuditEvent.objects.count() == audits


def test_an_override_typed_before_the_official_data_is_marked_redundant(admin):
    # A row kept from the hand-typed days (migrated to a closure) that only repeats the notice.
    Holiday.objects.create(date=dt.date(2026, 10, 1), kind=Holiday.Kind.CLOSURE, note="国庆节")
    entries = admin.get(URL, {"year": 2026}).context["entries"]
    national = [e for e in entries if e.first == dt.date(2026, 10, 1)]
    assert [(e.source, e.redundant) for e in national] == [(workdays.OFFICIAL_SOURCE, False),
                                                           (workdays.LOCAL_SOURCE, True)]


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_admin_picks_a_year_and_adds_a_closure(cast, phone, live_server, login):
    login(phone, cast.admin)
    phone.goto(live_server.url + URL)
    phone.select_option("#calendar-year", "2026")
    phone.get_by_role("button", name="查看").click()
    phone.wait_for_selector("#calendar-2026")
    assert "2月15日（星期日）" in phone.inner_text("#calendar-2026")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.fill("input[name=date]", "2026-02-24")
    phone.select_option("select[name=kind]", Holiday.Kind.CLOSURE)
    phone.fill("input[name=note]", "区政府通知延长休息一天")
    phone.get_by_role("button", name="新增").click()
    phone.wait_for_selector("#calendar-2026")
    assert "区政府通知延长休息一天" in phone.inner_text("#calendar-2026")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
