"""A party-membership overlap names the other organisation only if the user may see it (docs/design.md §4).

The cast's 王东华 (street A) is recorded, by the federation, as a member of 景山's joint committee.
A street A worker who adds him to her own joint committee for the same time learns nothing of
景山's organisation: one neutral sentence, audited. An overlap inside her street is named.
"""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from shanghui.audit.models import AuditEvent
from shanghui.core.duplicates import REFUSED_ACTION, neutral
from shanghui.imports import engine, kinds
from shanghui.imports.tests.sheets import xlsx_file
from shanghui.party import services
from shanghui.party.models import MEMBER_CLASH, PartyMember

D = dt.date
NEUTRAL = neutral(MEMBER_CLASH)


@pytest.fixture
def elsewhere(world) -> PartyMember:
    cast = world.cast
    return services.member_create(by=cast.admin, person=cast.person_a, organization=world.jb,
                                  joined_party=D(2010, 7, 1), joined_org=D(2024, 8, 1))


def _names_nothing_of(text: str, world) -> None:
    assert NEUTRAL in text
    assert world.jb.name not in text and "景山" not in text and "2024-08-01" not in text


def _one_refusal(elsewhere: PartyMember) -> None:
    [event] = AuditEvent.objects.filter(action=REFUSED_ACTION)
    assert event.object_type == "party.partymember" and event.extra["clash_id"] == elsewhere.pk
    assert elsewhere.person.id_number not in json.dumps(event.extra) and not event.success


def test_service_overlap_with_another_streets_organisation_is_neutral_and_audited(world, elsewhere):
    with pytest.raises(ValidationError) as caught:
        services.member_create(by=world.cast.worker_a, person=world.cast.person_a, organization=world.ja,
                               joined_party=D(2010, 7, 1), joined_org=D(2025, 1, 1))
    _names_nothing_of(" ".join(caught.value.messages), world)
    _one_refusal(elsewhere)
    assert PartyMember.objects.filter(person=world.cast.person_a).count() == 1


def test_web_form_overlap_with_another_streets_organisation_is_neutral_and_audited(world, elsewhere):
    client = Client()
    client.force_login(world.cast.worker_a)
    response = client.post(reverse("party:member_create"), {
        "person": world.cast.person_a.pk, "organization": world.ja.pk, "category": "full",
        "joined_party": "2010-07-01", "joined_org": "2025-01-01"})
    assert response.status_code == 200
    _names_nothing_of(response.content.decode(), world)
    _one_refusal(elsewhere)


def test_import_overlap_with_another_streets_organisation_is_neutral_and_audited(world, elsewhere, tmp_path):
    a = world.cast.person_a
    path = xlsx_file(tmp_path, [["身份证号码", "姓名", "所在党组织", "入党日期", "转入本组织日期"],
                                [a.id_number, a.name, world.ja.name, D(2010, 7, 1), D(2025, 1, 1)]],
                     text_columns=(0,))
    result = engine.run(kinds.get("party_members"), path, by=world.cast.worker_a, dry_run=False)
    assert not result.committed and [m for _, _, m in result.errors] == [NEUTRAL]
    _names_nothing_of(json.dumps(result.as_dict(), ensure_ascii=False, default=str), world)
    _one_refusal(elsewhere)


def test_overlap_inside_the_users_street_names_the_organisation(world):
    cast = world.cast
    services.member_create(by=cast.admin, person=cast.person_a, organization=world.ja,
                           joined_party=D(2010, 7, 1), joined_org=D(2021, 1, 1))
    with pytest.raises(ValidationError) as caught:
        services.member_create(by=cast.worker_a, person=cast.person_a, organization=world.oa,
                               joined_party=D(2010, 7, 1), joined_org=D(2025, 1, 1))
    assert f"已是“{world.ja.name}”的党员" in " ".join(caught.value.messages)
    assert not AuditEvent.objects.filter(action=REFUSED_ACTION).exists()
