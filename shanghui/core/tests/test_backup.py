"""Backups carry a checksum and row counts; the restore drill brings back exactly the backed-up rows."""

import datetime as dt
import json
import random
import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shanghui.accounts.models import User
from shanghui.audit.chain import verify
from shanghui.audit.models import AuditEvent
from shanghui.core.backup import MANIFEST_SUFFIX, sha256_file
from shanghui.directory import services
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.orgs.models import Chamber

# Transactional: a backup reads committed data, and a restore replaces the whole database.
pytestmark = pytest.mark.django_db(transaction=True)

MODELS = [Chamber, Enterprise, Person, Membership, User]


def _snapshot() -> dict:
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in MODELS}


def _backup(tmp_path: Path) -> tuple[Path, dict]:
    call_command("backup", output=tmp_path / "backups")
    manifest_path = next((tmp_path / "backups").glob("*" + MANIFEST_SUFFIX))
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return manifest_path.with_name(manifest["file"]), manifest


def test_backup_writes_a_dump_and_a_manifest_with_checksum_and_row_counts(cast, tmp_path):
    dump, manifest = _backup(tmp_path)
    assert manifest["sha256"] == sha256_file(dump) and manifest["size"] == dump.stat().st_size
    assert manifest["tables"]["directory_enterprise"] == Enterprise.objects.count() == 2
    assert manifest["tables"]["accounts_user"] == User.objects.count()
    assert AuditEvent.objects.filter(action="backup", extra__sha256=manifest["sha256"]).exists()


def test_restore_drill_brings_back_exactly_the_backed_up_rows(cast, tmp_path, capsys):
    before = _snapshot()
    dump, manifest = _backup(tmp_path)
    # Change, delete and add data after the backup.
    services.enterprise_update(by=cast.admin, enterprise=cast.enterprise_a, name="改名后的公司")
    services.membership_delete(by=cast.admin, membership=cast.membership_b)
    services.person_create(by=cast.admin, name="后来者", region=cast.street_a)
    assert _snapshot() != before

    call_command("restore", str(dump), interactive=False, aside=tmp_path / "aside")
    assert _snapshot() == before
    assert Person.objects.get(pk=cast.person_a.pk).id_number == cast.person_a.id_number  # still decrypts
    assert "行数与清单一致" in capsys.readouterr().out
    assert verify().ok  # the audit chain came back whole, plus the restore event
    assert AuditEvent.objects.filter(action="restore").exists()


def test_restore_refuses_a_corrupted_file_and_changes_nothing(cast, tmp_path):
    dump, manifest = _backup(tmp_path)
    services.enterprise_update(by=cast.admin, enterprise=cast.enterprise_a, name="备份后改的名")
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="校验失败"):
        call_command("restore", str(dump), interactive=False)
    assert Enterprise.objects.get(pk=cast.enterprise_a.pk).name == "备份后改的名"


def test_restore_refuses_a_dump_without_its_manifest(cast, tmp_path):
    dump, manifest = _backup(tmp_path)
    dump.with_name(dump.name + MANIFEST_SUFFIX).unlink()
    with pytest.raises(CommandError, match="找不到备份清单"):
        call_command("restore", str(dump), interactive=False)


def test_restore_refuses_row_counts_that_differ_from_the_manifest(cast, tmp_path, settings):
    dump, manifest = _backup(tmp_path)
    manifest_path = dump.with_name(dump.name + MANIFEST_SUFFIX)
    manifest["tables"]["directory_enterprise"] += 1
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CommandError, match="行数与备份清单不符"):
        call_command("restore", str(manifest_path), interactive=False, aside=tmp_path / "aside")


def test_a_raw_database_dump_holds_no_plaintext_id_or_mobile_number(cast, tmp_path):
    import subprocess

    from django.db import connection

    from shanghui.core.backup import _pg_env, pg_tool

    dump, manifest = _backup(tmp_path)
    if connection.vendor == "postgresql":  # -Fc is compressed: read it back as plain SQL
        raw = subprocess.run([pg_tool("pg_restore"), "-f", "-", str(dump)], env=_pg_env(connection),
                             capture_output=True, check=True).stdout
    else:
        raw = dump.read_bytes()
    assert b"directory_person" in raw and "王东华".encode() in raw  # the rows are there ...
    for person in (cast.person_a, cast.person_b, cast.youth_member):
        for secret in (person.id_number, person.mobile):  # ... their personal numbers are not
            assert secret and secret.encode() not in raw


def test_restore_while_the_site_runs_leaves_no_stale_dashboard_figures(cast, tmp_path):
    from django.db import connection

    from shanghui.reports import counters, dashboard
    from shanghui.testing import make_uscc

    year = dt.date.today().year
    restored = dashboard.figure_set(cast.district, year)
    dump, manifest = _backup(tmp_path)
    backed_up = counters.version()
    services.enterprise_create(by=cast.admin, uscc=make_uscc(random.Random(5)), name="恢复时将被丢弃的公司",
                               region=cast.street_a, founded=dt.date(year - 3, 1, 1))
    discarded = dashboard.figure_set(cast.district, year)  # warm: cached while the server runs
    assert discarded != restored
    discarded_version = counters.version()

    call_command("restore", str(dump), interactive=False, aside=tmp_path / "aside")
    assert counters.version() == backed_up
    # Writes after the restore bring the version counter back to the number the discarded data had.
    i = 0
    while counters.version() < discarded_version:
        i += 1
        services.enterprise_update(by=cast.admin, enterprise=Enterprise.objects.get(pk=cast.enterprise_b.pk),
                                   name=f"恢复后改名{i}")
    assert counters.version() == discarded_version, connection.vendor
    after = dashboard.figure_set(cast.district, year)
    assert after == dashboard._compute(cast.district, year) == restored


def test_a_failed_backup_leaves_no_partial_file(cast, tmp_path, monkeypatch):
    from django.db import connection

    from shanghui.core import backup

    out = tmp_path / "backups"
    if connection.vendor == "sqlite":
        def full_target(path):  # the disk fills up while the copy is written
            target = sqlite3.connect(path)
            target.execute("PRAGMA max_page_count = 2")
            return target

        monkeypatch.setattr(backup, "_open_target", full_target)
    else:  # pg_dump dies half-way, as on a full disk
        bindir = tmp_path / "bin"
        bindir.mkdir()
        tool = bindir / "pg_dump"
        tool.write_text('#!/bin/sh\nwhile [ "$1" != "-f" ]; do shift; done\n'
                        'printf PGDMP-half > "$2"\necho "No space left on device" >&2\nexit 1\n')
        tool.chmod(0o755)
        monkeypatch.setenv("SHANGHUI_PG_BINDIR", str(bindir))
    with pytest.raises(CommandError, match="备份"):
        call_command("backup", output=out)
    assert list(out.iterdir()) == []
    assert not AuditEvent.objects.filter(action="backup").exists()
