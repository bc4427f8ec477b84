import datetime as dt
import random

from shanghui.api.auth import STAFF_ONLY_MESSAGE
from shanghui.audit.models import AuditEvent
from shanghui.directory.models import Person
from shanghui.testing import make_id_number

URL = "/api/v1/persons/"
ID_NUMBER = make_id_number(random.Random(5), birth=dt.date(1985, 6, 15))


def _plain_values(cast):
    return [p.id_number for p in (cast.person_a, cast.person_b, cast.youth_member)] + \
           [p.mobile for p in (cast.person_a, cast.person_b, cast.youth_member)]


def test_lists_and_details_never_carry_plain_personal_data(cast, as_user):
    client = as_user(cast.admin)
    responses = [client.get(URL), *(client.get(f"{URL}{p.pk}") for p in Person.objects.all())]
    for response in responses:
        assert response.status_code == 200
        text = response.content.decode()
        for value in _plain_values(cast):
            assert value not in text
        # Birth date + masked ID would rebuild the full ID number.
        assert "birth" not in text and cast.person_a.birth_date.strftime("%Y%m%d") not in text
    detail = client.get(f"{URL}{cast.person_a.pk}").json()
    assert detail["id_number_masked"] == cast.person_a.id_number[:6] + "********" + cast.person_a.id_number[-4:]
    assert detail["mobile_masked"] == cast.person_a.mobile[:3] + "****" + cast.person_a.mobile[-4:]
    assert "id_number" not in detail and "mobile" not in detail
    assert detail["enterprise"] == cast.enterprise_a.pk and detail["enterprise_name"] == "东华门文化传媒有限公司"


def test_scoped_lists_and_filters(cast, as_user):
    ids = lambda client, params=None: {p["id"] for p in client.get(URL, params or {}).json()["items"]}  # noqa: E731
    assert ids(as_user(cast.worker_a)) == {cast.person_a.pk, cast.youth_member.pk}
    assert ids(as_user(cast.enterprise_user_a)) == {cast.person_a.pk}
    assert ids(as_user(cast.auditor)) == set()
    admin = as_user(cast.admin)
    assert ids(admin, {"enterprise": cast.enterprise_b.pk}) == {cast.person_b.pk}
    assert ids(admin, {"region": "110101002"}) == {cast.person_b.pk}
    assert ids(admin, {"q": "赵"}) == {cast.youth_member.pk}
    assert as_user(cast.worker_a).get(f"{URL}{cast.person_b.pk}").status_code == 404


def test_create_stores_encrypted_and_answers_masked(cast, as_user):
    response = as_user(cast.worker_a).post(URL, {
        "name": "孙新人", "region": "110101001", "enterprise": cast.enterprise_a.pk,
        "id_number": ID_NUMBER.lower(), "mobile": "138-0013-8000", "political_status": "masses"})
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["mobile_masked"] == "138****8000" and data["id_number_masked"].endswith(ID_NUMBER[-4:])
    assert ID_NUMBER not in response.content.decode() and "13800138000" not in response.content.decode()
    person = Person.objects.get(pk=data["id"])
    assert person.id_number == ID_NUMBER and person.mobile == "13800138000"
    assert ID_NUMBER not in person.id_number_cipher
    assert data["gender"] == person.gender != ""


def test_update_personal_data_and_clear_it(cast, as_user):
    client = as_user(cast.worker_a)
    url = f"{URL}{cast.person_a.pk}"
    response = client.patch(url, {"mobile": "13911112222", "position": "总裁"})
    assert response.status_code == 200 and response.json()["mobile_masked"] == "139****2222"
    response = client.patch(url, {"id_number": ""})
    assert response.status_code == 200 and response.json()["id_number_masked"] == ""
    person = Person.objects.get(pk=cast.person_a.pk)
    assert person.mobile == "13911112222" and person.position == "总裁" and person.id_number == ""
    event = AuditEvent.objects.filter(action="update", object_id=str(person.pk)).latest("id")
    assert event.fields == ["id_number"]  # names only, never values


def test_bad_personal_data_is_422_in_chinese_and_writes_nothing(cast, as_user):
    client = as_user(cast.worker_a)
    wrong_check = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
    response = client.post(URL, {"name": "错号", "region": "110101001", "id_number": wrong_check,
                                  "mobile": "12345"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "校验位" in errors["id_number"][0] and "格式不正确" in errors["mobile"][0]
    response = client.post(URL, {"name": "重号", "region": "110101001", "id_number": cast.person_a.id_number})
    assert response.status_code == 422 and "已登记" in response.json()["errors"]["id_number"][0]
    response = client.post(URL, {"name": "外企", "region": "110101001", "enterprise": cast.enterprise_b.pk})
    assert response.status_code == 422 and "enterprise" in response.json()["errors"]
    response = client.patch(f"{URL}{cast.person_a.pk}", {"id_number": "110101199913320000"})
    assert response.status_code == 422 and "出生日期" in response.json()["errors"]["id_number"][0]
    assert Person.objects.count() == 3
    assert Person.objects.get(pk=cast.person_a.pk).id_number == cast.person_a.id_number


def test_write_permissions(cast, as_user):
    payload = {"name": "新人", "region": "110101001"}
    assert as_user(cast.worker_a).post(URL, {**payload, "region": "110101002"}).status_code == 403
    assert as_user(cast.leader).post(URL, payload).status_code == 403
    assert as_user(cast.enterprise_user_a).post(URL, payload).status_code == 403
    assert as_user(cast.enterprise_user_a).patch(f"{URL}{cast.person_a.pk}", {"name": "x"}).status_code == 403
    assert as_user(cast.worker_b).delete(f"{URL}{cast.person_a.pk}").status_code == 404
    assert Person.objects.count() == 3
    assert as_user(cast.worker_a).delete(f"{URL}{cast.youth_member.pk}").status_code == 204
    assert not Person.objects.filter(pk=cast.youth_member.pk).exists()


def test_unmask_gives_plain_values_to_allowed_users_and_is_audited(cast, as_user):
    response = as_user(cast.admin).post(f"{URL}{cast.person_a.pk}/unmask")
    assert response.status_code == 200
    assert response.json() == {"id_number": cast.person_a.id_number, "mobile": cast.person_a.mobile}
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="unmask")
    assert event.actor == cast.admin and event.object_id == str(cast.person_a.pk)


def test_unmask_gives_a_street_worker_the_mobile_of_her_street_only(cast, as_user):
    response = as_user(cast.worker_a).post(f"{URL}{cast.person_a.pk}/unmask")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert response.json() == {"id_number": None, "mobile": cast.person_a.mobile}
    assert cast.person_a.id_number not in response.content.decode()
    assert as_user(cast.worker_a).post(f"{URL}{cast.person_b.pk}/unmask").status_code == 404
    events = AuditEvent.objects.filter(action="unmask").order_by("seq")
    assert [(e.success, e.fields) for e in events] == [(True, ["mobile"]), (False, [])]
    assert events[1].extra == {"refused": "out_of_scope", "person_id": cast.person_b.pk}


def test_unmask_refused_to_others_and_audited(cast, as_user):
    # An enterprise user is refused the operation itself, as a staff one (api/auth.py), before the grants.
    for user, message in ((cast.enterprise_user_a, STAFF_ONLY_MESSAGE), (cast.superuser, "您无权查看完整的个人信息。"),
                          (cast.leader, "您无权查看完整的个人信息。")):
        response = as_user(user).post(f"{URL}{cast.person_a.pk}/unmask")
        assert response.status_code == 403 and response.json()["detail"] == message
        assert cast.person_a.id_number not in response.content.decode()
        assert cast.person_a.mobile not in response.content.decode()
    refused = AuditEvent.objects.filter(action="unmask", success=False)
    assert sorted(refused.values_list("actor_name", flat=True)) == ["leader", "root"]
    assert AuditEvent.objects.get(action="page_refused").extra == {"page": "api:unmask_person", "method": "POST"}
    assert not AuditEvent.objects.filter(action="unmask", success=True).exists()


def test_unmask_over_the_daily_limit_is_refused_and_audited(cast, as_user, settings):
    settings.SHANGHUI_UNMASK_DAILY_LIMIT = 1
    client = as_user(cast.worker_a)
    assert client.post(f"{URL}{cast.person_a.pk}/unmask").status_code == 200
    response = client.post(f"{URL}{cast.person_a.pk}/unmask")
    assert response.status_code == 403 and "1 次上限" in response.json()["detail"]
    assert cast.person_a.mobile not in response.content.decode()
    refused = AuditEvent.objects.get(action="unmask", success=False)
    assert refused.actor == cast.worker_a and refused.extra["refused"] == "daily_limit"
