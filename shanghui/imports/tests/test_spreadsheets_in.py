"""Spreadsheets as people send them: member-column subsets, total rows, headers with
notes in brackets, and CSV files with a stray quote."""

import datetime as dt
import io
import random

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from shanghui.directory.models import Enterprise, Membership
from shanghui.imports import engine, kinds
from shanghui.imports.models import ImportJob
from shanghui.imports.readers import CSV_BROKEN
from shanghui.imports.templates import build_template
from shanghui.testing import make_uscc

from .sheets import ENTERPRISE_HEADER, csv_file, xlsx_file
from .test_web import login, upload

ENTERPRISES = kinds.get("enterprises")
MEMBERSHIPS = kinds.get("memberships")
SYSTEM_ERROR = "系统错误"


@pytest.fixture
def web(settings, tmp_path):
    settings.SHANGHUI_IMPORTS_INLINE = True  # the test database is not visible to another thread
    settings.DATA_DIR = tmp_path / "data"
    return settings


def codes(n, seed=7):
    rng = random.Random(f"spreadsheets-in-{seed}")  # not the cast's seeds: codes of their own
    return [make_uscc(rng) for _ in range(n)]


def page_of(client, job) -> str:
    return client.get(reverse("imports:job", args=[job.pk])).content.decode()


def cli(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *map(str, args), "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- 1. every legitimate subset of a kind's optional columns ---------------------------------

def test_a_memberships_file_with_only_the_enterprise_column(cast, tmp_path):
    cast.membership_a.role = "vice_president"
    cast.membership_a.left = dt.date(2030, 1, 1)
    cast.membership_a.save()
    header = ["商会", "会员企业统一社会信用代码", "入会日期"]
    path = csv_file(tmp_path, [header, ["东华门街道商会", cast.enterprise_a.uscc, cast.membership_a.joined.isoformat()],
                               ["东华门街道商会", cast.enterprise_b.uscc, "2021-03-01"]])
    dry = engine.run(MEMBERSHIPS, path, by=cast.admin, dry_run=True)
    assert dry.ok and (dry.new, dry.unchanged) == (1, 1), dry.errors
    result = engine.run(MEMBERSHIPS, path, by=cast.admin, dry_run=False)
    assert result.committed and result.new == 1
    cast.membership_a.refresh_from_db()
    # Role and leaving date were not in the file: kept, not blanked.
    assert (cast.membership_a.role, cast.membership_a.left) == ("vice_president", dt.date(2030, 1, 1))
    assert Membership.objects.filter(enterprise=cast.enterprise_b, chamber=cast.chamber_a).exists()


def test_a_memberships_file_with_only_the_person_column(cast, tmp_path):
    header = ["商会", "个人会员身份证号码", "入会日期"]
    path = csv_file(tmp_path, [header, ["东城区青年创业者协会", cast.youth_member.id_number,
                                        cast.youth_membership.joined.isoformat()]])
    result = engine.run(MEMBERSHIPS, path, by=cast.admin, dry_run=False)
    assert result.ok and result.unchanged == 1, result.errors


def test_a_memberships_file_without_any_member_column_is_refused_clearly(cast, client, web, tmp_path):
    path = csv_file(tmp_path, [["商会", "会员名称", "入会日期"], ["东华门街道商会", "某公司", "2020-01-01"]])
    before = Membership.objects.count()
    login(client, cast.worker_a)
    upload(client, path, kind="memberships")
    job = ImportJob.objects.get()
    page = page_of(client, job)
    assert "表头缺少会员列" in page and SYSTEM_ERROR not in page
    with pytest.raises(CommandError, match="表头缺少会员列"):
        cli("memberships", path, "--user", "worker_a")
    assert Membership.objects.count() == before


def test_the_web_preview_of_an_enterprise_only_memberships_file(cast, client, web, tmp_path):
    login(client, cast.worker_a)
    path = csv_file(tmp_path, [["商会", "会员企业统一社会信用代码", "入会日期"],
                               ["东华门街道商会", cast.enterprise_a.uscc, cast.membership_a.joined.isoformat()]])
    upload(client, path, kind="memberships")
    job = ImportJob.objects.get()
    assert job.status == "checked" and job.result["unchanged"] == 1
    assert "校验通过" in page_of(client, job)


def _template_header(kind, by) -> list[str]:
    sheet = load_workbook(io.BytesIO(build_template(kind, by)))["数据"]
    return [c.value for c in next(sheet.iter_rows(max_row=1))]


def _sample_row(kind, by) -> list:
    """A row of the kind's own export (real records), else the template's examples."""
    for row in kind.export_rows(by):
        return row
    return [c.example for c in kind.columns]


@pytest.mark.parametrize("name", sorted(kinds.KINDS))
def test_any_subset_of_optional_columns_imports_without_a_system_error(cast, tmp_path, name):
    kind = kinds.get(name)
    rng = random.Random(name)
    header = _template_header(kind, cast.admin)
    sample = _sample_row(kind, cast.admin)
    exported = [c.header for c in kind.export_columns(cast.admin)]
    by_header = dict(zip(exported, sample, strict=False)) if sample is not None else {}
    row = [by_header.get(c.header, c.example) for c in kind.columns]
    optional = [i for i, c in enumerate(kind.columns) if not c.required]
    subsets = {()} | {tuple(i for i in optional if rng.random() < 0.5) for _ in range(14)} | {tuple(optional)}
    for n, dropped in enumerate(sorted(subsets)):
        keep = [i for i in range(len(kind.columns)) if i not in dropped]
        rows = [[header[i] for i in keep], [row[i] for i in keep]]
        path = (xlsx_file if n % 2 else csv_file)(tmp_path, rows, name=f"{name}{n}.{'xlsx' if n % 2 else 'csv'}")
        for dry_run in (True, False):
            result = engine.run(kind, path, by=cast.admin, dry_run=dry_run)  # never raises
            assert SYSTEM_ERROR not in result.file_error
            if result.file_error:  # only a subset the kind cannot use, said in Chinese
                assert kind.check_columns({kind.columns[i].name for i in keep}), result.file_error
            assert result.total == 1 or result.file_error


# --- 2. total rows ---------------------------------------------------------------------------

def _with_total(tmp_path, *, name="data.csv"):
    c = codes(3)
    rows = [ENTERPRISE_HEADER[:6], [c[0], "甲文化有限公司", "东华门街道", "I", "小型", "10"],
            [c[1], "合计文化有限公司", "东华门街道", "I", "小型", "12"],  # a name, not a total
            [c[2], "丙文化有限公司", "东华门街道", "I", "小型", "8"],
            ["合计", "3家", "", "", "", "30"]]
    return (csv_file if name.endswith(".csv") else xlsx_file)(tmp_path, rows, name=name), c


@pytest.mark.parametrize("name", ["data.csv", "data.xlsx"])
def test_a_total_row_is_skipped_and_said(cast, tmp_path, name):
    path, c = _with_total(tmp_path, name=name)
    result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False)
    assert result.committed and result.new == 3 and result.summary_rows == [5], result.errors
    assert Enterprise.objects.get(uscc=c[1]).name == "合计文化有限公司"


@pytest.mark.parametrize("word", ["总 计", "小计：", "合计"])
def test_only_a_clear_total_row_is_skipped(cast, tmp_path, word):
    c = codes(2, seed=9)
    rows = [ENTERPRISE_HEADER[:3], [c[0], "甲文化有限公司", "东华门街道"],
            [word, "共1家", "—"],  # a total
            [word, "东华门街道", ""]]  # text beside the word: not clearly a total, so an error row
    result = engine.run(ENTERPRISES, csv_file(tmp_path, rows), by=cast.worker_a, dry_run=True)
    assert result.summary_rows == [3] and result.error_rows == 1 and result.errors[0][0] == 4


@pytest.mark.parametrize(("raw", "summary"), [
    (["合计", None, "", 11.0, "11家"], True),
    (["", "总　计：", "1,234", "共20人", "—"], True),
    (["小计", 3], True),
    (["合计文化有限公司", "11家"], False),
    (["合计", "东华门街道"], False),
    (["合计", dt.datetime(2024, 1, 1)], False),
    (["11家", "30"], False),  # numbers without a summary word
    ([], False),
])
def test_what_counts_as_a_total_row(raw, summary):
    assert engine.is_summary_row(raw) is summary


def test_total_rows_in_the_preview_and_on_the_command_line(cast, client, web, tmp_path):
    path, _ = _with_total(tmp_path)
    login(client, cast.worker_a)
    upload(client, path)
    job = ImportJob.objects.get()
    assert job.status == "checked" and job.result["new"] == 3
    assert "已跳过合计行（不导入）：第5行" in page_of(client, job)
    out, err = cli("enterprises", path, "--dry-run", "--user", "worker_a")
    assert "已跳过合计行（不导入）：第5行" in err and "新增3" in out


def test_title_rows_above_the_header_are_said_to_be_skipped(cast, client, web, tmp_path):
    c = codes(1, seed=16)
    path = xlsx_file(tmp_path, [ENTERPRISE_HEADER[:3], [c[0], "标题文化有限公司", "东华门街道"]],
                     title="东华门街道企业名录（2024年）")
    login(client, cast.worker_a)
    upload(client, path)
    job = ImportJob.objects.get()
    assert job.result["new"] == 1 and "表头在第3行，其上的标题行已跳过。" in page_of(client, job)
    _, err = cli("enterprises", path, "--dry-run", "--user", "worker_a")
    assert "表头在第3行，其上的标题行已跳过。" in err


# --- 3. headers with notes in brackets -----------------------------------------------------

BRACKETED = ["统一社会信用代码（18位）", "企业名称", "街道（乡镇）", "从业人员（人）", "成立日期【年月日】", "地址(注册地)"]


def test_headers_with_bracketed_notes_are_recognised(cast, tmp_path):
    c = codes(1, seed=11)
    path = csv_file(tmp_path, [BRACKETED, [c[0], "括号文化有限公司", "东华门街道", "25", "2019-05-01", "东城区1号"]])
    result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False)
    assert result.committed and result.ignored_columns == [] and result.warnings == [], result
    e = Enterprise.objects.get(uscc=c[0])
    assert (e.region, e.employees, e.founded, e.address) == (cast.street_a, 25, dt.date(2019, 5, 1), "东城区1号")


def test_two_bracketed_headers_for_one_field_refuse_the_file(cast, tmp_path):
    path = csv_file(tmp_path, [["统一社会信用代码", "企业名称", "所在街道", "从业人员（人）", "从业人数（人）"],
                               [codes(1)[0], "甲", "东华门街道", "1", "2"]])
    result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=True)
    assert "表头中有重复的列" in result.file_error


def test_a_near_miss_header_is_a_visible_warning(cast, client, web, tmp_path):
    c = codes(1, seed=12)
    # An exact 企业名称 beside a bracketed one, and a column that merely contains a known header.
    header = ["统一社会信用代码", "企业名称", "企业名称（曾用名）", "所在街道", "从业人员总数", "备注"]
    path = csv_file(tmp_path, [header, [c[0], "甲文化有限公司", "甲商行", "东华门街道", "9", ""]])
    result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=True)
    assert result.ok and result.ignored_columns == ["从业人员总数", "备注", "企业名称（曾用名）"]
    assert len(result.warnings) == 2
    assert "企业名称（曾用名）" in result.warnings[1] and "从业人员总数" in result.warnings[0]
    login(client, cast.worker_a)
    upload(client, path)
    page = page_of(client, ImportJob.objects.get())
    for warning in result.warnings:
        assert f'<div class="alert alert-warning" role="alert"><i class="bi bi-exclamation-triangle"></i> {warning}' \
            in page.replace("&ldquo;", "“").replace("&rdquo;", "”")
    _, err = cli("enterprises", path, "--dry-run", "--user", "worker_a")
    assert all(f"注意：{w}" in err for w in result.warnings)


# --- 4. a stray quote in a CSV file ------------------------------------------------------------

def _stray_quote(tmp_path):
    c = codes(5, seed=13)
    lines = ["统一社会信用代码,企业名称,所在街道"] + [f"{code},引号企业{i},东华门街道" for i, code in enumerate(c)]
    lines[3] = f'{c[2]},"引号企业2,东华门街道'  # the quote is never closed: rows 4 to 6 would vanish into it
    path = tmp_path / "stray.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _stray_quote_closed_later(tmp_path):
    c = codes(5, seed=14)
    lines = ["统一社会信用代码,企业名称,所在街道"] + [f"{code},引号企业{i},东华门街道" for i, code in enumerate(c)]
    lines[2] = f'{c[1]},"引号企业1,东华门街道'
    lines[4] = f'{c[3]},引号企业3",东华门街道'  # a second stray quote closes the first: 5 rows read as 3
    path = tmp_path / "stray2.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("make", "line"), [(_stray_quote, 4), (_stray_quote_closed_later, 3)])
def test_a_stray_quote_refuses_the_file_with_its_line(cast, tmp_path, make, line, monkeypatch):
    path = make(tmp_path)
    before = Enterprise.objects.count()
    for dry_run in (True, False):
        result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=dry_run)
        assert result.file_error == CSV_BROKEN.format(line) and not result.committed
    # The forked reader of big CSV files says the same.
    monkeypatch.setattr(engine, "_can_fork", lambda: True)
    result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False, pipeline_min_rows=0, batch_size=1)
    assert result.file_error == CSV_BROKEN.format(line) and not result.committed
    assert Enterprise.objects.count() == before


def test_a_stray_quote_in_the_preview_and_on_the_command_line(cast, client, web, tmp_path):
    path = _stray_quote(tmp_path)
    login(client, cast.worker_a)
    upload(client, path)
    job = ImportJob.objects.get()
    assert job.status == "failed" and "第4行附近" in page_of(client, job)
    with pytest.raises(CommandError, match="CSV文件格式有误（引号不配对等），第4行附近"):
        cli("enterprises", path, "--user", "worker_a")


def test_a_quoted_cell_with_line_breaks_still_imports(cast, tmp_path):
    c = codes(2, seed=15)
    path = tmp_path / "multi.csv"
    path.write_text(f'统一社会信用代码,企业名称,所在街道,地址\n{c[0]},甲,东华门街道,"东城区1号\n2单元"\n'
                    f'{c[1]},乙,东华门街道,"他说""好"""\n', encoding="utf-8")
    result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False)
    assert result.committed and result.new == 2
    assert Enterprise.objects.get(uscc=c[0]).address == "东城区1号 2单元"  # text cells fold blanks
    assert Enterprise.objects.get(uscc=c[1]).address == '他说"好"'
