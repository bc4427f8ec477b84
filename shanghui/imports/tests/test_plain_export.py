"""The plaintext export: a separate, explicit action with a stated reason, for users granted the
unmask of every number in the file (the federation admin), audited with the reason and the row
count, never cached. Everyone else, the technical superuser included, is refused and audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shanghui.audit.models import AuditEvent
from shanghui.directory.models import Person
from shanghui.imports import kinds
from shanghui.imports.exports import kind_export_plain

pytestmark = pytest.mark.django_db

REASON = "向区委统战部报送会员企业负责人名单"


def _url(kind="persons"):
    return reverse("imports:export_plain", args=[kind])


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


def test_plaintext_export_gives_the_numbers_with_no_store_and_is_audited_with_the_reason(client, cast):
    client.force_login(cast.admin)
    form = client.get(_url())
    assert form.status_code == 200 and "导出事由" in form.content.decode()
    response = client.post(_url(), {"reason": REASON, "format": "csv"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    text = _text(response)
    for person in Person.objects.all():
        assert person.id_number in text and person.mobile in text
    event = AuditEvent.objects.get(action="export_plain")
    assert (event.actor, event.success) == (cast.admin, True)
    assert event.extra["reason"] == REASON and event.extra["rows"] == Person.objects.count()
    assert event.extra["personal"] == ["id_number", "mobile"] and event.extra["filters"] == {"unmasked": True}
    assert cast.person_a.id_number not in str(event.extra)


@pytest.mark.parametrize("reason", ["", "   ", "导出", "x" * 201])
def test_plaintext_export_needs_a_reason(client, cast, reason):
    client.force_login(cast.admin)
    response = client.post(_url(), {"reason": reason, "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "事由" in html and cast.person_a.id_number not in html
    assert response.context["form"].errors["reason"]
    assert not AuditEvent.objects.filter(action__in=["export", "export_plain"]).exists()


# The enterprise user never reaches the page: test_enterprise_pages.py.
@pytest.mark.parametrize("who", ["superuser", "worker_a", "instructor_a", "handler_a", "leader", "auditor"])
def test_plaintext_export_is_refused_to_everyone_else_and_audited(client, cast, who):
    user = getattr(cast, who)
    client.force_login(user)
    assert client.get(_url()).status_code == 403
    response = client.post(_url(), {"reason": REASON, "format": "csv"})
    assert response.status_code == 403
    assert cast.person_a.id_number not in response.content.decode()
    event = AuditEvent.objects.get(action="export_plain")
    assert (event.actor_name, event.success) == (user.username, False)
    assert event.extra == {"refused": "not_granted", "kind": "persons"}
    with pytest.raises(PermissionDenied):
        kind_export_plain(by=user, kind=kinds.get("persons"), reason=REASON)


def test_a_street_worker_cannot_export_even_the_mobiles_in_plain(cast):
    """Her grant is one mobile at a time, audited and limited; a bulk file of mobiles is not."""
    with pytest.raises(PermissionDenied):
        kind_export_plain(by=cast.worker_a, kind=kinds.get("attendances"), reason=REASON)


def test_plaintext_export_only_exists_for_kinds_that_carry_personal_numbers(client, cast):
    client.force_login(cast.admin)
    assert client.get(_url("enterprises")).status_code == 404
    assert client.post(_url("enterprises"), {"reason": REASON}).status_code == 404
    assert client.get(_url("nope")).status_code == 404


def test_a_bad_format_changes_nothing(cast):
    with pytest.raises(ValidationError):
        kind_export_plain(by=cast.admin, kind=kinds.get("persons"), reason=REASON, fmt="pdf")
    assert not AuditEvent.objects.filter(action="export_plain").exists()


def test_the_import_page_offers_the_plaintext_export_only_to_granted_users(client, cast):
    client.force_login(cast.admin)
    html = client.get(reverse("imports:index")).content.decode()
    assert _url("persons") in html and _url("party_members") in html and _url("enterprises") not in html
    for who in ("worker_a", "superuser"):
        client.force_login(getattr(cast, who))
        assert "/plain/" not in client.get(reverse("imports:index")).content.decode(), who
