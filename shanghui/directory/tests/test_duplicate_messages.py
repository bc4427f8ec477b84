"""A uniqueness message names a clashing record only if the user may see it (docs/design.md §4).

A street worker who types an ID number registered in another street gets one neutral sentence
on every path (form, API, import), without the other person's name or id, and the refusal is
an audit event; a clash inside her street may name the record.
"""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from shanghui.audit.models import AuditEvent
from shanghui.core.duplicates import REFUSED_ACTION, neutral
from shanghui.directory import services
from shanghui.directory.models import Person
from shanghui.imports import engine, kinds
from shanghui.imports.tests.sheets import csv_file

NEUTRAL = "该身份证号码已在其他单位登记，请联系区工商联核实"


def _assert_names_nothing_of(text: str, other: Person) -> None:
    assert NEUTRAL in text
    assert other.name not in text and f"编号{other.pk}" not in text and f"（{other.pk}）" not in text
    assert other.enterprise.name not in text and other.region.name not in text


def _refusals(other: Person) -> list[AuditEvent]:
    events = list(AuditEvent.objects.filter(action=REFUSED_ACTION))
    for event in events:
        stored = json.dumps([event.object_repr, event.fields, event.extra], ensure_ascii=False)
        assert other.id_number not in stored and other.id_number_masked not in stored
        assert other.id_number_digest not in stored and other.name not in stored
        assert not event.success and event.object_type == "directory.person"
    return events


def _form(cast, **changes) -> dict:
    return {"name": "钱新人", "region": cast.street_a.pk, "enterprise": "", "position": "", "political_status": "",
            "gender": "", "id_number": "", "mobile": "", **changes}


def test_neutral_sentence_is_the_one_promised():
    assert neutral("身份证号码") == NEUTRAL


@pytest.mark.parametrize("path", ["create", "edit"])
def test_web_form_with_another_streets_id_number_gets_the_neutral_audited_message(cast, path):
    other = cast.person_b
    client = Client()
    client.force_login(cast.worker_a)
    if path == "create":
        response = client.post(reverse("directory:person_create"), _form(cast, id_number=other.id_number))
    else:
        response = client.post(reverse("directory:person_edit", args=[cast.person_a.pk]),
                               _form(cast, name=cast.person_a.name, id_number=other.id_number))
    assert response.status_code == 200
    _assert_names_nothing_of(response.content.decode(), other)
    [event] = _refusals(other)
    assert event.actor == cast.worker_a and event.extra["clash_id"] == other.pk
    assert Person.objects.filter(id_number_digest=other.id_number_digest).count() == 1
    cast.person_a.refresh_from_db()
    assert cast.person_a.id_number_digest != other.id_number_digest


def test_web_form_with_an_id_number_of_the_same_street_names_the_record(cast):
    client = Client()
    client.force_login(cast.worker_a)
    response = client.post(reverse("directory:person_create"), _form(cast, id_number=cast.youth_member.id_number))
    assert f"已登记为人员“{cast.youth_member.name}”" in response.content.decode()
    assert not AuditEvent.objects.filter(action=REFUSED_ACTION).exists()


def test_api_with_another_streets_id_number_gets_the_neutral_audited_message(cast):
    other = cast.person_b
    client = Client()
    client.force_login(cast.worker_a)
    created = client.post("/api/v1/persons/", {"name": "钱新人", "region": cast.street_a.code,
                                               "id_number": other.id_number}, content_type="application/json")
    patched = client.patch(f"/api/v1/persons/{cast.person_a.pk}", {"id_number": other.id_number},
                           content_type="application/json")
    for response in (created, patched):
        assert response.status_code == 422
        body = response.json()
        assert body["errors"] == {"id_number": [NEUTRAL]}
        _assert_names_nothing_of(response.content.decode(), other)
    assert len(_refusals(other)) == 2
    assert Person.objects.filter(id_number_digest=other.id_number_digest).count() == 1


def test_api_errors_name_no_model_field_in_english(cast):
    client = Client()
    client.force_login(cast.worker_a)
    answers = [
        client.post("/api/v1/persons/", {"name": "钱新人", "region": cast.street_a.code,
                                         "id_number": cast.person_b.id_number}, content_type="application/json"),
        client.post("/api/v1/persons/", {"name": "钱新人", "region": cast.street_a.code,
                                         "id_number": cast.youth_member.id_number}, content_type="application/json"),
        client.patch(f"/api/v1/persons/{cast.person_a.pk}", {"id_number": cast.youth_member.id_number,
                                                             "mobile": "123"}, content_type="application/json"),
    ]
    for response in answers:
        assert response.status_code == 422
        body = response.json()
        messages = [body["detail"], *(m for ms in body["errors"].values() for m in ms)]
        assert messages and not any(re.search(r"[A-Za-z]{2,}", m) for m in messages), messages
        assert set(body["errors"]) <= {"id_number", "mobile", "__all__"}


@pytest.mark.parametrize("dry_run", [True, False])
def test_import_with_another_streets_id_number_gets_the_neutral_audited_message(cast, tmp_path, dry_run):
    other = cast.person_b
    path = csv_file(tmp_path, [["姓名", "身份证号码", "所属街道"], ["钱新人", other.id_number, "东华门街道"]])
    result = engine.run(kinds.get("persons"), path, by=cast.worker_a, dry_run=dry_run)
    assert not result.committed and [message for _, _, message in result.errors] == [NEUTRAL]
    _assert_names_nothing_of(json.dumps(result.as_dict(), ensure_ascii=False, default=str), other)
    # The commit was rolled back, its refusal's audit event was not.
    assert len(_refusals(other)) == 1
    other.refresh_from_db()
    assert other.name == "李景山" and other.region == cast.street_b


def test_service_refusal_is_audited_although_its_transaction_rolls_back(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.person_create(by=cast.worker_a, name="钱新人", region=cast.street_a,
                               id_number=cast.person_b.id_number)
    assert caught.value.message_dict == {"id_number": [NEUTRAL]}
    assert len(_refusals(cast.person_b)) == 1


def test_federation_sees_every_street_so_the_clash_is_named(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.person_create(by=cast.admin, name="钱新人", region=cast.street_a, id_number=cast.person_b.id_number)
    assert cast.person_b.name in caught.value.message_dict["id_number"][0]
    assert not AuditEvent.objects.filter(action=REFUSED_ACTION).exists()


def test_another_streets_enterprise_code_gets_the_neutral_audited_message_on_api_and_import(cast, tmp_path):
    other = cast.enterprise_b
    expected = neutral("统一社会信用代码")
    client = Client()
    client.force_login(cast.worker_a)
    response = client.post("/api/v1/enterprises/", {"uscc": other.uscc, "name": "东华门新企业",
                                                    "region": cast.street_a.code}, content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"] == {"uscc": [expected]}
    path = csv_file(tmp_path, [["统一社会信用代码", "企业名称", "所在街道"], [other.uscc, "东华门新企业", "东华门街道"]])
    result = engine.run(kinds.get("enterprises"), path, by=cast.worker_a, dry_run=False)
    assert [message for _, _, message in result.errors] == [expected]
    for text in (response.content.decode(), json.dumps(result.as_dict(), ensure_ascii=False, default=str)):
        assert other.name not in text and other.principal.name not in text
    events = AuditEvent.objects.filter(action=REFUSED_ACTION)
    assert [(e.object_type, e.extra["clash_id"]) for e in events] == [("directory.enterprise", other.pk)] * 2
    other.refresh_from_db()
    assert other.name == "景山餐饮管理有限公司"
    named = Client()
    named.force_login(cast.worker_b)
    response = named.post("/api/v1/enterprises/", {"uscc": other.uscc, "name": "景山新企业",
                                                   "region": cast.street_b.code}, content_type="application/json")
    assert response.json()["errors"] == {"uscc": [f"该统一社会信用代码已登记为企业“{other.name}”。"]}
