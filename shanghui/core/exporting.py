"""Exports of what the user sees, as .csv (UTF-8 with BOM) or .xlsx.

A list view passes its already-scoped, already-filtered queryset and a column
spec; this module streams the rows, escapes cells a spreadsheet would run as a
formula, masks personal data (the column functions do that), and writes the
audit event with the filters and the row count.
"""

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

from django.http import FileResponse, StreamingHttpResponse

from shanghui.audit import record

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]
    width: int = 16
    personal: str = ""  # "id_number" or "mobile": the column carries personal numbers


def personal_column(header: str, kind: str, person_of: Callable[[object], object], *, plain: bool = False,
                    width: int | None = None) -> Column:
    """A column of a person's ID or mobile numbers: masked, unless the export is the explicit,
    audited plaintext one (imports/exports.py::kind_export_plain)."""
    attribute = kind if plain else f"{kind}_masked"

    def value(obj):
        person = person_of(obj)
        return getattr(person, attribute) if person is not None else ""

    return Column(header, value, width or (22 if kind == "id_number" else 14), personal=kind)


def escape_cell(value: object) -> object:
    """Neutralise spreadsheet formulas (CSV/formula injection): prefix with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return escape_cell(value)


def rows_of(queryset, columns: list[Column], chunk_size: int = 2000) -> Iterator[list[object]]:
    for obj in queryset.iterator(chunk_size=chunk_size):
        yield [_cell(c.value(obj)) for c in columns]


class _Echo:
    def write(self, value):
        return value


def _csv_stream(header: list[str], rows: Iterable[list[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in row])


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


def _disposition(name: str) -> str:
    # RFC 6266 / 5987: ASCII fallback plus the UTF-8 Chinese name that browsers show.
    return f"attachment; filename=\"export.{name.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(name)}"


def export_response(*, by, title: str, queryset, columns: list[Column], fmt: str = "xlsx",
                    filters: dict | None = None, object_type: str = "", action: str = "export",
                    extra: dict | None = None):
    """An HTTP download of `queryset` (already scoped with visible_to and filtered), audited
    (`action`, with `extra` beside the format, filters, row count and title)."""
    header = [c.header for c in columns]
    object_type = object_type or queryset.model._meta.label_lower
    extra = extra or {}
    if fmt == "csv":
        count = queryset.count()
        record(by=by, action=action, object_type=object_type,
               extra={"format": "csv", "filters": filters or {}, "rows": count, "title": title, **extra})
        response = StreamingHttpResponse(_csv_stream(header, rows_of(queryset, columns)),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = _disposition(_filename(title, "csv"))
        return response
    # xlsx is a zip: it cannot be streamed while written, so it goes to a temporary file
    # that is unlinked at once (the open handle keeps it readable; nothing is left behind).
    tmp = tempfile.TemporaryFile()
    count = write_xlsx(tmp, header, rows_of(queryset, columns), [c.width for c in columns], sheet=title)
    record(by=by, action=action, object_type=object_type,
           extra={"format": "xlsx", "filters": filters or {}, "rows": count, "title": title, **extra})
    tmp.seek(0)
    response = FileResponse(tmp, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = _disposition(_filename(title, "xlsx"))
    return response


def to_bytes_csv(header: list[str], rows: Iterable[list[object]]) -> bytes:
    buf = io.StringIO()
    for chunk in _csv_stream(header, rows):
        buf.write(chunk)
    return buf.getvalue().encode("utf-8")
