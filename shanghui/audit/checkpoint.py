"""Anchoring the audit chain outside the database.

The hash chain proves that rows were not changed one by one; it cannot stop someone who
can write the database (and recompute hashes) from rewriting history as a whole: delete
young events, move the purge floor, append a purge event with a correct hash. A
checkpoint is the chain's state (head seq and hash, purge floor, time) written where the
database cannot reach:

- one JSON line appended to `checkpoints.jsonl` in SHANGHUI_AUDIT_CHECKPOINT_DIR (by default
  a sibling of the data directory, `<data dir>-audit-checkpoints`; folder 0700, file 0600);
- the system log (logger `shanghui.audit.checkpoint`: syslog through /dev/log where it
  exists, and the application log).

Checkpoints are written by `shanghui audit-checkpoint` (cron or a systemd timer), by every
purge and restore, and after an append at most every SHANGHUI_AUDIT_CHECKPOINT_MINUTES.
`verify()` compares the database with the latest one: the checkpointed event must still be
there with the same hash, the head must not be below it, and the floor must be the one the
checkpoint saw (a legitimate purge writes a checkpoint with its new floor). A checkpoint is
only written over a state that agrees with the previous one, so a rewrite is never anchored.
"""

import datetime as dt
import json
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

log = logging.getLogger("shanghui.audit.checkpoint")

FILENAME = "checkpoints.jsonl"
TAIL_BYTES = 16 * 1024  # the last line is all that is read back


class CheckpointError(Exception):
    """The checkpoint could not be written, or the database disagrees with it. The message is Chinese."""


@dataclass
class Checkpoint:
    at: str
    seq: int
    hash: str
    floor_seq: int
    floor_hash: str
    reason: str

    def line(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)


def directory() -> Path:
    return Path(settings.SHANGHUI_AUDIT_CHECKPOINT_DIR)


def path() -> Path:
    return directory() / FILENAME


def latest() -> Checkpoint | None:
    """The last well-formed line of the checkpoint file, if there is one."""
    try:
        with open(path(), "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - TAIL_BYTES))
            lines = f.read().decode("utf-8", "replace").splitlines()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise CheckpointError(f"无法读取审计检查点文件 {path()}：{e.strerror}") from None
    for line in reversed(lines):
        try:
            data = json.loads(line)
            return Checkpoint(**{name: data[name] for name in Checkpoint.__dataclass_fields__})
        except (ValueError, TypeError, KeyError):
            continue  # a torn last line (power cut during a write): the one before still counts
    return None


def disagreement(head, anchor: Checkpoint | None) -> str:
    """'' if the chain head agrees with the checkpoint, else why not (Chinese)."""
    from .models import AuditEvent

    if anchor is None:
        return ""
    when = anchor.at[:19].replace("T", " ")
    if head is None or head.seq < anchor.seq:
        return (f"外部检查点（{when}）记录链头为第 {anchor.seq} 条，数据库只到第 {head.seq if head else 0} 条："
                "审计日志被删除或改写过。")
    if (head.floor_seq, head.floor_hash) != (anchor.floor_seq, anchor.floor_hash):
        return (f"清理起点（第 {head.floor_seq} 条）与外部检查点（{when}）记录的第 {anchor.floor_seq} 条不符，"
                "且没有对应的清理检查点：审计日志被删除或改写过。")
    if anchor.seq > head.floor_seq:
        stored = AuditEvent.objects.filter(seq=anchor.seq).values_list("hash", flat=True).first()
        if stored != anchor.hash:
            return (f"第 {anchor.seq} 条与外部检查点（{when}）记录的哈希不符（或已不存在）："
                    "审计日志被改写过。")
    return ""


def _append(anchor: Checkpoint) -> None:
    folder = directory()
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
        folder.chmod(0o700)  # whatever the umask
    fd = os.open(path(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_size == 0:
            os.fchmod(fd, 0o600)
        os.write(fd, (anchor.line() + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def write(head, *, reason: str, check: bool = True) -> Checkpoint:
    """Anchor `head` (the locked AuditChainHead row): the file, then the system log.

    With `check`, refuses a head that disagrees with the latest checkpoint (CheckpointError),
    so that a rewritten history is reported, never anchored. A restore passes check=False:
    going back to a backup is the one legitimate step back, and is itself audited.
    """
    if check and (problem := disagreement(head, latest())):
        raise CheckpointError(problem)
    anchor = Checkpoint(at=timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"), seq=head.seq,
                        hash=head.hash, floor_seq=head.floor_seq, floor_hash=head.floor_hash, reason=reason)
    try:
        _append(anchor)
    except OSError as e:
        raise CheckpointError(f"无法写入审计检查点（{directory()}）：{e.strerror}。"
                              "请创建该目录并让本服务的用户可写，或设置 SHANGHUI_AUDIT_CHECKPOINT_DIR。") from None
    log.info("shanghui audit checkpoint %s", anchor.line())
    return anchor


@transaction.atomic
def take(*, reason: str, check: bool = True) -> Checkpoint:
    """Lock the chain head and anchor it (so checkpoints are written in the head's own order)."""
    from .chain import _locked_head

    return write(_locked_head(), reason=reason, check=check)


# --- automatic checkpoints after appends ------------------------------------------------

_last_auto = 0.0
_auto_lock = threading.Lock()


def after_append() -> None:
    """Called for every appended event: at most every N minutes (per process), anchor the head
    once the append's transaction has committed (an uncommitted head must never be anchored)."""
    global _last_auto
    minutes = settings.SHANGHUI_AUDIT_CHECKPOINT_MINUTES
    if not minutes:
        return
    now = time.monotonic()
    with _auto_lock:
        if _last_auto and now - _last_auto < minutes * 60:
            return
        _last_auto = now
    transaction.on_commit(_auto, robust=True)


def _auto() -> None:
    try:
        take(reason="auto")
    except CheckpointError as e:
        log.error("shanghui audit checkpoint refused: %s", e)
