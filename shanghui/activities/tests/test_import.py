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
        ["李景山", "", cast.enterprise_b.name],  # another street's person, for A's worker: nobody, pending
        ["陈新人", "13912345678", "新人咨询有限公司"],  # nobody: pending
        ["周无号", "", "不存在的公司"],  # nobody, no mobile: pending by name and enterprise text
    ]
    result = run(sheet(tmp_path, day, rows), cast.worker_a)
    assert result.ok, result.errors
    assert (result.new, result.unchanged) == (4, 0)
    got = {(a.person.name, a.enterprise.name, a.region.code, a.source) for a in Attendance.objects.filter(activity=day)}
    assert got == {("王东华", cast.enterprise_a.name, "110101001", "import")}
    pending = {(p.name, p.mobile, p.enterprise_name) for p in PendingAttendee.objects.filter(activity=day)}
    assert pending == {("李景山", "", cast.enterprise_b.name), ("陈新人", "13912345678", "新人咨询有限公司"),
                       ("周无号", "", "不存在的公司")}
    # The same sheet again adds nothing.
    again = run(sheet(tmp_path, day, rows, name="again.xlsx"), cast.worker_a)
    assert (again.new, again.unchanged, again.error_rows) == (0, 4, 0)
    assert Attendance.objects.count() == 1 and PendingAttendee.objects.count() == 3


def test_the_federation_matches_a_person_of_any_street_by_name_and_enterprise(cast, day, tmp_path):
    result = run(sheet(tmp_path, day, [["李景山", "", cast.enterprise_b.name]]), cast.admin)
    assert result.ok and result.new == 1
    a = Attendance.objects.get(activity=day)
    assert (a.person, a.enterprise, a.region) == (cast.person_b, cast.enterprise_b, cast.street_b)


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


# --- the activity register ----------------------------------------------------------------

ACTIVITY_HEADER = ["活动名称", "活动类型", "开始时间", "结束时间", "所属区域", "主题（四信）", "所属系列", "期次/讲次", "主办商会",
                   "地点", "容量（人）", "合作院校/机构", "活动简介", "状态"]


def activity_values():
    from shanghui.activities.models import Activity

    return sorted((a.title, a.kind, a.start, a.end, a.region_id, a.themes, a.series_id, a.session,
                   tuple(sorted(a.organisers.values_list("pk", flat=True))), a.place, a.capacity, a.partner,
                   a.description, a.status) for a in Activity.objects.all())


def activity_rows(cast):
    return [
        ["东华门商会理想信念报告会", "理想信念教育", "2018年3月10日 9:30", "2018-03-10 11:30", "东华门街道", "信念、信任", "", "",
         cast.chamber_a.name, "商会活动室", 80, "", "邀请党校教授作报告", ""],
        ["全区非公经济人士培训班", "培训", dt.datetime(2018, 7, 2, 9), dt.date(2018, 7, 6), "东城区", "", "", 22,
         f"{cast.chamber_a.name}、{cast.chamber_b.name}", "区委党校", "", "清华大学", "", "正常"],
    ]


def test_activities_import_by_title_and_start_and_twice_changes_nothing(cast, tmp_path):
    from shanghui.activities.models import Activity

    path = xlsx_file(tmp_path, [ACTIVITY_HEADER, *activity_rows(cast)], name="活动台账.xlsx", title="2018年活动台账")
    result = engine.run(kinds.get("activities"), path, by=cast.admin, dry_run=False)
    assert result.committed, result.errors
    tz = timezone.get_default_timezone()
    talk = Activity.objects.get(title="东华门商会理想信念报告会")
    assert (talk.kind, talk.start, talk.end, talk.region, talk.themes, talk.capacity, list(talk.organisers.all())) == (
        "education", dt.datetime(2018, 3, 10, 9, 30, tzinfo=tz), dt.datetime(2018, 3, 10, 11, 30, tzinfo=tz),
        cast.street_a, "belief,trust", 80, [cast.chamber_a])
    course = Activity.objects.get(title="全区非公经济人士培训班")
    assert (course.end, course.region, course.session, course.partner, course.organisers.count()) == (
        dt.datetime(2018, 7, 6, 23, 59, tzinfo=tz), cast.district, 22, "清华大学", 2)
    again = engine.run(kinds.get("activities"), path, by=cast.admin, dry_run=False)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)


def test_activity_rows_are_checked_and_a_bad_row_writes_nothing(cast, tmp_path):
    from shanghui.activities.models import Activity

    rows = activity_rows(cast)
    bad = [
        ["甲", "理想信念教育", "2018-03-10 09:00", "2018-03-09 09:00", "东华门街道", "信仰", "", "", "", "", "", "", "", ""],
        ["乙", "联欢", "明天上午", "2018-03-10", "东华门街道", "", "", "", "", "", "", "", "", ""],
        ["丙", "会议", "2018-03-10", "2018-03-10", "不存在街道", "", "不存在的系列", "", "无名商会", "", "", "", "", ""],
    ]
    result = engine.run(kinds.get("activities"), xlsx_file(tmp_path, [ACTIVITY_HEADER, rows[0], *bad, rows[1]]),
                        by=cast.worker_a, dry_run=False)
    assert not result.committed
    errors = {(row, column): message for row, column, message in result.errors}
    assert "结束时间不能早于开始时间" in errors[(3, "结束时间")]
    assert "主题“信仰”" in errors[(3, "主题（四信）")]
    assert "活动类型" in errors[(4, "活动类型")] and "不是可识别的时间" in errors[(4, "开始时间")]
    assert "找不到区域" in errors[(5, "所属区域")] and "找不到活动系列" in errors[(5, "所属系列")]
    assert "找不到商会“无名商会”" in errors[(5, "主办商会")]
    # A street worker cannot add district activities: the district is not among the regions she may name.
    assert "找不到区域“东城区”（或不在您的管辖范围内）" in errors[(6, "所属区域")]
    assert Activity.objects.count() == 0


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_activities_round_trip(cast, tmp_path, fmt):
    from shanghui.activities.models import Activity
    from shanghui.imports.exports import export_kind

    kind = kinds.get("activities")
    assert engine.run(kind, xlsx_file(tmp_path, [ACTIVITY_HEADER, *activity_rows(cast)]), by=cast.admin,
                      dry_run=False).committed
    before = activity_values()
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(b"".join(export_kind(by=cast.admin, kind=kind, fmt=fmt).streaming_content))
    Activity.objects.all().delete()
    result = engine.run(kind, path, by=cast.admin, dry_run=False)
    assert result.committed, result.errors
    assert activity_values() == before
