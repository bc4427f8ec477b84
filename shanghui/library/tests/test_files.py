"""Uploads are judged by their bytes: type, extension, size and zip bombs, with Chinese errors."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shanghui.audit.models import AuditEvent
from shanghui.library import files, services
from shanghui.library.models import Document

from .conftest import docx_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _create(cast, upload):
    return services.document_create(by=cast.admin, kind="report", title="测试", issuer="区工商联",
                                    date="2018-01-01", file=upload)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("notes.txt", "商会工作".encode(), "只能上传"),
    ("fake.pdf", b"MZ\x90\x00 an executable", "只能上传"),
    ("picture.pdf", PNG, "扩展名"),
    ("report.doc", b"PK\x03\x04 not really a zip", "只能上传"),
    ("empty.pdf", b"", "空"),
    ("broken.pdf", b"%PDF-1.4 garbage", "无法读取"),
])
def test_a_bad_file_is_refused_with_a_chinese_message_and_nothing_is_written(cast, name, content, message):
    with pytest.raises(ValidationError) as e:
        _create(cast, SimpleUploadedFile(name, content))
    assert message in " ".join(e.value.messages)
    assert Document.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(cast, monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 100)
    with pytest.raises(ValidationError, match="不能超过"):
        _create(cast, SimpleUploadedFile("big.png", PNG + b"\x00" * 200))


def test_a_docx_that_unpacks_to_a_huge_size_is_refused(cast):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w/>" + b" " * (50 * 1024 * 1024))
    with pytest.raises(ValidationError, match="解压后过大"):
        _create(cast, SimpleUploadedFile("bomb.docx", buf.getvalue()))


def test_an_image_is_stored_without_text_and_a_docx_with_its_type(cast):
    image = _create(cast, SimpleUploadedFile("photo.png", PNG))
    assert (image.content_type, image.text, image.size) == ("image/png", "", len(PNG))
    doc = _create(cast, docx_upload())
    assert doc.content_type == files.DOCX.content_type and "商会" in doc.text


def test_the_upload_form_shows_a_chinese_error_not_a_500(cast, client):
    client.force_login(cast.admin)
    response = client.post("/library/new/", {"kind": "report", "title": "t", "issuer": "i", "date": "2018-01-01",
                                             "file": SimpleUploadedFile("x.txt", b"hello")})
    assert response.status_code == 200
    assert "只能上传" in response.content.decode()
    assert Document.objects.count() == 0


def test_upload_through_the_form_then_download_is_audited(cast, client):
    client.force_login(cast.worker_a)
    response = client.post("/library/new/", {"kind": "minutes", "title": "会议纪要", "issuer": "东华门街道商会",
                                             "date": "2018-05-01", "region": cast.street_a.pk,
                                             "file": docx_upload(), "tags": "商会，党建, 商会"})
    assert response.status_code == 302, response.content.decode()[:2000]
    doc = Document.objects.get()
    assert doc.region == cast.street_a and doc.tags == "商会,党建"
    before = AuditEvent.objects.filter(action="export", object_id=str(doc.pk)).count()
    download = client.get(f"/library/{doc.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")
    assert AuditEvent.objects.filter(action="export", object_id=str(doc.pk)).count() == before + 1


def test_a_street_worker_cannot_upload_a_district_wide_document(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.document_create(by=cast.worker_a, kind="report", title="t", issuer="i", date="2018-01-01",
                                 file=docx_upload())
    with pytest.raises(PermissionDenied):
        services.document_create(by=cast.worker_a, kind="report", title="t", issuer="i", date="2018-01-01",
                                 region=cast.street_b, file=docx_upload())
    assert Document.objects.count() == 0
