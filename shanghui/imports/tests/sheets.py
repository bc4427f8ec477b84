"""Hand-made messy sheets for the import tests."""

import csv
import datetime as dt
import io

import xlsxwriter

ENTERPRISE_HEADER = ["统一社会信用代码", "企业名称", "所在街道", "行业门类", "企业规模", "从业人数", "成立日期",
                     "经营状态", "地址"]


def csv_file(tmp_path, rows, *, name="data.csv", encoding="utf-8-sig"):
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path = tmp_path / name
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def xlsx_file(tmp_path, rows, *, name="data.xlsx", title=None, text_columns=()):
    """Rows are written with their Python types: numbers stay numbers, dates become date cells.

    `title` adds a merged title row above the header, as real registers have.
    """
    path = tmp_path / name
    book = xlsxwriter.Workbook(path, {"strings_to_numbers": False})
    ws = book.add_worksheet("企业名录")
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    start = 0
    if title:
        ws.merge_range(0, 0, 0, len(rows[0]) - 1, title)
        start = 2
    for r, row in enumerate(rows, start=start):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, value, date_fmt)
            elif isinstance(value, str):
                ws.write_string(r, c, value)
            elif value is not None:
                ws.write(r, c, value)
    book.close()
    return path


def ods_file(tmp_path, rows, *, name="data.ods"):
    """A minimal OpenDocument spreadsheet, written by hand (what LibreOffice and WPS save)."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(value):
        if isinstance(value, dt.date):
            return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                    f"<text:p>{value.isoformat()}</text:p></table:table-cell>")
        if isinstance(value, int | float):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Sheet1">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path
