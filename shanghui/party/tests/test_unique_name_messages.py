"""A name (or code) already used by a record outside the user's scope gets the neutral sentence, audited;
one inside her scope keeps Django's own message and no refusal (core/duplicates.py)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from shanghui.audit.models import AuditEvent
from shanghui.core import duplicates
from shanghui.core.duplicates import REFUSED_ACTION, neutral
from shanghui.party import services
from shanghui.party.models import PartyOrganization

NEUTRAL = neutral("党组织名称")


def _form(world, name: str) -> dict:
    return {"name": name, "level": "branch", "form": "joint", "host_chamber": world.cast.chamber_a.pk,
            "founded": "2025-01-01", "term_years": 5}


def test_web_form_with_another_streets_organisation_name_is_neutral_and_audited(world):
    client = Client()
    client.force_login(world.cast.worker_a)
    before = PartyOrganization.objects.count()
    response = client.post(reverse("party:organization_create"), _form(world, world.jb.name))
    assert response.status_code == 200 and NEUTRAL in response.content.decode()
    assert PartyOrganization.objects.count() == before
    [event] = AuditEvent.objects.filter(action=REFUSED_ACTION)
    assert (event.actor, event.success, event.extra["clash_id"]) == (world.cast.worker_a, False, world.jb.pk)
    assert event.object_type == "party.partyorganization"


def test_a_name_used_in_her_own_street_is_not_a_refusal(world):
    client = Client()
    client.force_login(world.cast.worker_a)
    response = client.post(reverse("party:organization_create"), _form(world, world.ja.name))
    assert response.status_code == 200 and NEUTRAL not in response.content.decode()
    assert response.context["form"].errors
    assert not AuditEvent.objects.filter(action=REFUSED_ACTION).exists()


def test_service_refusal_of_a_name_outside_the_scope_outlives_its_rollback(world):
    with duplicates.refusals_audited(), pytest.raises(ValidationError) as refused:
        services.organization_create(by=world.cast.worker_a, name=world.jb.name, level="branch", form="joint",
                                     host_chamber=world.cast.chamber_a, founded=dt.date(2025, 1, 1))
    assert refused.value.messages == [NEUTRAL]
    assert AuditEvent.objects.filter(action=REFUSED_ACTION, extra__clash_id=world.jb.pk).count() == 1
