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
import re
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
from .signals import import_written

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
    # Rows of records the user may see but not write (a district chamber's memberships in a street
    # worker's own export): left as they are, reported, and no reason to refuse the file.
    skipped: int = 0
    skipped_rows: list[int] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)
    file_error: str = ""
    committed: bool = False
    sheet: str = ""
    header_row: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    # Ignored columns that look like a known one (a typo, a note we could not strip): shown as warnings.
    warnings: list[str] = field(default_factory=list)
    summary_rows: list[int] = field(default_factory=list)  # total rows (合计/小计) left out
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.error_rows

    def counts(self) -> dict:
        counts = {"total": self.total, "new": self.new, "updated": self.updated, "unchanged": self.unchanged,
                  "error": self.error_rows}
        if self.skipped:  # only then: most files have none, and the usual shape stays
            counts["skipped"] = self.skipped
        return counts

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


# A note or unit in brackets: 从业人员（人）, 统一社会信用代码（18位）, 街道（乡镇）. NFKC (code_text)
# has already folded full-width （） and ［］ to ASCII; 【】 it leaves alone.
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")
_PUNCTUATION = re.compile(r"[\s:：/、_\-.·]")


def _bare_header(normed: str) -> str:
    """A normalised header without bracketed notes (and the stray brackets of a half-closed one)."""
    text = _BRACKETED.sub("", normed)
    return re.sub(r"[()\[\]【】]", "", text)


@dataclass
class HeaderMatch:
    mapping: dict  # {cell index: Column}
    duplicated: list[str]  # two cells naming one column the same way: the file is refused
    unknown: list[str]  # ignored cells
    warnings: list[str]  # ignored cells that look like a known column


def match_header(kind: Kind, cells_row: list) -> HeaderMatch:
    """Map a candidate header row to the kind's columns.

    A cell matches a column's header or alias exactly (after normalising), or else once its
    bracketed notes are removed from both sides. An exact match wins over a bracket-stripped
    one for the same column: the other cell is ignored with a warning, never silently, and
    two cells matching one column equally well refuse the file.
    """
    exact, bare = {}, {}
    for column in kind.columns:
        for name in column.names():
            normed = _norm_header(name)
            exact[normed] = column
            stripped = _bare_header(normed)
            if stripped:
                # A bare name two different columns share would guess: left unmatched.
                bare[stripped] = column if bare.get(stripped, column) is column else None
    found = []  # (index, text, column, exact?)
    unknown, warnings = [], []
    for i, cell in enumerate(cells_row):
        if cells.is_blank(cell):
            continue
        normed = _norm_header(cell)
        text = str(cell).strip()
        column = exact.get(normed)
        if column is not None:
            found.append((i, text, column, True))
        elif (column := bare.get(_bare_header(normed))) is not None:
            found.append((i, text, column, False))
        else:
            unknown.append(text)
            like = _looks_like(kind, normed)
            if like is not None:
                warnings.append(f"列“{text}”未能识别，已忽略；它像是“{like.header}”，如需导入请把列名改为“{like.header}”。")
    mapping, used, duplicated = {}, {}, []
    for want_exact in (True, False):
        for i, text, column, is_exact in found:
            if is_exact != want_exact:
                continue
            if column.name not in used:
                mapping[i] = column
                used[column.name] = (text, is_exact)
            elif used[column.name][1] == is_exact:
                duplicated.append(text)
            else:
                unknown.append(text)
                warnings.append(f"列“{text}”与列“{used[column.name][0]}”都对应“{column.header}”，"
                                f"已按“{used[column.name][0]}”导入，忽略“{text}”。")
    return HeaderMatch(mapping, duplicated, unknown, warnings)


def _looks_like(kind: Kind, normed: str):
    """The column an unrecognised header seems to mean: equal but for spaces and punctuation, or
    containing a known header (从业人员总数 holds 从业人员)."""
    plain = _PUNCTUATION.sub("", _bare_header(normed))
    if not plain:
        return None
    best = None
    for column in kind.columns:
        for name in column.names():
            known = _PUNCTUATION.sub("", _bare_header(_norm_header(name)))
            if len(known) < 2:
                continue
            if known == plain:
                return column
            if known in plain and (best is None or len(known) > best[0]):
                best = (len(known), column)
    return best[1] if best else None


def _find_header(kind: Kind, sheets):
    """The first sheet with a header row holding all required columns, and where it is."""
    required = [c for c in kind.columns if c.required]
    best_missing = None
    for sheet in sheets:
        head = list(itertools.islice(sheet.rows, HEADER_SCAN_ROWS))
        for index, (number, row) in enumerate(head):
            match = match_header(kind, row)
            names = {c.name for c in match.mapping.values()}
            missing = [c.header for c in required if c.name not in names]
            if not missing:
                rest = itertools.chain(head[index + 1:], sheet.rows)
                return sheet, number, match, rest
            if match.mapping and (best_missing is None or len(missing) < len(best_missing)):
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
                    import_written.send(sender=type(kind), kind=kind, result=result)
                    _audit(by, result, success=True)
            result.committed = True
        else:
            with _fewer_collections(), sql.import_cache(), transaction.atomic(), sql.tracking() as touched:
                _pass(kind, Path(path), by, result, True, progress, batch_size, pipeline_min_rows)
                if not result.ok:
                    raise _Rollback
                sql.refresh_search(touched)
                import_written.send(sender=type(kind), kind=kind, result=result)
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
    sheet, header_number, match, rows = _find_header(kind, sheets)
    if match.duplicated:
        raise FileRejected(f"表头中有重复的列：{'、'.join(match.duplicated)}。")
    mapping = match.mapping
    result.sheet, result.header_row = sheet.name, header_number
    result.ignored_columns, result.warnings = scrub(match.unknown), scrub(match.warnings)
    present = {c.name for c in mapping.values()}
    refusal = kind.check_columns(present)
    if refusal:
        raise FileRejected(refusal)
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
    # In row order: the first copy of a repeated key learns of its error only when the repeat is read.
    result.errors.sort(key=lambda error: error[0])


SUMMARY_WORDS = frozenset({"合计", "总计", "小计", "共计", "总数", "累计"})
_SUMMARY_START = frozenset("共计合总小累-—/－ \u3000\t")  # how a total row's cells can begin
_COUNT_START = frozenset("0123456789+-")
_DASHES = frozenset({"-", "--", "—", "——", "/", "－"})  # "nothing here", as blank as a blank cell
_SUMMARY_SPACES = re.compile(r"[\s\u3000:：]")
# What the other cells of a total row hold: a number or a count ("11家", "共11家", "1,234 人").
_COUNT = re.compile(r"\s*+(共|计|合计)?\s*+[+-]?\d[\d,，]*+(\.\d++)?\s*+(家|人|名|个|户|条|项|次|元|万元|亿元|%)?\s*+$")


def is_summary_row(raw: list) -> bool:
    """A total row under the data (合计 / 总计 / 小计): a summary word alone in a cell and every other
    cell blank, a number or a count. 合计文化有限公司 is a name, not a summary word alone."""
    word = False
    for cell in raw:
        if cell is None or cell == "" or isinstance(cell, bool):
            continue
        if isinstance(cell, int | float):
            continue
        if not isinstance(cell, str):
            return False  # a date or time: a data row
        if cell in SUMMARY_WORDS:
            word = True
            continue
        first = cell[0]
        if first not in _SUMMARY_START and first not in _COUNT_START:
            return False  # most cells of most rows: no regular expression for them (once per row of a big file)
        if _COUNT.match(cell):
            continue
        if first not in _SUMMARY_START:
            return False
        text = _SUMMARY_SPACES.sub("", cell)
        if not text or text in _DASHES:
            continue
        if text in SUMMARY_WORDS:
            word = True
        elif not _COUNT.match(text):
            return False
    return word


def _parsed_batches(kind: Kind, rows, plan: list, batch_size: int):
    """Lists of parsed rows (blank lines skipped), batch_size at a time. A total row comes as a
    Row with action "summary" and no values: the engine reports it as skipped."""
    batch: list[Row] = []
    for number, raw in rows:
        row = _parse(number, raw, plan)
        if row is None:
            continue
        if is_summary_row(raw):
            row = Row(number=number, values={}, action="summary")
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
                                 tuple(r.values.values()), r.errors, r.action) for r in batch]))
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
                yield [Row(n, dict(zip(names, values, strict=True)), errors, action=action)
                       for n, names, values, errors, action in payload]
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
        if cell.__class__ is str and cell[:1] == "'":
            # Our own exports and error report escape formula-like cells with an apostrophe:
            # removed here, for every column, so they can be corrected and imported back.
            cell = cells.unescape(cell)
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
    if any(r.action == "summary" for r in rows):
        result.summary_rows.extend(r.number for r in rows if r.action == "summary")
        rows = [r for r in rows if r.action != "summary"]
    # A kind sees every one of its columns in a row's values: None for those the file lacks.
    # Which were in the file is `present`; the kinds change only those on an update.
    absent = [c.name for c in kind.columns if c.name not in present]
    if absent:
        for row in rows:
            for name in absent:
                row.values.setdefault(name, None)
    kind.resolve([r for r in rows if not r.errors or _key_ok(kind, r)], present, ctx)
    here = {row.number: row for row in rows}
    # First rows of earlier batches (already counted) that this batch repeats: number → (repeat, code).
    earlier: dict[int, tuple[int, int]] = {}
    for row in rows:
        if row.errors and not _key_ok(kind, row):
            continue
        row.key = kind.key_of(row)
        first = seen.get(row.key)
        if first is not None:
            # Both rows are flagged: the user must decide which one is right (the first one
            # once, however many copies follow).
            first_number = first >> 3
            row.error(kind.header(kind.key[0]), _duplicate(kind, first_number))
            if first_number in here:
                first_row = here[first_number]
                if not any(m.startswith("与第") and "重复" in m for _, m in first_row.errors):
                    first_row.error(kind.header(kind.key[0]), _duplicate(kind, row.number))
            elif first & 7 != _ERROR:
                earlier[first_number] = (row.number, first & 7)
                seen[row.key] = (first_number << 3) | _ERROR
        else:
            seen[row.key] = row.number << 3
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
        elif row.action == "skipped":
            result.skipped += 1
            if len(result.skipped_rows) < MAX_ERRORS:
                result.skipped_rows.append(row.number)
        else:
            result.unchanged += 1
        if row.key is not None and seen.get(row.key) == row.number << 3:
            # How the row was counted, in the three low bits, should a later batch repeat it.
            seen[row.key] |= _ERROR if row.errors else _CODES.get(row.action, _UNCHANGED)
    for first_number, (number, code) in earlier.items():
        # A first row counted (as new, updated or unchanged) in an earlier batch is an error row now.
        setattr(result, _COUNTERS[code], getattr(result, _COUNTERS[code]) - 1)
        if code == _SKIPPED and first_number in result.skipped_rows:
            result.skipped_rows.remove(first_number)
        result.error_rows += 1
        if len(result.errors) < MAX_ERRORS:
            result.errors.append((first_number, kind.header(kind.key[0]), _duplicate(kind, number)))
    if write and not result.error_rows:
        kind.write([r for r in rows if r.action in ("new", "updated")], present, ctx)


_ERROR, _NEW, _UPDATED, _UNCHANGED, _SKIPPED = 0, 1, 2, 3, 4
_CODES = {"new": _NEW, "updated": _UPDATED, "unchanged": _UNCHANGED, "skipped": _SKIPPED}
_COUNTERS = {_NEW: "new", _UPDATED: "updated", _UNCHANGED: "unchanged", _SKIPPED: "skipped"}


def _duplicate(kind: Kind, other: int) -> str:
    return f"与第{other}行重复（{_key_label(kind)}相同），同一记录只能出现一次。"


def _key_ok(kind: Kind, row: Row) -> bool:
    headers = {kind.header(name) for name in kind.key}
    return not any(column in headers for column, _ in row.errors)


def _key_label(kind: Kind) -> str:
    return "、".join(kind.header(name) for name in kind.key)
