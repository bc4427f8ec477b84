"""The error report: the file's own rows, in its own columns, with an error column added.

It is built from a second read of the uploaded file (the engine keeps only row
numbers and messages, not a million rows), so the user gets back exactly what she
sent. Rows with errors are highlighted; she can correct them in the report and
import the report itself (the extra columns are ignored by the importer).
"""

import datetime as dt
from pathlib import Path

import xlsxwriter

from shanghui.core.exporting import escape_cell
from shanghui.core.files import open_private

from .engine import Result
from .kinds import Kind
from .readers import open_sheets

ERROR_HEADER = "错误说明"
ROW_HEADER = "原行号"


def write_error_report(kind: Kind, path: Path | str, result: Result, target) -> int:
    """Write the report to `target` (a path or a binary file object); returns the number of error rows."""
    if isinstance(target, str | Path):
        with open_private(target) as out:  # the user's own rows, numbers and all: for her eyes only
            return write_error_report(kind, path, result, out)
    messages: dict[int, list[str]] = {}
    for number, column, message in result.errors:
        messages.setdefault(number, []).append(f"{column}：{message}")
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False,
                                        "default_date_format": "yyyy-mm-dd"})
    ws = book.add_worksheet("错误报告")
    head = book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
    bad = book.add_format({"bg_color": "#FDE9E7"})
    bad_text = book.add_format({"bg_color": "#FDE9E7", "font_color": "#C00000", "text_wrap": True})
    bad_date = book.add_format({"bg_color": "#FDE9E7", "num_format": "yyyy-mm-dd"})
    _, sheets = open_sheets(Path(path))
    sheet = next((s for s in sheets if s.name == result.sheet), None)
    width = 0
    out = 0
    for number, row in sheet.rows if sheet else ():
        if number < result.header_row:
            continue
        if number == result.header_row:
            width = len(row)
            for i, value in enumerate([*row, ROW_HEADER, ERROR_HEADER]):
                ws.write_string(0, i, str(value), head)
            ws.freeze_panes(1, 0)
            continue
        out += 1
        row = (list(row) + [""] * width)[:width]
        errors = messages.get(number)
        for i, value in enumerate(row):
            _write(ws, out, i, value, (bad_date if isinstance(value, dt.date) else bad) if errors else None)
        ws.write_number(out, width, number, bad if errors else None)
        if errors:
            ws.write_string(out, width + 1, "；".join(errors), bad_text)
    if width:
        ws.set_column(0, width - 1, 16)
        ws.set_column(width + 1, width + 1, 60)
        ws.autofilter(0, 0, max(out, 1), width + 1)
    book.close()
    return len(messages)


def _write(ws, r: int, c: int, value, fmt) -> None:
    if value is None or value == "":
        if fmt:
            ws.write_blank(r, c, None, fmt)
    elif isinstance(value, str):
        ws.write_string(r, c, escape_cell(value), fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value, fmt)
    elif isinstance(value, dt.datetime | dt.date):
        ws.write_datetime(r, c, value, fmt)
    else:
        ws.write_string(r, c, str(value), fmt)
