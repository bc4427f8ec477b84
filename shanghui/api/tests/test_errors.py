"""The one error shape, whatever goes wrong."""

import pytest

from shanghui.api.errors import MALFORMED
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.orgs.models import Chamber

WRITES = [
    ("post", "/api/v1/chambers/", Chamber),
    ("post", "/api/v1/enterprises/", Enterprise),
    ("post", "/api/v1/persons/", Person),
    ("post", "/api/v1/memberships/", Membership),
    ("patch", "/api/v1/chambers/{chamber_a}", Chamber),
    ("patch", "/api/v1/enterprises/{enterprise_a}", Enterprise),
    ("patch", "/api/v1/persons/{person_a}", Person),
    ("patch", "/api/v1/memberships/{membership_a}", Membership),
]


def _url(template, cast):
    return template.format(chamber_a=cast.chamber_a.pk, enterprise_a=cast.enterprise_a.pk,
                           person_a=cast.person_a.pk, membership_a=cast.membership_a.pk)


@pytest.mark.parametrize("method,url,model", WRITES)
def test_malformed_json_is_422_in_chinese_and_writes_nothing(cast, as_user, method, url, model):
    client = as_user(cast.admin)
    before = list(model.objects.values())
    response = getattr(client, method)(_url(url, cast), '{"name": "半截', )
    assert response.status_code == 422
    assert response.json() == {"detail": MALFORMED, "errors": {"__all__": [MALFORMED]}}
    assert list(model.objects.values()) == before


@pytest.mark.parametrize("method,url,model", WRITES)
def test_a_body_that_is_not_an_object_is_422(cast, as_user, method, url, model):
    response = getattr(as_user(cast.admin), method)(_url(url, cast), "[1, 2]")
    assert response.status_code == 422
    assert response.json()["errors"] == {"__all__": ["应为 JSON 对象。"]}


@pytest.mark.parametrize("method,url,model", WRITES)
def test_unknown_field_is_422(cast, as_user, method, url, model):
    response = getattr(as_user(cast.admin), method)(_url(url, cast), {"colour": "红"})
    assert response.status_code == 422
    assert response.json()["errors"]["colour"] == ["不支持此字段。"]


def test_non_numeric_id_is_422_not_500(cast, as_user):
    response = as_user(cast.admin).get("/api/v1/enterprises/abc")
    assert response.status_code == 422
    assert response.json()["errors"] == {"enterprise_id": ["应为整数。"]}


def test_bad_query_parameters_are_422(cast, as_user):
    client = as_user(cast.admin)
    response = client.get("/api/v1/memberships/", {"active_on": "someday", "page": 0})
    assert response.status_code == 422
    assert response.json()["errors"] == {"active_on": ["日期格式不正确，应为 YYYY-MM-DD。"], "page": ["不能小于1。"]}


def test_messages_stay_chinese_whatever_the_client_language(cast, as_user):
    client = as_user(cast.admin)
    response = client.post("/api/v1/chambers/", {"name": "东华门街道商会", "kind": "industry",
                                                  "region": "110101001"}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "已存在" in response.json()["errors"]["name"][0]


def test_a_single_error_is_also_the_detail(cast, as_user):
    response = as_user(cast.admin).post("/api/v1/chambers/", {"name": "甲", "kind": "industry",
                                                               "region": "000"})
    assert response.json() == {"detail": "行政区划代码“000”不存在。",
                               "errors": {"region": ["行政区划代码“000”不存在。"]}}


def test_huge_numbers_are_client_errors_not_500(cast, as_user):
    client = as_user(cast.admin)
    huge = 10**30
    assert client.get(f"/api/v1/enterprises/{huge}").status_code == 404
    assert client.delete(f"/api/v1/persons/{huge}").status_code == 404
    for response in (
        client.get("/api/v1/memberships/", {"chamber": huge}),
        client.get("/api/v1/enterprises/", {"page": huge}),
        client.patch(f"/api/v1/enterprises/{cast.enterprise_a.pk}", {"employees": huge}),
        client.patch(f"/api/v1/enterprises/{cast.enterprise_a.pk}", {"principal": huge}),
        client.post("/api/v1/memberships/", {"chamber": huge, "enterprise": huge, "joined": "2024-01-01"}),
    ):
        assert response.status_code == 422, response.content
        assert response.json()["detail"]
    assert Enterprise.objects.get(pk=cast.enterprise_a.pk).employees is None


def test_empty_body_and_form_body_are_422(cast, as_user):
    client = as_user(cast.admin)
    response = client.post("/api/v1/chambers/")  # no body: every required field is reported missing
    assert response.status_code == 422 and response.json()["errors"]["name"] == ["此项为必填项。"]
    response = client.post("/api/v1/chambers/", "name=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422 and response.json()["detail"] == MALFORMED
    assert Chamber.objects.count() == 3


def test_unrouted_api_path_answers_json_404(client):
    response = client.get("/api/v1/party/organizations/null,null")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert client.get("/no-such-page/").status_code == 404
