"""When another process holds SQLite's write lock for longer than a request may wait.

SQLite has one writer at a time; a request that needs to write waits up to the busy timeout
(settings) for it. If the lock is still held then (a very large import copying its rows in),
the write fails with "database is locked". That is no fault of the request: it gets a 503
with Retry-After and the message below (DatabaseBusyMiddleware), nothing of it was written,
and the user can simply send it again. Writes that are bookkeeping only (a token's
last-used time, a session's idle stamp) use no_wait() and skip themselves instead of waiting;
a login waits longer than other writes.
"""

from contextlib import contextmanager

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import OperationalError, connection
from django.shortcuts import resolve_url

from .unavailable import unavailable_response

BUSY_MESSAGE = "系统正在写入大批数据，请稍后重试。"


def is_locked(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and "locked" in str(error)


@contextmanager
def busy_timeout(milliseconds: int, conn=connection):
    """On SQLite outside a transaction, wait this long for another writer's lock (0: fail at once)."""
    if conn.vendor != "sqlite" or conn.in_atomic_block:
        yield
        return
    with conn.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
    try:
        yield
    finally:
        with conn.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(before)}")


def no_wait(conn=connection):
    return busy_timeout(0, conn)


def _remember(sender, request=None, **kwargs):
    # Django turns an exception raised in a middleware (the session being saved) into a 500
    # before an outer middleware sees it; the signal still carries it.
    import sys

    error = sys.exc_info()[1]
    if request is not None and error is not None and is_locked(error):
        request._database_busy = True


got_request_exception.connect(_remember, dispatch_uid="shanghui.core.busy")


class DatabaseBusyMiddleware:
    """Outermost: a write refused for a held lock answers 503 + Retry-After, wherever it failed.

    A login is the one write that waits longer (SHANGHUI_LOGIN_WAIT_SECONDS) rather than be
    refused: someone who cannot log in cannot do anything else either.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.login_path = None

    def __call__(self, request):
        if self.login_path is None:
            self.login_path = resolve_url(settings.LOGIN_URL)
        if request.method == "POST" and request.path == self.login_path:
            with busy_timeout(settings.SHANGHUI_LOGIN_WAIT_SECONDS * 1000):
                response = self.get_response(request)
        else:
            response = self.get_response(request)
        if getattr(request, "_database_busy", False):
            return unavailable_response(request, BUSY_MESSAGE)
        return response

    def process_exception(self, request, exception):
        if is_locked(exception):
            request._database_busy = True
            return unavailable_response(request, BUSY_MESSAGE)
        return None
