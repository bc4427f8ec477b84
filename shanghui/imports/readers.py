"""Reading .xlsx, .xls, .ods and .csv into rows of raw cell values.

The format is decided by the file's content, not its name (people rename files).
Workbooks are read with python-calamine (Rust; fast and low on memory). CSV comes
as UTF-8 (with or without BOM) or as GB18030, the superset of GBK that Excel and
WPS on Chinese Windows write; we check the whole file is valid UTF-8 before
trusting it, so a GBK file whose first lines happen to be ASCII is not misread.
An upload waiting in the data directory is sealed (core/sealed.py); every read here
goes through `sealed.open_plain`, which gives the plain bytes of either kind of file.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from shanghui.core.files import MARKUP
from shanghui.core.sealed import SealedFileError, is_sealed, open_plain, plain_size

from .limits import FileRejected, check_size, check_zip

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# An encrypted .xlsx is an OLE container with a stream of this name (MS-OFFCRYPTO).
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

PASSWORD_MESSAGE = "文件设置了密码，无法读取。请在Excel中取消密码保护后再导入。"
CORRUPT_MESSAGE = "文件已损坏或不是有效的表格文件，无法读取。请在Excel中打开确认后另存为.xlsx再导入。"


@dataclass
class Sheet:
    name: str
    # (row number as the user sees it, 1-based; cells). A lazy iterator: read once.
    rows: Iterator[tuple[int, list]]
    total: int = 0  # rows in the sheet (an estimate for CSV), for progress bars


def sniff_format(path: Path) -> str:
    with open_plain(path) as f:
        return sniff_head(f.read(8192))


def sniff_head(head: bytes) -> str:
    """'zip', 'ole' or 'csv' from the first 8 KB; a web page or script renamed to .csv/.xlsx is refused."""
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRejected("无法识别的文件格式。请上传.xlsx、.xls、.ods或.csv文件。")
    if MARKUP.search(head):
        raise FileRejected("文件内容是网页或脚本（HTML/SVG/XML），不是表格文件。请上传.xlsx、.xls、.ods或.csv文件。")
    return "csv"


def open_sheets(path: Path) -> tuple[str, Iterator[Sheet]]:
    """The file's format and its sheets, in order. Raises FileRejected with a Chinese message."""
    try:
        return _open_sheets(Path(path))
    except SealedFileError:
        raise FileRejected("上传的文件已损坏或无法解密，请重新上传。") from None


def _open_sheets(path: Path) -> tuple[str, Iterator[Sheet]]:
    check_size(plain_size(path))
    kind = sniff_format(path)
    if kind == "csv":
        return "csv", iter([Sheet("CSV", _csv_rows(path), _count_lines(path))])
    if kind == "zip":
        with open_plain(path) as f, check_zip(f) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").startswith(ODS_MIMETYPE):
                fmt = "ods"
            elif "xl/workbook.xml" in names:
                fmt = "xlsx"
            else:
                raise FileRejected("无法识别的文件格式。请上传.xlsx、.xls、.ods或.csv文件。")
    else:
        if _contains(path, ENCRYPTED_STREAM):
            raise FileRejected(PASSWORD_MESSAGE)
        fmt = "xls"
    return fmt, _workbook_sheets(path)


def _contains(path: Path, needle: bytes) -> bool:
    overlap = len(needle)
    with open_plain(path) as f:
        tail = b""
        while chunk := f.read(1024 * 1024):
            if needle in tail + chunk:
                return True
            tail = chunk[-overlap:]
    return False


def _workbook_sheets(path: Path) -> Iterator[Sheet]:
    try:
        if is_sealed(path):  # decrypted into memory; a plain file is read from its path
            with open_plain(path) as f:
                book = python_calamine.CalamineWorkbook.from_filelike(f)
        else:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise FileRejected(PASSWORD_MESSAGE) from None
    except Exception:  # calamine raises several error types for broken files; all mean the same to the user
        raise FileRejected(CORRUPT_MESSAGE) from None
    try:
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet or meta.visible != python_calamine.SheetVisibleEnum.Visible:
                continue
            try:
                sheet = book.get_sheet_by_name(meta.name)
            except python_calamine.PasswordError:
                raise FileRejected(PASSWORD_MESSAGE) from None
            except Exception:
                raise FileRejected(CORRUPT_MESSAGE) from None
            first_row = sheet.start[0] + 1 if sheet.start else 1
            rows = ((first_row + i, list(row)) for i, row in enumerate(sheet.iter_rows()))
            yield Sheet(meta.name, rows, sheet.height)
    finally:
        book.close()


def _count_lines(path: Path) -> int:
    count = 0
    with open_plain(path) as f:
        while chunk := f.read(4 * 1024 * 1024):
            count += chunk.count(b"\n")
    return count


def detect_encoding(path: Path) -> str:
    """utf-8-sig if the whole file is valid UTF-8, else gb18030 (which also reads GBK and GB2312)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open_plain(path) as f:
        try:
            while chunk := f.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
    decoder = codecs.getincrementaldecoder("gb18030")()
    with open_plain(path) as f:
        try:
            while chunk := f.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise FileRejected("无法识别CSV文件的编码，请另存为“CSV UTF-8”或.xlsx后再导入。") from None
    return "gb18030"


CSV_BROKEN = "CSV文件格式有误（引号不配对等），第{}行附近。请在Excel中打开检查该行后另存为.xlsx再导入。"


def _csv_rows(path: Path) -> Iterator[tuple[int, list]]:
    """The records of a CSV file, parsed strictly: a stray quote refuses the file.

    Python's csv module, left lenient, lets a quote opened and never closed (or closed in the
    wrong place) run on and swallow every line after it into one cell: five rows read as
    two, without a word. Strict parsing refuses a quote closed in the wrong place or never;
    a quoted cell that spans lines which themselves look like rows of the file is refused
    too, as that is a stray quote closed by another one further down. (Excel quotes a cell
    with line breaks, an address or a note, and that is kept.)
    """
    encoding = detect_encoding(path)
    with io.TextIOWrapper(open_plain(path), encoding=encoding, newline="") as f:
        first = f.readline()
        # Excel in some locales saves "CSV" with tabs or semicolons.
        delimiter = max(",\t;", key=first.count) if first else ","
        # A swallowed line holds about as many delimiters as a row has.
        row_like = max(2, first.count(delimiter) // 2)
        f.seek(0)  # resets the decoder too, so utf-8-sig drops the BOM again
        reader = csv.reader(f, delimiter=delimiter, strict=True)
        number = line = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error:
                raise FileRejected(CSV_BROKEN.format(number + 1)) from None
            number += 1
            if reader.line_num > line + 1:  # a cell spans lines (one comparison per record, not per cell)
                for cell in record:
                    if any(text.count(delimiter) >= row_like for text in cell.splitlines()[1:]):
                        raise FileRejected(CSV_BROKEN.format(number))
            line = reader.line_num
            yield number, record
