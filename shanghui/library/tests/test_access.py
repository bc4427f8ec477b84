"""Who may see, download and change library documents (web and API).

`URL_NAMES` lists the URL names tested here; the site-wide enumeration test
(core/tests/test_url_access.py) fails on any URL without an access case.

Documents: "a" in street A, "b" in street B, "district" district-wide (no region), "public"
district-wide and public to enterprise users.
"""

import pytest
from django.test import Client
from django.urls import reverse

from shanghui.accounts.models import ApiToken
from shanghui.audit.models import AuditEvent
from shanghui.testing import (
    access_params,
    assert_access,
    assert_api,
    by_role,
    client_for,
    fill_url,
)

WEB_CASES = {
    "library:document_list": by_role(anonymous=302, worker_a=200, enterprise_user_a=200, auditor=200),
    "library:document_export": by_role(anonymous=302, worker_a=200, leader=200),
    "library:document_create":
        by_role(anonymous=302, admin=200, worker_a=200, leader=403, instructor_a=403, enterprise_user_a=403,
                auditor=403),
    "library:document_detail": [
        *by_role("a", anonymous=302, worker_a=200, enterprise_user_a=404),
        *by_role("b", worker_a=404, leader=200),
        *by_role("district", worker_a=200, instructor_a=200),
        *by_role("public", enterprise_user_a=200, auditor=404),
    ],
    "library:document_download": [
        *by_role("a", anonymous=302, worker_a=200, enterprise_user_a=404, auditor=404),
        *by_role("b", worker_a=404, worker_b=200),
        *by_role("district", handler_a=200),
        *by_role("public", enterprise_user_a=200),
    ],
    "library:document_edit": [
        *by_role("a", anonymous=302, worker_a=200, leader=403),
        *by_role("b", worker_a=404),
        *by_role("district", worker_a=403, admin=200),
    ],
    "library:document_delete": [
        *by_role("a", worker_a=200),
        *by_role("b", method="post", worker_a=404),
        *by_role("district", method="post", worker_a=403),
        *by_role("a", method="post", leader=403, worker_a=302),
    ],
}


@pytest.mark.parametrize(("name", "case"), access_params(WEB_CASES))
def test_web_page_access(cast, docs, name, case):
    who, method, target, expected = case
    assert_access(cast, who, method, fill_url(name, target, docs), expected)


def test_a_street_worker_cannot_download_another_streets_document_and_nothing_is_audited(cast, docs):
    worker = client_for(cast, "worker_a")
    before = AuditEvent.objects.filter(action="export").count()
    assert worker.get(reverse("library:document_download", args=[docs["b"].pk])).status_code == 404
    assert AuditEvent.objects.filter(action="export").count() == before


def test_lists_show_only_the_users_documents(cast, docs):
    worker = client_for(cast, "worker_a").get(reverse("library:document_list")).content.decode()
    assert "东华门调研" in worker and "全区指导意见" in worker and "景山调研" not in worker
    ent = client_for(cast, "enterprise_user_a").get(reverse("library:document_list")).content.decode()
    assert "政策汇编" in ent and "东华门调研" not in ent and "全区指导意见" not in ent
    csv = b"".join(client_for(cast, "worker_a").get(reverse("library:document_export"), {"format": "csv"})
                   .streaming_content).decode()
    assert "东华门调研" in csv and "景山调研" not in csv


# --- the API -------------------------------------------------------------------------------

API_CASES = {
    "api:list_documents": [("anonymous", "/api/v1/library/documents", None, 401),
                           ("worker_a", "/api/v1/library/documents?q=商会", None, 200),
                           ("auditor", "/api/v1/library/documents", None, 200)],
    "api:get_document": [("worker_a", "/api/v1/library/documents/{}", "a", 200),
                         ("worker_a", "/api/v1/library/documents/{}", "b", 404),
                         ("enterprise_user_a", "/api/v1/library/documents/{}", "public", 200),
                         ("anonymous", "/api/v1/library/documents/{}", "a", 401)],
    "api:download_document": [("worker_a", "/api/v1/library/documents/{}/file", "a", 200),
                              ("worker_a", "/api/v1/library/documents/{}/file", "b", 404),
                              ("anonymous", "/api/v1/library/documents/{}/file", "a", 401)],
}


@pytest.mark.parametrize(("name", "case"), access_params(API_CASES))
def test_api_case(cast, docs, name, case):
    who, url, target, expected = case
    assert_api(cast, who, "get", url.format(docs[target].pk) if target else url, expected)


def test_api_search_is_scoped(cast, docs):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=cast.worker_b)[1]}"}
    items = Client().get("/api/v1/library/documents", {"q": "商会"}, **headers).json()["items"]
    assert [i["title"] for i in items] == []  # the only body with 商会 is street A's
    headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=cast.worker_a)[1]}"}
    items = Client().get("/api/v1/library/documents", {"q": "商会"}, **headers).json()["items"]
    assert [i["title"] for i in items] == ["东华门调研"]


URL_NAMES: set[str] = set(WEB_CASES) | set(API_CASES)
