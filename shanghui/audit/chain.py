"""The audit log's hash chain: append, verify, purge.

Each event stores `seq` (1, 2, 3 … without gaps), `prev_hash` (the previous event's hash)
and `hash` = SHA-256 of its canonical content including `seq` and `prev_hash`. Editing a
row changes its hash; deleting or reordering rows breaks the `seq` run or the links; cutting
rows off the end no longer matches the chain head. `verify()` finds the first such row.

What the chain alone cannot stop: someone with write access to the database and this code
can rebuild the whole chain. The head is therefore also anchored outside the database
(checkpoint.py), and `verify()` compares with the latest checkpoint; the database triggers
(triggers.py) refuse deleting young rows and moving the floor past them.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from . import checkpoint
from .models import AuditChainHead, AuditEvent
from .triggers import MIN_RETENTION_DAYS

HEAD_ID = 1
PURGE_ACTION = "audit_purge"

# The columns that make up an event's content. `actor_id` is left out on purpose: deleting
# a user sets it to NULL (the only UPDATE the triggers allow); `actor_name` keeps who it was.
CONTENT = ("seq", "prev_hash", "at", "actor_name", "action", "object_type", "object_id", "object_repr",
           "fields", "extra", "source_address", "success")


def _plain(value):
    """JSON as the database gives it back: lists not tuples, str keys, integral floats as ints."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def content_hash(event: AuditEvent) -> str:
    data = {name: getattr(event, name) for name in CONTENT}
    data["at"] = event.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    data["fields"] = _plain(json.loads(json.dumps(event.fields)))
    data["extra"] = _plain(json.loads(json.dumps(event.extra)))
    data["success"] = bool(event.success)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is None:
        # A fresh database (or one flushed by the test runner): start from whatever is there.
        last = AuditEvent.objects.order_by("-seq").first()
        head, _ = AuditChainHead.objects.get_or_create(
            pk=HEAD_ID, defaults={"seq": last.seq if last else 0, "hash": last.hash if last else ""})
        head = AuditChainHead.objects.select_for_update().get(pk=HEAD_ID)
    return head


@transaction.atomic
def append(event: AuditEvent) -> AuditEvent:
    """Insert `event` as the next link. Called by AuditEvent.save() for new rows only."""
    head = _locked_head()
    event.seq = head.seq + 1
    event.prev_hash = head.hash
    event.at = timezone.now()  # taken under the lock, so time follows seq
    event.hash = content_hash(event)
    super(AuditEvent, event).save(force_insert=True)
    head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])
    checkpoint.after_append()
    return event


@dataclass
class Verdict:
    ok: bool
    checked: int
    message: str
    seq: int | None = None  # the first bad row, when there is one
    head_seq: int = 0
    head_hash: str = ""
    anchor: checkpoint.Checkpoint | None = None  # the external checkpoint compared with, if any


def verify() -> Verdict:
    """Walk the chain from the purge floor to the head; report the first break."""
    head = AuditChainHead.objects.filter(pk=HEAD_ID).first()
    events = AuditEvent.objects.order_by("seq")
    if head is None:
        if events.exists():
            return Verdict(False, 0, "哈希链头缺失，但审计表中仍有事件：链头被删除过。")
        return Verdict(True, 0, "审计日志为空。")
    expected, prev, checked = head.floor_seq + 1, head.floor_hash, 0
    if head.floor_seq:
        purge = events.filter(action=PURGE_ACTION).order_by("-seq").first()
        if purge is None or (purge.extra.get("floor_seq"), purge.extra.get("floor_hash")) != (
                head.floor_seq, head.floor_hash):
            return Verdict(False, 0, f"清理起点（第 {head.floor_seq} 条）没有对应的清理记录：起点被改动过。",
                           seq=head.floor_seq)
    for event in events.iterator(chunk_size=2000):
        if event.seq < expected:
            return Verdict(False, checked, f"第 {event.seq} 条在已清理的范围内却仍存在，或序号被改动过。", seq=event.seq)
        if event.seq > expected:
            missing = f"第 {expected} 条" if event.seq == expected + 1 else f"第 {expected}–{event.seq - 1} 条"
            return Verdict(False, checked, f"{missing}缺失（被删除），链在第 {event.seq} 条处断开。", seq=expected)
        if event.prev_hash != prev:
            return Verdict(False, checked, f"第 {event.seq} 条与前一条的链接不符：记录被删除、插入或调换过。",
                           seq=event.seq)
        if content_hash(event) != event.hash:
            return Verdict(False, checked, f"第 {event.seq} 条的内容与其哈希不符：记录被修改过。", seq=event.seq)
        prev, expected, checked = event.hash, expected + 1, checked + 1
    if (expected - 1, prev) != (head.seq, head.hash):
        return Verdict(False, checked, f"链头记到第 {head.seq} 条，表中只到第 {expected - 1} 条：末尾的记录被删除过。",
                       seq=expected, head_seq=head.seq, head_hash=head.hash)
    # A chain rebuilt with recomputed hashes passes the walk; the external checkpoint does not agree.
    try:
        anchor = checkpoint.latest()
        problem = checkpoint.disagreement(head, anchor)
    except checkpoint.CheckpointError as e:
        anchor, problem = None, str(e)
    if problem:
        return Verdict(False, checked, problem, head_seq=head.seq, head_hash=head.hash)
    return Verdict(True, checked, f"审计日志完整：共校验 {checked} 条，链头第 {head.seq} 条。",
                   head_seq=head.seq, head_hash=head.hash, anchor=anchor)


def retention_days() -> int:
    """系统设置 or SHANGHUI_AUDIT_RETENTION_DAYS (core/config.py), never under the 180-day floor."""
    from shanghui.core import config

    return max(MIN_RETENTION_DAYS, int(config.get("audit_retention_days") or MIN_RETENTION_DAYS))


@transaction.atomic
def purge(*, before: dt.date, by=None) -> int:
    """Delete the events older than `before` (a prefix of the chain), keep a checkpoint. Returns rows deleted.

    Refuses a date inside the retention period. The purge is itself an audit event that
    carries the checkpoint (the last deleted row's seq and hash); the chain head keeps the
    same pair, and the database triggers let only rows at or below it, and older than the
    retention minimum, be deleted. The new state is anchored outside the database.
    """
    from django.core.exceptions import ValidationError

    from .events import record

    limit = timezone.localdate() - dt.timedelta(days=retention_days())
    if before > limit:
        raise ValidationError(f"审计日志至少保留 {retention_days()} 天：只能清理 {limit:%Y-%m-%d} 之前的记录。")
    head = _locked_head()
    # Never purge (and so anchor) a history that already disagrees with its last checkpoint.
    try:
        problem = checkpoint.disagreement(head, checkpoint.latest())
    except checkpoint.CheckpointError as e:
        raise ValidationError(f"{e}，未清理。") from None
    if problem:
        raise ValidationError(f"审计日志与外部检查点不符，未清理：{problem}")
    start = dt.datetime.combine(before, dt.time.min, tzinfo=timezone.get_current_timezone())
    first_kept = AuditEvent.objects.filter(seq__gt=head.floor_seq, at__gte=start).order_by("seq").first()
    last = (first_kept.seq - 1) if first_kept else head.seq
    if last <= head.floor_seq:
        return 0
    floor = AuditEvent.objects.get(seq=last)
    count = AuditEvent.objects.filter(seq__gt=head.floor_seq, seq__lte=last).count()
    record(by=by, action=PURGE_ACTION, object_type="audit.auditevent",
           extra={"before": before.isoformat(), "rows": count, "floor_seq": last, "floor_hash": floor.hash})
    AuditChainHead.objects.filter(pk=HEAD_ID).update(floor_seq=last, floor_hash=floor.hash)
    # The plain QuerySet.delete is closed (append-only); this is the one sanctioned delete.
    models_qs = AuditEvent.objects.filter(seq__lte=last)
    models_qs._raw_delete(models_qs.db)
    # Anchored before the commit: if the checkpoint cannot be written, nothing is purged.
    try:
        checkpoint.write(AuditChainHead.objects.get(pk=HEAD_ID), reason="purge", check=False)
    except checkpoint.CheckpointError as e:
        raise ValidationError(str(e)) from None
    return count
