"""The error report (and any of our exports) can be corrected and imported again: the formula
escaping of our exports is undone on the way in, and values that cannot be formulas (phone
numbers, negative numbers) are not escaped in the first place."""

import random

from openpyxl import load_workbook

from shanghui.directory.models import Person
from shanghui.imports import engine, kinds
from shanghui.imports.report import write_error_report
from shanghui.testing import make_id_number

from .sheets import csv_file

HEADER = ["姓名", "身份证号码", "手机号码", "所属街道"]


def test_an_error_report_corrected_and_uploaded_again_imports(cast, tmp_path):
    rng = random.Random(19)
    ids = [make_id_number(rng) for _ in range(2)]
    data = [["=SUM(1)", ids[0], "+86 138-0013-8009", "没有这个街道"],
            ["钱二", ids[1], "+86 139 0013 8009", "东华门街道"]]
    kind = kinds.get("persons")
    path = csv_file(tmp_path, [HEADER, *data])
    result = engine.run(kind, path, by=cast.admin, dry_run=True)
    assert result.error_rows == 1 and result.errors[0][:2] == (2, "所属街道")

    report = tmp_path / "report.xlsx"
    write_error_report(kind, path, result, report)
    book = load_workbook(report)
    sheet = book.active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[1][:3] == ["'=SUM(1)", ids[0], "+86 138-0013-8009"]  # the formula escaped, the phone not
    sheet.cell(row=2, column=4, value="东华门街道")  # the correction
    book.save(report)

    result = engine.run(kind, report, by=cast.admin, dry_run=False)
    assert result.committed and result.new == 2, result.errors
    person = Person.objects.get(name="=SUM(1)")
    assert person.mobile == "13800138009" and person.region == cast.street_a


def test_an_apostrophe_of_our_escaping_is_removed_in_every_column(cast, tmp_path):
    # A report written before phones were left unescaped: '+86… in the phone column.
    rng = random.Random(20)
    code = make_id_number(rng)
    path = csv_file(tmp_path, [HEADER, ["孙三", code, "'+86 138-0013-8009", "东华门街道"]])
    result = engine.run(kinds.get("persons"), path, by=cast.admin, dry_run=False)
    assert result.committed, result.errors
    assert Person.objects.get(name="孙三").mobile == "13800138009"
