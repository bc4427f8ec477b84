"""Audit events are kept at least 180 days; the purge path is audited and leaves a verifiable chain."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from shanghui.audit import record, triggers
from shanghui.audit.chain import PURGE_ACTION, verify
from shanghui.audit.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def _record_at(monkeypatch, when: dt.datetime, n: int) -> list[AuditEvent]:
    monkeypatch.setattr(timezone, "now", lambda: when)
    try:
        return [record(by=None, action="export", object_type="directory.enterprise") for _ in range(n)]
    finally:
        monkeypatch.undo()


@pytest.fixture
def old_and_new(monkeypatch):
    now = timezone.now()
    old = _record_at(monkeypatch, now - dt.timedelta(days=400), 3)
    new = _record_at(monkeypatch, now - dt.timedelta(days=10), 2)
    return old, new


@pytest.mark.parametrize("days", [0, 179])
def test_audit_purge_refuses_a_date_inside_the_retention_period(old_and_new, days):
    before = timezone.localdate() - dt.timedelta(days=days)
    with pytest.raises(CommandError, match="至少保留 180 天"):
        call_command("audit_purge", before=before.isoformat())
    assert AuditEvent.objects.count() == 5


def test_a_shorter_retention_setting_is_raised_to_180_days(settings, old_and_new):
    settings.SHANGHUI_AUDIT_RETENTION_DAYS = 30
    with pytest.raises(CommandError, match="180"):
        call_command("audit_purge", before=(timezone.localdate() - dt.timedelta(days=100)).isoformat())


def test_audit_purge_refuses_a_malformed_date():
    with pytest.raises(CommandError, match="格式不正确"):
        call_command("audit_purge", before="last-year")


def test_audit_purge_deletes_old_events_records_a_checkpoint_and_verify_still_passes(old_and_new, capsys):
    old, new = old_and_new
    before = timezone.localdate() - dt.timedelta(days=200)
    call_command("audit_purge", before=before.isoformat())
    assert "3 条" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in new]).count() == 2
    purge = AuditEvent.objects.get(action=PURGE_ACTION)
    assert purge.extra == {"before": before.isoformat(), "rows": 3, "floor_seq": old[-1].seq,
                           "floor_hash": old[-1].hash}
    head = AuditChainHead.objects.get()
    assert (head.floor_seq, head.floor_hash) == (old[-1].seq, old[-1].hash)
    call_command("audit_verify")  # raises CommandError if the chain no longer checks out
    record(by=None, action="login")
    assert verify().ok


def test_a_second_purge_with_nothing_old_deletes_nothing(old_and_new):
    before = timezone.localdate() - dt.timedelta(days=200)
    call_command("audit_purge", before=before.isoformat())
    call_command("audit_purge", before=before.isoformat())
    assert AuditEvent.objects.filter(action=PURGE_ACTION).count() == 1
    assert verify().ok


def test_moving_the_purge_floor_by_hand_is_detected(old_and_new):
    old, new = old_and_new
    with triggers.suspended(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditchainhead SET floor_seq = %s, floor_hash = %s",
                       [old[-1].seq, old[-1].hash])
        cursor.execute("DELETE FROM audit_auditevent WHERE seq <= %s", [old[-1].seq])
    verdict = verify()
    assert not verdict.ok and "清理记录" in verdict.message


def test_database_refuses_deleting_events_above_the_purge_floor(old_and_new):
    from django.db import DatabaseError, transaction

    old, new = old_and_new
    call_command("audit_purge", before=(timezone.localdate() - dt.timedelta(days=200)).isoformat())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [new[0].pk])
    assert AuditEvent.objects.filter(pk=new[0].pk).exists()
