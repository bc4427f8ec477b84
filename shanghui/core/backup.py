"""Backups and restores, checked by a checksum and per-table row counts (docs/design.md §8).

`backup()` writes the dump (SQLite: the online backup API, a consistent copy while the
site runs; PostgreSQL: pg_dump -Fc inside an exported snapshot, so the row counts come
from the very state that was dumped) and, beside it, `<dump>.manifest.json` with the
dump's SHA-256 and the row count of every table.

`restore()` checks the checksum before touching anything, keeps a copy of the current
database aside (SQLite), restores (SQLite: backup API into the configured database;
PostgreSQL: pg_restore --clean), then compares every table's row count with the manifest.
"""

import datetime as dt
import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections
from django.utils import timezone

from . import state
from .files import private_dir, write_private

FORMAT = "shanghui-backup/1"
MANIFEST_SUFFIX = ".manifest.json"


class BackupError(Exception):
    """A backup or restore that could not be done safely; the message is for the operator (Chinese)."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M%S")


# --- row counts -----------------------------------------------------------------


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _pg_counts(execute) -> dict[str, int]:
    tables = [r[0] for r in execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename").fetchall()]
    return {t: execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def current_counts(using: str = "default") -> dict[str, int]:
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return _sqlite_counts(connection.connection)
    with connection.cursor() as cursor:
        def execute(sql):
            cursor.execute(sql)
            return cursor
        return _pg_counts(execute)


# --- PostgreSQL tools -----------------------------------------------------------


def pg_tool(name: str, server_major: int | None = None) -> str:
    """pg_dump/pg_restore: SHANGHUI_PG_BINDIR, else the server's own version, else PATH, else the newest installed."""
    dirs = [os.environ.get("SHANGHUI_PG_BINDIR", "")]
    installed = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                       key=lambda d: int(re.sub(r"\D", "", d.split("/")[-2]) or 0), reverse=True)
    if server_major:
        dirs += [d for d in installed if d.split("/")[-2] == str(server_major)]
    for d in dirs:
        if d and (Path(d) / name).is_file():
            return str(Path(d) / name)
    for found in [shutil.which(name), *(str(Path(d) / name) for d in installed)]:
        if found and Path(found).is_file():
            return found
    raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端，或用 SHANGHUI_PG_BINDIR 指明其目录。")


def _pg_env(connection) -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore, from the same parameters Django connects with."""
    params = connection.get_connection_params()
    env = dict(os.environ)
    for var, key in [("PGHOST", "host"), ("PGPORT", "port"), ("PGUSER", "user"), ("PGPASSWORD", "password"),
                     ("PGDATABASE", "dbname"), ("PGSSLMODE", "sslmode"), ("PGSSLROOTCERT", "sslrootcert")]:
        if params.get(key):
            env[var] = str(params[key])
    return env


def _run(args: list[str], env: dict, what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{what}失败：{result.stderr.strip()[-800:]}")


def _server_major(connection) -> int:
    connection.ensure_connection()
    return connection.connection.info.server_version // 10000


# --- backup ---------------------------------------------------------------------


def backup(output_dir: Path, using: str = "default") -> tuple[Path, dict]:
    """Write a dump and its manifest into `output_dir`; returns (manifest path, manifest)."""
    connection = connections[using]
    output_dir = private_dir(output_dir)
    base = output_dir / f"shanghui-{_stamp()}"
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持的数据库类型：{connection.vendor}")
    dump = base.with_suffix(".sqlite3" if connection.vendor == "sqlite" else ".dump")
    partial = dump.with_suffix(".partial")
    try:
        if connection.vendor == "sqlite":
            counts = _backup_sqlite(connection, partial)
        else:
            counts = _backup_postgres(connection, partial)
        partial.replace(dump)
    except (OSError, sqlite3.Error) as e:
        partial.unlink(missing_ok=True)
        raise BackupError(f"备份失败（{e}）：磁盘可能已满或备份目录不可写；未留下不完整的备份文件。") from None
    except BaseException:
        partial.unlink(missing_ok=True)  # whatever failed, no half-written file is left to be mistaken for a backup
        raise
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "file": dump.name,
        "size": dump.stat().st_size,
        "sha256": sha256_file(dump),
        "tables": counts,
    }
    path = dump.with_name(dump.name + MANIFEST_SUFFIX)
    try:
        write_private(path, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
    except OSError as e:  # a dump without its manifest cannot be restored: leave neither
        path.unlink(missing_ok=True)
        dump.unlink(missing_ok=True)
        raise BackupError(f"备份清单写入失败（{e}）：磁盘可能已满；未留下不完整的备份文件。") from None
    return path, manifest


def _open_target(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def _backup_sqlite(connection, partial: Path) -> dict:
    connection.ensure_connection()
    write_private(partial, b"")  # sqlite3 and pg_dump keep the mode of the (empty) file they are given
    target = _open_target(partial)
    try:
        connection.connection.backup(target)
        # A self-contained file: no -wal/-shm companions appear when it is opened later.
        target.execute("PRAGMA journal_mode=DELETE")
        counts = _sqlite_counts(target)
    finally:
        target.close()
    return counts


def _backup_postgres(connection, partial: Path) -> dict:
    # A second connection holds a repeatable-read snapshot; pg_dump reads the same snapshot,
    # so the counts in the manifest are exactly the rows in the dump, whatever writes go on.
    side = connections.create_connection(connection.alias)
    try:
        side.ensure_connection()
        raw = side.connection
        raw.autocommit = True
        raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = raw.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = _pg_counts(raw.execute)
        write_private(partial, b"")
        _run([pg_tool("pg_dump", _server_major(side)), "-Fc", "--no-owner", f"--snapshot={snapshot}",
              "-f", str(partial)], _pg_env(connection), "pg_dump 备份")
        raw.execute("COMMIT")
    finally:
        side.close()
    return counts


# --- restore --------------------------------------------------------------------


def read_manifest(path: Path) -> tuple[Path, dict]:
    """The dump and its manifest, given either file."""
    path = Path(path)
    manifest_path = path if path.name.endswith(MANIFEST_SUFFIX) else path.with_name(path.name + MANIFEST_SUFFIX)
    if not manifest_path.is_file():
        raise BackupError(f"找不到备份清单 {manifest_path.name}：没有清单无法校验备份，未做任何恢复。")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        dump = manifest_path.with_name(manifest["file"])
        manifest["sha256"], manifest["tables"], manifest["vendor"]  # noqa: B018 (presence check)
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"备份清单 {manifest_path.name} 已损坏，未做任何恢复。") from None
    if manifest.get("format") != FORMAT or Path(manifest["file"]).name != manifest["file"]:
        raise BackupError(f"{manifest_path.name} 不是本系统的备份清单，未做任何恢复。")
    if not dump.is_file():
        raise BackupError(f"找不到备份文件 {dump.name}，未做任何恢复。")
    return dump, manifest


def check(path: Path) -> tuple[Path, dict]:
    """Refuse a dump whose checksum does not match its manifest (corrupted or altered)."""
    dump, manifest = read_manifest(path)
    if sha256_file(dump) != manifest["sha256"]:
        raise BackupError(f"备份文件 {dump.name} 校验失败（SHA-256 与清单不符）：文件已损坏或被改动，未做任何恢复。")
    return dump, manifest


def _compare(expected: dict[str, int], actual: dict[str, int], when: str) -> None:
    diffs = [f"{t}：清单 {n} 行，实际 {actual.get(t, '缺表')} 行" for t, n in expected.items() if actual.get(t) != n]
    diffs += [f"{t}：清单中没有此表" for t in actual if t not in expected]
    if diffs:
        raise BackupError(f"{when}行数与备份清单不符：" + "；".join(diffs[:10]))


def restore(path: Path, using: str = "default", aside_dir: Path | None = None) -> dict:
    """Restore the dump at `path` into the configured database; returns the manifest (plus where the old copy went)."""
    dump, manifest = check(path)
    connection = connections[using]
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"这是 {manifest['vendor']} 数据库的备份，当前数据库是 {connection.vendor}，不能恢复。")
    if connection.in_atomic_block:
        raise BackupError("恢复不能在事务中进行。")
    if connection.vendor == "sqlite":
        manifest["aside"] = str(_restore_sqlite(connection, dump, manifest, Path(aside_dir or dump.parent)))
    else:
        _restore_postgres(connection, dump)
    _compare(manifest["tables"], current_counts(using), "恢复后")
    # A new cache epoch: a running site must not serve figures it cached from the discarded data,
    # whose version counters the restored rows may well repeat.
    state.renew_epoch()
    return manifest


def _restore_sqlite(connection, dump: Path, manifest: dict, aside_dir: Path) -> Path:
    source = sqlite3.connect(f"{dump.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"备份文件 {dump.name} 不是完好的 SQLite 数据库，未做任何恢复。")
        _compare(manifest["tables"], _sqlite_counts(source), "备份文件中的")
        connection.ensure_connection()
        # The current database is kept aside first (copied, not moved: the running site may
        # hold it open, and moving an open WAL database loses its last writes).
        aside = private_dir(aside_dir) / f"pre-restore-{_stamp()}.sqlite3"
        write_private(aside, b"")
        copy = sqlite3.connect(aside)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        source.backup(connection.connection)
    except sqlite3.DatabaseError as e:
        raise BackupError(f"备份文件 {dump.name} 无法读取（{e}），未做任何恢复。") from None
    finally:
        source.close()
    return aside


def _restore_postgres(connection, dump: Path) -> None:
    major = _server_major(connection)
    env = _pg_env(connection)
    restore_bin = pg_tool("pg_restore", major)
    _run([restore_bin, "--list", str(dump)], env, "读取备份文件")  # a readable archive, before dropping anything
    connection.close()  # pg_restore --clean drops the tables: hold no locks on them
    _run([restore_bin, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
          "-d", env.get("PGDATABASE", ""), str(dump)], env, "pg_restore 恢复")


def default_output_dir() -> Path:
    from django.conf import settings

    return Path(getattr(settings, "SHANGHUI_BACKUP_DIR", settings.DATA_DIR / "backups"))


def when(manifest: dict) -> str:
    return timezone.localtime(dt.datetime.fromisoformat(manifest["created_at"])).strftime("%Y-%m-%d %H:%M:%S")
