"""The document library: search, details and the audited download. Same scope as the web pages."""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema

from shanghui.core.files import file_download
from shanghui.library.models import Document, DocumentKind

from .auth import enterprise_operation
from .common import Resource, filtered, follow, paginated
from .errors import READ_ERRORS

router = Router(tags=["文件资料"])

DocumentKindCode = Literal[tuple(DocumentKind.values)]

DOCUMENTS = Resource(Document, "document")


class DocumentOut(Schema):
    id: int
    kind: str = Field(description="report 调研报告，guideline 指导意见，book 书籍，case 案例，minutes 会议纪要，notice 通知")
    title: str
    issuer: str
    date: dt.date
    tags: list[str]
    region: str | None = Field(description="所属街道的行政区划代码；空为全区文件")
    is_public: bool
    filename: str
    content_type: str
    size: int

    resolve_tags = follow("tag_list")
    resolve_region = follow("region.code")


class DocumentFilter(Schema):
    q: str | None = Field(None, max_length=100, description="搜索标题、标签、发文单位和正文（PDF/Word 提取的文字）")
    kind: DocumentKindCode | None = None
    year: int | None = Field(None, ge=1949, le=2100)


@router.get("/documents", response=list[DocumentOut], summary="文件列表与搜索")
@enterprise_operation
@paginated
def list_documents(request, filters: Query[DocumentFilter]):
    qs = Document.objects.visible_to(request.auth_user).select_related("region").defer("text")
    if filters.q:
        qs = qs.search(filters.q)
    return filtered(qs, filters, kind="kind", year="date__year").order_by("-date", "-id")


@router.get("/documents/{int:document_id}", response={200: DocumentOut, **READ_ERRORS}, summary="文件详情")
@enterprise_operation
def get_document(request, document_id: int):
    return DOCUMENTS.get(request, document_id)


@router.get("/documents/{int:document_id}/file", response={200: None, **READ_ERRORS}, summary="下载文件（记入审计日志）")
@enterprise_operation
def download_document(request, document_id: int):
    document = DOCUMENTS.get(request, document_id)
    return file_download(by=request.auth_user, obj=document, field="file", title="下载文件",
                         filename=document.filename, content_type=document.content_type)
