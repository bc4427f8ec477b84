"""Login lockout: after N failures an account name is refused for M minutes; the same
for a source address with a higher N (password spraying across many names).

A small own implementation rather than django-axes: it has to count second-factor
failures too, work with the test client's `login()` (which passes no request) and
write our own audit events. Every number comes from settings (SHANGHUI_LOCKOUT_*).

Typed names are stored only as keyed digests (`account_digest`): a name box receives
mobile and ID numbers and mistyped passwords too. Password failures are cleared by
the next correct password; second-factor failures only by a correct code (or an
administrator's reset), so a stolen password cannot buy fresh guesses at the code.
"""

import datetime as dt
import math

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from shanghui.audit import record

from .models import UNKNOWN_ACCOUNT, LoginFailure, LoginLock, User
from .sessions import needs_second_factor

PASSWORD = LoginFailure.Kind.PASSWORD
SECOND_FACTOR = LoginFailure.Kind.SECOND_FACTOR


def account_digest(username: str) -> str:
    """HMAC-SHA256 of a typed name under a key derived from SECRET_KEY: lookups work, names are not kept."""
    return salted_hmac("shanghui.accounts.lockout.account", (username or "")[:150], algorithm="sha256").hexdigest()


def known_user(username: str) -> User | None:
    """The account a typed name belongs to (exactly as the login backend looks it up), if any."""
    return User.objects.filter(username=(username or "")[:150]).first()


def audit_name(username: str) -> str:
    """What the audit log may say about a typed name: the account's own name, never an unknown one."""
    user = known_user(username)
    return user.username if user is not None else UNKNOWN_ACCOUNT


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.SHANGHUI_LOCKOUT_MINUTES)


def locked(username: str, address: str = "") -> LoginLock | None:
    """The lock that refuses this name or address now, if any."""
    now = timezone.now()
    locks = LoginLock.objects.filter(until__gt=now)
    lock = locks.filter(scope=LoginLock.Scope.USER, value=account_digest(username)).first()
    if lock is None and address:
        lock = locks.filter(scope=LoginLock.Scope.ADDRESS, value=address).first()
    return lock


def _lock(scope: str, value: str, count: int, user: User | None) -> None:
    until = timezone.now() + _window()
    LoginLock.objects.update_or_create(scope=scope, value=value, defaults={"until": until, "user": user})
    shown = value if scope == LoginLock.Scope.ADDRESS else (user.username if user else UNKNOWN_ACCOUNT)
    record(by=None, action="lockout", object_type="accounts.user", success=False,
           extra={"scope": scope, "value": shown, "failures": count,
                  "minutes": settings.SHANGHUI_LOCKOUT_MINUTES})


def note_failure(username: str, address: str = "", *, kind: str = PASSWORD) -> None:
    """Count one failure; lock the name (or the address) when it reaches its limit."""
    digest = account_digest(username)
    # Failures older than the window count for nothing any more (the audit log keeps them all).
    LoginFailure.objects.filter(at__lt=timezone.now() - _window()).delete()
    LoginFailure.objects.create(account=digest, address=address, kind=kind)
    rules = [(LoginLock.Scope.USER, "account", digest, settings.SHANGHUI_LOCKOUT_FAILURES)]
    if address:
        rules.append((LoginLock.Scope.ADDRESS, "address", address, settings.SHANGHUI_LOCKOUT_ADDRESS_FAILURES))
    for scope, column, value, limit in rules:
        if _recent_failures(scope, column, value) >= limit:
            _lock(scope, value, limit, known_user(username) if scope == LoginLock.Scope.USER else None)


def _recent_failures(scope: str, column: str, value: str) -> int:
    """Failures within the window, and after the end of this name's (or address's) last lock:
    once a lock has run out, counting starts afresh."""
    since = timezone.now() - _window()
    last = LoginLock.objects.filter(scope=scope, value=value).values_list("until", flat=True).first()
    if last is not None and last > since:
        since = last
    return LoginFailure.objects.filter(**{column: value}, at__gt=since).count()


def password_accepted(user: User) -> None:
    """The password step passed. Its failures are forgiven; a second factor still owed keeps its own."""
    if needs_second_factor(user):
        LoginFailure.objects.filter(account=account_digest(user.username), kind=PASSWORD).delete()
    else:
        clear(user.username)


def clear(username: str) -> None:
    """After a complete login (password and, if any, second factor), or an administrator's reset."""
    digest = account_digest(username)
    LoginFailure.objects.filter(account=digest).delete()
    LoginLock.objects.filter(scope=LoginLock.Scope.USER, value=digest).delete()


def _account_locks(now=None):
    return LoginLock.objects.filter(scope=LoginLock.Scope.USER, until__gt=now or timezone.now())


def user_lock(user: User) -> LoginLock | None:
    """The lock refusing this account now: by its name's digest, or recorded against the account
    (the name may have been changed since)."""
    return _account_locks().filter(Q(value=account_digest(user.username)) | Q(user=user)).first()


def with_lock_state(users):
    """`users` annotated with `locked` (a lock recorded against the account refuses it now), for lists."""
    return users.annotate(locked=Exists(_account_locks().filter(user=OuterRef("pk"))))


def clear_user(user: User) -> bool:
    """An administrator's unlock: the account's failures and locks go. Whether a lock was in force."""
    was_locked = user_lock(user) is not None
    clear(user.username)
    LoginLock.objects.filter(scope=LoginLock.Scope.USER, user=user).delete()
    return was_locked


def message(lock: LoginLock) -> str:
    minutes = max(1, math.ceil((lock.until - timezone.now()).total_seconds() / 60))
    what = "该账号" if lock.scope == LoginLock.Scope.USER else "您所在的网络地址"
    return f"登录失败次数过多，{what}已被锁定，请在 {minutes} 分钟后重试或联系管理员。"
