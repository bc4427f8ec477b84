"""What a login session carries beyond Django's own keys, and the rules on it.

- AUTH_AT: when the password was checked (absolute session limit).
- SEEN_AT: the last request (idle timeout); written at most once a minute.
- SECOND_FACTOR_PENDING: set at password login when a TOTP code is still owed; while
  it is set, the session reaches only the verification (or enrolment) page and logout.
  The REST API's session authentication checks it too.
"""

import time

from django.conf import settings

from shanghui.core.roles import Role

AUTH_AT = "shanghui_auth_at"
SEEN_AT = "shanghui_seen_at"
SECOND_FACTOR_PENDING = "shanghui_2fa_pending"
TOTP_SETUP_SECRET = "shanghui_totp_setup"

SEEN_RESOLUTION = 60  # seconds: saving the session on every request would be a write per click


def second_factor_required(user) -> bool:
    """Required by policy (SHANGHUI_REQUIRE_2FA_FOR_ADMINS) or for this account by an administrator
    (User.totp_required), whether or not the user has enrolled yet. A user who owes it and has not
    enrolled is sent to the enrolment page at login and reaches no other page before (SecondFactorMiddleware)."""
    if getattr(user, "totp_required", False):
        return True
    return bool(settings.SHANGHUI_REQUIRE_2FA_FOR_ADMINS) and user.role == Role.FEDERATION_ADMIN


def needs_second_factor(user) -> bool:
    return user.totp_enabled or second_factor_required(user)


def second_factor_pending(request) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SECOND_FACTOR_PENDING))


def start(request, user) -> None:
    """Called on every login (user_logged_in): stamp the session, owe a second factor if due."""
    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now
    if needs_second_factor(user) and not getattr(request, "second_factor_done", False):
        request.session[SECOND_FACTOR_PENDING] = True


def expired(request, now: float | None = None) -> str:
    """'' while the session is fresh; otherwise why it ended ('idle' or 'absolute')."""
    now = now or time.time()
    session = request.session
    auth_at, seen_at = session.get(AUTH_AT), session.get(SEEN_AT)
    if auth_at is None or seen_at is None:
        return ""  # a session from before these rules: start() stamps it at the next login
    if now - seen_at > settings.SHANGHUI_SESSION_IDLE_SECONDS:
        return "idle"
    if now - auth_at > settings.SHANGHUI_SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    return ""


def touch(request, now: float | None = None) -> None:
    now = int(now or time.time())
    if now - request.session.get(SEEN_AT, 0) >= SEEN_RESOLUTION:
        request.session[SEEN_AT] = now
