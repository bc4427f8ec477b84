"""Messy real-world sheets: each test imports one and checks exactly what was read."""

import datetime as dt
import random
from pathlib import Path

import pytest

from shanghui.directory.models import Enterprise, Person
from shanghui.imports import engine, kinds
from shanghui.testing import make_id_number, make_uscc

from .sheets import ENTERPRISE_HEADER, csv_file, ods_file, xlsx_file

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def codes():
    rng = random.Random(2024)
    return [make_uscc(rng) for _ in range(5)]


def run(tmp_path_file, user, kind="enterprises", dry_run=False):
    return engine.run(kinds.get(kind), tmp_path_file, by=user, dry_run=dry_run)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_header_aliases_are_recognised(cast, tmp_path, codes):
    path = csv_file(tmp_path, [["信用代码", "单位名称", "街道", "行业"], [codes[0], "甲公司", "东华门街道", "R"]])
    assert run(path, cast.admin).new == 1
    path = csv_file(tmp_path, [["社会信用代码", "企业全称", "所属街道"], [codes[1], "乙公司", "东华门"]])
    assert run(path, cast.admin).new == 1
    assert Enterprise.objects.get(uscc=codes[0]).industry == "R"
    assert Enterprise.objects.get(uscc=codes[1]).region == cast.street_a


def test_full_width_characters_and_blanks_are_folded(cast, tmp_path, codes):
    rows = [ENTERPRISE_HEADER,
            [f"　{full_width(codes[0].lower())} ", "  北京 （东华）　科技有限公司 ", " 东华门街道\u3000", "Ｒ",
             "小型", "１２０", "２０１８－０３－０１", "存续", " 东华门大街１号 "]]
    result = run(csv_file(tmp_path, rows), cast.admin)
    assert result.ok, result.errors
    e = Enterprise.objects.get(uscc=codes[0])
    # Full-width brackets in the name are kept; letters, digits and blanks are folded.
    assert (e.name, e.employees, e.founded, e.address) == ("北京 （东华） 科技有限公司", 120, dt.date(2018, 3, 1),
                                                          "东华门大街1号")
    assert (e.industry, e.size, e.status) == ("R", "small", "active")


def test_numbers_stored_as_text_and_text_stored_as_numbers(cast, tmp_path, codes):
    path = xlsx_file(tmp_path, [
        ["统一社会信用代码", "企业名称", "所在街道", "从业人数"],
        [codes[0], "甲公司", "110101001", "1,200"],  # a count typed as text with a thousands separator
        [codes[1], "乙公司", 110101001, 35.0],  # the street's code typed as a number
    ])
    result = run(path, cast.admin)
    assert result.ok, result.errors
    assert Enterprise.objects.get(uscc=codes[0]).employees == 1200
    assert Enterprise.objects.get(uscc=codes[1]).region == cast.street_a


def test_mobile_number_read_as_a_number_is_kept(cast, tmp_path):
    number = make_id_number(random.Random(5))
    path = xlsx_file(tmp_path, [["姓名", "身份证号码", "手机号码", "所属街道"],
                                ["张三", number, 13800138000.0, "东华门街道"]])
    result = run(path, cast.admin, kind="persons")
    assert result.ok, result.errors
    assert Person.objects.by_id_number(number).get().mobile == "13800138000"


def test_id_number_stored_as_a_number_is_detected_and_never_imported(cast, tmp_path):
    number = make_id_number(random.Random(6))
    path = xlsx_file(tmp_path, [["姓名", "身份证号码", "所属街道"], ["张三", float(number), "东华门街道"]])
    before = Person.objects.count()
    result = run(path, cast.admin, kind="persons")
    assert result.error_rows == 1 and not result.committed
    (row, column, message), = result.errors
    assert (row, column) == (2, "身份证号码")
    assert "存成了数字" in message and "丢失" in message
    assert Person.objects.count() == before


def test_uscc_stored_as_scientific_notation_in_csv_is_detected(cast, tmp_path):
    path = csv_file(tmp_path, [ENTERPRISE_HEADER[:3], ["9.11101E+17", "甲公司", "东华门街道"]])
    result = run(path, cast.admin)
    # Refused, but not "stored as a number": in a CSV every cell is text.
    assert result.error_rows == 1 and "科学计数法" in result.errors[0][2] and "存成了数字" not in result.errors[0][2]


def test_stored_as_a_number_is_said_only_of_number_cells(cast, tmp_path):
    rng = random.Random(61)
    good, short = make_id_number(rng), make_id_number(rng)[1:]  # a text cell missing its first digit
    header = ["姓名", "身份证号码", "所属街道"]
    for path in (csv_file(tmp_path, [header, ["张三", short, "东华门街道"]]),
                 xlsx_file(tmp_path, [header, ["张三", short, "东华门街道"]])):
        result = run(path, cast.admin, kind="persons")
        assert result.error_rows == 1 and "存成了数字" not in result.errors[0][2]
    number = float(good[:-3] + "000")  # what Excel keeps of a long number
    result = run(xlsx_file(tmp_path, [header, ["张三", number, "东华门街道"]]), cast.admin, kind="persons")
    assert result.error_rows == 1 and "存成了数字" in result.errors[0][2]


def test_date_formats(cast, tmp_path, codes):
    path = xlsx_file(tmp_path, [
        ["统一社会信用代码", "企业名称", "所在街道", "成立日期"],
        [codes[0], "甲", "东华门街道", 43160],  # Excel serial number
        [codes[1], "乙", "东华门街道", "2018年3月1日"],
        [codes[2], "丙", "东华门街道", "2018.3.1"],
        [codes[3], "丁", "东华门街道", dt.date(2018, 3, 1)],  # a real date cell
        [codes[4], "戊", "东华门街道", "2018/03/01"],
    ])
    result = run(path, cast.admin)
    assert result.ok, result.errors
    assert set(Enterprise.objects.filter(uscc__in=codes).values_list("founded", flat=True)) == {dt.date(2018, 3, 1)}


def test_impossible_date_is_an_error_with_row_and_column(cast, tmp_path, codes):
    path = csv_file(tmp_path, [ENTERPRISE_HEADER[:3] + ["成立日期"], [codes[0], "甲", "东华门街道", "2018年2月30日"]])
    result = run(path, cast.admin, dry_run=True)
    assert result.errors == [(2, "成立日期", "“2018年2月30日”不是真实存在的日期。")]


def test_merged_title_rows_above_the_header(cast, tmp_path, codes):
    path = xlsx_file(tmp_path, [ENTERPRISE_HEADER[:3], [codes[0], "甲公司", "东华门街道"]],
                     title="东华门街道非公企业名录（2024年）")
    result = run(path, cast.admin)
    assert result.ok, result.errors
    assert result.header_row == 3  # title in row 1, a blank row, then the header
    assert Enterprise.objects.filter(uscc=codes[0]).exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_are_detected(cast, tmp_path, codes, encoding):
    path = csv_file(tmp_path, [ENTERPRISE_HEADER[:3], [codes[0], "北京东华门文化传媒有限公司", "东华门街道"]],
                    encoding=encoding)
    result = run(path, cast.admin)
    assert result.ok, (result.file_error, result.errors)
    assert Enterprise.objects.get(uscc=codes[0]).name == "北京东华门文化传媒有限公司"


def test_legacy_xls_with_title_row(cast):
    result = run(FIXTURES / "enterprises.xls", cast.admin)
    assert result.ok, result.errors
    a = Enterprise.objects.get(uscc="91110101MA01ABCD19")
    b = Enterprise.objects.get(uscc="91110101MA01ABCE2D")
    assert (a.name, a.industry, a.employees, a.founded) == ("北京老字号餐饮有限公司", "H", 58, dt.date(2016, 5, 20))
    assert (b.region, b.industry, b.employees, b.founded) == (cast.street_a, "R", 12, dt.date(2018, 3, 1))


def test_ods(cast, tmp_path, codes):
    path = ods_file(tmp_path, [ENTERPRISE_HEADER[:4] + ["成立日期"],
                               [codes[0], "甲公司", "景山街道", "批发和零售业", dt.date(2020, 1, 2)]])
    result = run(path, cast.admin)
    assert result.ok, (result.file_error, result.errors)
    e = Enterprise.objects.get(uscc=codes[0])
    assert (e.region, e.industry, e.founded) == (cast.street_b, "F", dt.date(2020, 1, 2))


def test_format_is_taken_from_content_not_name(cast, tmp_path, codes):
    path = xlsx_file(tmp_path, [ENTERPRISE_HEADER[:3], [codes[0], "甲公司", "东华门街道"]], name="register.csv")
    assert run(path, cast.admin).new == 1


def test_blank_lines_are_skipped_and_row_numbers_match_the_sheet(cast, tmp_path, codes):
    path = csv_file(tmp_path, [ENTERPRISE_HEADER[:3], [codes[0], "甲", "东华门街道"], [], ["", " ", ""],
                               ["bad", "乙", "东华门街道"]])
    result = run(path, cast.admin, dry_run=True)
    assert result.total == 2
    assert [e[0] for e in result.errors] == [5]


def test_missing_required_column_is_a_file_error(cast, tmp_path, codes):
    path = csv_file(tmp_path, [["统一社会信用代码", "企业名称"], [codes[0], "甲"]])
    result = run(path, cast.admin)
    assert "所在街道" in result.file_error and not result.committed
