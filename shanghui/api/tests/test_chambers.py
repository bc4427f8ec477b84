from shanghui.audit.models import AuditEvent
from shanghui.orgs.models import Chamber

URL = "/api/v1/chambers/"


def test_street_worker_lists_only_her_street_chamber(cast, as_user):
    body = as_user(cast.worker_a).get(URL).json()
    assert body["count"] == 1
    assert [c["name"] for c in body["items"]] == ["东华门街道商会"]
    assert body["items"][0]["region"] == "110101001" and body["items"][0]["region_name"] == "东华门街道"


def test_list_filters_and_pages(cast, as_user):
    client = as_user(cast.admin)
    assert client.get(URL).json()["count"] == 3
    assert [c["id"] for c in client.get(URL, {"kind": "association"}).json()["items"]] == [cast.youth.pk]
    assert [c["id"] for c in client.get(URL, {"region": "110101002"}).json()["items"]] == [cast.chamber_b.pk]
    assert [c["id"] for c in client.get(URL, {"q": "景山"}).json()["items"]] == [cast.chamber_b.pk]
    page = client.get(URL, {"page_size": 2, "page": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 1


def test_enterprise_user_is_refused_and_auditor_sees_no_chambers(cast, as_user):
    # The chambers are a staff register: the enterprise user is refused the operation (api/auth.py).
    assert as_user(cast.enterprise_user_a).get(URL).status_code == 403
    assert as_user(cast.auditor).get(URL).json()["count"] == 0


def test_other_streets_chamber_is_the_same_404_as_a_missing_one(cast, as_user):
    client = as_user(cast.worker_a)
    other = client.get(f"{URL}{cast.chamber_b.pk}")
    missing = client.get(f"{URL}999999")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    assert other.json()["detail"] == "未找到该记录，或您无权查看。"
    assert client.get(f"{URL}{cast.chamber_a.pk}").json()["guarantees"] == 0


def test_street_worker_creates_updates_and_deletes_in_her_street(cast, as_user):
    client = as_user(cast.worker_a)
    created = client.post(URL, {"name": "东华门餐饮行业商会", "kind": "industry", "region": "110101001",
                                "has_office": True})
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["kind_label"] == "行业商会" and data["guarantees"] == 1
    chamber = Chamber.objects.get(pk=data["id"])
    assert AuditEvent.objects.filter(action="create", object_id=str(chamber.pk), actor=cast.worker_a).exists()

    updated = client.patch(f"{URL}{chamber.pk}", {"has_staff": True, "phone": "010-12345678"})
    assert updated.status_code == 200
    chamber.refresh_from_db()
    assert chamber.has_staff and chamber.has_office and chamber.phone == "010-12345678"

    assert client.delete(f"{URL}{chamber.pk}").status_code == 204
    assert not Chamber.objects.filter(pk=chamber.pk).exists()


def test_street_worker_cannot_create_in_another_street(cast, as_user):
    response = as_user(cast.worker_a).post(URL, {"name": "景山某商会", "kind": "industry", "region": "110101002"})
    assert response.status_code == 403
    assert "景山街道" in response.json()["detail"]
    assert Chamber.objects.count() == 3


def test_read_only_roles_get_403_on_writes(cast, as_user):
    for user in (cast.leader, cast.instructor_a, cast.handler_a):
        client = as_user(user)
        assert client.post(URL, {"name": "新商会", "kind": "industry", "region": "110101001"}).status_code == 403
        assert client.patch(f"{URL}{cast.chamber_a.pk}", {"phone": "1"}).status_code == 403
        assert client.delete(f"{URL}{cast.chamber_a.pk}").status_code == 403
    assert Chamber.objects.count() == 3 and Chamber.objects.get(pk=cast.chamber_a.pk).phone == ""


def test_auditor_cannot_even_find_the_chamber_to_edit(cast, as_user):
    assert as_user(cast.auditor).patch(f"{URL}{cast.chamber_a.pk}", {"phone": "1"}).status_code == 404


def test_bad_chamber_input_is_422_in_chinese_and_writes_nothing(cast, as_user):
    client = as_user(cast.admin)
    cases = [
        ({"name": "甲", "kind": "industry", "region": "999999999"}, "region", "不存在"),
        ({"name": "甲", "kind": "club", "region": "110101001"}, "kind", "取值无效"),
        ({"kind": "industry", "region": "110101001"}, "name", "必填"),
        ({"name": "甲", "kind": "street", "region": "110101"}, "region", "街道商会必须属于一个街道"),
        ({"name": "东华门街道商会", "kind": "industry", "region": "110101001"}, "name", "已存在"),
        ({"name": "甲", "kind": "industry", "region": "110101001", "founded": "2020-13-01"}, "founded", "日期"),
        ({"name": "甲", "kind": "industry", "region": "110101001", "colour": "红"}, "colour", "不支持"),
    ]
    for payload, field, words in cases:
        response = client.post(URL, payload)
        assert response.status_code == 422, payload
        body = response.json()
        assert words in " ".join(body["errors"][field]), body
        assert body["detail"]
    assert Chamber.objects.count() == 3
    assert not AuditEvent.objects.filter(action="create").exists()


def test_patch_rejects_null_for_required_field(cast, as_user):
    response = as_user(cast.admin).patch(f"{URL}{cast.chamber_a.pk}", {"name": None})
    assert response.status_code == 422
    assert response.json()["errors"] == {"name": ["此项不能为空。"]}
    assert Chamber.objects.get(pk=cast.chamber_a.pk).name == "东华门街道商会"


def test_chamber_with_members_cannot_be_deleted(cast, as_user):
    response = as_user(cast.admin).delete(f"{URL}{cast.chamber_a.pk}")
    assert response.status_code == 422
    assert "会员记录" in response.json()["detail"]
    assert Chamber.objects.filter(pk=cast.chamber_a.pk).exists()
