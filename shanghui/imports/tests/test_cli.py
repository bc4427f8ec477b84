"""`shanghui import KIND FILE [--dry-run]`."""

import io
import random

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from shanghui.directory.models import Enterprise
from shanghui.testing import make_uscc

from .sheets import ENTERPRISE_HEADER, csv_file


def rows(n):
    rng = random.Random(31)
    return [[make_uscc(rng), f"命令行企业{i}", "东华门街道"] for i in range(n)]


def test_dry_run_prints_counts_and_writes_nothing(cast, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    path = csv_file(tmp_path, [ENTERPRISE_HEADER[:3], *rows(3)])
    call_command("import", "enterprises", str(path), "--dry-run", "--user", "worker_a", stdout=out, stderr=err)
    assert "共3行，新增3，更新0，未变0，错误0" in out.getvalue() and "预览，未写入" in out.getvalue()
    assert "3/3 行" in err.getvalue()  # the progress bar
    assert Enterprise.objects.count() == 2


def test_import_commits_and_second_run_is_unchanged(cast, tmp_path):
    path = csv_file(tmp_path, [ENTERPRISE_HEADER[:3], *rows(3)])
    out = io.StringIO()
    call_command("import", "enterprises", str(path), "--no-progress", stdout=out)  # as the first superuser
    assert "新增3" in out.getvalue() and Enterprise.objects.count() == 5
    out = io.StringIO()
    call_command("import", "enterprises", str(path), "--no-progress", stdout=out)
    assert "新增0，更新0，未变3" in out.getvalue()


def test_errors_fail_the_command_and_write_the_report(cast, tmp_path):
    data = rows(3)
    data[2][2] = "景山街道"
    report = tmp_path / "errors.xlsx"
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import", "enterprises", str(csv_file(tmp_path, [ENTERPRISE_HEADER[:3], *data])),
                     "--user", "worker_a", "--errors", str(report), "--no-progress", stderr=err)
    assert "错误1" in str(exc.value) and "未写入任何数据" in str(exc.value)
    assert "第4行 所在街道：找不到街道“景山街道”（或不在您的管辖范围内），请填写街道全称或12位区划代码。" in err.getvalue()
    sheet = load_workbook(report).active
    assert sheet.cell(row=4, column=5).value == "所在街道：找不到街道“景山街道”（或不在您的管辖范围内），请填写街道全称或12位区划代码。"
    assert Enterprise.objects.count() == 2


def test_unknown_kind_and_missing_file(cast, tmp_path):
    with pytest.raises(CommandError, match="未知的导入类型"):
        call_command("import", "widgets", "x.csv")
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import", "enterprises", str(tmp_path / "nope.csv"))
