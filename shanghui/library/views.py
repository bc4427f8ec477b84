"""Library pages: the searchable list, detail, upload/edit/delete and the audited download."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from shanghui.core.crud import delete_page, export_page, form_page, list_page, post_data, require
from shanghui.core.exporting import Column
from shanghui.core.files import file_download
from shanghui.orgs.scope import writable_regions

from . import services
from .forms import DocumentFilter, DocumentForm
from .models import Document

COLUMNS = [
    Column("标题", lambda d: d.title, 40),
    Column("类型", lambda d: d.get_kind_display(), 10),
    Column("发文/编写单位", lambda d: d.issuer, 24),
    Column("日期", lambda d: d.date, 12),
    Column("范围", lambda d: d.scope_label, 12),
    Column("标签", lambda d: d.tags, 20),
    Column("原文件名", lambda d: d.filename, 30),
    Column("向企业公开", lambda d: d.is_public, 10),
]


def _documents(user):
    return Document.objects.visible_to(user).select_related("region").defer("text")


def _can_create(user) -> bool:
    return services.can_write_document_region(user, None) or writable_regions(user).exists()


@login_required
@require_GET
def document_list(request):
    user = request.user
    return list_page(request, template="library/document_list.html", queryset=_documents(user),
                     filter_form=DocumentFilter(request.GET, user=user), columns=COLUMNS[:5],
                     create_url=reverse("library:document_create"), export_url=reverse("library:document_export"),
                     can_create=_can_create(user))


@login_required
@require_GET
def document_export(request):
    return export_page(request, title="文件资料", queryset=_documents(request.user),
                       filter_form=DocumentFilter(request.GET, user=request.user), columns=COLUMNS)


@login_required
@require_GET
def document_detail(request, pk):
    user = request.user
    document = get_object_or_404(Document.objects.visible_to(user).select_related("region"), pk=pk)
    return render(request, "library/document_detail.html", {
        "document": document, "excerpt": document.text[:600], "can_edit": services.can_write(user, document)})


@login_required
@require_GET
def document_download(request, pk):
    """The file, only through the scoped lookup (media files are never served directly), audited."""
    document = get_object_or_404(Document.objects.visible_to(request.user), pk=pk)
    return file_download(by=request.user, obj=document, field="file", title="下载文件", filename=document.filename,
                         content_type=document.content_type)


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request):
    user = request.user
    require(_can_create(user), "您无权上传文件。")
    form = DocumentForm(post_data(request), request.FILES or None, user=user)
    return form_page(request, template="library/form.html", form=form, title="上传文件",
                     call=lambda **data: services.document_create(by=user, **data),
                     redirect_to=lambda d: reverse("library:document_detail", args=[d.pk]),
                     cancel_url=reverse("library:document_list"))


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request, pk):
    user = request.user
    document = get_object_or_404(Document.objects.visible_to(user), pk=pk)
    require(services.can_write(user, document), "您无权修改该文件。")
    form = DocumentForm(post_data(request), request.FILES or None, user=user, instance=document)
    return form_page(request, template="library/form.html", form=form, title=f"修改文件：{document}",
                     call=lambda **data: services.document_update(by=user, document=document, **data),
                     redirect_to=lambda d: reverse("library:document_detail", args=[d.pk]),
                     cancel_url=reverse("library:document_detail", args=[document.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request, pk):
    user = request.user
    document = get_object_or_404(Document.objects.visible_to(user), pk=pk)
    require(services.can_write(user, document), "您无权删除该文件。")
    return delete_page(request, obj=document, what="文件", success_url=reverse("library:document_list"),
                       cancel_url=reverse("library:document_detail", args=[document.pk]),
                       call=lambda: services.document_delete(by=user, document=document))
