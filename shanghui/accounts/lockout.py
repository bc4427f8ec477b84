"""Login lockout: after N failures an account name is refused for M minutes; the same
for a source address with a higher N (password spraying across many names).

A small own implementation rather than django-axes: it has to count second-factor
failures too, work with the test client's `login()` (which passes no request) and
write our own audit events. Every number comes from settings (SHANGHUI_LOCKOUT_*).
"""

import datetime as dt
import math

from django.conf import settings
from django.utils import timezone

from shanghui.audit import record

from .models import LoginFailure, LoginLock


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.SHANGHUI_LOCKOUT_MINUTES)


def locked(username: str, address: str = "") -> LoginLock | None:
    """The lock that refuses this name or address now, if any."""
    now = timezone.now()
    locks = LoginLock.objects.filter(until__gt=now)
    lock = locks.filter(scope=LoginLock.Scope.USER, value=username[:150]).first()
    if lock is None and address:
        lock = locks.filter(scope=LoginLock.Scope.ADDRESS, value=address).first()
    return lock


def _lock(scope: str, value: str, count: int) -> None:
    until = timezone.now() + _window()
    LoginLock.objects.update_or_create(scope=scope, value=value, defaults={"until": until})
    record(by=None, action="lockout", object_type="accounts.user", success=False,
           extra={"scope": scope, "value": value, "failures": count,
                  "minutes": settings.SHANGHUI_LOCKOUT_MINUTES})


def note_failure(username: str, address: str = "") -> None:
    """Count one failure; lock the name (or the address) when it reaches its limit."""
    username = username[:150]
    # Failures older than the window count for nothing any more (the audit log keeps them all).
    LoginFailure.objects.filter(at__lt=timezone.now() - _window()).delete()
    LoginFailure.objects.create(username=username, address=address)
    rules = [(LoginLock.Scope.USER, "username", username, settings.SHANGHUI_LOCKOUT_FAILURES)]
    if address:
        rules.append((LoginLock.Scope.ADDRESS, "address", address, settings.SHANGHUI_LOCKOUT_ADDRESS_FAILURES))
    for scope, column, value, limit in rules:
        if _recent_failures(scope, column, value) >= limit:
            _lock(scope, value, limit)


def _recent_failures(scope: str, column: str, value: str) -> int:
    """Failures within the window, and after the end of this name's (or address's) last lock:
    once a lock has run out, counting starts afresh."""
    since = timezone.now() - _window()
    last = LoginLock.objects.filter(scope=scope, value=value).values_list("until", flat=True).first()
    if last is not None and last > since:
        since = last
    return LoginFailure.objects.filter(**{column: value}, at__gt=since).count()


def clear(username: str) -> None:
    """After a successful login, or when an administrator resets the password."""
    LoginFailure.objects.filter(username=username).delete()
    LoginLock.objects.filter(scope=LoginLock.Scope.USER, value=username).delete()


def message(lock: LoginLock) -> str:
    minutes = max(1, math.ceil((lock.until - timezone.now()).total_seconds() / 60))
    what = "该账号" if lock.scope == LoginLock.Scope.USER else "您所在的网络地址"
    return f"登录失败次数过多，{what}已被锁定，请在 {minutes} 分钟后重试或联系管理员。"
