"""User management by the federation admin (issue 18, item 2): the list, unlock, require TOTP, reset,
deactivate; every change audited with field names only; every refusal in Chinese and audited."""

import json
import random

import pyotp
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shanghui.accounts import lockout, services, sessions
from shanghui.accounts.models import User
from shanghui.audit.models import AuditEvent
from shanghui.directory.models import Enterprise
from shanghui.orgs.models import Region
from shanghui.testing import PASSWORD, make_uscc

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
HOME = reverse("reports:streets")  # a staff page that answers 200 once nothing is owed


def _login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def _lock(user):
    for _ in range(settings.SHANGHUI_LOCKOUT_FAILURES):
        lockout.note_failure(user.username, "10.0.0.9")
    assert lockout.user_lock(user) is not None


def _users_snapshot():
    return sorted(User.objects.values_list("pk", "username", "role", "region_id", "enterprise_id", "is_active",
                                           "is_superuser", "password", "totp_required", "display_name"))


def _refusals(by, action):
    return AuditEvent.objects.filter(actor=by, action=action, success=False)


# --- the list -----------------------------------------------------------------


def test_user_list_shows_role_scope_state_second_factor_and_last_login(client, cast):
    User.objects.filter(pk=cast.worker_a.pk).update(last_login=timezone.now().replace(year=2026, month=3, day=5,
                                                                                      hour=9, minute=30))
    User.objects.filter(pk=cast.worker_b.pk).update(is_active=False, totp_required=True)
    User.objects.filter(pk=cast.instructor_a.pk).update(totp_enabled=True)
    _lock(cast.leader)
    client.force_login(cast.admin)
    response = client.get(reverse("accounts:user_list"))
    rows = {u.username: u for u in response.context["objects"]}
    # Business accounts of his district only: never the auditor or the system administrator.
    assert {"worker_a", "worker_b", "leader", "enterprise_a", "handler_a"} <= set(rows)
    assert "auditor" not in rows and "root" not in rows
    assert rows["leader"].locked and not rows["worker_a"].locked
    html = response.content.decode()
    row = html.split(">worker_a</a>")[1].split("</tr>")[0]
    assert "商会专职工作者" in row and cast.street_a.name in row and "2026-03-05" in row
    row = html.split(">worker_b</a>")[1].split("</tr>")[0]
    assert "已停用" in row and "须启用，未设置" in row
    assert "已锁定" in html.split(">leader</a>")[1].split("</tr>")[0]
    assert "已启用" in html.split(">instructor_a</a>")[1].split("</tr>")[0]
    row = html.split(">handler_a</a>")[1].split("</tr>")[0]
    assert cast.market.name in row and "从未登录" in row
    assert cast.enterprise_a.name in html.split(">enterprise_a</a>")[1].split("</tr>")[0]
    # The role filter offers no role he cannot give.
    assert "auditor" not in dict(response.context["filter"].fields["role"].choices)


@pytest.mark.parametrize(("query", "expected"), [
    ({"state": "locked"}, {"leader"}),
    ({"state": "inactive"}, {"worker_b"}),
    ({"state": "totp_required"}, {"worker_b"}),
    ({"role": "street_worker"}, {"worker_a", "worker_b"}),
    ({"role": "street_worker", "state": "active"}, {"worker_a"}),
])
def test_user_list_filters_by_role_and_state(client, cast, query, expected):
    User.objects.filter(pk=cast.worker_b.pk).update(is_active=False, totp_required=True)
    _lock(cast.leader)
    client.force_login(cast.admin)
    response = client.get(reverse("accounts:user_list"), query)
    assert {u.username for u in response.context["objects"]} == expected


# --- the actions ----------------------------------------------------------------


def test_unlock_lifts_the_lockout_from_the_accounts_page_and_is_audited(client, cast):
    _lock(cast.worker_a)
    assert not Client().login(username="worker_a", password=PASSWORD)
    client.force_login(cast.admin)
    page = client.get(reverse("accounts:user_edit", args=[cast.worker_a.pk])).content.decode()
    unlock = reverse("accounts:user_unlock", args=[cast.worker_a.pk])
    assert unlock in page
    response = client.post(unlock, follow=True)
    assert "已解除“worker_a”的登录锁定" in response.content.decode()
    assert lockout.user_lock(cast.worker_a) is None
    assert Client().login(username="worker_a", password=PASSWORD)
    event = AuditEvent.objects.get(action="unlock", object_id=str(cast.worker_a.pk))
    assert event.actor == cast.admin and event.success and event.fields == ["login_lock"]
    # No button when nothing is locked; a second unlock is refused with a message and writes nothing.
    assert unlock not in client.get(reverse("accounts:user_edit", args=[cast.worker_a.pk])).content.decode()
    response = client.post(unlock, follow=True)
    assert "该账号当前未被锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action="unlock").count() == 1


def test_required_second_factor_is_enrolled_at_next_login_before_any_page(client, cast):
    admin = Client()
    admin.force_login(cast.admin)
    admin.post(reverse("accounts:user_require_2fa", args=[cast.worker_a.pk]), {"required": "1"})
    assert User.objects.get(pk=cast.worker_a.pk).totp_required
    event = AuditEvent.objects.get(action="2fa_require", object_id=str(cast.worker_a.pk))
    assert event.actor == cast.admin and event.fields == ["totp_required"]

    _login(client, "worker_a")
    for url in (HOME, reverse("home"), reverse("accounts:user_list")):
        assert client.get(url)["Location"] == reverse("accounts:totp_setup"), url
    client.get(reverse("accounts:totp_setup"))
    secret = client.session[sessions.TOTP_SETUP_SECRET]
    client.post(reverse("accounts:totp_setup"), {"code": pyotp.TOTP(secret).now()})
    assert client.get(HOME).status_code == 200
    # While required, he cannot turn it off himself.
    client.post(reverse("accounts:totp_disable"), {"code": pyotp.TOTP(secret).now()})
    assert User.objects.get(pk=cast.worker_a.pk).totp_enabled

    admin.post(reverse("accounts:user_require_2fa", args=[cast.worker_a.pk]), {"required": "0"})
    assert not User.objects.get(pk=cast.worker_a.pk).totp_required
    assert AuditEvent.objects.filter(action="2fa_unrequire", object_id=str(cast.worker_a.pk)).exists()


def test_reset_password_is_shown_once_and_must_be_changed_at_next_login(client, cast):
    _lock(cast.worker_a)
    admin = Client()
    admin.force_login(cast.admin)
    response = admin.post(reverse("accounts:user_reset_password", args=[cast.worker_a.pk]))
    password = response.context["password"]
    assert password in response.content.decode() and "no-store" in response["Cache-Control"]
    assert password not in admin.get(reverse("accounts:user_edit", args=[cast.worker_a.pk])).content.decode()
    event = AuditEvent.objects.get(action="password_reset", object_id=str(cast.worker_a.pk))
    assert password not in json.dumps([event.fields, event.extra]) and "password" in event.fields
    # The reset lifts the lock; the next login goes to the password change before anything else.
    assert _login(client, "worker_a", password)["Location"] == reverse("home")
    assert client.get(HOME)["Location"] == reverse("accounts:password_change")
    client.post(reverse("accounts:password_change"), {"old_password": password, "new_password1": "Xin@mima2026",
                                                      "new_password2": "Xin@mima2026"})
    assert client.get(HOME).status_code == 200


def test_deactivate_and_rename_are_audited_with_field_names_only(client, cast):
    client.force_login(cast.admin)
    client.post(reverse("accounts:user_set_active", args=[cast.worker_a.pk]), {"active": "0"})
    client.post(reverse("accounts:user_edit", args=[cast.worker_a.pk]), {
        "display_name": "王新名", "role": "street_worker", "region": cast.street_a.pk})
    assert User.objects.get(pk=cast.worker_a.pk).display_name == "王新名"
    events = AuditEvent.objects.filter(object_id=str(cast.worker_a.pk), actor=cast.admin)
    assert events.get(action="deactivate").fields == ["is_active"]
    renamed = events.get(action="update")
    assert renamed.fields == ["display_name"] and "王新名" not in json.dumps(renamed.extra)
    assert not events.filter(action="role_change").exists()  # role and scope unchanged


# --- refusals -------------------------------------------------------------------


@pytest.fixture
def xicheng(cast):
    """Another district, with a street, an enterprise and a worker: outside the admin's district."""
    district = Region.objects.create(code="110102", name="西城区", level="district", parent=cast.district.parent)
    street = Region.objects.create(code="110102001", name="西长安街街道", level="street", parent=district)
    enterprise = Enterprise.objects.create(uscc=make_uscc(random.Random(5), "110102"),
                                           name="西城测试有限公司", region=street)
    worker = User.objects.create_user("xicheng_worker", password=PASSWORD, role="street_worker", region=street)
    return street, enterprise, worker


def test_every_refusal_is_in_chinese_changes_nothing_and_is_audited(cast, xicheng):
    street_x, enterprise_x, worker_x = xicheng
    admin = cast.admin
    street_admin, _ = services.user_create(by=admin, username="street_admin", role="federation_admin",
                                           region=cast.street_a)
    before = _users_snapshot()
    cases = [
        # (call, exception, action, why, field)
        (lambda: services.user_create(by=admin, username="x1", role="street_worker", region=street_x),
         ValidationError, "create", "out_of_scope", "region"),
        (lambda: services.user_create(by=admin, username="x2", role="enterprise_user", enterprise=enterprise_x),
         ValidationError, "create", "out_of_scope", "enterprise"),
        (lambda: services.user_update(by=admin, user=cast.worker_a, region=street_x),
         ValidationError, "role_change", "out_of_scope", "region"),
        (lambda: services.user_update(by=street_admin, user=cast.worker_a, region=cast.street_b),
         ValidationError, "role_change", "out_of_scope", "region"),
        (lambda: services.user_create(by=admin, username="aud2", role="auditor"),
         ValidationError, "create", "role_not_assignable", "role"),
        (lambda: services.user_create(by=admin, username="root2", role=""),
         ValidationError, "create", "role_not_assignable", "role"),
        (lambda: services.user_update(by=admin, user=cast.worker_a, role="auditor"),
         ValidationError, "role_change", "role_not_assignable", "role"),
        (lambda: services.user_update(by=admin, user=cast.superuser, role="street_worker", region=cast.street_a),
         PermissionDenied, "role_change", "protected_account", ""),
        (lambda: services.user_reset_password(by=admin, user=cast.superuser),
         PermissionDenied, "password_reset", "protected_account", ""),
        (lambda: services.user_set_active(by=admin, user=cast.auditor, active=False),
         PermissionDenied, "deactivate", "protected_account", ""),
        (lambda: services.user_require_second_factor(by=admin, user=worker_x, required=True),
         PermissionDenied, "2fa_require", "out_of_scope", ""),
        (lambda: services.user_unlock(by=admin, user=worker_x),
         PermissionDenied, "unlock", "out_of_scope", ""),
        (lambda: services.user_reset_second_factor(by=street_admin, user=cast.worker_b),
         PermissionDenied, "2fa_reset", "out_of_scope", ""),
        (lambda: services.user_set_active(by=admin, user=admin, active=False),
         PermissionDenied, "deactivate", "own_account", ""),
        (lambda: services.user_reset_password(by=cast.worker_a, user=cast.worker_b),
         PermissionDenied, "password_reset", "not_a_manager", ""),
        (lambda: services.user_create(by=cast.auditor, username="x3", role="leader", region=cast.district),
         PermissionDenied, "create", "not_a_manager", ""),
    ]
    for i, (call, exception, action, why, field) in enumerate(cases):
        with pytest.raises(exception) as raised:
            call()
        error = raised.value
        messages = error.message_dict[field] if field else [str(error)]
        assert all(any("\u4e00" <= c <= "\u9fff" for c in m) for m in messages), (i, messages)
        event = AuditEvent.objects.filter(action=action, success=False).latest("id")
        assert event.extra == {"refused": why} and event.fields == ([field] if field else []), i
    assert _users_snapshot() == before
    assert not User.objects.filter(username__in=["x1", "x2", "x3", "aud2", "root2"]).exists()


@pytest.mark.parametrize(("name", "data"), [
    ("accounts:user_edit", {"display_name": "x", "role": "street_worker", "region": "0"}),
    ("accounts:user_set_active", {"active": "0"}),
    ("accounts:user_reset_password", {}),
    ("accounts:user_reset_2fa", {}),
    ("accounts:user_unlock", {}),
    ("accounts:user_require_2fa", {"required": "1"}),
])
@pytest.mark.parametrize("target", ["superuser", "auditor", "xicheng"])
def test_pages_answer_404_for_accounts_he_does_not_manage_and_audit_the_attempt(client, cast, xicheng, name,
                                                                             data, target):
    account = xicheng[2] if target == "xicheng" else getattr(cast, target)
    before = _users_snapshot()
    client.force_login(cast.admin)
    assert client.post(reverse(name, args=[account.pk]), data).status_code == 404
    assert _users_snapshot() == before
    event = AuditEvent.objects.filter(actor=cast.admin, success=False).latest("id")
    assert event.object_id == str(account.pk)
    assert event.extra["refused"] == ("out_of_scope" if target == "xicheng" else "protected_account")


def test_a_forbidden_role_posted_to_the_form_is_refused_in_chinese(client, cast):
    client.force_login(cast.admin)
    for role in ("auditor", ""):
        response = client.post(reverse("accounts:user_create"), {"username": "sneaky", "display_name": "x",
                                                                 "role": role})
        assert response.status_code == 200 and response.context["form"].has_error("role")
    assert not User.objects.filter(username="sneaky").exists()


def test_managed_user_lookup_refuses_non_managers_without_naming_anyone(cast):
    with pytest.raises(Http404):
        services.managed_user(by=cast.worker_a, pk=cast.worker_b.pk, action="unlock")
    with pytest.raises(Http404):
        services.managed_user(by=cast.admin, pk=2**63, action="unlock")
    assert services.managed_user(by=cast.admin, pk=cast.worker_a.pk) == cast.worker_a
    assert _refusals(cast.admin, "unlock").get().extra == {"refused": "not_found"}
