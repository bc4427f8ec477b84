"""An enterprise user calls only the operations marked `enterprise_operation` (api/auth.py).

`test_every_staff_operation_answers_an_enterprise_user_403` walks every operation of the OpenAPI
schema: an operation is either in ENTERPRISE_OPERATIONS (and the enterprise user, calling it on rows
he owns, is not refused) or answers him 403 with the staff-only message, so a new endpoint cannot be
forgotten: unmarked, it is refused; marked but not listed here, this test fails.
"""

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from shanghui.activities.models import Activity, Kind
from shanghui.api.auth import STAFF_ONLY_MESSAGE
from shanghui.api.urls import api
from shanghui.audit.models import AuditEvent
from shanghui.honors import services as honors_services
from shanghui.library import services as library_services
from shanghui.library.tests.conftest import docx_upload
from shanghui.servicedesk import services as servicedesk_services
from shanghui.servicedesk.seed import load_categories
from shanghui.testing import api_headers, client_for

# The API's side of his web pages (core/tests/test_enterprise_pages.py): his enterprise (read, and the
# self-editable fields), its people and memberships, his service requests (file, follow, rate), the
# activities open to him (read only: no attendance lists), his honours, the library's public documents,
# and the reference data naming his enterprise's region and his requests' departments.
ENTERPRISE_OPERATIONS = {
    "GET /api/v1/enterprises", "GET /api/v1/enterprises/{enterprise_id}", "PATCH /api/v1/enterprises/{enterprise_id}",
    "GET /api/v1/persons", "GET /api/v1/persons/{person_id}",
    "GET /api/v1/memberships", "GET /api/v1/memberships/{membership_id}",
    "GET /api/v1/service-requests", "POST /api/v1/service-requests", "GET /api/v1/service-requests/{request_id}",
    "POST /api/v1/service-requests/{request_id}/{action}", "GET /api/v1/service-categories",
    "GET /api/v1/activities", "GET /api/v1/activities/{activity_id}",
    "GET /api/v1/honors", "GET /api/v1/honors/{honor_id}",
    "GET /api/v1/library/documents", "GET /api/v1/library/documents/{document_id}",
    "GET /api/v1/library/documents/{document_id}/file",
    "GET /api/v1/regions", "GET /api/v1/departments",
    # 发展党员 of his enterprise's own party organisation (read only).
    "GET /api/v1/party/recruitment/candidates", "GET /api/v1/party/recruitment/candidates/{candidate_id}",
    "GET /api/v1/party/recruitment/todo", "GET /api/v1/party/recruitment/rules",
    # The branch secretary reads his own organisation's dues (its figures, like every statistic, are staff's).
    "GET /api/v1/party/dues/bases", "GET /api/v1/party/dues/payments", "GET /api/v1/party/dues/payments/{payment_id}",
    "GET /api/v1/party/dues/arrears",
}


def operations() -> list[tuple[str, str, dict]]:
    """(METHOD, path, operation) for every operation the API publishes."""
    paths = api.get_openapi_schema()["paths"]
    return [(method.upper(), path, op) for path, ops in paths.items() for method, op in ops.items()]


@pytest.fixture
def his_rows(cast, settings, tmp_path):
    """Path parameters naming rows the enterprise user owns or may read."""
    settings.MEDIA_ROOT = tmp_path
    request = servicedesk_services.request_file(by=cast.enterprise_user_a, enterprise=cast.enterprise_a,
                                                category=load_categories()[0], title="营业执照变更咨询",
                                                description="公司迁址后营业执照地址如何变更？")
    document = library_services.document_create(by=cast.admin, kind="report", title="政策汇编", issuer="东城区工商联",
                                                 date="2018-06-01", region=None, is_public=True, file=docx_upload())
    honor = honors_services.honor_create(by=cast.admin, title="诚信经营示范单位", level="district", issuer="东城区商务局",
                                         year=2019, recipient_kind="enterprise", enterprise=cast.enterprise_a)
    start = timezone.now() + dt.timedelta(days=7)
    activity = Activity.objects.create(title="政策宣讲会", kind=Kind.TRAINING, region=cast.street_a, start=start,
                                       end=start + dt.timedelta(hours=2))
    return {"enterprise_id": cast.enterprise_a.pk, "person_id": cast.person_a.pk,
            "membership_id": cast.membership_a.pk, "request_id": request.pk, "action": "rate",
            "document_id": document.pk, "honor_id": honor.pk, "activity_id": activity.pk}


def fill(path: str, op: dict, rows: dict) -> str:
    """The path with its parameters: his rows where named, else the first allowed value or 1."""
    def value(name):
        if name in rows:
            return rows[name]
        schema = next(p["schema"] for p in op["parameters"] if p["in"] == "path" and p["name"] == name)
        return schema.get("enum", [1])[0]
    return re.sub(r"{(\w+)}", lambda m: str(value(m.group(1))), path)


def call(client: Client, method: str, url: str, headers: dict):
    body = {} if method == "GET" else {"data": "{}", "content_type": "application/json"}
    return getattr(client, method.lower())(url, **body, **headers)


def test_the_allow_list_names_operations_that_exist():
    published = {f"{method} {path}" for method, path, _ in operations()}
    assert ENTERPRISE_OPERATIONS <= published, sorted(ENTERPRISE_OPERATIONS - published)


def test_every_staff_operation_answers_an_enterprise_user_403(cast, his_rows):
    headers = api_headers(cast, "enterprise_user_a")
    wrong = []
    for method, path, op in operations():
        url = fill(path, op, his_rows)
        response = call(Client(), method, url, headers)
        if f"{method} {path}" in ENTERPRISE_OPERATIONS:
            ok = response.status_code != 403
        else:
            ok = response.status_code == 403 and response.json() == {"detail": STAFF_ONLY_MESSAGE, "errors": {}}
        if not ok:
            wrong.append(f"{method} {url} answered {response.status_code} {response.content.decode()[:120]}")
    assert not wrong, "\n".join(wrong)


def test_his_allowed_operations_still_answer_within_his_scope(cast, his_rows, as_user):
    client = as_user(cast.enterprise_user_a)
    assert [e["id"] for e in client.get("/api/v1/enterprises/").json()["items"]] == [cast.enterprise_a.pk]
    assert client.get(f"/api/v1/enterprises/{cast.enterprise_b.pk}").status_code == 404
    assert [a["id"] for a in client.get("/api/v1/activities").json()["items"]] == [his_rows["activity_id"]]
    assert client.get(f"/api/v1/service-requests/{his_rows['request_id']}").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/activities/kpis", "/api/v1/party/kpis", "/api/v1/reports/dashboard",
                                  "/api/v1/service-requests/kpis", "/api/v1/honors/counts",
                                  "/api/v1/community/totals"])
def test_figures_are_refused_to_him_by_token_and_by_session_and_served_to_staff(cast, path):
    by_token = Client().get(path, **api_headers(cast, "enterprise_user_a"))
    by_session = client_for(cast, "enterprise_user_a").get(path)
    for response in (by_token, by_session):
        assert response.status_code == 403
        assert json.loads(response.content) == {"detail": STAFF_ONLY_MESSAGE, "errors": {}}
    assert Client().get(path, **api_headers(cast, "leader")).status_code == 200


def test_a_refusal_comes_before_the_body_is_read_and_is_audited(cast):
    # A malformed body would be 422 for staff; he is refused first, and nothing is written.
    response = Client().post("/api/v1/activities", data="{", content_type="application/json",
                             **api_headers(cast, "enterprise_user_a"))
    assert response.status_code == 403 and response.json()["detail"] == STAFF_ONLY_MESSAGE
    assert not Activity.objects.exists()
    event = AuditEvent.objects.get(action="page_refused")
    assert (event.actor, event.success, event.extra) == (cast.enterprise_user_a, False,
                                                         {"page": "api:create_activity", "method": "POST"})


def test_anonymous_callers_still_get_401(db):
    assert Client().get("/api/v1/activities/kpis").status_code == 401
