"""Access tests for servicedesk, on every servicedesk URL (web and API).

`URL_NAMES` lists the URL names tested here; the site-wide enumeration test
(core/tests/test_url_access.py) fails on any URL without an access case. Every name in it comes
from a case below. Own rows are enterprise A's (street A), other rows enterprise B's (street B).
The transitions themselves are covered cell by cell in test_state_machine.py.
"""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shanghui.servicedesk import services
from shanghui.servicedesk.models import Holiday, Notification, ServiceRequest
from shanghui.testing import api_headers, client_for


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
    holiday = Holiday.objects.create(date=dt.date(2026, 10, 1), name="国庆节")
    out["ref"] = {"category": desk.category, "holiday": holiday,
                  "holiday2": Holiday.objects.create(date=dt.date(2026, 10, 2), name="国庆节")}
    return desk, out


def pk(side, noun):
    return (side, noun)


WEB_CASES = {
    "servicedesk:index": [("anonymous", "get", None, 302), ("worker_a", "get", None, 200), ("admin", "get", None, 200),
                          ("handler_a", "get", None, 200), ("enterprise_user_a", "get", None, 200),
                          ("leader", "get", None, 200), ("auditor", "get", None, 200)],
    "servicedesk:export": [("anonymous", "get", None, 302), ("worker_a", "get", None, 200),
                           ("enterprise_user_a", "get", None, 200)],
    "servicedesk:file": [("anonymous", "get", None, 302), ("enterprise_user_a", "get", None, 200),
                         ("worker_a", "get", None, 200), ("admin", "get", None, 200), ("leader", "get", None, 403),
                         ("handler_a", "get", None, 403), ("instructor_a", "get", None, 403),
                         ("auditor", "get", None, 403)],
    "servicedesk:detail": [("anonymous", "get", pk("a", "request"), 302),
                           ("worker_a", "get", pk("a", "request"), 200),
                           ("worker_a", "get", pk("b", "request"), 404),
                           ("worker_b", "get", pk("a", "request"), 404),
                           ("handler_a", "get", pk("a", "request"), 200),
                           ("handler_other", "get", pk("a", "request"), 404),
                           ("enterprise_user_a", "get", pk("a", "request"), 200),
                           ("enterprise_user_a", "get", pk("b", "request"), 404),
                           ("enterprise_user_b", "get", pk("a", "request"), 404),
                           ("leader", "get", pk("b", "request"), 200),
                           ("auditor", "get", pk("a", "request"), 404)],
    "servicedesk:act": [("anonymous", "post", {"pk": pk("a", "request"), "action": "resolve"}, 302),
                        ("handler_a", "post", {"pk": pk("a", "request"), "action": "resolve"}, 302),
                        ("handler_a", "post", {"pk": pk("b", "request"), "action": "resolve"}, 404),
                        ("leader", "post", {"pk": pk("a", "request"), "action": "accept"}, 403),
                        ("enterprise_user_a", "post", {"pk": pk("b", "request"), "action": "rate"}, 404),
                        ("worker_a", "post", {"pk": pk("a", "request"), "action": "nope"}, 404),
                        ("worker_a", "get", {"pk": pk("a", "request"), "action": "accept"}, 405)],
    "servicedesk:attachment_add": [("anonymous", "post", pk("a", "request"), 302),
                                   ("enterprise_user_a", "post", pk("a", "request"), 302),
                                   ("enterprise_user_a", "post", pk("b", "request"), 404),
                                   ("leader", "post", pk("a", "request"), 403),
                                   ("worker_a", "get", pk("a", "request"), 405)],
    "servicedesk:attachment": [("anonymous", "get", pk("a", "attachment"), 302),
                               ("enterprise_user_a", "get", pk("a", "attachment"), 200),
                               ("enterprise_user_a", "get", pk("b", "attachment"), 404),
                               ("handler_a", "get", pk("a", "attachment"), 200),
                               ("handler_other", "get", pk("a", "attachment"), 404),
                               ("worker_b", "get", pk("a", "attachment"), 404),
                               ("auditor", "get", pk("a", "attachment"), 404)],
    "servicedesk:notifications": [("anonymous", "get", None, 302), ("enterprise_user_a", "get", None, 200),
                                  ("auditor", "get", None, 200)],
    "servicedesk:notifications_read": [("anonymous", "post", None, 302), ("worker_a", "post", None, 302),
                                       ("worker_a", "get", None, 405)],
    "servicedesk:kpis": [("anonymous", "get", None, 302), ("worker_a", "get", None, 200), ("leader", "get", None, 200),
                         ("handler_a", "get", None, 200), ("enterprise_user_a", "get", None, 200)],
    "servicedesk:kpi_list": [("anonymous", "get", {"figure": "filed"}, 302), ("worker_a", "get", {"figure": "filed"}, 200),
                             ("worker_a", "get", {"figure": "nope"}, 404)],
    "servicedesk:kpi_export": [("anonymous", "get", {"figure": "filed"}, 302),
                               ("leader", "get", {"figure": "resolved"}, 200),
                               ("leader", "get", {"figure": "nope"}, 404)],
    "servicedesk:categories": [("anonymous", "get", None, 302), ("admin", "get", None, 200),
                               ("superuser", "get", None, 200), ("worker_a", "get", None, 403),
                               ("enterprise_user_a", "get", None, 403), ("auditor", "get", None, 403)],
    "servicedesk:category_edit": [("anonymous", "get", pk("ref", "category"), 302),
                                  ("admin", "get", pk("ref", "category"), 200),
                                  ("worker_a", "get", pk("ref", "category"), 403),
                                  ("leader", "get", pk("ref", "category"), 403)],
    "servicedesk:holidays": [("anonymous", "get", None, 302), ("admin", "get", None, 200),
                             ("worker_a", "get", None, 403), ("leader", "get", None, 403)],
    "servicedesk:holiday_delete": [("anonymous", "get", pk("ref", "holiday"), 302),
                                   ("admin", "get", pk("ref", "holiday"), 200),
                                   ("admin", "post", pk("ref", "holiday2"), 302),
                                   ("worker_a", "post", pk("ref", "holiday"), 403)],
}


def _url(name, target, out):
    if target is None:
        return reverse(name)
    if isinstance(target, dict):
        kwargs = {k: out[v[0]][v[1]].pk if isinstance(v, tuple) else v for k, v in target.items()}
        return reverse(name, kwargs=kwargs)
    return reverse(name, args=[out[target[0]][target[1]].pk])


POSTS = {"servicedesk:act": {"resolution": "已办理", "note": "", "satisfaction": "5"},
         "servicedesk:attachment_add": {"file": None}}


@pytest.mark.parametrize(("name", "case"), [(n, c) for n, cases in WEB_CASES.items() for c in cases],
                         ids=lambda v: v if isinstance(v, str) else "-".join(map(str, v)))
def test_web_page_access(rows, name, case):
    desk, out = rows
    who, method, target, expected = case
    url = _url(name, target, out)
    data = dict(POSTS.get(name, {}))
    if "file" in data:
        data["file"] = SimpleUploadedFile("补充.txt", "补充材料".encode(), "text/plain")
    response = getattr(client_for(desk, who), method)(url, data) if method == "post" else \
        getattr(client_for(desk, who), method)(url)
    assert response.status_code == expected, f"{who} {method.upper()} {url}"


def test_lists_and_exports_show_only_the_users_rows(rows):
    desk, out = rows
    own, other = "诉求a", "诉求b"
    for who, sees_a, sees_b in (("worker_a", True, False), ("leader", True, True), ("enterprise_user_a", True, False),
                                ("enterprise_user_b", False, True), ("handler_a", True, False),
                                ("handler_other", False, False), ("auditor", False, False)):
        client = client_for(desk, who)
        page = client.get(reverse("servicedesk:index")).content.decode()
        csv = b"".join(client.get(reverse("servicedesk:export"), {"fmt": "csv"}).streaming_content).decode()
        for text in (page, csv):
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


@pytest.mark.parametrize(("name", "case"), [(n, c) for n, cases in API_CASES.items() for c in cases],
                         ids=lambda v: v if isinstance(v, str) else "-".join(map(str, v[:3])))
def test_api_case(rows, name, case):
    desk, out = rows
    who, method, url, body, expected = case
    for side in ("a", "b"):
        for noun, obj in out[side].items():
            if obj is not None:
                url = url.replace(f"{{{side}.{noun}}}", str(obj.pk))
    kwargs = {"content_type": "application/json", "data": json.dumps(_body(desk, body))} if body else {}
    response = getattr(Client(), method)(url, **kwargs, **api_headers(desk, who))
    assert response.status_code == expected, f"{who} {method.upper()} {url}: {response.content[:300]!r}"


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
