"""Storage faults: a full disk, a read-only database or data directory.

A write that fails for one of these reasons is not a bug but a state of the server: the user
gets the Chinese 503 page (unavailable.py) instead of a 500, and reads go on working:

- `WriteFaultMiddleware` answers a view's write fault (forms, services, the API, login);
- `SessionMiddleware` lets a GET whose session could not be saved (the once-a-minute
  "last seen" stamp) through, and answers a POST with the 503 page;
- `server_error` (handler500) catches the rest, raised in any other middleware;
- `best_effort(write)` runs bookkeeping writes a read does not need (a token's last use).

Recognised by error code, not by message text: SQLite's READONLY / FULL / IOERR / CANTOPEN,
PostgreSQL's disk_full / read_only_sql_transaction / io_error, and ENOSPC / EROFS / EDQUOT /
EACCES from the file system.
"""

import errno
import logging
import sqlite3
import sys

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import DatabaseError, transaction
from django.views import defaults

from .unavailable import unavailable_response

log = logging.getLogger("shanghui.faults")

FULL = "服务器存储空间已满，暂时无法保存任何修改；查看功能不受影响。请稍后重试，并通知系统管理员清理磁盘。"
READ_ONLY = "数据库或数据目录当前为只读，暂时无法保存任何修改；查看功能不受影响。请通知系统管理员。"
IO_ERROR = "服务器存储读写出错，暂时无法保存任何修改；查看功能不受影响。请通知系统管理员。"

_SQLITE = {8: READ_ONLY, 13: FULL, 10: IO_ERROR, 14: READ_ONLY}  # READONLY, FULL, IOERR, CANTOPEN
_POSTGRES = {"53100": FULL, "25006": READ_ONLY, "58030": IO_ERROR}
_ERRNO = {errno.ENOSPC: FULL, errno.EDQUOT: FULL, errno.EROFS: READ_ONLY, errno.EACCES: READ_ONLY}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def write_fault(exc: BaseException | None) -> str | None:
    """The Chinese message when `exc` (or an exception it wraps) is a storage fault, else None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, sqlite3.Error):
            code = getattr(exc, "sqlite_errorcode", None)
            if code is not None and code & 0xFF in _SQLITE:
                return _SQLITE[code & 0xFF]
        elif isinstance(exc, OSError) and exc.errno in _ERRNO:
            return _ERRNO[exc.errno]
        elif getattr(exc, "sqlstate", None) in _POSTGRES:  # psycopg errors
            return _POSTGRES[exc.sqlstate]
        exc = exc.__cause__ or exc.__context__
    return None


def _answer(request, exc: BaseException, message: str):
    # No traceback: the state is what the operator needs, and it is not a bug.
    log.warning("写入失败（%s %s）：%s", request.method, request.path, exc)
    return unavailable_response(request, message)


class WriteFaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        message = write_fault(exception)
        return _answer(request, exception, message) if message else None


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a session which cannot be saved does not turn a read into an error."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except Exception as e:  # the database engine wraps it (SessionInterrupted); file engines raise OSError
            message = write_fault(e)
            if message is None:
                raise
            if request.method in SAFE_METHODS:
                log.warning("会话未能保存（%s）：%s", request.path, e)
                return response
            return _answer(request, e, message)


def server_error(request, *args, **kwargs):
    """handler500: a storage fault raised outside a view still gets the 503 page."""
    exc = sys.exc_info()[1]
    message = write_fault(exc)
    if message:
        return unavailable_response(request, message)
    return defaults.server_error(request, *args, **kwargs)


def best_effort(write):
    """Call `write()`, a write the caller can do without: a storage fault rolls it back, is logged
    and gives None (even when the transaction cannot begin: a read-only SQLite refuses BEGIN IMMEDIATE)."""
    try:
        with transaction.atomic():
            return write()
    except (DatabaseError, OSError) as e:
        if write_fault(e) is None:
            raise
        log.warning("未能写入（已忽略）：%s", e)
        return None
