import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from shanghui.accounts.models import ApiToken
from shanghui.api.errors import UNAUTHORIZED
from shanghui.audit.models import AuditEvent
from shanghui.orgs.models import Chamber

URL = "/api/v1/enterprises/"


def _bearer(key: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_no_credentials_is_401_in_chinese(cast):
    response = Client().get(URL)
    assert response.status_code == 401
    assert response.json() == {"detail": UNAUTHORIZED, "errors": {}}
    assert Client().post(URL, {}, content_type="application/json").status_code == 401


@pytest.mark.parametrize("header", ["Bearer sh_not-a-real-key", "Bearer ", "Token abc", "Basic YTpi"])
def test_bad_token_is_401(cast, header):
    response = Client(headers={"Authorization": header}).get(URL)
    assert response.status_code == 401 and response.json()["detail"] == UNAUTHORIZED


def test_good_token_works_and_records_last_use(cast):
    token, key = ApiToken.issue(user=cast.worker_a)
    assert token.last_used is None
    response = _bearer(key).get(URL)
    assert response.status_code == 200 and response.json()["count"] == 1
    token.refresh_from_db()
    assert token.last_used is not None


def test_last_used_is_written_at_most_once_a_minute(cast):
    token, key = ApiToken.issue(user=cast.worker_a)
    recent = timezone.now() - dt.timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used=recent)
    _bearer(key).get(URL)
    token.refresh_from_db()
    assert token.last_used == recent
    stale = timezone.now() - dt.timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used=stale)
    _bearer(key).get(URL)
    token.refresh_from_db()
    assert token.last_used > stale


def test_inactive_users_token_is_refused(cast):
    _, key = ApiToken.issue(user=cast.worker_a)
    cast.worker_a.is_active = False
    cast.worker_a.save()
    assert _bearer(key).get(URL).status_code == 401


def test_logged_in_session_can_read(cast):
    client = Client()
    client.force_login(cast.worker_a)
    response = client.get(URL)
    assert response.status_code == 200 and response.json()["count"] == 1


def test_session_writes_need_the_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.worker_a)
    payload = {"name": "东华门某行业商会", "kind": "industry", "region": "110101001"}
    response = client.post("/api/v1/chambers/", payload, content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert Chamber.objects.count() == 3

    client.get("/api/v1/docs")  # any page that sets the CSRF cookie would do
    csrf = client.cookies["csrftoken"].value
    response = client.post("/api/v1/chambers/", payload, content_type="application/json",
                           headers={"X-CSRFToken": csrf})
    assert response.status_code == 201, response.json()


def test_bearer_requests_need_no_csrf_token(cast):
    _, key = ApiToken.issue(user=cast.worker_a)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})
    response = client.post("/api/v1/chambers/", {"name": "东华门某行业商会", "kind": "industry",
                                                 "region": "110101001"}, content_type="application/json")
    assert response.status_code == 201


def test_issue_token_command_prints_a_working_key_once(cast, capsys):
    call_command("issue_token", "worker_a", "--name", "报表脚本")
    out = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=cast.worker_a)
    assert token.name == "报表脚本" and token.digest == ApiToken.hash(out) and out not in token.digest
    assert _bearer(out).get(URL).status_code == 200
    event = AuditEvent.objects.get(object_type="accounts.apitoken")
    assert out not in str(event.extra) + event.object_repr


def test_issue_token_refuses_unknown_or_inactive_users(cast):
    with pytest.raises(CommandError, match="不存在"):
        call_command("issue_token", "nobody")
    cast.leader.is_active = False
    cast.leader.save()
    with pytest.raises(CommandError, match="已停用"):
        call_command("issue_token", "leader")
    assert not ApiToken.objects.exists()
