"""Identity controls (身份鉴别, GB/T 22239-2019 8.1.4.1): one test per control, named for it."""

import datetime as dt
import time

import pyotp
import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shanghui.accounts import services, sessions
from shanghui.accounts.models import ApiToken, LoginLock, User
from shanghui.audit.models import AuditEvent
from shanghui.core import crypto
from shanghui.testing import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
# A page every logged-in staff user may open (200) and that sends others to the login page (302);
# "home" itself redirects staff to their dashboard.
HOME = reverse("reports:streets")


def login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


# --- password policy -----------------------------------------------------------


@pytest.mark.parametrize("password", ["Ab1@xyz", "abcdefgh1", "ABCDEFGH1", "abcdEFGH", "12345678@"])
def test_password_policy_refuses_short_or_simple_passwords_in_chinese(cast, password):
    with pytest.raises(ValidationError) as e:
        validate_password(password, cast.worker_a)
    assert any("至少 8 位" in m for m in e.value.messages)


@pytest.mark.parametrize("password", ["Hzqmvtr7", "abcdefg1@", "ABCDEFG1@", "Abcdefgh@"])
def test_password_policy_accepts_three_of_four_character_classes(cast, password):
    validate_password(password, cast.worker_a)


def test_password_history_refuses_the_last_five_passwords(client, cast):
    user = cast.worker_a
    used = [PASSWORD] + [f"Neu@mima{i}x" for i in range(5)]
    for old, new in zip(used, used[1:], strict=False):
        services.password_change(by=user, old_password=old, new_password=new)
    # The current one and the four before it are refused; the sixth-last (PASSWORD) is free again.
    for reused in used[1:]:
        with pytest.raises(ValidationError) as e:
            services.password_change(by=user, old_password=used[-1], new_password=reused)
        assert "最近 5 次" in e.value.messages[0]
    services.password_change(by=user, old_password=used[-1], new_password=PASSWORD)
    assert user.password_history.count() == 5


def test_password_change_through_the_page_is_audited_and_checks_the_policy(client, cast):
    client.force_login(cast.worker_a)
    url = reverse("accounts:password_change")
    response = client.post(url, {"old_password": PASSWORD, "new_password1": "simple12",
                                 "new_password2": "simple12"})
    assert response.status_code == 200 and "至少 8 位" in response.content.decode()
    response = client.post(url, {"old_password": PASSWORD, "new_password1": "Xin@mima2026",
                                 "new_password2": "Xin@mima2026"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="password_change", actor=cast.worker_a).exists()
    assert client.get(HOME).status_code == 200  # still logged in after the change


def test_expired_password_forces_the_change_page(client, cast, settings):
    settings.SHANGHUI_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(pk=cast.worker_a.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    client.force_login(cast.worker_a)
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    assert client.get(reverse("accounts:password_change")).status_code == 200
    client.post(reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password1": "Xin@mima2026",
                                                      "new_password2": "Xin@mima2026"})
    assert client.get(HOME).status_code == 200


def test_password_expiry_is_configurable_and_zero_turns_it_off(client, cast, settings):
    User.objects.filter(pk=cast.worker_a.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=40))
    client.force_login(cast.worker_a)
    settings.SHANGHUI_PASSWORD_MAX_AGE_DAYS = 30
    assert client.get(HOME).status_code == 302
    settings.SHANGHUI_PASSWORD_MAX_AGE_DAYS = 0
    assert client.get(HOME).status_code == 200


def test_initial_password_must_be_changed_before_anything_else(client, cast):
    user, initial = services.user_create(by=cast.admin, username="new_worker", display_name="新同事",
                                         role="street_worker", region=cast.street_a)
    assert user.must_change_password
    assert login(client, "new_worker", initial).status_code == 302
    for url in (HOME, reverse("directory:enterprise_list"), "/admin/"):
        assert client.get(url)["Location"] == reverse("accounts:password_change"), url
    response = client.post(reverse("accounts:password_change"), {
        "old_password": initial, "new_password1": "Xin@mima2026", "new_password2": "Xin@mima2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(HOME).status_code == 200


# --- lockout -------------------------------------------------------------------


def test_lockout_after_five_failures(client, cast):
    for _ in range(4):
        assert "请输入一个正确的" in login(client, "worker_a", "wrong").content.decode()
    response = login(client, "worker_a", "wrong")  # the fifth
    assert "已被锁定" in response.content.decode()
    # Now even the right password is refused, with the reason, and nothing is logged in.
    response = login(client, "worker_a")
    assert response.status_code == 200 and "已被锁定" in response.content.decode()
    assert client.get(HOME).status_code == 302
    # Other accounts are not affected.
    assert login(Client(), "worker_b").status_code == 302


def test_lockout_lasts_thirty_minutes(client, cast):
    for _ in range(5):
        login(client, "worker_a", "wrong")
    lock = LoginLock.objects.get(scope="user", user=cast.worker_a)
    minutes = (lock.until - timezone.now()).total_seconds() / 60
    assert 29 < minutes <= 30
    LoginLock.objects.filter(pk=lock.pk).update(until=timezone.now() - dt.timedelta(seconds=1))
    assert login(client, "worker_a").status_code == 302


def test_lockout_is_audited(client, cast):
    for _ in range(6):
        login(client, "worker_a", "wrong")
    lockout = AuditEvent.objects.get(action="lockout")
    assert lockout.extra["scope"] == "user" and lockout.extra["value"] == "worker_a" and not lockout.success
    refused = AuditEvent.objects.filter(action="login_failed", extra__refused_by_lock="user")
    assert refused.count() == 1
    # No password, wrong or right, ever reaches the log.
    assert not AuditEvent.objects.filter(extra__icontains="wrong").exists()


def test_lockout_per_address_across_account_names(cast, settings):
    settings.SHANGHUI_LOCKOUT_ADDRESS_FAILURES = 20
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(20):  # password spraying: four names, below the per-name limit each
        login(attacker, f"guess{i % 4}", "Spring@2026")
    response = login(attacker, "worker_a")
    assert response.status_code == 200 and "网络地址已被锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action="lockout", extra__scope="address").exists()
    # The same account from another address still logs in.
    assert login(Client(REMOTE_ADDR="198.51.100.7"), "worker_a").status_code == 302


def test_successful_login_resets_the_failure_count(client, cast):
    for _ in range(4):
        login(client, "worker_a", "wrong")
    assert login(client, "worker_a").status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        login(client, "worker_a", "wrong")
    assert login(client, "worker_a").status_code == 302


def test_admin_password_reset_lifts_a_lockout(client, cast):
    for _ in range(5):
        login(client, "worker_a", "wrong")
    password = services.user_reset_password(by=cast.admin, user=cast.worker_a)
    assert login(client, "worker_a", password).status_code == 302


# --- sessions ------------------------------------------------------------------


def _age_session(client, *, seen=0, auth=0):
    session = client.session
    session[sessions.SEEN_AT] -= seen
    session[sessions.AUTH_AT] -= auth
    session.save()


def test_idle_session_times_out_after_thirty_minutes(client, cast):
    assert settings.SHANGHUI_SESSION_IDLE_SECONDS == 30 * 60
    login(client, "worker_a")
    key = client.session.session_key
    _age_session(client, seen=29 * 60, auth=29 * 60)
    assert client.get(HOME).status_code == 200
    _age_session(client, seen=31 * 60, auth=31 * 60)
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not Session.objects.filter(session_key=key).exists()
    assert AuditEvent.objects.filter(action="session_timeout", actor=cast.worker_a, extra__reason="idle").exists()


def test_idle_timeout_is_configurable(client, cast, settings):
    settings.SHANGHUI_SESSION_IDLE_SECONDS = 5 * 60
    login(client, "worker_a")
    _age_session(client, seen=6 * 60)
    assert client.get(HOME).status_code == 302


def test_absolute_session_limit_ends_even_an_active_session(client, cast, settings):
    settings.SHANGHUI_SESSION_ABSOLUTE_SECONDS = 8 * 3600
    login(client, "worker_a")
    _age_session(client, auth=8 * 3600 + 60)  # seen just now: active, but logged in too long ago
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(action="session_timeout", extra__reason="absolute").exists()


def test_login_starts_a_new_session(client, cast):
    client.get(LOGIN)
    session = client.session
    session["probe"] = 1
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    before = session.session_key
    assert login(client, "worker_a").status_code == 302
    after = client.session.session_key
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_logout_invalidates_the_session_on_the_server(client, cast):
    login(client, "worker_a")
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(HOME).status_code == 200
    client.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    response = replay.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not Session.objects.filter(session_key=stolen).exists()


def test_deactivated_user_loses_sessions_and_tokens(client, cast):
    client.force_login(cast.worker_a)
    _, key = ApiToken.issue(user=cast.worker_a)
    services.user_set_active(by=cast.admin, user=cast.worker_a, active=False)
    assert client.get(HOME).status_code == 302
    assert Client().get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert AuditEvent.objects.filter(action="deactivate", object_id=str(cast.worker_a.pk)).exists()


# --- TOTP second factor ---------------------------------------------------------


def _enrol(user) -> str:
    secret = pyotp.random_base32()
    services.totp_enable(by=user, secret=secret, code=pyotp.TOTP(secret).now())
    User.objects.filter(pk=user.pk).update(totp_last_step=None)  # let the test use the current code again
    return secret


def test_totp_enrolment_page_shows_a_qr_code_and_enables_on_a_right_code(client, cast):
    client.force_login(cast.worker_a)
    page = client.get(reverse("accounts:totp_setup"))
    html = page.content.decode()
    assert "<svg" in html and "<script" not in html.split("<main")[1]
    secret = client.session[sessions.TOTP_SETUP_SECRET]
    response = client.post(reverse("accounts:totp_setup"), {"code": "000000" if pyotp.TOTP(secret).now() != "000000"
                                                             else "111111"})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    client.post(reverse("accounts:totp_setup"), {"code": pyotp.TOTP(secret).now()})
    user = User.objects.get(pk=cast.worker_a.pk)
    assert user.totp_enabled and secret not in user.totp_cipher and crypto.decrypt(user.totp_cipher) == secret
    assert AuditEvent.objects.filter(action="2fa_enable", actor=user).exists()


def test_totp_second_factor_is_asked_after_the_password(client, cast):
    secret = _enrol(cast.worker_a)
    response = login(client, "worker_a")
    assert response.status_code == 302
    # Password alone reaches nothing but the verification page.
    for url in (HOME, reverse("directory:person_list"), reverse("accounts:password_change")):
        assert client.get(url)["Location"].startswith(reverse("accounts:totp_verify")), url
    before = client.session.session_key
    verify = client.get(reverse("directory:person_list"))["Location"]
    assert client.get(verify).status_code == 200
    response = client.post(verify, {"code": pyotp.TOTP(secret).now(), "next": reverse("directory:person_list")})
    assert response.status_code == 302 and response["Location"] == reverse("directory:person_list")
    assert client.get(HOME).status_code == 200
    assert client.session.session_key != before  # a new session id once fully logged in
    assert AuditEvent.objects.filter(action="login_2fa", actor=cast.worker_a).exists()


def test_totp_code_cannot_be_used_twice(client, cast):
    secret = _enrol(cast.worker_a)
    code = pyotp.TOTP(secret).now()
    login(client, "worker_a")
    client.post(reverse("accounts:totp_verify"), {"code": code})
    other = Client()
    login(other, "worker_a")
    response = other.post(reverse("accounts:totp_verify"), {"code": code})
    assert response.status_code == 200 and "已使用过" in response.content.decode()
    assert other.get(HOME).status_code == 302
    assert AuditEvent.objects.filter(action="2fa_failed").exists()


def test_wrong_totp_codes_count_towards_lockout(client, cast):
    secret = _enrol(cast.worker_a)
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 500000) % 1000000:06d}"
    login(client, "worker_a")
    for _ in range(5):
        response = client.post(reverse("accounts:totp_verify"), {"code": wrong})
    assert response["Location"] == LOGIN  # logged out at the lock
    assert "已被锁定" in login(client, "worker_a").content.decode()


def test_totp_required_for_federation_admins_when_enabled(client, cast, settings):
    settings.SHANGHUI_REQUIRE_2FA_FOR_ADMINS = True
    login(client, "admin")
    assert client.get(HOME)["Location"] == reverse("accounts:totp_setup")
    secret = client.get(reverse("accounts:totp_setup")) and client.session[sessions.TOTP_SETUP_SECRET]
    client.post(reverse("accounts:totp_setup"), {"code": pyotp.TOTP(secret).now()})
    assert client.get(HOME).status_code == 200
    # Other roles are not asked.
    worker = Client()
    login(worker, "worker_a")
    assert worker.get(HOME).status_code == 200
    # And the admin cannot turn it off.
    client.post(reverse("accounts:totp_disable"), {"code": pyotp.TOTP(secret).now()})
    assert User.objects.get(pk=cast.admin.pk).totp_enabled


def test_totp_not_required_for_admins_by_default(client, cast):
    assert settings.SHANGHUI_REQUIRE_2FA_FOR_ADMINS is False
    login(client, "admin")
    assert client.get(HOME).status_code == 200


def test_api_session_requires_the_second_factor_but_tokens_do_not(client, cast):
    secret = _enrol(cast.worker_a)
    login(client, "worker_a")
    assert client.get("/api/v1/regions").status_code == 401
    client.post(reverse("accounts:totp_verify"), {"code": pyotp.TOTP(secret).now()})
    assert client.get("/api/v1/regions").status_code == 200
    _, key = ApiToken.issue(user=cast.worker_a)
    assert Client().get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_totp_accepts_one_step_of_clock_drift_only():
    from shanghui.accounts.totp import matching_step

    secret = pyotp.random_base32()
    now = time.time()
    totp = pyotp.TOTP(secret)
    assert matching_step(secret, totp.at(now - 30), now=now) is not None
    assert matching_step(secret, totp.at(now - 90), now=now) is None
    assert matching_step(secret, "12ab56", now=now) is None


def test_totp_verification_never_redirects_off_site(client, cast):
    secret = _enrol(cast.worker_a)
    login(client, "worker_a")
    response = client.post(reverse("accounts:totp_verify"), {"code": pyotp.TOTP(secret).now(),
                                                              "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")
