"""Who may see and change activities, on every activities URL (web and API).

`ACTIVITY_URL_NAMES` lists the URL names tested here; the site-wide enumeration test
(core/tests/test_url_access.py) counts them as covered. Every name in it comes from a case
below, so a name cannot be listed without being tested.

Own rows are in street A (东华门), other rows in street B (景山), both inside the district.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shanghui.activities import invitations, qr, services
from shanghui.activities.models import Activity, Attendance
from shanghui.activities.tests.test_invitations import INVITATION_URL_NAMES
from shanghui.testing import (
    access_params,
    api_headers,
    assert_access,
    assert_api,
    by_role,
    client_for,
    fill_path,
    fill_url,
)

ROLES = ["admin", "worker_a", "leader", "instructor_a", "handler_a", "enterprise_user_a", "auditor", "anonymous"]


@pytest.fixture
def rows(cast):
    admin, now = cast.admin, timezone.now()
    out = {}
    for side, street, person in (("a", cast.street_a, cast.person_a), ("b", cast.street_b, cast.person_b)):
        series = services.series_create(by=admin, name=f"{street.name}品牌讲堂", kind="flagship", region=street)
        activity = services.activity_create(by=admin, title=f"{street.name}理想信念教育日", kind="education",
                                            region=street, series=series, start=now - dt.timedelta(hours=1),
                                            end=now + dt.timedelta(hours=1))
        attendance = services.attendance_add(by=admin, activity=activity, person=person)
        _, pending = services.signin(activity=activity, name=f"待确认{side}", mobile=f"1391234567{side == 'a' and 1 or 2}")
        empty = services.activity_create(by=admin, title=f"{street.name}空活动", kind="meeting", region=street,
                                         start=now, end=now)
        empty_series = services.series_create(by=admin, name=f"{street.name}空系列", kind="flagship", region=street)
        coming = services.activity_create(by=admin, title=f"{street.name}座谈会", kind="meeting", region=street,
                                          start=now + dt.timedelta(days=3), end=now + dt.timedelta(days=3, hours=2))
        invited = invitations.invite(by=admin, activity=coming, enterprises=[person.enterprise], channel="inapp")
        out[side] = {"series": series, "activity": activity, "attendance": attendance, "pending": pending,
                     "empty": empty, "empty_series": empty_series, "invitation": invited.created[0]}
    return cast, out


# --- web pages ------------------------------------------------------------------------

# name → [(who, method, target, expected)]; target: None, (side, noun) whose pk goes in the URL,
# or a dict of URL kwargs (with (side, noun) values replaced by the pk).
KPI = {"key": "member", "which": "missing"}
WEB_CASES = {
    "activities:dashboard":
        by_role(anonymous=302, worker_a=200, admin=200, leader=200, auditor=200, enterprise_user_a=403),
    "activities:activity_list": by_role(anonymous=302, worker_a=200, auditor=200),
    "activities:activity_export": by_role(anonymous=302, worker_a=200),
    "activities:activity_create":
        by_role(anonymous=302, worker_a=200, admin=200, leader=403, instructor_a=403, enterprise_user_a=403,
                auditor=403),
    "activities:activity_detail": [
        *by_role(("a", "activity"), anonymous=302, worker_a=200, instructor_a=200, enterprise_user_a=403,
                 auditor=404),
        *by_role(("b", "activity"), worker_a=404, leader=200),
    ],
    "activities:activity_edit": [
        *by_role(("a", "activity"), anonymous=302, worker_a=200, leader=403, auditor=404),
        *by_role(("b", "activity"), worker_a=404),
    ],
    "activities:activity_delete": [
        *by_role(("a", "activity"), anonymous=302, worker_a=200, leader=403),
        *by_role(("b", "activity"), worker_a=404),
        *by_role(("a", "empty"), method="post", worker_a=302),
        *by_role(("b", "empty"), method="post", worker_a=404),
    ],
    "activities:attendance_add": [
        *by_role(("a", "activity"), anonymous=302, worker_a=200, leader=403),
        *by_role(("b", "activity"), worker_a=404),
    ],
    "activities:attendance_export": [
        *by_role(("a", "activity"), anonymous=302, worker_a=200),
        *by_role(("b", "activity"), worker_a=404, leader=200),
    ],
    "activities:activity_qr": [
        *by_role({"pk": ("a", "activity"), "fmt": "png"}, anonymous=302, worker_a=200),
        *by_role({"pk": ("a", "activity"), "fmt": "svg"}, worker_a=200),
        *by_role({"pk": ("a", "activity"), "fmt": "gif"}, worker_a=404),
        *by_role({"pk": ("b", "activity"), "fmt": "png"}, worker_a=404),
    ],
    "activities:activity_poster": [
        *by_role(("a", "activity"), anonymous=302, worker_a=200),
        *by_role(("b", "activity"), worker_a=404),
    ],
    "activities:attendance_delete": [
        *by_role(("a", "attendance"), anonymous=302, worker_a=200, leader=403, enterprise_user_a=403),
        *by_role(("b", "attendance"), worker_a=404),
    ],
    "activities:pending_confirm": [
        *by_role(("a", "pending"), anonymous=302, worker_a=200, leader=403),
        *by_role(("b", "pending"), worker_a=404),
    ],
    "activities:pending_reject": [
        *by_role(("a", "pending"), method="post", anonymous=302, worker_a=302, leader=403),
        *by_role(("b", "pending"), method="post", worker_a=404),
        *by_role(("a", "pending"), worker_a=405),
    ],
    "activities:series_list": by_role(anonymous=302, worker_a=200),
    "activities:series_export": by_role(anonymous=302, leader=200),
    "activities:series_create": by_role(anonymous=302, worker_a=200, leader=403),
    "activities:series_detail": [
        *by_role(("a", "series"), anonymous=302, worker_a=200, auditor=404),
        *by_role(("b", "series"), worker_a=404),
    ],
    "activities:series_edit": [
        *by_role(("a", "series"), worker_a=200, leader=403),
        *by_role(("b", "series"), worker_a=404),
    ],
    "activities:series_delete": [
        *by_role(("a", "series"), worker_a=200, leader=403),
        *by_role(("a", "empty_series"), method="post", worker_a=302),
        *by_role(("b", "empty_series"), method="post", worker_a=404),
    ],
    "activities:kpi_list": [
        *by_role(KPI, anonymous=302, worker_a=200, enterprise_user_a=403),
        *by_role({"key": "training", "which": "covered"}, leader=200),
        *by_role({"key": "training", "which": "missing"}, worker_a=404),
        *by_role({"key": "nope", "which": "missing"}, worker_a=404),
    ],
    "activities:kpi_export": [
        *by_role(KPI, anonymous=302, worker_a=200, enterprise_user_a=403),
        *by_role({"key": "district", "which": "nope"}, worker_a=404),
    ],
    "activities:invitations": by_role(anonymous=302, worker_a=200, auditor=200),
    # Every signed-in user has a calendar (of what he sees); the reset is his own feed's.
    "activities:calendar":
        by_role(anonymous=302, worker_a=200, leader=200, instructor_a=200, handler_a=200, enterprise_user_a=200,
                auditor=200, admin=200),
    "activities:calendar_feed_reset": [
        *by_role(method="post", anonymous=302, worker_a=302, enterprise_user_a=302, auditor=302),
        *by_role(worker_a=405, enterprise_user_a=405),
    ],
    # POST only; a blank answer is refused with a message (302 back), a leader is told he may not reply.
    "activities:invitation_reply": [
        *by_role(("a", "invitation"), method="post", anonymous=302, enterprise_user_a=302, worker_a=302, leader=302,
                 auditor=404),
        *by_role(("b", "invitation"), method="post", enterprise_user_a=404, worker_a=404),
        *by_role(("a", "invitation"), enterprise_user_a=405),
    ],
}


@pytest.mark.parametrize(("name", "case"), access_params(WEB_CASES))
def test_web_page_access(rows, name, case):
    cast, out = rows
    who, method, target, expected = case
    assert_access(cast, who, method, fill_url(name, target, out), expected)


def test_lists_and_exports_show_only_the_users_rows(rows):
    cast, out = rows
    own, other = out["a"]["activity"].title, out["b"]["activity"].title
    worker = client_for(cast, "worker_a")
    page = worker.get(reverse("activities:activity_list")).content.decode()
    assert own in page and other not in page
    csv = b"".join(worker.get(reverse("activities:activity_export"), {"format": "csv"}).streaming_content).decode()
    assert own in csv and other not in csv
    leader = client_for(cast, "leader").get(reverse("activities:activity_list")).content.decode()
    assert own in leader and other in leader
    enterprise = client_for(cast, "enterprise_user_a").get(reverse("activities:activity_list")).content.decode()
    assert own not in enterprise


def test_the_invitation_list_of_another_streets_activity_is_404(rows):
    cast, out = rows
    worker = client_for(cast, "worker_a")
    assert worker.get(reverse("activities:invitations"), {"activity": out["b"]["activity"].pk}).status_code == 404
    response = worker.get(reverse("activities:invitations"), {"activity": out["a"]["activity"].pk, "format": "csv"})
    assert response.status_code == 200


def test_a_refused_post_writes_nothing(rows):
    cast, out = rows
    before = list(Activity.objects.values_list("pk", "title").order_by("pk"))
    attendance_count = Attendance.objects.count()
    worker = client_for(cast, "worker_a")
    assert worker.post(reverse("activities:activity_edit", args=[out["b"]["activity"].pk]),
                       {"title": "改名"}).status_code == 404
    leader = client_for(cast, "leader")
    assert leader.post(reverse("activities:attendance_delete", args=[out["a"]["attendance"].pk])).status_code == 403
    assert leader.post(reverse("activities:attendance_add", args=[out["a"]["activity"].pk]),
                       {"person": cast.person_a.pk}).status_code == 403
    assert list(Activity.objects.values_list("pk", "title").order_by("pk")) == before
    assert Attendance.objects.count() == attendance_count


# --- the public sign-in page --------------------------------------------------------------

SIGNIN_CASES = [("anonymous", "valid", 200), ("worker_b", "valid", 200), ("anonymous", "tampered", 403),
                ("anonymous", "garbage", 403)]


@pytest.mark.parametrize(("who", "token", "expected"), SIGNIN_CASES)
def test_signin_page_is_public_and_refuses_a_bad_token(rows, who, token, expected):
    cast, out = rows
    good = qr.make_token(out["a"]["activity"])
    value = {"valid": good, "tampered": good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
             "garbage": "not-a-token"}[token]
    response = client_for(cast, who).get(reverse("activities:signin", args=[value]))
    assert response.status_code == expected


# --- the public calendar feed ---------------------------------------------------------------

FEED_CASES = [("anonymous", "own", 200), ("worker_b", "own", 200), ("anonymous", "unknown", 404),
              ("anonymous", "inactive", 404)]


@pytest.mark.parametrize(("who", "token", "expected"), FEED_CASES)
def test_calendar_feed_is_public_and_refuses_an_unknown_token_or_an_inactive_owner(rows, who, token, expected):
    cast, _ = rows
    owner = cast.worker_a
    value = services.calendar_feed_token(by=owner) if token != "unknown" else "no-such-token"
    if token == "inactive":
        owner.is_active = False
        owner.save(update_fields=["is_active"])
    response = client_for(cast, who).get(reverse("activities:calendar_feed", args=[value]))
    assert response.status_code == expected


# --- the API -------------------------------------------------------------------------------

API_CASES = {
    "api:list_activities": [("anonymous", "get", "/api/v1/activities", None, 401),
                            ("worker_a", "get", "/api/v1/activities", None, 200),
                            ("auditor", "get", "/api/v1/activities", None, 200)],
    "api:get_activity": [("worker_a", "get", "/api/v1/activities/{a.activity}", None, 200),
                         ("worker_a", "get", "/api/v1/activities/{b.activity}", None, 404),
                         ("leader", "get", "/api/v1/activities/{b.activity}", None, 200),
                         ("anonymous", "get", "/api/v1/activities/{a.activity}", None, 401)],
    "api:create_activity": [("worker_a", "post", "/api/v1/activities", "activity_a", 201),
                            ("worker_a", "post", "/api/v1/activities", "activity_b", 403),
                            ("leader", "post", "/api/v1/activities", "activity_a", 403),
                            ("worker_a", "post", "/api/v1/activities", "activity_bad", 422),
                            ("anonymous", "post", "/api/v1/activities", "activity_a", 401)],
    "api:update_activity": [("worker_a", "patch", "/api/v1/activities/{a.activity}", "patch", 200),
                            ("worker_a", "patch", "/api/v1/activities/{b.activity}", "patch", 404),
                            ("leader", "patch", "/api/v1/activities/{a.activity}", "patch", 403)],
    "api:delete_activity": [("worker_a", "delete", "/api/v1/activities/{a.empty}", None, 204),
                            ("worker_a", "delete", "/api/v1/activities/{a.activity}", None, 422),
                            ("worker_a", "delete", "/api/v1/activities/{b.empty}", None, 404),
                            ("leader", "delete", "/api/v1/activities/{a.empty}", None, 403)],
    "api:list_attendances": [("worker_a", "get", "/api/v1/activities/{a.activity}/attendances", None, 200),
                             ("worker_a", "get", "/api/v1/activities/{b.activity}/attendances", None, 404)],
    "api:create_attendance": [("worker_a", "post", "/api/v1/activities/{a.empty}/attendances", "attend_a", 201),
                              ("worker_a", "post", "/api/v1/activities/{a.activity}/attendances", "attend_a", 422),
                              ("worker_a", "post", "/api/v1/activities/{b.empty}/attendances", "attend_a", 404),
                              ("leader", "post", "/api/v1/activities/{a.empty}/attendances", "attend_a", 403)],
    "api:delete_attendance": [("worker_a", "delete", "/api/v1/attendances/{a.attendance}", None, 204),
                              ("worker_a", "delete", "/api/v1/attendances/{b.attendance}", None, 404),
                              ("leader", "delete", "/api/v1/attendances/{a.attendance}", None, 403)],
    "api:list_activity_series": [("worker_a", "get", "/api/v1/activity-series", None, 200),
                                 ("anonymous", "get", "/api/v1/activity-series", None, 401)],
    "api:get_activity_series": [("worker_a", "get", "/api/v1/activity-series/{a.series}", None, 200),
                                ("worker_a", "get", "/api/v1/activity-series/{b.series}", None, 404)],
    "api:create_activity_series": [("worker_a", "post", "/api/v1/activity-series", "series_a", 201),
                                   ("leader", "post", "/api/v1/activity-series", "series_a", 403)],
    "api:update_activity_series": [("worker_a", "patch", "/api/v1/activity-series/{a.series}", "series_patch", 200),
                                   ("worker_a", "patch", "/api/v1/activity-series/{b.series}", "series_patch", 404)],
    "api:delete_activity_series": [("worker_a", "delete", "/api/v1/activity-series/{a.empty_series}", None, 204),
                                   ("worker_a", "delete", "/api/v1/activity-series/{a.series}", None, 422),
                                   ("worker_a", "delete", "/api/v1/activity-series/{b.empty_series}", None, 404)],
    "api:activity_kpis": [("anonymous", "get", "/api/v1/activities/kpis", None, 401),
                          ("worker_a", "get", "/api/v1/activities/kpis?year=2018", None, 200),
                          ("worker_a", "get", "/api/v1/activities/kpis?street=110101002", None, 422),
                          ("admin", "get", "/api/v1/activities/kpis?street=110101002", None, 200)],
    "api:activity_kpi_rows": [("worker_a", "get", "/api/v1/activities/kpis/member/missing", None, 200),
                              ("worker_a", "get", "/api/v1/activities/kpis/nope/missing", None, 422),
                              ("anonymous", "get", "/api/v1/activities/kpis/member/missing", None, 401)],
    "api:activity_training_rows": [("leader", "get", "/api/v1/activities/kpis/training", None, 200),
                                   ("anonymous", "get", "/api/v1/activities/kpis/training", None, 401)],
    "api:activity_invitations": [("worker_a", "get", "/api/v1/activities/invitations?year=2018", None, 200),
                                 ("anonymous", "get", "/api/v1/activities/invitations", None, 401)],
}


def _body(cast, name):
    now = timezone.now().isoformat()
    return {
        "activity_a": {"title": "API新活动", "kind": "education", "region": "110101001", "start": now, "end": now,
                       "themes": ["trust"], "organisers": [cast.chamber_a.pk]},
        "activity_b": {"title": "API越界活动", "kind": "education", "region": "110101002", "start": now, "end": now},
        "activity_bad": {"title": "API坏主题", "kind": "education", "region": "110101001", "start": now, "end": now,
                         "themes": ["faith"]},
        "patch": {"place": "商会二楼", "themes": ["belief", "trust"]},
        "attend_a": {"person": cast.person_a.pk},
        "series_a": {"name": "API新系列", "kind": "flagship", "region": "110101001", "chamber": cast.chamber_a.pk},
        "series_patch": {"first_year": 2012},
    }[name]


@pytest.mark.parametrize(("name", "case"), access_params(API_CASES))
def test_api_case(rows, name, case):
    cast, out = rows
    who, method, url, body, expected = case
    assert_api(cast, who, method, fill_path(url, out), expected, _body(cast, body) if body else None)


def test_api_lists_are_scoped_and_kpis_add_up(rows):
    cast, out = rows
    worker = api_headers(cast, "worker_a")
    items = Client().get("/api/v1/activities", {"page_size": 100}, **worker).json()["items"]
    titles = {i["title"] for i in items}
    assert out["a"]["activity"].title in titles and out["b"]["activity"].title not in titles
    year = timezone.localdate().year
    data = Client().get(f"/api/v1/activities/kpis?year={year}", **api_headers(cast, "admin")).json()
    member = next(f for f in data["figures"] if f["key"] == "member")
    # Both cast enterprises are members; both principals attended their street's education day.
    assert (member["numerator"], member["denominator"], member["rate"]) == (2, 2, 100.0)
    assert sum(s["member"]["numerator"] for s in data["streets"]) == 2


# --- what the site-wide enumeration test counts as covered -------------------------------

ACTIVITY_URL_NAMES = (set(WEB_CASES) | set(API_CASES) | {"activities:signin", "activities:calendar_feed"}
                      | INVITATION_URL_NAMES)
