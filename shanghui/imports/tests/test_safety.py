"""Limits and safety: hostile cells, zip bombs, encrypted, corrupt and oversized files, no leftovers."""

import csv
import io
import random
import tempfile
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from shanghui.core.exporting import escape_cell, to_bytes_csv, write_xlsx
from shanghui.directory.models import Enterprise
from shanghui.imports import cells, engine, kinds
from shanghui.imports.exports import export_kind
from shanghui.testing import make_uscc

from .sheets import ENTERPRISE_HEADER, csv_file, xlsx_file

HOSTILE = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", '=HYPERLINK("http://evil","x")']


@pytest.mark.parametrize("value", HOSTILE)
def test_escape_cell_neutralises_formulas(value):
    assert escape_cell(value) == "'" + value


def test_escape_cell_leaves_harmless_values_alone():
    assert [escape_cell(v) for v in ["东华门", "a=b", "", 5, -3, None]] == ["东华门", "a=b", "", 5, -3, None]


@pytest.mark.parametrize(("value", "escaped"), [
    # Phone numbers and negative numbers cannot be formulas: they go out (and come back) as typed.
    ("+86 138-0013-8009", False), ("+8613800138009", False), ("+86 (10) 6512-3456", False),
    ("-3", False), ("-2.5", False), ("-", False), ("+", False),
    # Anything a spreadsheet would evaluate is still escaped.
    ("=1", True), ("+A1", True), ("-2+3", True), ("-3*2", True), ("@SUM(A1:A2)", True), ("+86 138 abc", True),
    ("-A1", True), ("+1+1", True), ("-1-1", True), ("+()", True), ("\t86", True), ("\r-3", True),
    ("-3.", True), ("--3", True), ("+86 138-0013-8009;", True),
])
def test_escape_cell_escapes_only_what_could_be_a_formula(value, escaped):
    assert escape_cell(value) == ("'" + value if escaped else value)
    assert cells.unescape(escape_cell(value)) == value  # what the importer reads back


def test_hostile_values_are_inert_in_csv_and_xlsx_exports():
    rows = [[v] for v in HOSTILE]
    text = to_bytes_csv(["名称"], ([escape_cell(v) for v in r] for r in rows)).decode("utf-8-sig")
    assert [r[0] for r in csv.reader(io.StringIO(text, newline=""))][1:] == ["'" + v for v in HOSTILE]
    buf = io.BytesIO()
    write_xlsx(buf, ["名称"], ([escape_cell(v) for v in r] for r in rows), [20])
    buf.seek(0)
    with zipfile.ZipFile(buf) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula cells at all
    buf.seek(0)
    cells = [r[0] for r in CalamineWorkbook.from_filelike(buf).get_sheet_by_index(0).to_python()[1:]]
    assert cells == ["'" + v for v in HOSTILE]


def test_a_nul_character_in_a_cell_is_a_row_error_on_every_database(cast, tmp_path):
    rng = random.Random(5)
    # Past the first 8 KB, which the format sniffing reads (a NUL there means "not a CSV").
    rows = [[make_uscc(rng), f"东华门科技{i}", "东华门街道"] for i in range(300)]
    rows.append([make_uscc(rng), "东华门\x00科技", "东华门街道"])
    path = csv_file(tmp_path, [ENTERPRISE_HEADER[:3], *rows])
    before = Enterprise.objects.count()
    result = engine.run(kinds.get("enterprises"), path, by=cast.admin, dry_run=False)
    assert not result.committed and result.error_rows == 1
    assert any("空字符" in message for _, _, message in result.errors)
    assert Enterprise.objects.count() == before


def test_imported_hostile_name_is_exported_escaped(cast, tmp_path):
    code = make_uscc(random.Random(4))
    path = csv_file(tmp_path, [ENTERPRISE_HEADER[:3], [code, "=cmd|'/C calc'!A0", "东华门街道"]])
    assert engine.run(kinds.get("enterprises"), path, by=cast.admin, dry_run=False).committed
    response = export_kind(by=cast.admin, kind=kinds.get("enterprises"), fmt="csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=cmd|'/C calc'!A0" in body


def zip_with(tmp_path, members: dict[str, bytes], name="bomb.xlsx"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in members.items():
            z.writestr(member, data)
    return path


def test_zip_bomb_is_refused(cast, tmp_path):
    # 60 MB of zeros deflate to about 60 kB: a ratio of 1000, far beyond any real sheet.
    path = zip_with(tmp_path, {"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>",
                               "xl/worksheets/sheet1.xml": b"\0" * (60 * 1024 * 1024)})
    assert path.stat().st_size < 1024 * 1024
    result = engine.run(kinds.get("enterprises"), path, by=cast.admin, dry_run=False)
    assert "压缩炸弹" in result.file_error and not result.committed


def test_total_unzipped_size_is_limited(cast, tmp_path, settings):
    settings.SHANGHUI_IMPORT_MAX_UNZIPPED_BYTES = 1024 * 1024
    rng = random.Random(1)
    noise = bytes(rng.getrandbits(8) for _ in range(700_000))  # incompressible: only the total trips
    path = zip_with(tmp_path, {"xl/workbook.xml": noise, "xl/worksheets/sheet1.xml": noise})
    result = engine.run(kinds.get("enterprises"), path, by=cast.admin, dry_run=True)
    assert "压缩炸弹" in result.file_error


def test_lying_zip_directory_is_caught(cast, tmp_path, settings):
    """A member that declares 1 kB in the directory but inflates to 2 MB."""
    settings.SHANGHUI_IMPORT_MAX_UNZIPPED_BYTES = 1024 * 1024
    path = zip_with(tmp_path, {"xl/workbook.xml": b"\0" * (2 * 1024 * 1024)})
    data = bytearray(path.read_bytes())
    real = (2 * 1024 * 1024).to_bytes(4, "little")
    assert data.count(real) == 2  # local header and central directory
    path.write_bytes(bytes(data).replace(real, (1024).to_bytes(4, "little")))
    result = engine.run(kinds.get("enterprises"), path, by=cast.admin, dry_run=True)
    assert result.file_error  # refused (corrupt: the CRC fails after the declared size), never inflated


def test_password_protected_workbook_gets_a_clear_message(cast, tmp_path):
    # An encrypted .xlsx is an OLE compound file holding an "EncryptedPackage" stream.
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600
    path = tmp_path / "secret.xlsx"
    path.write_bytes(body)
    result = engine.run(kinds.get("enterprises"), path, by=cast.admin, dry_run=True)
    assert result.file_error == "文件设置了密码，无法读取。请在Excel中取消密码保护后再导入。"


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_corrupt_workbook_gets_a_clear_message(cast, tmp_path, damage):
    good = xlsx_file(tmp_path, [ENTERPRISE_HEADER[:3], [make_uscc(random.Random(1)), "甲", "东华门街道"]])
    data = good.read_bytes()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(data[: len(data) // 2] if damage == "truncate" else b"PK\x03\x04" + b"\x13" * 3000)
    result = engine.run(kinds.get("enterprises"), bad, by=cast.admin, dry_run=True)
    assert "损坏" in result.file_error
    ole = tmp_path / "bad.xls"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 2000)
    assert "损坏" in engine.run(kinds.get("enterprises"), ole, by=cast.admin, dry_run=True).file_error


def test_binary_junk_is_not_read_as_csv(cast, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 100)
    assert "无法识别" in engine.run(kinds.get("enterprises"), path, by=cast.admin, dry_run=True).file_error


def test_size_limit(cast, tmp_path, settings):
    settings.SHANGHUI_IMPORT_MAX_BYTES = 100
    path = csv_file(tmp_path, [ENTERPRISE_HEADER, *[["x"] * 9] * 20])
    result = engine.run(kinds.get("enterprises"), path, by=cast.admin, dry_run=True)
    assert "文件太大" in result.file_error


def test_import_and_export_leave_no_temporary_files(cast, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    path = xlsx_file(tmp_path, [ENTERPRISE_HEADER[:3], [make_uscc(random.Random(2)), "甲", "东华门街道"]])
    assert engine.run(kinds.get("enterprises"), path, by=cast.admin, dry_run=False).committed
    response = export_kind(by=cast.admin, kind=kinds.get("enterprises"), fmt="xlsx")
    assert b"".join(response.streaming_content)[:2] == b"PK"
    response.file_to_stream.close()  # (response.close() would also fire request_finished)
    assert list(scratch.iterdir()) == []
    assert Enterprise.objects.count() == 3


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
                     for i in range(1, 10))
          + b']>')


def test_xml_bomb_in_a_workbook_is_refused_without_expanding(cast, tmp_path):
    """Billion laughs: nine levels of entities that would expand to 10^9 'lol's."""
    import time

    good = xlsx_file(tmp_path, [ENTERPRISE_HEADER, [make_uscc(random.Random(3)), "炸弹测试有限公司", "东华门街道"]])
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                data = LAUGHS + data.split(b"?>", 1)[1].replace(b"<t>", b"<t>&lol9;", 1)
                assert b"&lol9;" in data
            dst.writestr(item, data)
    started = time.monotonic()
    result = engine.run(kinds.get("enterprises"), bomb, by=cast.admin, dry_run=False)
    assert time.monotonic() - started < 10
    assert result.file_error and not result.committed
    assert not Enterprise.objects.filter(name="炸弹测试有限公司").exists()
