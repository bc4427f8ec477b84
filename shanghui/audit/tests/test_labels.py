"""The audit log speaks Chinese: every action and object type has a label (the whole test run is
checked at its end, see `_collect_audit_vocabulary` in conftest.py), and the detail column says
only what the event carried, never an empty "（， 行）"."""

import re

import pytest
from django.urls import reverse

from shanghui.audit import record
from shanghui.audit.labels import action_label, detail, object_label, unlabelled
from shanghui.audit.models import AuditEvent
from shanghui.imports import kinds

pytestmark = pytest.mark.django_db


def _event(**kwargs) -> AuditEvent:
    return record(by=None, **kwargs)


def test_the_codes_the_log_once_showed_have_chinese_names(cast):
    assert action_label("notice_start") == "开始公示"
    assert object_label("reports.dashboard") == "工作看板"
    assert object_label("imports.enterprises") == "导入：企业"
    assert object_label("directory.person") == "人员"
    assert action_label("no_such_action").startswith("其他操作")
    for kind in kinds.KINDS.values():
        assert kind.label and not object_label(f"imports.{kind.name}").startswith("其他对象"), kind.name
    assert unlabelled({("notice_start", "honors.campaign"), ("login", "")}) == set()
    assert unlabelled({("x_new", "reports.x")}) == {"action:x_new", "object:reports.x"}


def test_the_detail_names_only_the_parts_an_event_has(cast):
    bare = _event(action="export", object_type="reports.dashboard", extra={"title": "工作看板"})
    assert detail(bare) == "工作看板"
    full = _event(action="export", object_type="directory.enterprise",
                  extra={"title": "企业", "format": "xlsx", "rows": 12345, "filters": {}})
    assert detail(full) == "企业（Excel，12,345 行）"
    report = _event(action="export", object_type="reports.annual_report",
                    extra={"title": "2018年度工作纪实", "format": "docx", "year": 2018, "region": "110101"})
    assert detail(report) == "2018年度工作纪实（Word，2018年度）"
    imported = _event(action="import", object_type="imports.enterprises",
                      extra={"kind": "enterprises", "file": "企业.xlsx", "total": 1200, "new": 1000, "updated": 200,
                             "unchanged": 0, "error": 0})
    assert detail(imported) == "共1,200行，新增1,000行，更新200行，未变0行，有误0行；文件：企业.xlsx"
    for event in (bare, full, report, imported):
        assert not re.search(r"（[，\s]|，\s*行|（）", detail(event))


def test_the_log_page_and_its_export_show_labels_not_codes(client, cast):
    _event(action="notice_start", object_type="honors.campaign")
    _event(action="export", object_type="reports.dashboard", extra={"title": "工作看板"})
    _event(action="import_dry_run", object_type="imports.enterprises",
           extra={"kind": "enterprises", "total": 3, "new": 3, "updated": 0, "unchanged": 0, "error": 0})
    client.force_login(cast.auditor)
    html = client.get(reverse("audit:event_list")).content.decode()
    for label in ("开始公示", "工作看板", "导入：企业", "导入预检", "共3行"):
        assert label in html
    for code in ("notice_start", "reports.dashboard", "imports.enterprises", "（，"):
        assert code not in html.split("<tbody>", 1)[1], code
    export = b"".join(client.get(reverse("audit:event_export"), {"format": "csv"}).streaming_content).decode()
    assert "开始公示" in export and "工作看板" in export
