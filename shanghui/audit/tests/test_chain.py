"""The audit log is a hash chain; `audit_verify` finds the first edited, deleted or reordered row."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from shanghui.audit import record, triggers
from shanghui.audit.chain import content_hash, verify
from shanghui.audit.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def _events(n: int) -> list[AuditEvent]:
    return [record(by=None, action="export", object_type="directory.enterprise", extra={"rows": i})
            for i in range(n)]


def _tamper(sql: str, params=()) -> None:
    """Raw SQL past the triggers, as someone with rights on the database could do."""
    with triggers.suspended(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _verify_fails() -> str:
    with pytest.raises(CommandError) as info:
        call_command("audit_verify")
    return str(info.value)


def test_each_event_stores_its_hash_and_the_previous_one():
    events = _events(3)
    seqs = [e.seq for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + 3))
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    for e in AuditEvent.objects.filter(pk__in=[e.pk for e in events]):  # as read back from the database
        assert len(e.hash) == 64 and content_hash(e) == e.hash
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (events[2].seq, events[2].hash)


def test_audit_verify_reports_ok_and_the_head_hash(capsys):
    events = _events(4)
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "审计日志完整" in out and events[-1].hash in out


def test_audit_verify_detects_an_edited_row():
    events = _events(4)
    _tamper("UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", ["改过的", events[2].pk])
    message = _verify_fails()
    assert f"第 {events[2].seq} 条" in message and "修改" in message


def test_audit_verify_detects_an_edited_row_even_with_its_hash_recomputed():
    events = _events(4)
    victim = AuditEvent.objects.get(pk=events[1].pk)
    victim.action = "login"
    _tamper("UPDATE audit_auditevent SET action = %s, hash = %s WHERE id = %s",
            ["login", content_hash(victim), victim.pk])
    message = _verify_fails()
    assert f"第 {events[2].seq} 条" in message  # the next row no longer links to it


def test_audit_verify_detects_a_row_deleted_in_the_middle():
    events = _events(5)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    message = _verify_fails()
    assert f"第 {events[2].seq} 条缺失" in message


def test_audit_verify_detects_reordered_rows():
    events = _events(4)
    a, b = events[1], events[2]
    _tamper("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [10**9, a.pk])
    _tamper("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _tamper("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    message = _verify_fails()
    assert f"第 {a.seq} 条" in message


def test_audit_verify_detects_rows_cut_off_the_end():
    events = _events(4)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    message = _verify_fails()
    assert "末尾" in message and f"第 {events[-1].seq} 条" in message


def test_a_new_event_after_tampering_does_not_hide_it():
    events = _events(3)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    _events(2)
    assert not verify().ok
