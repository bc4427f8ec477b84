"""Importing attendance sheets as staff keep them: a title row, then 序号/姓名/手机/单位/签名 columns."""

import datetime as dt

import pytest
from django.utils import timezone

from shanghui.activities import services
from shanghui.activities.models import Attendance, PendingAttendee
from shanghui.imports import engine, kinds
from shanghui.imports.tests.sheets import xlsx_file


@pytest.fixture
def day(cast):
    start = timezone.make_aware(dt.datetime(2018, 3, 10, 9), timezone.get_default_timezone())
    return services.activity_create(by=cast.admin, title="东华门街道理想信念教育日", kind="education",
                                    region=cast.street_a, start=start, end=start + dt.timedelta(hours=3))


def sheet(tmp_path, activity, rows, name="签到表.xlsx"):
    header = ["序号", "活动编号", "姓名", "手机", "单位", "签名"]
    body = [[i, str(activity.pk), *row, ""] for i, row in enumerate(rows, start=1)]
    return xlsx_file(tmp_path, [header, *body], name=name, title=f"{activity.title}签到表",
                     text_columns=(3,))


def run(path, by, dry_run=False):
    return engine.run(kinds.get("attendances"), path, by=by, dry_run=dry_run)


def test_a_real_sheet_matches_by_mobile_or_name_and_enterprise_and_keeps_the_rest_pending(cast, day, tmp_path):
    rows = [
        ["王东华", cast.person_a.mobile, "随便写的单位"],  # mobile + name → person_a, representing his enterprise
        ["李景山", "", cast.enterprise_b.name],  # no mobile: name + enterprise → person_b
        ["陈新人", "13912345678", "新人咨询有限公司"],  # nobody: pending
        ["周无号", "", "不存在的公司"],  # nobody, no mobile: pending by name and enterprise text
    ]
    result = run(sheet(tmp_path, day, rows), cast.worker_a)
    assert result.ok, result.errors
    assert (result.new, result.unchanged) == (4, 0)
    got = {(a.person.name, a.enterprise.name, a.region.code, a.source) for a in Attendance.objects.filter(activity=day)}
    assert got == {("王东华", cast.enterprise_a.name, "110101001", "import"),
                   ("李景山", cast.enterprise_b.name, "110101002", "import")}
    pending = {(p.name, p.mobile, p.enterprise_name) for p in PendingAttendee.objects.filter(activity=day)}
    assert pending == {("陈新人", "13912345678", "新人咨询有限公司"), ("周无号", "", "不存在的公司")}
    # The same sheet again adds nothing.
    again = run(sheet(tmp_path, day, rows, name="again.xlsx"), cast.worker_a)
    assert (again.new, again.unchanged, again.error_rows) == (0, 4, 0)
    assert Attendance.objects.count() == 2 and PendingAttendee.objects.count() == 2


def test_the_enterprise_named_in_the_sheet_is_the_one_represented(cast, day, tmp_path):
    services.attendance_add(by=cast.admin, activity=day, person=cast.person_a)
    path = sheet(tmp_path, day, [["王东华", cast.person_a.mobile, cast.enterprise_b.name]])
    result = run(path, cast.admin)
    assert (result.updated, result.new) == (1, 0)
    a = Attendance.objects.get(activity=day, person=cast.person_a)
    assert (a.enterprise, a.region) == (cast.enterprise_b, cast.street_b)


def test_errors_keep_row_numbers_and_nothing_is_written(cast, day, tmp_path):
    rows = [["王东华", cast.person_a.mobile, ""], ["错号码", "12345", ""], ["王东华", cast.person_a.mobile, ""]]
    result = run(sheet(tmp_path, day, rows), cast.worker_a)
    assert not result.ok and not result.committed
    messages = {(row, column): text for row, column, text in result.errors}
    # Title row, blank row, header: the data start on row 4.
    assert "格式不正确" in messages[(5, "手机号码")]
    assert "与第4行重复" in messages[(6, "活动编号")]
    assert not Attendance.objects.exists() and not PendingAttendee.objects.exists()


def test_another_streets_or_a_cancelled_activity_is_refused(cast, day, tmp_path):
    result = run(sheet(tmp_path, day, [["王东华", cast.person_a.mobile, ""]]), cast.worker_b)
    assert not result.ok and "找不到活动" in result.errors[0][2]  # not visible to B's worker
    services.activity_update(by=cast.admin, activity=day, status="cancelled")
    result = run(sheet(tmp_path, day, [["王东华", cast.person_a.mobile, ""]], name="c.xlsx"), cast.worker_a)
    assert not result.ok and "已取消" in result.errors[0][2]
    assert not Attendance.objects.exists()


def test_the_activity_may_be_named_by_its_title(cast, day, tmp_path):
    header = ["活动名称", "姓名", "手机号码", "所在企业"]
    path = xlsx_file(tmp_path, [header, [day.title, "王东华", cast.person_a.mobile, ""]])
    result = run(path, cast.worker_a)
    assert result.ok and result.new == 1


def test_the_kind_is_offered_with_a_template_and_an_export(cast, day, tmp_path):
    from io import BytesIO

    from openpyxl import load_workbook

    from shanghui.imports.templates import build_template

    assert "attendances" in kinds.KINDS
    book = load_workbook(BytesIO(build_template(kinds.get("attendances"), cast.worker_a)))
    header = [c.value for c in book["数据"][1]]
    assert header == ["*活动编号", "*姓名", "手机号码", "所在企业", "统一社会信用代码"]
    services.attendance_add(by=cast.admin, activity=day, person=cast.person_a)
    kind = kinds.get("attendances")
    rows = list(kind.export_rows(cast.worker_a))
    assert rows == [[day.pk, "王东华", cast.person_a.mobile_masked, cast.enterprise_a.name, cast.enterprise_a.uscc]]
    assert list(kind.export_rows(cast.worker_b)) == []
