import random

from shanghui.directory.models import Enterprise
from shanghui.testing import make_uscc

URL = "/api/v1/enterprises/"


def _new(**fields):
    return {"uscc": make_uscc(random.Random(42)), "name": "东华门新科技有限公司", "region": "110101001",
            "industry": "I", **fields}


def test_scoped_lists(cast, as_user):
    for user in (cast.worker_a, cast.enterprise_user_a):
        items = as_user(user).get(URL).json()["items"]
        assert [e["id"] for e in items] == [cast.enterprise_a.pk]
    item = as_user(cast.worker_a).get(URL).json()["items"][0]
    assert item["principal"] == cast.person_a.pk and item["principal_name"] == "王东华"
    assert item["industry_label"] == "文化、体育和娱乐业" and item["status_label"] == "存续"
    assert as_user(cast.auditor).get(URL).json()["count"] == 0


def test_list_filters(cast, as_user):
    client = as_user(cast.admin)
    ids = lambda params: [e["id"] for e in client.get(URL, params).json()["items"]]  # noqa: E731
    assert ids({}) == [cast.enterprise_a.pk, cast.enterprise_b.pk]
    assert ids({"region": "110101002"}) == [cast.enterprise_b.pk]
    assert ids({"industry": "H"}) == [cast.enterprise_b.pk]
    assert ids({"status": "closed"}) == []
    assert ids({"q": cast.enterprise_a.uscc[:10]}) == [cast.enterprise_a.pk]
    assert ids({"q": "景山"}) == [cast.enterprise_b.pk]


def test_unknown_region_filter_is_422(cast, as_user):
    response = as_user(cast.admin).get(URL, {"region": "123"})
    assert response.status_code == 422 and "不存在" in response.json()["errors"]["region"][0]


def test_detail_outside_scope_is_404(cast, as_user):
    assert as_user(cast.worker_a).get(f"{URL}{cast.enterprise_b.pk}").status_code == 404
    assert as_user(cast.enterprise_user_a).get(f"{URL}{cast.enterprise_b.pk}").status_code == 404
    assert as_user(cast.enterprise_user_a).get(f"{URL}{cast.enterprise_a.pk}").json()["name"] == "东华门文化传媒有限公司"


def test_street_worker_creates_updates_deletes(cast, as_user):
    client = as_user(cast.worker_a)
    response = client.post(URL, _new(uscc=" " + make_uscc(random.Random(42)).lower() + " "))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["uscc"] == make_uscc(random.Random(42))  # normalised by the model
    assert data["region_name"] == "东华门街道" and data["size"] == ""

    response = client.patch(f"{URL}{data['id']}", {"employees": 12, "principal": cast.person_a.pk})
    assert response.status_code == 200
    assert response.json()["employees"] == 12 and response.json()["principal_name"] == "王东华"

    assert client.delete(f"{URL}{data['id']}").status_code == 204
    assert not Enterprise.objects.filter(pk=data["id"]).exists()


def test_bad_enterprise_input_is_422_and_writes_nothing(cast, as_user):
    client = as_user(cast.worker_a)
    good = make_uscc(random.Random(42))
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    cases = [
        (_new(uscc=wrong_check), "uscc", "校验位"),
        (_new(uscc="91110101"), "uscc", "18位"),
        (_new(uscc=cast.enterprise_b.uscc), "uscc", "该统一社会信用代码已在其他单位登记，请联系区工商联核实"),
        (_new(region="110101999"), "region", "不存在"),
        (_new(principal=cast.person_b.pk), "principal", "不在您的管辖范围"),
        (_new(industry="Z"), "industry", "取值无效"),
        (_new(employees=-1), "employees", "不能小于0"),
        (_new(employees="many"), "employees", "整数"),
        (_new(founded="2999-01-01"), "founded", "不能晚于今天"),
    ]
    for payload, field, words in cases:
        response = client.post(URL, payload)
        assert response.status_code == 422, (payload, response.content)
        assert words in " ".join(response.json()["errors"][field]), response.json()
    # Only a district-wide user may write at district level; the model still wants a street.
    response = as_user(cast.admin).post(URL, _new(region="110101"))
    assert response.status_code == 422 and "具体街道" in response.json()["errors"]["region"][0]
    assert Enterprise.objects.count() == 2


def test_worker_cannot_create_or_edit_in_another_street(cast, as_user):
    client = as_user(cast.worker_a)
    assert client.post(URL, _new(region="110101002")).status_code == 403
    assert client.patch(f"{URL}{cast.enterprise_b.pk}", {"address": "x"}).status_code == 404
    assert client.delete(f"{URL}{cast.enterprise_b.pk}").status_code == 404
    # Moving her enterprise to another street is a write there too.
    assert client.patch(f"{URL}{cast.enterprise_a.pk}", {"region": "110101002"}).status_code == 403
    assert Enterprise.objects.get(pk=cast.enterprise_a.pk).region == cast.street_a


def test_enterprise_user_edits_only_the_self_editable_fields(cast, as_user):
    client = as_user(cast.enterprise_user_a)
    url = f"{URL}{cast.enterprise_a.pk}"
    response = client.patch(url, {"address": "东华门大街1号", "employees": 30})
    assert response.status_code == 200 and response.json()["address"] == "东华门大街1号"
    response = client.patch(url, {"name": "改名公司"})
    assert response.status_code == 403 and "企业用户只能修改" in response.json()["detail"]
    assert client.post(URL, _new()).status_code == 403
    assert client.delete(url).status_code == 403
    enterprise = Enterprise.objects.get(pk=cast.enterprise_a.pk)
    assert enterprise.name == "东华门文化传媒有限公司" and enterprise.employees == 30


def test_read_only_roles_get_403(cast, as_user):
    for user in (cast.leader, cast.instructor_a):
        client = as_user(user)
        assert client.post(URL, _new()).status_code == 403
        assert client.patch(f"{URL}{cast.enterprise_a.pk}", {"address": "x"}).status_code == 403
        assert client.delete(f"{URL}{cast.enterprise_a.pk}").status_code == 403
    assert Enterprise.objects.count() == 2


def test_deleting_an_enterprise_still_referenced_is_409(cast, as_user):
    # enterprise_user_a's account points at enterprise A (PROTECT).
    response = as_user(cast.admin).delete(f"{URL}{cast.enterprise_a.pk}")
    assert response.status_code == 409
    assert "冲突" in response.json()["detail"] and response.json()["errors"] == {}
    assert Enterprise.objects.filter(pk=cast.enterprise_a.pk).exists()
