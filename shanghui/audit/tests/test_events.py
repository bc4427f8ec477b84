"""What the log holds: every kind of event, and never a personal value."""

import random

import pytest
from django.urls import reverse

from shanghui.audit.models import AuditEvent
from shanghui.directory import services
from shanghui.testing import PASSWORD, make_id_number, make_mobile

pytestmark = pytest.mark.django_db


def _all_audit_text() -> str:
    return "\n".join(str(row) for row in AuditEvent.objects.values_list())


def test_audit_events_carry_no_sensitive_values(client, cast):
    rng = random.Random(99)
    id_number, mobile, new_mobile = make_id_number(rng), make_mobile(rng), make_mobile(rng)
    person = services.person_create(by=cast.admin, name="张保密", region=cast.street_a,
                                    id_number=id_number, mobile=mobile)
    services.person_update(by=cast.admin, person=person, mobile=new_mobile)
    services.person_unmask(by=cast.admin, person=person)
    client.force_login(cast.admin)
    assert client.get(reverse("directory:person_export"), {"format": "csv", "q": "张保密"}).status_code == 200
    # A user who types an ID or mobile number into the user-name box on a failed login.
    client.logout()
    client.post(reverse("accounts:login"), {"username": id_number, "password": "x"})
    client.post(reverse("accounts:login"), {"username": new_mobile, "password": "x"})

    assert {"create", "update", "unmask", "export", "login_failed"} <= set(
        AuditEvent.objects.values_list("action", flat=True))
    text = _all_audit_text()
    for secret in (id_number, mobile, new_mobile):
        assert secret not in text
    assert "mobile" in AuditEvent.objects.get(action="update", object_id=str(person.pk)).fields


def test_login_success_failure_and_logout_are_audited(client, cast):
    url = reverse("accounts:login")
    client.post(url, {"username": "worker_a", "password": "wrong-password"})
    client.post(url, {"username": "worker_a", "password": PASSWORD})
    client.post(reverse("accounts:logout"))
    events = list(AuditEvent.objects.order_by("seq").values_list("action", "success"))
    assert ("login_failed", False) in events and ("login", True) in events and ("logout", True) in events
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.extra["username"] == "worker_a" and "wrong-password" not in _all_audit_text()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_auditor_exports_the_log_and_the_export_is_audited(client, cast, fmt):
    services.person_unmask(by=cast.admin, person=cast.person_a)
    client.force_login(cast.auditor)
    response = client.get(reverse("audit:event_export"), {"format": fmt, "action": "unmask"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        text = body.decode("utf-8-sig")
        assert text.splitlines()[0].startswith("序号,时间,操作人账号,操作")
        assert "查看明文" in text and AuditEvent.objects.get(action="unmask").hash in text
    else:
        assert body[:2] == b"PK"
    export = AuditEvent.objects.get(action="export", object_type="audit.auditevent")
    assert export.actor == cast.auditor and export.extra["rows"] == 1
    assert export.extra["filters"] == {"action": "unmask"} and export.extra["format"] == fmt


@pytest.mark.parametrize("who", ["worker_a", "leader", "enterprise_user_a"])
def test_audit_export_is_forbidden_to_business_users(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("audit:event_export"), {"format": "csv"}).status_code == 403
    assert not AuditEvent.objects.filter(action="export", object_type="audit.auditevent").exists()


def test_audit_page_links_to_the_export(client, cast):
    client.force_login(cast.auditor)
    html = client.get(reverse("audit:event_list"), {"action": "login"}).content.decode()
    assert reverse("audit:event_export") + "?action=login&amp;format=csv" in html
