"""The server's own state, for the start-up checks (checks.py) and the /healthz endpoint.

`report()` answers: is the database reachable and writable, is there free disk above
SHANGHUI_HEALTH_MIN_FREE_MB, do the configured keys match the data, how old is the audit
chain's head. Nothing in it names a person or a record.
"""

import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from shanghui.audit.models import AuditEvent

from .faults import write_fault

PROBE_BUSY_MS = 2000


class _Rollback(Exception):
    pass


def storage_dirs() -> list[Path]:
    """The directories the site writes to: the data directory, uploads, and the SQLite file's directory."""
    dirs = [Path(settings.DATA_DIR), Path(settings.MEDIA_ROOT)]
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name and ":memory:" not in name and "mode=memory" not in name:
            dirs.append(Path(name).resolve().parent)  # the -wal and -shm files are created there
    return list(dict.fromkeys(dirs))


def unwritable_dirs() -> list[str]:
    """Those of storage_dirs() where a file cannot be created: a real probe, since permission bits
    say nothing about a read-only mount or a full disk (and nothing at all to root)."""
    problems = []
    for path in storage_dirs():
        if not path.exists() and path != Path(settings.DATA_DIR):
            continue  # created on first use (uploads)
        try:
            with tempfile.TemporaryFile(dir=path, prefix=".write-probe-"):
                pass
        except OSError as e:
            problems.append(f"{path}（{e.strerror or e}）")
    return problems


def free_mb() -> int:
    """Free space in MB on the fullest of the storage directories."""
    sizes = []
    for path in storage_dirs():
        while not path.exists() and path != path.parent:
            path = path.parent
        sizes.append(shutil.disk_usage(path).free // (1024 * 1024))
    return min(sizes)


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except DatabaseError as e:
        return {"ok": False, "error": type(e).__name__}


def _writable() -> dict:
    """A real write, rolled back: creating a table needs a new page (SQLite) and a writable
    transaction (PostgreSQL), so a full or read-only database fails it."""
    busy_ms = None
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":  # answer within seconds while another writer holds the lock
                busy_ms = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
                cursor.execute(f"PRAGMA busy_timeout = {PROBE_BUSY_MS}")
            try:
                with transaction.atomic():
                    cursor.execute("CREATE TABLE core_health_probe (x integer)")
                    raise _Rollback
            finally:
                if busy_ms is not None:
                    cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
    except _Rollback:
        return {"ok": True}
    except DatabaseError as e:
        if "locked" in str(e):  # busy with a long write: writable, just not this second
            return {"ok": True, "busy": True}
        return {"ok": False, "error": write_fault(e) or type(e).__name__}


def _key() -> dict:
    from . import keycheck

    try:
        return {"ok": keycheck.verified()}
    except DatabaseError as e:
        return {"ok": False, "error": type(e).__name__}


def _audit() -> dict:
    """Age of the newest audit event (the chain's head); a monitor may alert when it stops moving."""
    try:
        at = AuditEvent.objects.order_by("-seq").values_list("at", flat=True).first()
    except DatabaseError as e:
        return {"ok": False, "error": type(e).__name__}
    return {"ok": True, "head_age_seconds": int((timezone.now() - at).total_seconds()) if at else None}


def _disk() -> dict:
    free, minimum = free_mb(), settings.SHANGHUI_HEALTH_MIN_FREE_MB
    return {"ok": free >= minimum, "free_mb": free, "min_free_mb": minimum}


def report() -> dict:
    started = time.monotonic()
    checks = {"database": _database()}
    if checks["database"]["ok"]:
        checks.update(writable=_writable(), key=_key(), audit=_audit())
    checks["disk"] = _disk()
    ok = all(c["ok"] for c in checks.values())
    return {"status": "ok" if ok else "fail", "checks": checks,
            "elapsed_ms": int((time.monotonic() - started) * 1000)}
