"""The printable 公示 notice of a commendation campaign (reports:campaign_notice): .docx, PDF, period, access."""

import datetime as dt
import io
import re
import shutil

import docx
import pypdf
import pytest
from django.urls import reverse

from shanghui.audit.models import AuditEvent
from shanghui.honors import services
from shanghui.honors.tests.conftest import nominate, world  # noqa: F401 - the honors test world is a fixture
from shanghui.orgs import workdays
from shanghui.orgs.models import Holiday
from shanghui.reports import notice
from shanghui.testing import assert_access, client_for

URL_NAMES = {"reports:campaign_notice"}


@pytest.fixture
def noticed(world):  # noqa: F811 - pytest passes the fixture imported above
    """The campaign with one party organisation and one party member approved."""
    cast = world.cast
    org = nominate(world, world.orgs, world.org_a2)
    member = nominate(world, world.members, cast.person_a)
    nominate(world, world.orgs, world.org_b, chamber=cast.chamber_b)  # stays submitted: not on the notice
    services.campaign_review_start(by=cast.admin, campaign=world.campaign)
    for n in (org, member):
        services.nomination_approve(by=cast.admin, nomination=n)
    return world


def _url(world) -> str:  # noqa: F811 - a World, not the fixture
    return reverse("reports:campaign_notice", args=[world.campaign.pk])


def test_the_period_counts_working_days_on_the_calendar(db):
    monday = dt.date(2024, 6, 3)
    assert notice.period(monday, 5) == dt.date(2024, 6, 7)  # the start day counts: Monday to Friday
    assert notice.period(dt.date(2024, 6, 15), 5) == dt.date(2024, 6, 21)  # a Saturday start does not
    if workdays.has_official(2024):  # National Day: 1–7 October off, 12 October (Saturday) worked
        assert notice.period(dt.date(2024, 9, 30), 5) == dt.date(2024, 10, 11)
    Holiday.objects.create(date=dt.date(2024, 6, 19), kind=Holiday.Kind.CLOSURE, note="本区停工")
    assert notice.period(dt.date(2024, 6, 17), 5) == dt.date(2024, 6, 24)  # the district's own closure is skipped


def test_the_docx_names_the_approved_nominees_period_contact_and_signature(noticed):
    cast = noticed.cast
    start = dt.date(2024, 6, 3)
    response = client_for(cast, "admin").get(_url(noticed), {"format": "docx", "start": "2024-06-03", "days": 5,
                                                             "contact": "组织部 张老师 010-12345678"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    text = "\n".join(paragraphs + cells)
    assert paragraphs[0] == f"关于{noticed.campaign.title}拟表彰对象的公示"
    assert noticed.org_a2.name in cells and cast.enterprise_a.name in cells  # the organisation and its enterprise
    assert cast.person_a.name in cells and cast.person_a.enterprise.name in cells
    assert noticed.org_b.name not in text  # submitted, not approved
    end = notice.period(start, 5)
    assert f"公示期为2024年6月3日至{end:%Y年%-m月%-d日}（5个工作日）" in text
    assert "联系人及电话：组织部 张老师 010-12345678。" in text
    assert paragraphs[-2:] == [f"{cast.district.name}工商联", "2024年6月3日"]
    event = AuditEvent.objects.filter(action="export", object_type="reports.campaign_notice").latest("pk")
    assert event.extra["format"] == "docx" and event.extra["rows"] == 2 and event.extra["end"] == str(end)


def test_the_form_defaults_to_five_working_days_and_takes_another_number(noticed):
    client = client_for(noticed.cast, "admin")
    page = client.get(_url(noticed))
    assert page.status_code == 200
    assert page.context["form"]["days"].value() == notice.DEFAULT_DAYS == 5
    response = client.get(_url(noticed), {"format": "docx", "start": "2024-06-03", "days": 10})
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs)
    assert f"至{notice.period(dt.date(2024, 6, 3), 10):%Y年%-m月%-d日}（10个工作日）" in text
    before = AuditEvent.objects.filter(object_type="reports.campaign_notice").count()
    for bad in ({"days": 0}, {"days": "五"}, {"start": "明天"}, {"format": "txt"}):
        response = client.get(_url(noticed), {"format": "docx", "start": "2024-06-03", "days": 5, **bad})
        assert response.status_code == 400 and ("公示" in response.content.decode() or "格式" in response.content.decode())
    assert AuditEvent.objects.filter(object_type="reports.campaign_notice").count() == before


def test_without_approved_nominees_there_is_no_notice(world):  # noqa: F811
    client = client_for(world.cast, "admin")
    assert "尚无审核通过的推荐对象" in client.get(_url(world)).content.decode()
    response = client.get(_url(world), {"format": "docx", "start": "2024-06-03", "days": 5})
    assert response.status_code == 400 and "尚无审核通过的推荐对象" in response.content.decode()


def test_without_libreoffice_the_pdf_link_is_hidden_and_the_url_explains(noticed, monkeypatch):
    monkeypatch.setattr(notice, "soffice", lambda: None)
    client = client_for(noticed.cast, "admin")
    assert 'id="notice-pdf"' not in client.get(_url(noticed)).content.decode()
    response = client.get(_url(noticed), {"format": "pdf", "start": "2024-06-03", "days": 5})
    assert response.status_code == 503
    assert "未安装 LibreOffice" in response.content.decode()


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed on this machine")
def test_the_pdf_is_converted_by_libreoffice(noticed):
    client = client_for(noticed.cast, "admin")
    assert 'id="notice-pdf"' in client.get(_url(noticed)).content.decode()
    response = client.get(_url(noticed), {"format": "pdf", "start": "2024-06-03", "days": 5})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF")
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    assert noticed.org_a2.name in text and "公示期为2024年6月3日" in text


@pytest.mark.parametrize("who,expected", [
    ("anonymous", 302), ("admin", 200), ("superuser", 200), ("worker_a", 403), ("leader", 403),
    ("instructor_a", 403), ("handler_a", 403), ("enterprise_user_a", 403), ("auditor", 404),
])
def test_only_the_hosting_federation_issues_the_notice(noticed, who, expected):
    assert_access(noticed.cast, who, "get", _url(noticed), expected)
