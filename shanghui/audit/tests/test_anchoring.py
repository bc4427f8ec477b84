"""History that cannot be rewritten: the database refuses deleting young events and moving the floor
past them; a rewrite by someone who can lift the triggers and recompute hashes fails `audit-verify`
against the checkpoint kept outside the database."""

import datetime as dt
import json
import logging
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from shanghui.audit import checkpoint, record, triggers
from shanghui.audit.chain import PURGE_ACTION, content_hash, purge, verify
from shanghui.audit.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def _events(n: int) -> list[AuditEvent]:
    return [record(by=None, action="export", object_type="directory.enterprise", extra={"rows": i})
            for i in range(n)]


def _lines() -> list[dict]:
    return [json.loads(line) for line in checkpoint.path().read_text().splitlines()]


def _refused(sql: str, params=()) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _forge_purge(floor: AuditEvent, rows: int) -> None:
    """What someone with write access and this code can do: drop today's first events, move the
    floor over them and append a purge event whose hash is correct."""
    with triggers.suspended(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq <= %s", [floor.seq])
        head = AuditChainHead.objects.get()
        forged = AuditEvent(seq=head.seq + 1, prev_hash=head.hash, at=timezone.now(), action=PURGE_ACTION,
                            object_type="audit.auditevent",
                            extra={"before": timezone.localdate().isoformat(), "rows": rows,
                                   "floor_seq": floor.seq, "floor_hash": floor.hash})
        forged.hash = content_hash(forged)
        models.Model.save(forged, force_insert=True)  # past AuditEvent.save, as a raw INSERT would be
        cursor.execute("UPDATE audit_auditchainhead SET seq = %s, hash = %s, floor_seq = %s, floor_hash = %s",
                       [forged.seq, forged.hash, floor.seq, floor.hash])


# --- the database --------------------------------------------------------------------


def test_database_refuses_deleting_young_events_even_at_or_below_the_floor():
    events = _events(6)
    _refused("DELETE FROM audit_auditevent WHERE seq <= %s", [events[2].seq])
    # Even with the floor moved over them (by someone who lifted the triggers for that), young
    # rows stay: the age rule holds on its own.
    with triggers.suspended(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditchainhead SET floor_seq = %s, floor_hash = %s",
                       [events[2].seq, events[2].hash])
    _refused("DELETE FROM audit_auditevent WHERE seq <= %s", [events[2].seq])
    assert AuditEvent.objects.filter(seq__lte=events[2].seq).count() == 3


def test_database_refuses_moving_the_floor_to_a_young_event():
    events = _events(4)
    _refused("UPDATE audit_auditchainhead SET floor_seq = %s, floor_hash = %s", [events[1].seq, events[1].hash])
    assert AuditChainHead.objects.get().floor_seq == 0


def test_database_refuses_moving_the_floor_to_an_old_seq_with_a_made_up_hash(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime.now(dt.UTC) - dt.timedelta(days=400))
    old = _events(2)
    monkeypatch.undo()
    _events(2)
    _refused("UPDATE audit_auditchainhead SET floor_seq = %s, floor_hash = %s", [old[1].seq, "0" * 64])
    assert AuditChainHead.objects.get().floor_seq == 0


# --- the checkpoint ------------------------------------------------------------------


def test_a_forged_purge_of_young_events_passes_the_chain_but_fails_verify_against_the_checkpoint(settings):
    events = _events(12)
    call_command("audit_checkpoint")
    _forge_purge(events[7], rows=8)
    anchored = settings.SHANGHUI_AUDIT_CHECKPOINT_DIR
    settings.SHANGHUI_AUDIT_CHECKPOINT_DIR = anchored.with_name(anchored.name + "-none")
    assert verify().ok  # the chain alone is fooled: this is the attack
    settings.SHANGHUI_AUDIT_CHECKPOINT_DIR = anchored
    verdict = verify()
    assert not verdict.ok and "检查点" in verdict.message and "清理起点" in verdict.message
    with pytest.raises(CommandError, match="审计日志校验失败.*检查点"):
        call_command("audit_verify")


def test_a_chain_rebuilt_from_scratch_fails_verify_against_the_checkpoint():
    events = _events(6)
    call_command("audit_checkpoint")
    # Rebuild without the first two events: renumber and rehash everything, reset the head.
    with triggers.suspended(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq <= %s", [events[1].seq])
        prev = ""
        for seq, event in enumerate(AuditEvent.objects.order_by("seq"), start=1):
            event.seq, event.prev_hash = seq, prev
            event.hash = prev = content_hash(event)
            cursor.execute("UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
                           [event.seq, event.prev_hash, event.hash, event.pk])
        cursor.execute("UPDATE audit_auditchainhead SET seq = %s, hash = %s, floor_seq = 0, floor_hash = ''",
                       [seq, prev])
    verdict = verify()
    assert not verdict.ok and "外部检查点" in verdict.message


def test_audit_checkpoint_refuses_to_anchor_a_rewritten_history():
    events = _events(5)
    call_command("audit_checkpoint")
    before = checkpoint.path().read_text()
    _forge_purge(events[2], rows=3)
    with pytest.raises(CommandError, match="未写入检查点"):
        call_command("audit_checkpoint")
    assert checkpoint.path().read_text() == before


def test_checkpoints_are_private_appended_lines_and_go_to_the_system_log(caplog, capsys):
    _events(3)
    caplog.set_level(logging.INFO, logger="shanghui.audit.checkpoint")
    call_command("audit_checkpoint")
    last = _events(1)[0]
    call_command("audit_checkpoint")
    assert stat.S_IMODE(checkpoint.directory().stat().st_mode) == 0o700
    assert stat.S_IMODE(checkpoint.path().stat().st_mode) == 0o600
    lines = _lines()
    assert [line["seq"] for line in lines] == [last.seq - 1, last.seq] and lines[-1]["hash"] == last.hash
    assert sum(last.hash in r.getMessage() for r in caplog.records) == 1
    call_command("audit_verify")
    assert f"与外部检查点一致：第 {last.seq} 条" in capsys.readouterr().out


def test_verify_fails_when_events_after_the_checkpoint_are_cut_off_with_the_head():
    events = _events(5)
    call_command("audit_checkpoint")
    with triggers.suspended(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq >= %s", [events[3].seq])
        cursor.execute("UPDATE audit_auditchainhead SET seq = %s, hash = %s", [events[2].seq, events[2].hash])
    verdict = verify()
    assert not verdict.ok and f"第 {events[-1].seq} 条" in verdict.message


# --- purge and automatic checkpoints -----------------------------------------------------


@pytest.fixture
def old_and_new(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime.now(dt.UTC) - dt.timedelta(days=400))
    old = _events(3)
    monkeypatch.undo()
    return old, _events(2)


def test_purge_anchors_its_new_floor_and_verify_passes(old_and_new):
    old, new = old_and_new
    call_command("audit_checkpoint")
    purge(before=timezone.localdate() - dt.timedelta(days=200))
    last = _lines()[-1]
    assert last["reason"] == "purge" and (last["floor_seq"], last["floor_hash"]) == (old[-1].seq, old[-1].hash)
    assert verify().ok


def test_purge_that_cannot_write_its_checkpoint_purges_nothing(old_and_new, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.SHANGHUI_AUDIT_CHECKPOINT_DIR = blocker
    with pytest.raises(CommandError, match="审计检查点"):
        call_command("audit_purge", before=(timezone.localdate() - dt.timedelta(days=200)).isoformat())
    assert AuditEvent.objects.count() == 5 and AuditChainHead.objects.get().floor_seq == 0


def test_an_append_anchors_the_head_at_most_every_n_minutes(settings, django_capture_on_commit_callbacks,
                                                             monkeypatch):
    settings.SHANGHUI_AUDIT_CHECKPOINT_MINUTES = 60
    monkeypatch.setattr(checkpoint, "_last_auto", 0.0)
    with django_capture_on_commit_callbacks(execute=True):
        first = _events(1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        _events(3)
    assert [(line["seq"], line["reason"]) for line in _lines()] == [(first.seq, "auto")]
