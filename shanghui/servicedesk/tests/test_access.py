"""Access tests for servicedesk, on every servicedesk URL (web and API).

`URL_NAMES` lists the URL names tested here; the site-wide enumeration test
(core/tests/test_url_access.py) fails on any URL without an access case. Every name in it comes
from a case below. Own rows are enterprise A's (street A), other rows enterprise B's (street B).
The transitions themselves are covered cell by cell in test_state_machine.py.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shanghui.orgs.models import Holiday
from shanghui.servicedesk import services
from shanghui.servicedesk.models import Notification, ServiceRequest
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


@pytest.fixture
def rows(desk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = desk.cast
    out = {}
    for side, user in (("a", c.enterprise_user_a), ("b", desk.enterprise_user_b)):
        req = desk.file(enterprise_user=user, title=f"诉求{side}",
                        attachments=[SimpleUploadedFile(f"材料{side}.pdf", b"%PDF-1.4 test", "application/pdf")])
        out[side] = {"request": req, "attachment": req.attachments.get()}
    services.request_assign(by=c.worker_a, service_request=out["a"]["request"], department=c.market, handler=c.handler_a)
    out["a"]["notification"] = Notification.objects.filter(user=c.enterprise_user_a).first()
    out["b"]["notification"] = Notification.objects.filter(user=c.worker_b).first()
    holiday = Holiday.objects.create(date=dt.date(2026, 10, 9), note="区政府通知停止办公")
    out["ref"] = {"category": desk.category, "holiday": holiday,
                  "holiday2": Holiday.objects.create(date=dt.date(2026, 10, 12), note="区政府通知停止办公")}
    return desk, out


# name → [(who, method, target, expected)]; target: None, (side, noun) whose pk goes in the URL,
# or a dict of URL kwargs (with (side, noun) values replaced by the pk).
WEB_CASES = {
    "servicedesk:index":
        by_role(anonymous=302, worker_a=200, admin=200, handler_a=200, enterprise_user_a=200, leader=200,
                auditor=200),
    "servicedesk:export": by_role(anonymous=302, worker_a=200, enterprise_user_a=403),
    "servicedesk:file":
        by_role(anonymous=302, enterprise_user_a=200, worker_a=200, admin=200, leader=403, handler_a=403,
                instructor_a=403, auditor=403),
    "servicedesk:detail": [
        *by_role(("a", "request"), anonymous=302, worker_a=200, worker_b=404, handler_a=200,
                 handler_other=404, enterprise_user_a=200, enterprise_user_b=404, auditor=404),
        *by_role(("b", "request"), worker_a=404, enterprise_user_a=404, leader=200),
    ],
    "servicedesk:act": [
        *by_role({"pk": ("a", "request"), "action": "resolve"}, method="post", anonymous=302, handler_a=302),
        *by_role({"pk": ("b", "request"), "action": "resolve"}, method="post", handler_a=404),
        *by_role({"pk": ("a", "request"), "action": "accept"}, method="post", leader=403),
        *by_role({"pk": ("b", "request"), "action": "rate"}, method="post", enterprise_user_a=404),
        *by_role({"pk": ("a", "request"), "action": "nope"}, method="post", worker_a=404),
        *by_role({"pk": ("a", "request"), "action": "accept"}, worker_a=405),
    ],
    "servicedesk:attachment_add": [
        *by_role(("a", "request"), method="post", anonymous=302, enterprise_user_a=302, leader=403),
        *by_role(("b", "request"), method="post", enterprise_user_a=404),
        *by_role(("a", "request"), worker_a=405),
    ],
    "servicedesk:attachment": [
        *by_role(("a", "attachment"), anonymous=302, enterprise_user_a=200, handler_a=200, handler_other=404,
                 worker_b=404, auditor=404),
        *by_role(("b", "attachment"), enterprise_user_a=404),
    ],
    "servicedesk:notifications": by_role(anonymous=302, enterprise_user_a=200, auditor=200),
    "servicedesk:notifications_read": [
        *by_role(method="post", anonymous=302, worker_a=302),
        *by_role(worker_a=405),
    ],
    "servicedesk:kpis": by_role(anonymous=302, worker_a=200, leader=200, handler_a=200, enterprise_user_a=403),
    "servicedesk:kpi_list": [
        *by_role({"figure": "filed"}, anonymous=302, worker_a=200, enterprise_user_a=403),
        *by_role({"figure": "nope"}, worker_a=404),
    ],
    "servicedesk:kpi_export": [
        *by_role({"figure": "filed"}, anonymous=302, enterprise_user_a=403),
        *by_role({"figure": "resolved"}, leader=200),
        *by_role({"figure": "nope"}, leader=404),
    ],
    "servicedesk:categories":
        by_role(anonymous=302, admin=200, superuser=200, worker_a=403, enterprise_user_a=403, auditor=403),
    "servicedesk:category_edit":
        by_role(("ref", "category"), anonymous=302, admin=200, worker_a=403, leader=403),
    "servicedesk:holidays": by_role(anonymous=302, admin=200, worker_a=403, leader=403),
    "servicedesk:holiday_delete": [
        *by_role(("ref", "holiday"), anonymous=302, admin=200),
        *by_role(("ref", "holiday2"), method="post", admin=302),
        *by_role(("ref", "holiday"), method="post", worker_a=403),
    ],
}


POSTS = {"servicedesk:act": {"resolution": "已办理", "note": "", "satisfaction": "5"},
         "servicedesk:attachment_add": {"file": None}}


@pytest.mark.parametrize(("name", "case"), access_params(WEB_CASES))
def test_web_page_access(rows, name, case):
    desk, out = rows
    who, method, target, expected = case
    data = dict(POSTS.get(name, {}))
    if "file" in data:
        data["file"] = SimpleUploadedFile("补充.txt", "补充材料".encode(), "text/plain")
    assert_access(desk, who, method, fill_url(name, target, out), expected, data if method == "post" else None)


def test_lists_and_exports_show_only_the_users_rows(rows):
    desk, out = rows
    own, other = "诉求a", "诉求b"
    for who, sees_a, sees_b in (("worker_a", True, False), ("leader", True, True), ("enterprise_user_a", True, False),
                                ("enterprise_user_b", False, True), ("handler_a", True, False),
                                ("handler_other", False, False), ("auditor", False, False)):
        client = client_for(desk, who)
        page = client.get(reverse("servicedesk:index")).content.decode()
        export = client.get(reverse("servicedesk:export"), {"format": "csv"})
        if who.startswith("enterprise_user"):  # the export is a staff page (accounts/pages.py)
            assert export.status_code == 403
            csv = ""
        else:
            csv = b"".join(export.streaming_content).decode()
        for text in (page, csv) if csv else (page,):
            assert (own in text) == sees_a, who
            assert (other in text) == sees_b, who


def test_a_refused_post_writes_nothing(rows):
    desk, out = rows
    before = list(ServiceRequest.objects.values_list("pk", "state").order_by("pk"))
    assert client_for(desk, "worker_a").post(reverse("servicedesk:act", args=[out["b"]["request"].pk, "accept"]),
                                             {}).status_code == 404
    assert client_for(desk, "leader").post(reverse("servicedesk:act", args=[out["a"]["request"].pk, "reject"]),
                                           {"reason": "x"}).status_code == 403
    assert list(ServiceRequest.objects.values_list("pk", "state").order_by("pk")) == before


def test_notifications_are_the_users_own(rows):
    desk, out = rows
    mine, theirs = out["a"]["notification"], out["b"]["notification"]
    assert mine is not None and theirs is not None
    client = client_for(desk, "enterprise_user_a")
    page = client.get(reverse("servicedesk:notifications")).content.decode()
    assert mine.text in page and theirs.text not in page
    # Marking someone else's notification read does nothing to it.
    client.post(reverse("servicedesk:notifications_read"), {"pk": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


# --- the API -----------------------------------------------------------------------------

API_CASES = {
    "api:list_service_requests": [("anonymous", "get", "/api/v1/service-requests", None, 401),
                                  ("worker_a", "get", "/api/v1/service-requests?view=open", None, 200),
                                  ("enterprise_user_a", "get", "/api/v1/service-requests", None, 200),
                                  ("worker_a", "get", "/api/v1/service-requests?state=nope", None, 422)],
    "api:get_service_request": [("worker_a", "get", "/api/v1/service-requests/{a.request}", None, 200),
                                ("worker_a", "get", "/api/v1/service-requests/{b.request}", None, 404),
                                ("handler_other", "get", "/api/v1/service-requests/{a.request}", None, 404),
                                ("enterprise_user_b", "get", "/api/v1/service-requests/{a.request}", None, 404),
                                ("anonymous", "get", "/api/v1/service-requests/{a.request}", None, 401)],
    "api:file_service_request": [("enterprise_user_a", "post", "/api/v1/service-requests", "file_own", 201),
                                 ("worker_a", "post", "/api/v1/service-requests", "file_for_a", 201),
                                 ("worker_a", "post", "/api/v1/service-requests", "file_for_b", 422),
                                 ("leader", "post", "/api/v1/service-requests", "file_for_a", 403),
                                 ("enterprise_user_a", "post", "/api/v1/service-requests", "file_bad", 422),
                                 ("anonymous", "post", "/api/v1/service-requests", "file_own", 401)],
    "api:transition_service_request": [
        ("handler_a", "post", "/api/v1/service-requests/{a.request}/resolve", "resolve", 200),
        ("handler_a", "post", "/api/v1/service-requests/{a.request}/resolve", "empty", 422),
        ("handler_a", "post", "/api/v1/service-requests/{b.request}/resolve", "resolve", 404),
        ("worker_a", "post", "/api/v1/service-requests/{a.request}/resolve", "resolve", 403),
        ("worker_a", "post", "/api/v1/service-requests/{a.request}/accept", "empty", 422),
        ("worker_b", "post", "/api/v1/service-requests/{b.request}/assign", "assign_market", 200),
        ("worker_a", "post", "/api/v1/service-requests/{a.request}/fly", "empty", 422),
        ("enterprise_user_a", "post", "/api/v1/service-requests/{b.request}/rate", "rate", 404),
        ("anonymous", "post", "/api/v1/service-requests/{a.request}/accept", "empty", 401)],
    "api:list_service_categories": [("anonymous", "get", "/api/v1/service-categories", None, 401),
                                    ("enterprise_user_a", "get", "/api/v1/service-categories", None, 200)],
    "api:service_request_kpis": [("anonymous", "get", "/api/v1/service-requests/kpis", None, 401),
                                 ("worker_a", "get", "/api/v1/service-requests/kpis", None, 200),
                                 ("worker_a", "get", "/api/v1/service-requests/kpis?street=110101002", None, 422),
                                 ("admin", "get", "/api/v1/service-requests/kpis?street=110101002", None, 200),
                                 ("admin", "get", "/api/v1/service-requests/kpis?start=2026-02-01&end=2026-01-01",
                                  None, 422)],
    "api:service_request_kpi_rows": [("worker_a", "get", "/api/v1/service-requests/kpis/filed", None, 200),
                                     ("worker_a", "get", "/api/v1/service-requests/kpis/nope", None, 422),
                                     ("worker_a", "get", "/api/v1/service-requests/kpis/filed?group=category&key=x",
                                      None, 422),
                                     ("anonymous", "get", "/api/v1/service-requests/kpis/filed", None, 401)],
}


def _body(desk, name):
    c = desk.cast
    return {
        "file_own": {"category": desk.category.pk, "title": "API诉求", "description": "需要政策咨询"},
        "file_for_a": {"enterprise": c.enterprise_a.pk, "category": desk.category.pk, "title": "电话诉求",
                       "description": "企业来电", "channel": "phone"},
        "file_for_b": {"enterprise": c.enterprise_b.pk, "category": desk.category.pk, "title": "越界",
                       "description": "越界"},
        "file_bad": {"category": desk.category.pk, "title": "", "description": "x"},
        "resolve": {"resolution": "已办结"},
        "empty": {},
        "assign_market": {"department": c.market.pk},
        "rate": {"satisfaction": 5},
    }[name]


@pytest.mark.parametrize(("name", "case"), access_params(API_CASES))
def test_api_case(rows, name, case):
    desk, out = rows
    who, method, url, body, expected = case
    assert_api(desk, who, method, fill_path(url, out), expected, _body(desk, body) if body else None)


def test_api_list_is_scoped_and_detail_has_the_timeline(rows):
    desk, out = rows
    items = Client().get("/api/v1/service-requests", **api_headers(desk, "handler_a")).json()["items"]
    assert [i["title"] for i in items] == ["诉求a"]
    assert items[0]["actions"] == ["resolve"]
    detail = Client().get(f"/api/v1/service-requests/{out['a']['request'].pk}", **api_headers(desk, "worker_a")).json()
    assert [e["to_state"] for e in detail["events"]] == ["submitted", "assigned"]
    assert detail["state"] == "assigned" and detail["department"] == desk.cast.market.pk


# --- what the site-wide enumeration test counts as covered -------------------------------

URL_NAMES: set[str] = set(WEB_CASES) | set(API_CASES)
