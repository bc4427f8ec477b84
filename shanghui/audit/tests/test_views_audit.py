import pytest
from django.urls import reverse

from shanghui.audit import record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["admin", "auditor", "superuser"])
def test_audit_log_is_open_to_federation_auditor_and_superuser(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("audit:event_list")).status_code == 200


# The enterprise user gets the staff-page refusal instead: test_enterprise_pages.py.
@pytest.mark.parametrize("who", ["worker_a", "leader", "instructor_a"])
def test_audit_log_is_forbidden_to_everyone_else(client, cast, who):
    client.force_login(getattr(cast, who))
    response = client.get(reverse("audit:event_list"))
    assert response.status_code == 403
    assert "审计日志" in response.content.decode()


def test_audit_log_filters_by_action_user_and_date(client, cast):
    record(by=cast.worker_a, action="export", object_type="directory.enterprise", extra={"rows": 1})
    record(by=cast.admin, action="unmask", obj=cast.person_a, fields=["id_number", "mobile"])
    client.force_login(cast.auditor)
    url = reverse("audit:event_list")
    events = client.get(url, {"action": "unmask"}).context["objects"]
    assert [(e.action, e.actor_name) for e in events] == [("unmask", "admin")]
    events = client.get(url, {"user": "worker"}).context["objects"]
    assert {e.action for e in events} == {"export"}
    assert not client.get(url, {"start": "2999-01-01"}).context["objects"]
    assert "查看明文" in client.get(url).content.decode()  # actions are shown in Chinese


def test_audit_log_ignores_a_malformed_filter(client, cast):
    client.force_login(cast.auditor)
    response = client.get(reverse("audit:event_list"), {"start": "not-a-date", "page": "-3"})
    assert response.status_code == 200
