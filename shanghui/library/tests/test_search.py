"""Search finds documents by words in their extracted body, on SQLite and PostgreSQL alike."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shanghui.library import services
from shanghui.library.models import Document

from .conftest import docx_upload


def _pdf_with_text(text: str) -> bytes:
    """A one-page PDF whose text layer is `text` (an ASCII word: pypdf writes no CJK font)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_two_character_chinese_word_in_the_body_finds_the_document(cast):
    doc = services.document_create(by=cast.admin, kind="guideline", title="关于加强党建工作的意见",
                                   issuer="中共东城区委", date="2018-03-01",
                                   file=docx_upload(body=("各街道商会要建立联合党委。",)))
    other = services.document_create(by=cast.admin, kind="notice", title="培训通知", issuer="区工商联",
                                     date="2018-04-01", file=docx_upload(body=("请按时参加培训。",)))
    assert "商会" in doc.text and "商会" not in doc.title
    found = list(Document.objects.visible_to(cast.admin).search("商会"))
    assert found == [doc]
    assert other not in found


def test_word_tables_are_searched_too(cast):
    import docx as python_docx

    d = python_docx.Document()
    d.add_table(rows=1, cols=1).cell(0, 0).text = "簋街餐饮商户"
    buf = io.BytesIO()
    d.save(buf)
    doc = services.document_create(by=cast.admin, kind="case", title="案例", issuer="区工商联", date="2018-01-01",
                                   file=SimpleUploadedFile("case.docx", buf.getvalue()))
    assert list(Document.objects.visible_to(cast.admin).search("簋街")) == [doc]


def test_pdf_text_is_extracted_for_search(cast):
    doc = services.document_create(by=cast.admin, kind="book", title="书", issuer="区工商联", date="2018-01-01",
                                   file=SimpleUploadedFile("book.pdf", _pdf_with_text("Dongcheng chamber")))
    assert "chamber" in doc.text
    assert list(Document.objects.visible_to(cast.admin).search("CHAMBER")) == [doc]


@pytest.mark.parametrize("q", ["商会", "联合党委"])
def test_the_list_page_search_reads_the_body(cast, client, docs, q):
    client.force_login(cast.admin)
    page = client.get("/library/", {"q": q}).content.decode()
    assert "东华门调研" in page and "景山调研" not in page
