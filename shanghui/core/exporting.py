"""Exports of what the user sees, as .csv (UTF-8 with BOM) or .xlsx.

A list view passes its already-scoped, already-filtered queryset (or any other
iterable of rows: a computed table, a generator) and a column spec; this module
streams the rows, escapes cells a spreadsheet would run as a
formula, masks personal data (the column functions do that), and writes the
audit event with the filters and the row count.
"""

import csv
import datetime as dt
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass
from urllib.parse import quote

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse

from shanghui.audit import record

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FIRST = frozenset("".join(FORMULA_PREFIXES))


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]
    width: int = 16
    personal: str = ""  # "id_number" or "mobile": the column carries personal numbers
    # A values_list() path giving the same cell as `value` (with `display`, the choice label of it).
    # When every column of a queryset export has one, the rows are read as plain tuples, not
    # model instances: most of an export's time went into building instances and
    # get_FOO_display() per cell (docs/performance.md, "Exports").
    source: str = ""
    display: bool = False

    @classmethod
    def field(cls, header: str, source: str, width: int = 16, *, display: bool = False) -> "Column":
        """A column that is a field (through foreign keys: "region__name"), or its choice label.
        A null along the way gives an empty cell, as `x.fk.name if x.fk_id else ""` would."""
        path = source.split("__")

        def value(obj):
            for name in path[:-1]:
                obj = getattr(obj, name)
                if obj is None:
                    return None
            return getattr(obj, f"get_{path[-1]}_display")() if display else getattr(obj, path[-1])

        return cls(header, value, width, source=source, display=display)


def personal_column(header: str, kind: str, person_of: Callable[[object], object], *, plain: bool = False,
                    width: int | None = None) -> Column:
    """A column of a person's ID or mobile numbers: masked, unless the export is the explicit,
    audited plaintext one (imports/exports.py::kind_export_plain)."""
    attribute = kind if plain else f"{kind}_masked"

    def value(obj):
        person = person_of(obj)
        return getattr(person, attribute) if person is not None else ""

    return Column(header, value, width or (22 if kind == "id_number" else 14), personal=kind)


# Values that start like a formula but cannot be one, so they go out as typed and come back
# in unchanged: a phone number ("+86 138-0013-8009", "+86 (10) 6512 3456": a plus, then only
# digits, blanks, hyphens and parentheses), a negative number ("-3", "-2.5"), a lone dash
# (the usual "none"). Nothing here can call a function or reference a cell; anything with a
# letter, another operator (-2+3) or a cell reference (+A1) is still escaped.
_NOT_FORMULA = re.compile(r"\+(?=[^\d]*\d)[\d ()\-]+|-\d+(?:\.\d+)?|[-+]")


def needs_escape(value: str) -> bool:
    """Whether a spreadsheet could read `value` as a formula (CSV/formula injection)."""
    return value.startswith(FORMULA_PREFIXES) and not _NOT_FORMULA.fullmatch(value)


def escape_cell(value: object) -> object:
    """Neutralise spreadsheet formulas (CSV/formula injection): prefix with an apostrophe.

    The importer strips that apostrophe again (imports/cells.py::unescape), so every export
    and the error report can be corrected and imported back."""
    if isinstance(value, str) and value[:1] in _FIRST and needs_escape(value):
        return "'" + value
    return value


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return escape_cell(value)


def _labels(model, source: str) -> dict:
    """The choice labels of the field at `source`, as get_FOO_display() gives them."""
    *hops, name = source.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model
    field = model._meta.get_field(name)
    if not field.flatchoices:
        raise FieldDoesNotExist(f"{source} has no choices")
    return {key: str(label) for key, label in field.flatchoices}


def _cells(values: Iterable[tuple], maps: list[dict | None]) -> Iterator[list[object]]:
    # The per-row hot path of a big export: no function call per cell for the common cases.
    for row in values:
        out = []
        for v, labels in zip(row, maps, strict=True):
            if labels is not None:
                v = labels.get(v, v)
            if v is None:
                v = ""
            elif v.__class__ is str:
                if v[:1] in _FIRST and needs_escape(v):
                    v = "'" + v
            elif v.__class__ is bool:
                v = "是" if v else "否"
            out.append(v)
        yield out


def rows_of(rows: Iterable, columns: list[Column], chunk_size: int = 2000) -> Iterator[list[object]]:
    if isinstance(rows, QuerySet) and columns and all(c.source for c in columns):
        # Plain tuples in one query, the same cells as the column functions give (tested).
        maps = [_labels(rows.model, c.source) if c.display else None for c in columns]
        yield from _cells(rows.values_list(*(c.source for c in columns)).iterator(chunk_size=chunk_size), maps)
        return
    # A queryset is read in chunks, not cached whole, so memory stays flat however many rows it has.
    objects = rows.iterator(chunk_size=chunk_size) if isinstance(rows, QuerySet) else rows
    for obj in objects:
        yield [_cell(c.value(obj)) for c in columns]


def export_format(request) -> str:
    """The format an export view was asked for: ?format=csv, else xlsx."""
    return "csv" if request.GET.get("format") == "csv" else "xlsx"


class _Buffer(list):
    write = list.append


CSV_BATCH = 500  # rows per chunk of a streamed CSV: one chunk per row cost more than the writing


def _csv_stream(header: list[str], rows: Iterable[list[object]]) -> Iterator[str]:
    """The header, then the rows in chunks of CSV_BATCH rows."""
    buffer = _Buffer()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield "\ufeff" + buffer.pop()
    date = dt.date  # datetime is a date too
    for row in rows:
        writer.writerow([v.isoformat() if isinstance(v, date) else v for v in row])
        if len(buffer) >= CSV_BATCH:
            yield "".join(buffer)
            buffer.clear()
    if buffer:
        yield "".join(buffer)


def write_xlsx(target, header: list[str], rows: Iterable[list[object]], widths: list[int],
               sheet: str = "数据") -> int:
    """Write one formatted sheet in constant memory; returns the number of data rows."""
    import xlsxwriter

    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False,
                                        "default_date_format": "yyyy-mm-dd", "remove_timezone": True})
    ws = book.add_worksheet(sheet[:31])
    head = book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True})
    for i, (title, width) in enumerate(zip(header, widths, strict=True)):
        ws.write_string(0, i, title, head)
        ws.set_column(i, i, width)
    ws.freeze_panes(1, 0)
    n = 0
    for n, row in enumerate(rows, start=1):
        for i, v in enumerate(row):
            if isinstance(v, str):
                ws.write_string(n, i, v)
            else:
                ws.write(n, i, v)
    ws.autofilter(0, 0, max(n, 1), len(header) - 1)
    book.close()
    return n


def _filename(title: str, ext: str) -> str:
    return f"{title}_{dt.date.today():%Y%m%d}.{ext}"


def content_disposition(name: str) -> str:
    # RFC 6266 / 5987: ASCII fallback plus the UTF-8 Chinese name that browsers show.
    return f"attachment; filename=\"export.{name.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(name)}"


def export_response(*, by, title: str, rows: Iterable, columns: list[Column], fmt: str = "xlsx",
                    filters: dict | None = None, object_type: str = "", action: str = "export",
                    extra: dict | None = None):
    """An HTTP download of `rows` (a queryset already scoped with visible_to and filtered, or any
    iterable of objects the columns read), audited (`action`, with `extra` beside the format,
    filters, row count and title). `object_type` defaults to a queryset's model."""
    if not object_type:
        if not isinstance(rows, QuerySet):
            raise TypeError("export_response needs an object_type for rows that are not a queryset")
        object_type = rows.model._meta.label_lower
    fmt = "csv" if fmt == "csv" else "xlsx"
    header = [c.header for c in columns]

    def audit(count: int) -> None:
        record(by=by, action=action, object_type=object_type,
               extra={"format": fmt, "filters": filters or {}, "rows": count, "title": title, **(extra or {})})

    if fmt == "csv" and isinstance(rows, Sized):
        # The count is known before the first row is read, so the rows stream straight out.
        audit(rows.count() if isinstance(rows, QuerySet) else len(rows))
        response = StreamingHttpResponse(_csv_stream(header, rows_of(rows, columns)),
                                         content_type="text/csv; charset=utf-8")
    else:
        # xlsx is a zip: it cannot be streamed while written; nor can a generator's rows, whose
        # count (for the audit event, before anything leaves) is known only once they are read.
        # Both go to a temporary file that is unlinked at once (the open handle keeps it readable;
        # nothing is left behind).
        tmp = tempfile.TemporaryFile()
        if fmt == "csv":
            count = _write_csv(tmp, header, rows_of(rows, columns))
            content_type = "text/csv; charset=utf-8"
        else:
            count = write_xlsx(tmp, header, rows_of(rows, columns), [c.width for c in columns], sheet=title)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        audit(count)
        tmp.seek(0)
        response = FileResponse(tmp, content_type=content_type)
    response["Content-Disposition"] = content_disposition(_filename(title, fmt))
    return response


def _write_csv(target, header: list[str], rows: Iterable[list[object]]) -> int:
    """Write the CSV to a binary file; returns the number of data rows."""
    n = 0

    def counted():
        nonlocal n
        for n, row in enumerate(rows, start=1):  # noqa: B007 (n is read after the loop)
            yield row

    for chunk in _csv_stream(header, counted()):
        target.write(chunk.encode("utf-8"))
    return n


def to_bytes_csv(header: list[str], rows: Iterable[list[object]]) -> bytes:
    buf = io.BytesIO()
    _write_csv(buf, header, rows)
    return buf.getvalue()
