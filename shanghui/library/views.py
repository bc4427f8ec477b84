"""Library pages: the searchable list, upload/edit/delete (one register, named in urls.py), the
detail page and the audited download."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from shanghui.accounts.pages import enterprise_page
from shanghui.accounts.scope import writes_some_region
from shanghui.core.crud import Register
from shanghui.core.exporting import Column
from shanghui.core.files import file_download

from . import services
from .forms import DocumentFilter, DocumentForm
from .models import Document


def _documents(user):
    return Document.objects.visible_to(user).select_related("region").defer("text")


def _can_create(user) -> bool:
    return services.can_write_document_region(user, None) or writes_some_region(user)


DOCUMENT = Register(
    app="library", noun="document", title="文件资料", what="文件", icon="bi-journal-text",
    queryset=_documents, filter_form=DocumentFilter, form=DocumentForm,
    list_template="library/document_list.html", table_columns=5, has_detail=True, create_title="上传文件",
    columns=[
        Column("标题", lambda d: d.title, 40),
        Column("类型", lambda d: d.get_kind_display(), 10),
        Column("发文/编写单位", lambda d: d.issuer, 24),
        Column("日期", lambda d: d.date, 12),
        Column("范围", lambda d: d.scope_label, 12),
        Column("标签", lambda d: d.tags, 20),
        Column("原文件名", lambda d: d.filename, 30),
        Column("向企业公开", lambda d: d.is_public, 10),
    ],
    create=services.document_create, update=services.document_update, delete=services.document_delete, row="document",
    can_write=services.can_write, can_create=_can_create, enterprise_pages=("list",),
)


@enterprise_page
@login_required
@require_GET
def document_detail(request, pk):
    user = request.user
    document = get_object_or_404(Document.objects.visible_to(user).select_related("region"), pk=pk)
    return render(request, "library/document_detail.html", {
        "document": document, "excerpt": document.text[:600], "can_edit": services.can_write(user, document)})


@enterprise_page
@login_required
@require_GET
def document_download(request, pk):
    """The file, only through the scoped lookup (media files are never served directly), audited."""
    document = get_object_or_404(Document.objects.visible_to(request.user), pk=pk)
    return file_download(by=request.user, obj=document, field="file", title="下载文件", filename=document.filename,
                         content_type=document.content_type)
