"""Who may see and change community projects, contributions and aid records (web and API).

`URL_NAMES` lists the URL names tested here; the site-wide enumeration test
(core/tests/test_url_access.py) fails on any URL without an access case.

Own rows are in street A (东华门), other rows in street B (景山); "district" is the counterpart-
assistance project outside the district (region: the district), seen by district users only.
"""

import pytest
from django.test import Client
from django.urls import reverse

from shanghui.community.models import AidRecord, Contribution
from shanghui.testing import (
    access_params,
    api_headers,
    assert_access,
    assert_api,
    by_role,
    client_for,
    fill_url,
)

WEB_CASES = {
    "community:index": by_role(anonymous=302, worker_a=200, leader=200, enterprise_user_a=403, auditor=200),
    "community:project_list": by_role(anonymous=302, worker_a=200, auditor=200),
    "community:project_export": by_role(anonymous=302, leader=200),
    "community:project_create":
        by_role(anonymous=302, worker_a=200, admin=200, leader=403, enterprise_user_a=403, auditor=403),
    "community:project_detail": [
        *by_role(("a", "project"), anonymous=302, worker_a=200, enterprise_user_a=403, auditor=404),
        *by_role(("b", "project"), worker_a=404, leader=200),
        *by_role(("district", "project"), worker_a=404, admin=200),
    ],
    "community:project_edit": [
        *by_role(("a", "project"), worker_a=200, leader=403, anonymous=302),
        *by_role(("b", "project"), worker_a=404),
    ],
    "community:project_delete": [
        *by_role(("a", "project"), worker_a=200),
        *by_role(("a", "empty"), method="post", worker_a=302, leader=403),
        *by_role(("b", "empty"), method="post", worker_a=404),
    ],
    "community:contribution_list": by_role(anonymous=302, worker_a=200, leader=200),
    "community:contribution_export": by_role(anonymous=302, worker_a=200),
    "community:contribution_create": by_role(anonymous=302, worker_a=200, leader=403, enterprise_user_a=403),
    "community:contribution_edit": [
        *by_role(("a", "contribution"), worker_a=200, leader=403, anonymous=302),
        *by_role(("b", "contribution"), worker_a=404),
    ],
    "community:contribution_delete": [
        *by_role(("a", "contribution"), worker_a=200),
        *by_role(("a", "spare"), method="post", worker_a=302, leader=403),
        *by_role(("b", "spare"), method="post", worker_a=404),
    ],
    "community:aid_list":
        by_role(anonymous=302, admin=200, worker_a=200, leader=403, instructor_a=403, enterprise_user_a=403,
                auditor=403),
    "community:aid_export": by_role(anonymous=302, worker_a=200, leader=403),
    "community:aid_create": by_role(anonymous=302, worker_a=200, leader=403),
    "community:aid_detail": [
        *by_role(("a", "aid"), anonymous=302, worker_a=200, leader=404, instructor_a=404,
                 enterprise_user_a=403),
        *by_role(("b", "aid"), worker_a=404, admin=200),
    ],
    "community:aid_edit": [
        *by_role(("a", "aid"), worker_a=200, leader=404),
        *by_role(("b", "aid"), worker_a=404),
    ],
    "community:aid_delete": [
        *by_role(("a", "aid"), worker_a=200),
        *by_role(("b", "aid"), method="post", worker_a=404),
        *by_role(("a", "aid"), method="post", worker_a=302),
    ],
    "community:youth": by_role(anonymous=302, worker_a=200, leader=200, auditor=200),
    "community:youth_export": by_role(anonymous=302, leader=200),
}


@pytest.mark.parametrize(("name", "case"), access_params(WEB_CASES))
def test_web_page_access(rows, name, case):
    cast, out = rows
    who, method, target, expected = case
    assert_access(cast, who, method, fill_url(name, target, out), expected)


def test_a_street_worker_sees_no_contribution_outside_her_street(rows):
    cast, out = rows
    worker = client_for(cast, "worker_a")
    page = worker.get(reverse("community:contribution_list")).content.decode()
    assert "东华门街道背街小巷治理" in page and "景山" not in page and "科右前旗" not in page
    csv = b"".join(worker.get(reverse("community:contribution_export"), {"format": "csv"}).streaming_content).decode()
    assert "东华门" in csv and "景山" not in csv and "科右前旗" not in csv
    assert set(Contribution.objects.visible_to(cast.worker_a).values_list("project__region", flat=True)) == {
        cast.street_a.pk}
    overview = worker.get(reverse("community:index")).content.decode()
    assert "科右前旗" not in overview and "景山" not in overview


def test_a_refused_post_writes_nothing(rows):
    cast, out = rows
    before = list(Contribution.objects.values_list("pk", "amount").order_by("pk"))
    worker = client_for(cast, "worker_a")
    assert worker.post(reverse("community:contribution_edit", args=[out["b"]["contribution"].pk]),
                       {"amount": "1"}).status_code == 404
    assert client_for(cast, "leader").post(reverse("community:contribution_create"), {
        "project": out["a"]["project"].pk, "enterprise": cast.enterprise_a.pk, "kind": "money", "amount": "5",
        "date": "2018-01-01"}).status_code == 403
    assert list(Contribution.objects.values_list("pk", "amount").order_by("pk")) == before


def test_the_contribution_form_saves_and_shows_errors_in_chinese(rows):
    cast, out = rows
    worker = client_for(cast, "worker_a")
    data = {"project": out["a"]["project"].pk, "enterprise": cast.enterprise_a.pk, "chamber": cast.chamber_a.pk,
            "kind": "money", "amount": "5", "date": "2018-01-01"}
    response = worker.post(reverse("community:contribution_create"), data)
    assert response.status_code == 200 and "三选一" in response.content.decode()
    del data["chamber"]
    assert worker.post(reverse("community:contribution_create"), data).status_code == 302
    assert Contribution.objects.filter(project=out["a"]["project"], amount=5).count() == 1


def test_the_aid_form_stores_only_the_masked_name(rows):
    cast, out = rows
    response = client_for(cast, "worker_a").post(reverse("community:aid_create"), {
        "project": out["a"]["charity"].pk, "code": "SZ-F-1", "name": "周杰明", "school": "史家小学",
        "grade": "四年级", "region": cast.street_a.pk, "amount": "1000", "date": "2018-09-01"})
    assert response.status_code == 302
    assert AidRecord.objects.get(code="SZ-F-1").masked_name == "周**"


# --- the API -------------------------------------------------------------------------------

API_CASES = {
    "api:list_projects": [("anonymous", "/api/v1/community/projects", None, 401),
                          ("worker_a", "/api/v1/community/projects", None, 200)],
    "api:get_project": [("worker_a", "/api/v1/community/projects/{}", ("a", "project"), 200),
                        ("worker_a", "/api/v1/community/projects/{}", ("b", "project"), 404),
                        ("leader", "/api/v1/community/projects/{}", ("district", "project"), 200),
                        ("anonymous", "/api/v1/community/projects/{}", ("a", "project"), 401)],
    "api:list_contributions": [("anonymous", "/api/v1/community/contributions", None, 401),
                               ("worker_a", "/api/v1/community/contributions?year=2018", None, 200)],
    "api:community_totals": [("anonymous", "/api/v1/community/totals", None, 401),
                             ("leader", "/api/v1/community/totals?year=2018", None, 200),
                             ("worker_a", "/api/v1/community/totals?year=1", None, 422)],
    "api:list_aid_records": [("anonymous", "/api/v1/community/aid-records", None, 401),
                             ("worker_a", "/api/v1/community/aid-records", None, 200),
                             ("leader", "/api/v1/community/aid-records", None, 403),
                             ("enterprise_user_a", "/api/v1/community/aid-records", None, 403)],
    "api:youth_association": [("anonymous", "/api/v1/community/youth", None, 401),
                              ("leader", "/api/v1/community/youth?day=2020-01-01", None, 200)],
}


@pytest.mark.parametrize(("name", "case"), access_params(API_CASES))
def test_api_case(rows, name, case):
    cast, out = rows
    who, url, target, expected = case
    assert_api(cast, who, "get", url.format(out[target[0]][target[1]].pk) if target else url, expected)


def test_api_lists_and_totals_are_scoped(rows):
    cast, out = rows
    items = Client().get("/api/v1/community/contributions", **api_headers(cast, "worker_a")).json()["items"]
    assert {i["project"] for i in items} == {out["a"]["project"].pk}
    aid = Client().get("/api/v1/community/aid-records", **api_headers(cast, "worker_a")).json()["items"]
    assert [(a["code"], a["masked_name"]) for a in aid] == [("SZ-a-1", "张**")]
    totals = Client().get("/api/v1/community/totals", **api_headers(cast, "leader")).json()
    assert {t["kind"]: float(t["amount"]) for t in totals["totals"]}["money"] == 71.0
    assert totals["aid"]["records"] == 2


URL_NAMES: set[str] = set(WEB_CASES) | set(API_CASES)


def test_a_contributions_pages_lead_back_to_its_project(rows):
    cast, out = rows
    worker = client_for(cast, "worker_a")
    project_page = reverse("community:project_detail", args=[out["a"]["project"].pk])
    data = {"project": out["a"]["project"].pk, "enterprise": cast.enterprise_a.pk, "kind": "money", "amount": "7",
            "date": "2018-01-01"}
    assert worker.post(reverse("community:contribution_create"), data)["Location"] == project_page
    edit = worker.get(reverse("community:contribution_edit", args=[out["a"]["contribution"].pk])).content.decode()
    assert f'href="{project_page}">取消' in edit
    assert worker.post(reverse("community:contribution_delete", args=[out["a"]["spare"].pk]))["Location"] == project_page
