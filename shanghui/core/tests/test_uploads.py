"""Every upload is judged by its content: a web page renamed .pdf is refused in every upload field.

The upload fields are found, not listed: every FileField of every model, every file field of
every form class (ServiceForm fields included), and every view that reads request.FILES by
hand. Each must have a case below that sends the disguised page through the real web path and
then a real file, so a new upload field without the content check fails here.
"""

import datetime as dt
import importlib
import inspect
import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from shanghui.core.crud import ServiceForm
from shanghui.core.files import MB
from shanghui.directory.models import PoliticalStatus
from shanghui.honors import services as honors_services
from shanghui.honors.models import CategoryKind, Honor, Nomination
from shanghui.imports import engine, kinds, limits
from shanghui.imports.limits import FileRejected
from shanghui.imports.models import ImportJob
from shanghui.library.models import Document
from shanghui.notices.models import Notice
from shanghui.party import services as party_services
from shanghui.party.models import OrgLifeRecord, RecruitmentStep
from shanghui.servicedesk import services as desk_services
from shanghui.servicedesk.models import Attachment, ServiceRequest
from shanghui.servicedesk.seed import load_categories

PAGE = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/persons/')</script></body></html>"


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


PDF = _pdf()


# --- finding the upload fields -------------------------------------------------------------


def _shanghui_modules(suffix: str):
    for config in apps.get_app_configs():
        if config.name.startswith("shanghui."):
            try:
                yield importlib.import_module(f"{config.name}.{suffix}")
            except ModuleNotFoundError:
                continue


def _view_functions():
    def walk(patterns, ns=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, ns + (f"{p.namespace}:" if p.namespace else ""))
            elif p.name:
                yield ns + p.name, inspect.unwrap(p.callback)

    yield from walk(get_resolver().url_patterns)


def upload_fields() -> set[str]:
    found = set()
    for model in apps.get_models():
        if model.__module__.startswith("shanghui."):
            found |= {f"{model._meta.label}.{f.name}" for f in model._meta.fields if isinstance(f, models.FileField)}
    for module in [*_shanghui_modules("forms"), *_shanghui_modules("views")]:
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__):
                continue
            names = {n for n, f in cls.base_fields.items() if isinstance(f, forms.FileField)}
            if issubclass(cls, ServiceForm) and cls.model is not None:
                names |= {n for n in cls.field_names if n not in cls.declared_fields
                          and isinstance(cls.model._meta.get_field(n), models.FileField)}
            found |= {f"{cls.__module__}.{cls.__name__}.{n}" for n in names}
    for name, view in _view_functions():
        try:
            source = inspect.getsource(view)
        except (OSError, TypeError):
            continue
        found |= {f"view {name}:{field}" for field in re.findall(r"request\.FILES\.get(?:list)?\(\"(\w+)\"", source)}
    return found


# --- one case per upload path: send `upload` through the web, return (response, rows stored) -----


@pytest.fixture
def world(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SHANGHUI_IMPORTS_INLINE = True
    settings.DATA_DIR = tmp_path / "data"
    load_categories()
    cast.person_a.political_status = PoliticalStatus.PARTY_MEMBER
    cast.person_a.save()
    org = party_services.organization_create(by=cast.admin, name="中共东华门街道商会联合委员会", level="committee",
                                             form="joint", founded=dt.date(2017, 5, 1), host_chamber=cast.chamber_a)
    campaign = honors_services.campaign_create(by=cast.admin, year=2018, title="2018年度评选表彰",
                                               region=cast.district,
                                               categories=[(CategoryKind.EXCELLENT_PARTY_MEMBER, 5)])
    request = desk_services.request_file(by=cast.enterprise_user_a, enterprise=cast.enterprise_a,
                                         category=load_categories()[0], title="营业执照变更咨询",
                                         description="公司迁址后营业执照地址如何变更？")
    return {"cast": cast, "org": org, "campaign": campaign, "request": request}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _file(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def honor_case(world, name, content):
    cast = world["cast"]
    response = _client(cast.worker_a).post(reverse("honors:honor_create"), {
        "title": "东城区诚信经营示范企业", "level": "district", "issuer": "东城区商务局", "year": 2023,
        "recipient_kind": "enterprise", "enterprise": cast.enterprise_a.pk, "evidence": _file(name, content)})
    return response, Honor.objects.exclude(evidence="").count()


def nomination_case(world, name, content):
    cast, campaign = world["cast"], world["campaign"]
    Nomination.objects.all().delete()  # one nominee per category: the accepted file's row makes room again
    response = _client(cast.worker_a).post(reverse("honors:nomination_create", args=[campaign.pk]), {
        "category": campaign.categories.get().pk, "chamber": cast.chamber_a.pk, "person": cast.person_a.pk,
        "reasons": "带头参加理想信念教育。", "attachment": _file(name, content)})
    return response, Nomination.objects.exclude(attachment="").count()


def minutes_case(world, name, content):
    response = _client(world["cast"].worker_a).post(reverse("party:orglife_create"), {
        "organization": world["org"].pk, "kind": "lecture", "date": "2024-03-05", "topic": "专题党课",
        "attendance": "18", "minutes": _file(name, content)})
    return response, OrgLifeRecord.objects.exclude(minutes="").count()


def recruitment_case(world, name, content):
    """The scan of an application (发展党员), uploaded with the new candidate."""
    from shanghui.directory.models import Person

    person = Person.objects.get_or_create(name="陈申请", region=world["cast"].street_a)[0]
    response = _client(world["cast"].worker_a).post(reverse("party:candidate_create"), {
        "person": person.pk, "organization": world["org"].pk, "birth_date": "1990-01-01", "applied": "2024-03-05",
        "document": _file(name, content)})
    return response, RecruitmentStep.objects.exclude(document="").count()


def document_case(world, name, content):
    response = _client(world["cast"].admin).post(reverse("library:document_create"), {
        "kind": "report", "title": "调研报告", "issuer": "区工商联", "date": "2018-01-01",
        "file": _file(name, content)})
    return response, Document.objects.count()


def notice_case(world, name, content):
    response = _client(world["cast"].worker_a).post(reverse("notices:notice_create"), {
        "title": "座谈会通知", "body": "请参加。", "region": world["cast"].street_a.pk, "audience": "street",
        "street": world["cast"].street_a.pk, "attachment": _file(name, content)})
    return response, Notice.objects.count()


def request_case(world, name, content):
    category = world["request"].category
    before = ServiceRequest.objects.count()
    response = _client(world["cast"].enterprise_user_a).post(reverse("servicedesk:file"), {
        "category": category.pk, "title": "税务咨询", "description": "如何办理？", "contact_preference": "phone",
        "attachments": _file(name, content)})
    return response, max(Attachment.objects.count(), ServiceRequest.objects.count() - before)


def attachment_case(world, name, content):
    url = reverse("servicedesk:attachment_add", args=[world["request"].pk])
    response = _client(world["cast"].enterprise_user_a).post(url, {"file": _file(name, content)}, follow=True)
    return response, Attachment.objects.count()


def import_case(world, name, content):
    # The import takes spreadsheets: the page comes renamed .csv, and the real file is a CSV.
    content = "统一社会信用代码,企业名称,所在街道\n".encode() if content == PDF else content
    response = _client(world["cast"].worker_a).post(reverse("imports:index"),
                                                    {"kind": "enterprises", "file": _file("企业.csv", content)})
    return response, ImportJob.objects.count()


CASES = {
    "honors.Honor.evidence": honor_case,
    "shanghui.honors.forms.HonorForm.evidence": honor_case,
    "honors.Nomination.attachment": nomination_case,
    "shanghui.honors.forms.NominationForm.attachment": nomination_case,
    "party.OrgLifeRecord.minutes": minutes_case,
    "shanghui.party.forms.OrgLifeForm.minutes": minutes_case,
    "party.RecruitmentStep.document": recruitment_case,
    "library.Document.file": document_case,
    "shanghui.library.forms.DocumentForm.file": document_case,
    "notices.Notice.attachment": notice_case,
    "shanghui.notices.forms.NoticeForm.attachment": notice_case,
    "servicedesk.Attachment.file": attachment_case,
    "view servicedesk:attachment_add:file": attachment_case,
    "shanghui.servicedesk.forms.FileForm.attachments": request_case,
    "shanghui.imports.views.UploadForm.file": import_case,
}


def test_every_upload_field_has_a_case():
    assert upload_fields() == set(CASES)


@pytest.mark.parametrize("case", sorted(set(CASES.values()), key=lambda f: f.__name__),
                         ids=lambda f: f.__name__)
def test_a_web_page_named_pdf_is_refused_and_a_real_pdf_accepted(world, case):
    response, stored = case(world, "通知.pdf", PAGE)
    page = response.content.decode()
    assert response.status_code == 200 and ("已拒绝" in page or "不是表格文件" in page), page[:3000]
    assert stored == 0
    response, stored = case(world, "通知.pdf", PDF)
    assert response.status_code in (200, 302) and stored == 1, response.content.decode()[:3000]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("图.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "已拒绝"),
    ("说明.txt", b"<html><script>alert(1)</script></html>", "已拒绝"),
    ("说明.txt", "请尽快处理。".encode("gb18030"), None),
    ("表.xlsx", PDF, "文件内容是PDF"),
    ("报告.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "已拒绝"),
])
def test_attachments_are_judged_by_content(world, name, content, message):
    upload = SimpleUploadedFile(name, content)
    if message is None:
        assert desk_services.attachment_add(by=world["cast"].enterprise_user_a, service_request=world["request"],
                                            upload=upload).size == len(content)
        return
    with pytest.raises(Exception, match=message):
        desk_services.attachment_add(by=world["cast"].enterprise_user_a, service_request=world["request"], upload=upload)
    assert not Attachment.objects.exists()


# --- zip bombs: refused from the declared sizes, before anything is inflated --------------------


def _many_small_members(path: Path, members: int) -> Path:
    """A workbook-shaped zip of `members` parts of 1 MB of zeros each (about 1 KB each packed): no
    single part passes 1 MB, but together they inflate about a thousand times the file's size."""
    zeros = bytes(MB)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("xl/workbook.xml", b"<workbook/>")
        for i in range(members):
            z.writestr(f"xl/worksheets/sheet{i}.xml", zeros)
    return path


@pytest.fixture
def inflations(monkeypatch):
    """Counts every member opened for reading (inflating) by zipfile."""
    opened = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, mode="r", *args, **kwargs):
        if mode == "r":
            opened.append(getattr(name, "filename", name))
        return real_open(self, name, mode, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    return opened


def test_an_import_bomb_of_many_small_members_is_refused_before_inflating(cast, tmp_path, inflations):
    bomb = _many_small_members(tmp_path / "bomb.xlsx", 64)
    assert bomb.stat().st_size < MB // 8
    started = time.monotonic()
    with pytest.raises(FileRejected, match="压缩炸弹"):
        limits.check_zip(bomb)
    assert inflations == [] and time.monotonic() - started < 1
    result = engine.run(kinds.get("enterprises"), bomb, by=cast.admin, dry_run=True)
    assert "压缩炸弹" in result.file_error and inflations == []


def test_an_import_whose_declared_sizes_pass_the_limit_is_refused_before_inflating(tmp_path, settings, inflations):
    settings.SHANGHUI_IMPORT_MAX_UNZIPPED_BYTES = 100_000
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:  # stored: ratio 1, only the total is too big
        z.writestr("xl/workbook.xml", b"<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<row/>" * 20_000)
    with pytest.raises(FileRejected, match="压缩炸弹"):
        limits.check_zip(path)
    assert inflations == []


def test_overlapping_members_are_refused_before_inflating(tmp_path, inflations):
    """The smallest bombs let many directory entries point at the same packed data."""
    path = tmp_path / "overlap.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", bytes(200_000))
    data = path.read_bytes()
    central = data.index(b"PK\x01\x02")
    entry, end = data[central:data.index(b"PK\x05\x06")], data[data.index(b"PK\x05\x06"):]
    copies = [entry.replace(b"xl/workbook.xml", f"xl/sheet{i:05}.xml"[:15].encode()) for i in range(50)]
    directory = entry + b"".join(copies)
    count = (51).to_bytes(2, "little")
    end = end[:8] + count + count + len(directory).to_bytes(4, "little") + end[16:]
    path.write_bytes(data[:central] + directory + end)
    with pytest.raises(FileRejected, match="压缩炸弹"):
        limits.check_zip(path)
    assert inflations == []


def test_a_docx_attachment_bomb_is_refused_before_inflating(world, inflations):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        for i in range(40):
            z.writestr(f"word/media/part{i}.xml", bytes(MB))
    with pytest.raises(Exception, match="压缩炸弹"):
        desk_services.attachment_add(by=world["cast"].enterprise_user_a, service_request=world["request"],
                                     upload=SimpleUploadedFile("报告.docx", buffer.getvalue()))
    assert inflations == []


# --- the proxy in front agrees with the import's own limit -----------------------------------


def test_the_proxy_examples_allow_the_largest_import_and_not_much_more():
    text = (Path(django_settings.PROJECT_DIR) / "docs" / "deployment.md").read_text()
    unit = {"": 1, "k": 1024, "m": MB, "g": 1024 * MB}
    nginx = [int(n) * unit[u.lower()] for n, u in re.findall(r"client_max_body_size\s+(\d+)([kKmMgG]?);", text)]
    iis = [int(n) for n in re.findall(r'maxAllowedContentLength="(\d+)"', text)]
    assert nginx and iis, "docs/deployment.md shows no body size limit for nginx or IIS"
    for limit in nginx + iis:
        # Room for the form's other fields and the multipart framing, and not more.
        assert limits.max_upload_bytes() <= limit <= limits.max_upload_bytes() + 10 * MB
