"""The Word annual report as a document: charts, written sections, 落款, number format, annexes, empty years."""

import io
import re
import time

import docx
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from shanghui.accounts.models import User
from shanghui.audit.models import AuditEvent
from shanghui.core.roles import Role
from shanghui.orgs.models import Region
from shanghui.reports import annual, charts, services
from shanghui.reports.models import Narrative

from .demo_db import demo_data
from .test_annual import text_of


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    yield from demo_data(django_db_blocker)


@pytest.fixture
def district(demo, db):
    return Region.objects.get(code="110101")


def _doc(report) -> docx.Document:
    buf = io.BytesIO()
    annual.render_docx(report, buf)
    buf.seek(0)
    return docx.Document(buf)


def _login(role: str, region_code: str) -> tuple[User, Client]:
    user = User.objects.create(username=f"n_{role}_{region_code}", role=role,
                               region=Region.objects.get(code=region_code))
    client = Client()
    client.force_login(user)
    return user, client


def _headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def test_the_docx_has_the_workbooks_charts_as_images(district):
    report = annual.gather(district, 2018)
    started = time.monotonic()
    document = _doc(report)
    expected = [png for png in charts.render(report)]
    assert expected and all(png.data.startswith(b"\x89PNG") for png in expected)
    assert len(document.inline_shapes) == len(expected)
    assert time.monotonic() - started < 60  # one figure per chart; a hang here would block a download
    assert "未能生成图表" not in text_of(document)


def test_without_a_chinese_font_each_chart_is_a_sentence(district, monkeypatch):
    monkeypatch.setattr(charts, "cjk_font_path", lambda: None)
    report = annual.gather(district, 2018)
    document = _doc(report)
    assert len(document.inline_shapes) == 0
    text = text_of(document)
    assert text.count("未能生成图表") == len(charts.render(report)) > 0


def test_sections_written_on_the_edit_page_appear_under_their_headings(district):
    user, client = _login(Role.FEDERATION_ADMIN, "110101")
    url = reverse("reports:annual_narrative")
    assert client.get(url, {"year": 2018}).status_code == 200
    response = client.post(f"{url}?year=2018", {"practice": "坚持党建引领。\n\n搭建服务平台。", "problems": "", "next": "深化服务。"})
    assert response.status_code == 302
    rows = Narrative.objects.filter(region=district, year=2018)
    assert {n.section: n.author for n in rows} == {"practice": user, "next": user}
    assert AuditEvent.objects.filter(action="create", object_type="reports.narrative", actor=user).count() == 2
    document = _doc(annual.gather(district, 2018))
    headings = _headings(document, 1)
    assert headings[-2:] == ["七、主要做法", "八、下一步工作"]  # 存在问题 was not written: left out
    paragraphs = [p.text for p in document.paragraphs]
    at = paragraphs.index("七、主要做法")
    assert paragraphs[at + 1:at + 3] == ["坚持党建引领。", "搭建服务平台。"]
    assert "存在问题" not in headings and "（待填写）" not in text_of(document)
    # Another street's report has none of it.
    assert annual.gather(Region.objects.get(code="110101001"), 2018)["narratives"] == []
    # Emptying a section removes it, audited.
    client.post(f"{url}?year=2018", {"practice": "坚持党建引领。\n\n搭建服务平台。", "problems": "", "next": ""})
    assert list(Narrative.objects.filter(region=district, year=2018).values_list("section", flat=True)) == ["practice"]
    assert AuditEvent.objects.filter(action="delete", object_type="reports.narrative").exists()


def test_the_service_refuses_a_region_outside_the_users_scope(district):
    worker, client = _login(Role.STREET_WORKER, "110101001")
    other = Region.objects.get(code="110101002")
    with pytest.raises(PermissionDenied):
        services.save_narratives(by=worker, region=other, year=2018, texts={"practice": "越权"})
    with pytest.raises(PermissionDenied):
        services.save_narratives(by=worker, region=district, year=2018, texts={"practice": "越权"})
    response = client.post(f"{reverse('reports:annual_narrative')}?year=2018&street=110101002", {"practice": "越权"})
    assert response.status_code == 404
    services.save_narratives(by=worker, region=worker.region, year=2018, texts={"practice": "本街道做法。"})
    assert "本街道做法。" in text_of(_doc(annual.gather(worker.region, 2018)))
    assert not Narrative.objects.filter(text="越权").exists()


def test_the_report_ends_with_the_federations_name_and_the_date(district):
    report = annual.gather(district, 2018)
    document = _doc(report)
    signature = [p.text for p in document.paragraphs if p.style.name == "Signature"]
    assert signature == ["东城区工商联", report["generated"]]
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", report["generated"])


def test_figures_have_thousands_separators_and_no_doubled_brackets(district):
    assert annual.num(1234567) == "1,234,567" and annual.num(999) == "999" and annual.num(None) == "0"
    text = text_of(_doc(annual.gather(district, 2018)))
    cumulative = re.search(r"累计培训([\d,]+)人次", text).group(1)
    assert int(cumulative.replace(",", "")) >= 1000 and re.fullmatch(r"\d{1,3}(,\d{3})+", cumulative)
    assert not re.search(r"\d{4,}(人次|家|件|场|名|个)", text)  # no ungrouped count of 1000 or more
    assert "（（" not in text and "））" not in text


def test_long_tables_move_to_annexes_with_a_reference(district):
    report = annual.gather(district, 2018)
    document = _doc(report)
    long_tables = [t for t in document.tables if len(t.rows) - 1 > annual.ANNEX_ROWS]
    assert long_tables  # 17 streets, the year's activities
    body = list(document.element.body.iterchildren())
    sign = next(p for p in reversed(document.paragraphs) if p.style.name == "Signature")._p
    for table in long_tables:
        assert body.index(table._tbl) > body.index(sign)  # after the 落款
    text = text_of(document)
    for i in range(1, len(long_tables) + 1):
        assert f"详见附件{i}。" in text and f"附件{i}" in [p.text for p in document.paragraphs]
    assert any(p.text.startswith("附件：") for p in document.paragraphs)
    short = [t for t in document.tables if len(t.rows) - 1 <= annual.ANNEX_ROWS]
    assert all(body.index(t._tbl) < body.index(sign) for t in short)


def test_a_year_without_records_says_so(district):
    document = _doc(annual.gather(district, 1950))  # before any enterprise, activity or request of the demo
    text = "\n".join(p.text for p in document.paragraphs)
    for sentence in ("本年度尚无活动记录。", "本年度尚无企业诉求记录。", "本年度尚无培训记录。", "本年度尚无非公企业党建记录。",
                     "本年度尚无荣誉记录。", "本年度尚无社会公益投入记录。"):
        assert sentence in text
    assert "—" not in text and not re.search(r"(?<![\d,])0(场|件|人次|家|%)", text)
    assert not document.tables and not document.inline_shapes

