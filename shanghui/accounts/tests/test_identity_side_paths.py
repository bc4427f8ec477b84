"""Identity controls in their side paths: second-factor failures across logins, a code used once
under a race, the forced password change on the API, wrong old passwords, typed names at rest."""

import datetime as dt
import random
import threading

import pyotp
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shanghui.accounts import lockout, services
from shanghui.accounts.models import UNKNOWN_ACCOUNT, ApiToken, LoginFailure, LoginLock, User
from shanghui.api.auth import PASSWORD_CHANGE_DUE
from shanghui.audit.models import AuditEvent
from shanghui.testing import PASSWORD, make_id_number, make_mobile

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:totp_verify")
HOME = reverse("reports:streets")
API = "/api/v1/persons/"


def login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def _enrol(user) -> pyotp.TOTP:
    secret = pyotp.random_base32()
    services.totp_enable(by=user, secret=secret, code=pyotp.TOTP(secret).now())
    User.objects.filter(pk=user.pk).update(totp_last_step=None)
    return pyotp.TOTP(secret)


def _wrong(totp: pyotp.TOTP) -> str:
    return f"{(int(totp.now()) + 500000) % 1000000:06d}"


# --- second factor ----------------------------------------------------------------


def test_second_factor_failures_survive_a_correct_password_and_lock_on_the_fifth(cast):
    totp = _enrol(cast.worker_a)
    client = Client()
    # Four wrong codes, a fresh password login, and again: the count runs on across logins.
    assert login(client, "worker_a").status_code == 302
    for _ in range(4):
        response = client.post(VERIFY, {"code": _wrong(totp)})
        assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    assert login(client, "worker_a").status_code == 302  # the password is still right
    response = client.post(VERIFY, {"code": _wrong(totp)})  # the fifth wrong code overall
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert LoginLock.objects.filter(scope="user", user=cast.worker_a, until__gt=timezone.now()).exists()
    # Locked: neither the password nor the right code gets in now.
    assert "已被锁定" in login(client, "worker_a").content.decode()
    assert client.get(HOME).status_code == 302
    assert AuditEvent.objects.filter(action="2fa_failed", actor=cast.worker_a).count() == 5


def test_a_session_waiting_for_its_code_ends_when_the_account_is_locked(cast):
    totp = _enrol(cast.worker_a)
    waiting, attacker = Client(), Client()
    login(waiting, "worker_a")
    login(attacker, "worker_a")
    for _ in range(5):
        attacker.post(VERIFY, {"code": _wrong(totp)})
    # The other session, opened with the password before the lock, cannot finish with the right code.
    response = waiting.post(VERIFY, {"code": totp.now()})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert waiting.get(HOME).status_code == 302


def test_a_correct_code_forgives_earlier_second_factor_failures(cast):
    totp = _enrol(cast.worker_a)
    client = Client()
    login(client, "worker_a")
    for _ in range(4):
        client.post(VERIFY, {"code": _wrong(totp)})
    assert client.post(VERIFY, {"code": totp.now()}).status_code == 302
    assert client.get(HOME).status_code == 200
    assert not LoginFailure.objects.filter(account=lockout.account_digest("worker_a")).exists()


def test_a_code_is_consumed_once_even_by_two_requests_that_read_the_account_together(cast):
    totp = _enrol(cast.worker_a)
    code = totp.now()
    # Both requests loaded the account before either consumed the code: the race a plain
    # check-then-write would lose.
    first, second = User.objects.get(pk=cast.worker_a.pk), User.objects.get(pk=cast.worker_a.pk)
    results = [services.totp_check(user=first, code=code), services.totp_check(user=second, code=code)]
    assert results == [True, False]


@pytest.mark.django_db(transaction=True)
def test_two_threads_with_one_code_get_at_most_one_acceptance():
    user = User.objects.create(username="racer", display_name="并发")
    user.set_password(PASSWORD)
    user.save()
    totp = _enrol(user)
    code, accepted, barrier = totp.now(), [], threading.Barrier(2)
    loaded = [User.objects.get(pk=user.pk) for _ in range(2)]

    def attempt(account):
        barrier.wait(timeout=10)
        try:
            accepted.append(services.totp_check(user=account, code=code))
        finally:
            connection.close()  # each thread has its own database connection

    threads = [threading.Thread(target=attempt, args=(account,)) for account in loaded]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(accepted) == [False, True]


# --- forced and expired password changes on the API ----------------------------------


def _due(user, why: str) -> None:
    if why == "initial":
        User.objects.filter(pk=user.pk).update(must_change_password=True)
    else:
        User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=365))


@pytest.mark.parametrize("why", ["initial", "expired"])
def test_api_refuses_session_and_token_until_the_password_is_changed(cast, why, settings):
    settings.SHANGHUI_PASSWORD_MAX_AGE_DAYS = 90
    _, key = ApiToken.issue(user=cast.worker_a)
    session = Client()
    assert login(session, "worker_a").status_code == 302
    token = Client(headers={"Authorization": f"Bearer {key}"})
    assert session.get(API).status_code == 200 and token.get(API).status_code == 200
    _due(cast.worker_a, why)
    for client in (session, token):
        response = client.get(API)
        assert response.status_code == 403, response.content
        assert response.json()["detail"].startswith("须先修改密码")
        assert client.post(API, {"name": "新人"}, content_type="application/json").status_code == 403
    new = "Xin@mima2026"
    session.post(reverse("accounts:password_change"),
                 {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert session.get(API).status_code == 200 and token.get(API).status_code == 200


def test_the_api_refusal_says_why_in_chinese(cast):
    _due(cast.worker_a, "initial")
    _, key = ApiToken.issue(user=cast.worker_a)
    detail = Client(headers={"Authorization": f"Bearer {key}"}).get(API).json()["detail"]
    assert detail == PASSWORD_CHANGE_DUE.format(reason="您正在使用初始密码或管理员重置的密码，")


def test_wrong_old_passwords_count_towards_the_lockout_and_are_audited(cast):
    client = Client()
    login(client, "worker_a")
    url = reverse("accounts:password_change")
    new = "Xin@mima2026"
    for i in range(4):
        response = client.post(url, {"old_password": f"guess{i}", "new_password1": new, "new_password2": new})
        assert response.status_code == 200 and "原密码不正确" in response.content.decode()
    failed = AuditEvent.objects.filter(action="password_change_failed", actor=cast.worker_a, success=False)
    assert failed.count() == 4 and not failed.filter(extra__icontains="guess").exists()
    response = client.post(url, {"old_password": "guess4", "new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response["Location"] == LOGIN  # the fifth locks and logs out
    assert client.get(HOME).status_code == 302
    assert "已被锁定" in login(client, "worker_a").content.decode()
    assert User.objects.get(pk=cast.worker_a.pk).check_password(PASSWORD)


def test_a_locked_account_guesses_no_old_password_from_another_session(cast, settings):
    other = Client()
    other.force_login(cast.worker_a)
    for _ in range(settings.SHANGHUI_LOCKOUT_FAILURES):
        login(Client(), "worker_a", "wrong")
    new = "Xin@mima2026"
    response = other.post(reverse("accounts:password_change"),
                          {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert User.objects.get(pk=cast.worker_a.pk).check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="password_change_failed").exists()


# --- typed names at rest ----------------------------------------------------------


def _rows(model) -> str:
    return "\n".join(str(row) for row in model.objects.values_list())


def test_typed_unknown_names_are_kept_nowhere_in_plain(cast, settings):
    rng = random.Random(14)
    mobile, id_number = make_mobile(rng), make_id_number(rng)
    typed = [f"+86{mobile}", f"tel:{mobile}", f"ID{id_number}x", "Sommer@2026"]  # the last: a password in the name box
    client = Client(REMOTE_ADDR="203.0.113.5")
    for name in typed:
        for _ in range(settings.SHANGHUI_LOCKOUT_FAILURES):
            login(client, name, "wrong")
    assert LoginLock.objects.filter(scope="user").count() == len(typed)
    dumped = "\n".join(_rows(m) for m in (LoginFailure, LoginLock, AuditEvent))
    for secret in (mobile, id_number, "Sommer@2026", *typed):
        assert secret not in dumped
    failed = AuditEvent.objects.filter(action="login_failed")
    assert set(failed.values_list("extra__username", flat=True)) == {UNKNOWN_ACCOUNT}
    # The lock still refuses the same typed name (looked up by its digest).
    assert lockout.locked(typed[0]) is not None and lockout.locked("someone-else") is None


def test_a_known_account_is_named_in_the_log_and_the_lock(cast, settings):
    client = Client()
    for _ in range(settings.SHANGHUI_LOCKOUT_FAILURES):
        login(client, "worker_a", "wrong")
    lock = LoginLock.objects.get(scope="user")
    assert lock.user == cast.worker_a and "worker_a" not in lock.value and lock.target == "worker_a"
    assert AuditEvent.objects.filter(action="login_failed", extra__username="worker_a").exists()
    assert AuditEvent.objects.get(action="lockout").extra["value"] == "worker_a"


def test_admin_sees_whom_a_lock_belongs_to_and_can_unlock_the_account(cast, settings):
    bad = Client()
    for name in ("worker_a", f"+86{make_mobile(random.Random(3))}"):
        for _ in range(settings.SHANGHUI_LOCKOUT_FAILURES):
            login(bad, name, "wrong")
    admin = Client()
    admin.force_login(cast.superuser)
    html = admin.get(reverse("admin:accounts_loginlock_changelist")).content.decode()
    assert "worker_a" in html and UNKNOWN_ACCOUNT in html
    lock = LoginLock.objects.get(user=cast.worker_a)
    admin.post(reverse("admin:accounts_loginlock_delete", args=[lock.pk]), {"post": "yes"})
    assert login(Client(), "worker_a").status_code == 302
