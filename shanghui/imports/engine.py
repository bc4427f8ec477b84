"""The import engine: read → validate → (preview | commit), the same for every kind.

One pass over the file in batches. Each batch is parsed cell by cell, its references
resolved, and planned against the database (new / updated / unchanged), with the
user's write scope checked for every row. In a dry run nothing is written. In a
commit every write of the file lands in ONE transaction, at the end: the pass runs
without one and its batches are set aside (sql.staging: a scratch file on SQLite,
temporary tables on PostgreSQL), then copied over in one short transaction, so other
users' writes never wait for the whole pass behind the import's locks. If any row of
the file has an error nothing is written, so a file is imported entirely or not at all.
(Inside a caller's transaction the batches are written as they go, in that transaction.)
Every error keeps its row number, column and a Chinese message. A commit (successful or
not) is one audit event, and so is a dry run (kind and row counts, no values).
"""

import gc
import itertools
import multiprocessing
import os
import queue as queues
import signal
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction

from shanghui.accounts.scope import writes_some_region
from shanghui.audit import record
from shanghui.core import duplicates
from shanghui.core.redact import scrub

from . import cells, sql
from .kinds import Kind, Row
from .limits import FileRejected
from .readers import open_sheets

BATCH = 5000
HEADER_SCAN_ROWS = 30  # title rows above the header: we look this far down for it
MAX_ERRORS = 100_000  # detailed errors kept; beyond that only counted
# From this many rows on, a forked child reads and parses a CSV file while this process
# checks and writes (two cores busy instead of one). Below it, a second process costs
# more than it saves.
PIPELINE_MIN_ROWS = 50_000

Progress = Callable[[int, int], None]


@dataclass
class Result:
    kind: str
    filename: str
    dry_run: bool
    total: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    error_rows: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)
    file_error: str = ""
    committed: bool = False
    sheet: str = ""
    header_row: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.error_rows

    def counts(self) -> dict:
        return {"total": self.total, "new": self.new, "updated": self.updated, "unchanged": self.unchanged,
                "error": self.error_rows}

    def as_dict(self) -> dict:
        return asdict(self)


class _Rollback(Exception):
    pass


def _norm_header(value: object) -> str:
    # Template headers may carry a required mark: "*企业名称", "企业名称（必填）".
    text = cells.code_text(value).casefold()
    for mark in ("(必填)", "必填", "*", "※"):
        text = text.replace(mark, "")
    return text


def match_header(kind: Kind, cells_row: list) -> tuple[dict[int, object], list[str], list[str]]:
    """Map a candidate header row to the kind's columns: ({index: Column}, duplicated, unknown)."""
    by_name = {}
    for column in kind.columns:
        for name in column.names():
            by_name[_norm_header(name)] = column
    mapping, used, duplicated, unknown = {}, set(), [], []
    for i, cell in enumerate(cells_row):
        if cells.is_blank(cell):
            continue
        column = by_name.get(_norm_header(cell))
        if column is None:
            unknown.append(str(cell).strip())
        elif column.name in used:
            duplicated.append(str(cell).strip())
        else:
            mapping[i] = column
            used.add(column.name)
    return mapping, duplicated, unknown


def _find_header(kind: Kind, sheets):
    """The first sheet with a header row holding all required columns, and where it is."""
    required = [c for c in kind.columns if c.required]
    best_missing = None
    for sheet in sheets:
        head = list(itertools.islice(sheet.rows, HEADER_SCAN_ROWS))
        for index, (number, row) in enumerate(head):
            mapping, duplicated, unknown = match_header(kind, row)
            names = {c.name for c in mapping.values()}
            missing = [c.header for c in required if c.name not in names]
            if not missing:
                rest = itertools.chain(head[index + 1:], sheet.rows)
                return sheet, number, mapping, duplicated, unknown, rest
            if mapping and (best_missing is None or len(missing) < len(best_missing)):
                best_missing = missing
    if best_missing:
        raise FileRejected(f"表头缺少必填列：{'、'.join(best_missing)}。请使用导入模板的列名。")
    raise FileRejected(f"没有找到{kind.label}导入表的表头（应包含：{'、'.join(c.header for c in required)}）。"
                       "请使用导入模板。")


def can_import(by) -> bool:
    return writes_some_region(by)


@duplicates.refusals_audited  # a refused row's audit event outlives the rolled-back import
def run(kind: Kind, path: Path | str, *, by, filename: str = "", dry_run: bool = True,
        progress: Progress | None = None, batch_size: int = BATCH,
        pipeline_min_rows: int | None = None) -> Result:
    """Validate (and unless dry_run, commit) one file. Never raises for bad input: see Result."""
    if not can_import(by):
        raise PermissionDenied("您无权导入数据。")
    started = time.monotonic()
    result = Result(kind=kind.name, filename=filename or Path(path).name, dry_run=dry_run)
    try:
        if dry_run:
            with _fewer_collections(), sql.import_cache():
                _pass(kind, Path(path), by, result, False, progress, batch_size, pipeline_min_rows)
        elif sql.can_stage():
            # Read, check and plan without a transaction; take the locks only for the copy.
            with _fewer_collections(), sql.import_cache(), sql.staging() as stage, sql.tracking() as touched:
                _pass(kind, Path(path), by, result, True, progress, batch_size, pipeline_min_rows)
                if not result.ok:
                    raise _Rollback
                with stage.merged():
                    sql.refresh_search(touched)
                    _audit(by, result, success=True)
            result.committed = True
        else:
            with _fewer_collections(), sql.import_cache(), transaction.atomic(), sql.tracking() as touched:
                _pass(kind, Path(path), by, result, True, progress, batch_size, pipeline_min_rows)
                if not result.ok:
                    raise _Rollback
                sql.refresh_search(touched)
                _audit(by, result, success=True)
            result.committed = True
    except _Rollback:
        pass
    except FileRejected as e:
        result.file_error = scrub(e.message)
    except IntegrityError:
        # Only a concurrent change of the same rows gets here (everything else was checked).
        result.file_error = "导入时数据被他人同时修改，本次导入未写入任何数据，请稍后重试。"
    except DatabaseError:
        result.file_error = "数据库暂时无法写入，本次导入未写入任何数据，请稍后重试。"
    result.seconds = round(time.monotonic() - started, 3)
    if dry_run:
        # A check reads every row of a file with the user's scope: an audit event too (counts only).
        record(by=by, action="import_dry_run", object_type=f"imports.{result.kind}", success=result.ok,
               extra={"kind": result.kind, **result.counts(), "file_error": bool(result.file_error)})
    elif not result.committed:
        _audit(by, result, success=False)
    return result


@contextmanager
def _fewer_collections():
    """Python's cyclic GC, triggered by the millions of short-lived rows an import allocates (none
    of them in a cycle), re-scans every live object again and again: Django, pypinyin's
    dictionaries, the codes seen so far. That was about a third of the parsing time. In a
    single-threaded process (the CLI) we freeze what exists now and collect less often; a
    threaded server is left alone, as these settings are process-wide."""
    if threading.active_count() > 1:
        yield
        return
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _audit(by, result: Result, *, success: bool) -> None:
    record(by=by, action="import", object_type=f"imports.{result.kind}", success=success,
           extra={"kind": result.kind, "file": result.filename[:200], **result.counts(),
                  **({"file_error": result.file_error} if result.file_error else {})})


def _pass(kind: Kind, path: Path, by, result: Result, write: bool, progress, batch_size: int,
          pipeline_min_rows: int | None = None) -> None:
    fmt, sheets = open_sheets(path)
    sheet, header_number, mapping, duplicated, unknown, rows = _find_header(kind, sheets)
    if duplicated:
        raise FileRejected(f"表头中有重复的列：{'、'.join(duplicated)}。")
    result.sheet, result.header_row, result.ignored_columns = sheet.name, header_number, scrub(unknown)
    present = {c.name for c in mapping.values()}
    ctx = kind.context(by)
    total = max(sheet.total - header_number, 0)
    seen: dict = {}
    plan = [(i, c.name, c.parse, c.required, c.header) for i, c in mapping.items()]
    threshold = PIPELINE_MIN_ROWS if pipeline_min_rows is None else pipeline_min_rows
    # CSV only: a workbook is already in memory (python-calamine reads a whole sheet), and
    # forking a process that holds a sheet of a million rows made the writing parent slower
    # (copy-on-write of the memory it shares with the child) by more than parsing in
    # parallel saved: measured 10.6 s forked against 7.5 s in one process for 100,000 rows.
    forked = fmt == "csv" and total >= threshold and _can_fork()
    batches = (_forked_batches(kind, rows, plan, batch_size) if forked
               else _parsed_batches(kind, rows, plan, batch_size))
    for batch in batches:
        _batch(kind, batch, present, ctx, seen, result, write)
        if progress:
            progress(result.total, total)
    if progress:
        progress(result.total, result.total)


def _parsed_batches(kind: Kind, rows, plan: list, batch_size: int):
    """Lists of parsed rows (blank lines skipped), batch_size at a time."""
    batch: list[Row] = []
    for number, raw in rows:
        row = _parse(number, raw, plan)
        if row is None:
            continue
        if not row.errors:
            kind.prepare(row.values)
        batch.append(row)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _can_fork() -> bool:
    # Only from a single-threaded process (the CLI): forking a threaded web server could
    # copy a lock another thread holds. The child touches no database connection.
    return (os.cpu_count() or 1) > 1 and threading.active_count() == 1 \
        and "fork" in multiprocessing.get_all_start_methods()


READER_DIED = "读取文件的进程意外退出，未写入任何数据。"
# How long the parent waits for a batch before it looks whether the reader still lives.
READER_POLL_SECONDS = 1.0


def _die_with_parent(parent: int) -> None:
    """End this process when `parent` ends, however it ends (a kill -9 included).

    Linux delivers SIGKILL on the parent's death (prctl PR_SET_PDEATHSIG); elsewhere a
    watchdog thread looks every second whether we were re-parented."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) != 0:  # 1 = PR_SET_PDEATHSIG
            raise OSError
    except (OSError, AttributeError):
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)


def _child(kind: Kind, rows, plan: list, batch_size: int, reader, writer, parent: int) -> None:
    _die_with_parent(parent)
    reader.close()  # only the parent reads: a dead parent then breaks our pipe instead of hanging us
    # Batches are pickled and sent by a thread, a few ahead of the parent, while this thread parses.
    ahead: queues.Queue = queues.Queue(maxsize=3)

    def send() -> None:
        while True:
            message = ahead.get()
            try:
                writer.send(message)
            except OSError:  # the parent is gone
                os._exit(1)
            if message[0] != "rows":
                return

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    shapes: dict[tuple, tuple] = {}  # one tuple object per set of value names: pickled once per batch
    try:
        for batch in _parsed_batches(kind, rows, plan, batch_size):
            # Values as tuples with a shared tuple of their names: a third cheaper to pickle
            # and unpickle than a dict per row.
            ahead.put(("rows", [(r.number, shapes.setdefault(tuple(r.values), tuple(r.values)),
                                 tuple(r.values.values()), r.errors) for r in batch]))
        ahead.put(("done", None))
    except FileRejected as e:
        ahead.put(("error", e.message))
    except Exception:  # noqa: BLE001 - whatever a broken file does to a reader, the user gets a message
        ahead.put(("error", "读取文件时出错，文件可能已损坏。未写入任何数据。"))
    sender.join()


def _forked_batches(kind: Kind, rows, plan: list, batch_size: int):
    """The same batches as _parsed_batches, parsed in a forked child while this process writes.

    The child inherits the open reader (`rows`) and is the only one to use it from then
    on; it ends with os._exit (multiprocessing's fork start), so it never closes or
    checkpoints the database connection it inherited. The batches come through a one-way
    pipe whose writing end only the child holds: if the child dies, even halfway through
    a batch, the next read here ends (EOF) instead of waiting for bytes that never come,
    and the import is rolled back with a message. The child dies with this process.
    """
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(kind, rows, plan, batch_size, reader, writer, os.getpid()),
                            daemon=True)
    child.start()
    writer.close()
    try:
        while True:
            try:
                if not reader.poll(READER_POLL_SECONDS):
                    if not child.is_alive():
                        raise FileRejected(READER_DIED)
                    continue
                message, payload = reader.recv()
            except (EOFError, OSError):
                raise FileRejected(READER_DIED) from None
            if message == "rows":
                yield [Row(n, dict(zip(names, values, strict=True)), errors) for n, names, values, errors in payload]
            elif message == "error":
                raise FileRejected(payload)
            else:
                return
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        reader.close()


def _parse(number: int, raw: list, plan: list) -> Row | None:
    # The innermost loop of an import (once per cell), so it is written flat.
    values, errors = {}, []
    blank = True
    width = len(raw)
    for i, name, parse, required, header in plan:
        cell = raw[i] if i < width else None
        if cell is None or cell == "" or (cell.__class__ is str and cell.isspace()):
            values[name] = None
            if required:
                errors.append((header, f"{header}为必填项。"))
            continue
        blank = False
        try:
            values[name] = parse(cell)
        except ValidationError as e:
            values[name] = None
            errors.append((header, "".join(e.messages)))
    if blank:
        return None  # empty lines between and after the data are not rows
    return Row(number=number, values=values, errors=errors)


def _batch(kind: Kind, rows: list[Row], present: set[str], ctx: dict, seen: dict, result: Result,
           write: bool) -> None:
    kind.resolve([r for r in rows if not r.errors or _key_ok(kind, r)], present, ctx)
    for row in rows:
        if row.errors and not _key_ok(kind, row):
            continue
        row.key = kind.key_of(row)
        first = seen.get(row.key)
        if first is not None:
            row.error(kind.header(kind.key[0]), f"与第{first}行重复（{_key_label(kind)}相同），同一记录只能出现一次。")
        else:
            seen[row.key] = row.number
    kind.plan([r for r in rows if not r.errors], present, ctx)
    for row in rows:
        result.total += 1
        if row.errors:
            row.action = "error"
            result.error_rows += 1
            for column, message in row.errors:
                if len(result.errors) < MAX_ERRORS:
                    # Messages quote what was typed; they are kept (job, report), so numbers are masked.
                    result.errors.append((row.number, column, scrub(message)))
        elif row.action == "new":
            result.new += 1
        elif row.action == "updated":
            result.updated += 1
        else:
            result.unchanged += 1
    if write and not result.error_rows:
        kind.write([r for r in rows if r.action in ("new", "updated")], present, ctx)


def _key_ok(kind: Kind, row: Row) -> bool:
    headers = {kind.header(name) for name in kind.key}
    return not any(column in headers for column, _ in row.errors)


def _key_label(kind: Kind) -> str:
    return "、".join(kind.header(name) for name in kind.key)
