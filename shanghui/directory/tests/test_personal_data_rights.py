"""A person's data rights (个人信息保护, PIPL arts. 45 and 47): export for the person,
anonymise or delete on request, with a record kept."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from shanghui.audit.models import AuditEvent
from shanghui.directory import services
from shanghui.directory.models import Membership, Person

pytestmark = pytest.mark.django_db


def _export(client, person, reference="GK-2026-001"):
    return client.post(reverse("directory:person_rights_export", args=[person.pk]), {"export-reference": reference})


def test_personal_data_export_holds_everything_in_plain_text(client, cast):
    person = cast.youth_member
    client.force_login(cast.admin)
    response = _export(client, person)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"] and "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["人员"]["姓名"] == "赵青创"
    assert data["人员"]["身份证号码"] == person.id_number and data["人员"]["手机号码"] == person.mobile
    assert data["申请编号"] == "GK-2026-001"
    memberships = data["关联记录"]["会员关系（个人会员）"]
    assert [m["商会"] for m in memberships] == [cast.youth.name]
    # No encrypted column or digest leaks into the file.
    assert person.id_number_cipher not in response.content.decode() and "digest" not in response.content.decode()


def test_personal_data_export_lists_enterprises_the_person_heads(client, cast):
    client.force_login(cast.admin)
    data = json.loads(_export(client, cast.person_a).content)
    headed = data["关联记录"]["企业（主要负责人（一把手））"]
    assert [e["企业名称"] for e in headed] == [cast.enterprise_a.name]


def test_personal_data_export_is_audited_without_the_values(client, cast):
    client.force_login(cast.admin)
    _export(client, cast.person_a)
    event = AuditEvent.objects.get(action="personal_data_export")
    assert event.actor == cast.admin and event.object_id == str(cast.person_a.pk)
    assert event.extra["reference"] == "GK-2026-001" and event.extra["rows"] >= 2
    text = json.dumps([event.extra, event.fields, event.object_repr], ensure_ascii=False)
    assert cast.person_a.id_number not in text and cast.person_a.mobile not in text


@pytest.mark.parametrize("who", ["worker_a", "instructor_a", "leader", "enterprise_user_a", "superuser"])
def test_personal_data_export_only_by_users_allowed_to_unmask(client, cast, who):
    client.force_login(getattr(cast, who))
    response = _export(client, cast.person_a)
    assert response.status_code in (403, 404)
    assert cast.person_a.id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action="personal_data_export", success=True).exists()
    with pytest.raises(PermissionDenied):
        services.person_export_data(by=getattr(cast, who), person=cast.person_a, reference="x")


def test_personal_data_export_needs_a_request_reference(client, cast):
    client.force_login(cast.admin)
    response = _export(client, cast.person_a, reference="  ")
    assert response.status_code == 200 and "申请编号" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action="personal_data_export").exists()


def _erase(client, person, **data):
    form = {"erase-reference": "SC-2026-007", "erase-reason": "request", "erase-mode": "anonymise",
            "erase-confirm": "on"}
    form.update({f"erase-{k}": v for k, v in data.items()})
    return client.post(reverse("directory:person_rights_erase", args=[person.pk]), form)


def test_anonymise_clears_identity_and_keeps_memberships_for_statistics(client, cast):
    person = cast.youth_member
    id_number, mobile = person.id_number, person.mobile
    client.force_login(cast.admin)
    response = _erase(client, person)
    assert response.status_code == 302 and response["Location"] == reverse("directory:person_detail",
                                                                           args=[person.pk])
    person.refresh_from_db()
    assert person.name == "已匿名" and person.name_initials == "ynm"
    assert (person.id_number_cipher, person.id_number_digest, person.mobile_cipher, person.mobile_digest) == \
        ("", None, "", "")
    assert person.birth_date is None and person.position == ""
    assert Membership.objects.filter(person=person, chamber=cast.youth).exists()
    assert not Person.objects.by_id_number(id_number).exists() and not Person.objects.by_mobile(mobile).exists()
    event = AuditEvent.objects.get(action="personal_data_anonymise")
    assert event.extra == {"reference": "SC-2026-007", "reason": "request"}
    assert event.actor == cast.admin and event.object_repr == "已匿名"


def test_anonymised_person_leaves_no_plain_data_in_the_database(client, cast):
    person = cast.youth_member
    id_number, mobile = person.id_number, person.mobile
    client.force_login(cast.admin)
    _erase(client, person)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM directory_person WHERE id = %s", [person.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    assert "赵青创" not in row and id_number not in row and mobile not in row


def test_delete_on_request_removes_the_person_and_keeps_the_record(client, cast):
    person = cast.youth_member
    client.force_login(cast.admin)
    response = _erase(client, person, mode="delete", reason="consent")
    assert response.status_code == 302 and response["Location"] == reverse("directory:person_list")
    assert not Person.objects.filter(pk=person.pk).exists()
    event = AuditEvent.objects.get(action="personal_data_delete")
    assert event.object_id == str(person.pk) and event.extra == {"reference": "SC-2026-007", "reason": "consent"}
    assert event.object_repr == "已匿名"  # the request record carries no name


def test_erasure_needs_reference_reason_and_confirmation(client, cast):
    client.force_login(cast.admin)
    for bad in ({"reference": ""}, {"reason": "because"}, {"confirm": ""}, {"mode": "shred"}):
        response = _erase(client, cast.youth_member, **bad)
        assert response.status_code == 200, bad
        assert response.context["erase_form"].errors, bad
    cast.youth_member.refresh_from_db()
    assert cast.youth_member.name == "赵青创"
    with pytest.raises(ValidationError):
        services.person_anonymise(by=cast.admin, person=cast.youth_member, reference="x", reason="because")


@pytest.mark.parametrize("who", ["worker_a", "leader", "enterprise_user_a", "auditor"])
def test_only_federation_admins_anonymise(client, cast, who):
    client.force_login(getattr(cast, who))
    assert _erase(client, cast.person_a).status_code in (403, 404)
    cast.person_a.refresh_from_db()
    assert cast.person_a.name == "王东华"


def test_person_page_shows_the_rights_button_to_federation_admins_only(client, cast):
    url = reverse("directory:person_detail", args=[cast.person_a.pk])
    rights = reverse("directory:person_rights", args=[cast.person_a.pk])
    client.force_login(cast.admin)
    assert rights in client.get(url).content.decode()
    client.force_login(cast.worker_a)
    assert rights not in client.get(url).content.decode()


@pytest.mark.parametrize("mode,action", [("export", "personal_data_export"), ("anonymise", "personal_data_anonymise"),
                                         ("delete", "personal_data_delete")])
@pytest.mark.parametrize("who,why", [("worker_a", "not_granted"), ("leader", "not_granted"),
                                     ("superuser", "not_granted")])
def test_a_refused_data_rights_request_is_audited(client, cast, mode, action, who, why):
    client.force_login(getattr(cast, who))
    response = _export(client, cast.person_a) if mode == "export" else _erase(client, cast.person_a, mode=mode)
    assert response.status_code == 403
    event = AuditEvent.objects.get(action=action)
    assert (event.actor, event.success, event.object_id) == (getattr(cast, who), False, str(cast.person_a.pk))
    assert event.extra["refused"] == why
    assert cast.person_a.id_number not in json.dumps([event.extra, event.object_repr], ensure_ascii=False)
    cast.person_a.refresh_from_db()
    assert cast.person_a.name == "王东华"


@pytest.mark.parametrize("call", [
    lambda by, p: services.person_export_data(by=by, person=p, reference="GK-1"),
    lambda by, p: services.person_anonymise(by=by, person=p, reference="GK-1", reason="request"),
    lambda by, p: services.person_erase(by=by, person=p, reference="GK-1", reason="request"),
])
def test_a_data_rights_request_for_a_person_outside_the_scope_is_refused_and_audited(cast, call):
    with pytest.raises(PermissionDenied):
        call(cast.worker_b, cast.person_a)
    event = AuditEvent.objects.get(action__startswith="personal_data_")
    assert (event.actor, event.success, event.extra["refused"]) == (cast.worker_b, False, "out_of_scope")
    assert Person.objects.get(pk=cast.person_a.pk).name == "王东华"
