"""The annual work report (工作纪实) on the demo data: the article's 2018 figures, read back from the files;
the Word file as a document (charts, written sections, 落款, number format, annexes, empty years).
One module, so the demo data are generated once for all of them."""

import io
import re
import shutil
import subprocess
import time
import zipfile

import docx
import openpyxl
import pypdf
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse

from shanghui.accounts.models import User
from shanghui.activities import kpis as activity_kpis
from shanghui.audit.models import AuditEvent
from shanghui.core.kpis import Period
from shanghui.core.roles import Role
from shanghui.orgs.models import Region
from shanghui.reports import annual, annual_xlsx, charts, services
from shanghui.reports.models import Narrative
from shanghui.reports.report_templates import DEFAULT_FONTS, build_annual

from .demo_db import demo_data

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    yield from demo_data(django_db_blocker)


@pytest.fixture
def district(demo, db):
    return Region.objects.get(code="110101")


@pytest.fixture
def report_2018(district):
    return annual.gather(district, 2018)


def docx_text(report) -> str:
    buf = io.BytesIO()
    annual.render_docx(report, buf)
    buf.seek(0)
    return text_of(docx.Document(buf))


def text_of(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def number_after(text: str, prefix: str, suffix: str) -> float:
    match = re.search(re.escape(prefix) + r"([\d.,]+)" + re.escape(suffix), text)
    assert match, f"{prefix}…{suffix} not in the report"
    return float(match.group(1).replace(",", ""))  # figures carry thousands separators


# --- the article's figures -----------------------------------------------------------------


def test_the_2018_docx_states_the_articles_figures(report_2018):
    text = docx_text(report_2018)
    assert "东城区工商联2018年工作纪实" in text
    assert "全区17个街道商会联合党委全覆盖" in text
    assert "会员企业参与率100%" in text
    assert 55 <= number_after(text, "全区非公企业参与率", "%") <= 65
    assert "东城区非公经济人士培训班自1997年起连续举办22年" in text
    assert number_after(text, "累计培训", "人次") > 20_000
    assert number_after(text, "全年培训", "人次") > 900
    assert "与北京大学、清华大学合作举办2期研修班，培训100名优秀非公经济代表人士" in text


def test_the_2018_docx_states_over_160_youth_association_members(report_2018):
    assert number_after(docx_text(report_2018), "青年创业者协会会员", "人") >= 160


def test_the_honours_and_commendations_come_from_the_honors_records(report_2018):
    text = docx_text(report_2018)
    assert number_after(text, "累计获得国家级荣誉", "项") == 11
    assert re.search(r"先进[^、，。]*党组织10个", text)
    assert "优秀共产党员10名" in text


def test_every_figure_is_the_kpi_modules_figure(district, report_2018):
    period = Period.year(2018)
    training = activity_kpis.training(district, period)
    assert report_2018["training"]["count"] == training.count
    assert report_2018["training"]["cumulative"] == training.cumulative
    member = activity_kpis.member_participation(district, period)
    assert (report_2018["participation"]["member"]["numerator"], report_2018["participation"]["member"]["denominator"]) \
        == (member.numerator, member.denominator)
    # The per-street table adds up to the district (participants and training person-times are additive).
    streets = report_2018["streets"]
    assert len(streets) == 17
    assert sum(r["training"] for r in streets) <= training.count  # district-level attendances have no street
    assert sum(r["participants"] for r in streets) == report_2018["participation"]["district"]["numerator"]


def test_a_new_attendance_changes_the_report(district, report_2018):
    """Nothing is typed in: one more training attendance is one more person-time in the next report."""
    from shanghui.activities.models import Activity, Attendance, Kind
    from shanghui.directory.models import Person

    session = Activity.objects.filter(kind=Kind.TRAINING, start__year=2018, series__isnull=False).first()
    person = Person.objects.exclude(attendances__activity=session).filter(enterprise__isnull=False).first()
    Attendance.objects.create(activity=session, person=person, enterprise=person.enterprise,
                              region=person.enterprise.region)
    again = annual.gather(district, 2018)
    assert again["training"]["count"] == report_2018["training"]["count"] + 1
    assert again["training"]["cumulative"] == report_2018["training"]["cumulative"] + 1


def test_a_streets_report_covers_only_that_street(demo, db):
    street = Region.objects.get(code="110101001")
    report = annual.gather(street, 2018)
    assert report["title"] == "东城区工商联东华门街道2018年工作纪实"
    assert [r["name"] for r in report["streets"]] == ["东华门街道"]
    text = docx_text(report)
    assert "东华门街道商会联合党委已建立" in text
    assert "全区17个街道" not in text
    district_report = annual.gather(Region.objects.get(code="110101"), 2018)
    assert report["training"]["count"] < district_report["training"]["count"]


# --- the Word file itself ----------------------------------------------------------------------


def test_the_docx_has_the_gbt9704_page_and_east_asian_fonts(report_2018):
    buf = io.BytesIO()
    annual.render_docx(report_2018, buf)
    document = docx.Document(buf)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]
    fonts = {s.name: s.element.rPr.rFonts.get(f"{W}eastAsia") for s in document.styles
             if s.name in ("Normal", "Title", "Heading 1", "Heading 2")}
    assert fonts == {"Normal": "仿宋_GB2312", "Title": "方正小标宋简体", "Heading 1": "黑体", "Heading 2": "楷体_GB2312"}
    assert document.styles["Normal"].font.size.pt == 16  # 3号
    assert document.styles["Title"].font.size.pt == 22  # 2号
    assert document.core_properties.title == "东城区工商联2018年工作纪实"
    assert "{{" not in text_of(document) and "{%" not in text_of(document)


def test_the_font_names_come_from_settings(report_2018):
    with override_settings(SHANGHUI_REPORT_FONTS={"body": "仿宋", "title": "黑体"}):
        buf = io.BytesIO()
        annual.render_docx(report_2018, buf)
    document = docx.Document(buf)
    assert document.styles["Normal"].element.rPr.rFonts.get(f"{W}eastAsia") == "仿宋"
    assert document.styles["Title"].element.rPr.rFonts.get(f"{W}eastAsia") == "黑体"


def test_the_template_is_a_word_file_with_jinja_tags_and_is_rebuilt_by_its_script(tmp_path):
    built = build_annual.build(tmp_path / "annual.docx")
    document = docx.Document(str(built))
    text = text_of(document)
    assert "{{ title }}" in text and "{%p for s in summary %}" in text and "{%tr for row in streets %}" in text
    assert document.styles["Normal"].element.rPr.rFonts.get(f"{W}eastAsia") == DEFAULT_FONTS["body"]
    # The committed template is the script's output (same tags, same tables).
    committed = docx.Document(str(annual.TEMPLATE))
    assert text_of(committed) == text
    assert len(committed.tables) == len(document.tables)


def test_every_section_is_there_and_numbered_in_order(report_2018):
    assert report_2018["n"] == {"summary": "一", "party": "二", "education": "三", "honours": "四", "service": "五",
                                "community": "六"}
    text = docx_text(report_2018)
    assert "四、荣誉和表彰" in text and "五、服务企业" in text and "青年创业者协会会员" in text


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed on this machine")
def test_libreoffice_converts_the_docx_to_pdf(report_2018, tmp_path):
    source = tmp_path / "report.docx"
    annual.render_docx(report_2018, str(source))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    # The PDF as Word/WPS users would print it still states the figures.
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", "", text)
    for phrase in ("全区17个街道商会联合党委全覆盖", "会员企业参与率100%", "连续举办22年", "累计获得国家级荣誉11项"):
        assert phrase in text, phrase


# --- the workbook -----------------------------------------------------------------------------


def test_the_xlsx_has_a_sheet_per_table_and_native_charts(district, report_2018):
    buf = io.BytesIO()
    names = annual_xlsx.write(report_2018, buf, scope=district)
    book = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    assert book.sheetnames == names
    assert {"概况", "主要指标", "分街道情况", "历年培训人次", "全年活动", "党建统计表"} <= set(names)
    streets = book["分街道情况"]
    assert [c.value for c in streets[1]][:3] == ["街道", "联合党委", "企业数"]
    assert streets.max_row == 18  # header + 17 streets
    years = {row[0]: row[1] for row in book["历年培训人次"].iter_rows(min_row=2, values_only=True)}
    assert len(years) == 22 and years[2018] == report_2018["training"]["count"]
    assert book["概况"]["B2"].value == "全区17个街道商会联合党委全覆盖"
    # openpyxl does not load charts: count them in the package.
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        xml = "".join(z.read(n).decode() for n in charts)
    assert len(charts) >= 4
    assert "<c:barChart>" in xml and "分街道参与率" in xml and "历年培训人次" in xml


# --- command and download ---------------------------------------------------------------------


def test_the_command_writes_the_report_under_its_chinese_name(demo, db, tmp_path):
    out = io.StringIO()
    call_command("report", "--year", "2018", "--format", "docx", "--output", str(tmp_path), stdout=out)
    path = tmp_path / "东城区工商联2018年工作纪实.docx"
    assert out.getvalue().strip() == str(path)
    assert "会员企业参与率100%" in text_of(docx.Document(str(path)))
    call_command("report", "--year", "2018", "--street", "110101001", "--format", "xlsx", "--output",
                 str(tmp_path), stdout=out)
    book = openpyxl.load_workbook(tmp_path / "东城区工商联东华门街道2018年工作纪实.xlsx")
    assert book["分街道情况"].max_row == 2
    assert AuditEvent.objects.filter(action="export", object_type="reports.annual_report").count() == 2


def test_the_command_rejects_an_unknown_street(demo, db):
    with pytest.raises(CommandError, match="不存在"):
        call_command("report", "--year", "2018", "--street", "999999999", "--format", "docx")


def _login(role: str, region_code: str) -> Client:
    user = User.objects.create(username=f"r_{role}_{region_code}", role=role,
                               region=Region.objects.get(code=region_code))
    client = Client()
    client.force_login(user)
    return client


def test_the_download_is_the_users_scope_and_audited(demo, db):
    url = reverse("reports:annual_report")
    worker = _login(Role.STREET_WORKER, "110101001")
    response = worker.get(url, {"year": 2018, "format": "docx"})
    assert response.status_code == 200
    assert "filename*=UTF-8''%E4%B8%9C%E5%9F%8E%E5%8C%BA" in response["Content-Disposition"]  # 东城区…
    text = text_of(docx.Document(io.BytesIO(b"".join(response.streaming_content))))
    assert "东华门街道商会联合党委已建立" in text and "全区17个街道" not in text
    assert worker.get(url, {"year": 2018, "street": "110101002"}).status_code == 404
    event = AuditEvent.objects.filter(action="export", object_type="reports.annual_report").latest("pk")
    assert event.extra["region"] == "110101001" and event.extra["format"] == "docx"
    admin = _login(Role.FEDERATION_ADMIN, "110101")
    response = admin.get(url, {"year": 2018, "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book["分街道情况"].max_row == 18


def test_bad_parameters_get_a_chinese_message_and_no_file(demo, db):
    admin = _login(Role.FEDERATION_ADMIN, "110101")
    url = reverse("reports:annual_report")
    before = AuditEvent.objects.filter(action="export").count()
    for params in ({"year": "二〇一八"}, {"year": "1800"}, {"format": "pdf"}):
        response = admin.get(url, params)
        assert response.status_code == 400
        assert "应" in response.content.decode() or "只能" in response.content.decode()
    assert admin.get(url, {"street": "abc"}).status_code == 404
    assert AuditEvent.objects.filter(action="export").count() == before


# --- the Word file as a document -------------------------------------------------------------


def _doc(report) -> docx.Document:
    buf = io.BytesIO()
    annual.render_docx(report, buf)
    buf.seek(0)
    return docx.Document(buf)


def _user_and_client(role: str, region_code: str) -> tuple[User, Client]:
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
    user, client = _user_and_client(Role.FEDERATION_ADMIN, "110101")
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
    worker, client = _user_and_client(Role.STREET_WORKER, "110101001")
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

