"""Notice pages: the staff register (one Register, named in urls.py), the staff detail page with the read
receipts, the enterprise user's 通知公告 list and reading page (which records his receipt), and the
audited attachment download."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from shanghui.accounts.pages import enterprise_page, is_enterprise_user
from shanghui.core.crud import Register, list_page
from shanghui.core.exporting import Column
from shanghui.core.files import file_download

from . import services
from .forms import NoticeFilter, NoticeForm
from .models import Notice, NoticeReceipt


def _notices(user):
    return (Notice.objects.visible_to(user).select_related("region", "street", "chamber", "issuer_chamber")
            # A GROUP BY query drops Meta.ordering: named again.
            .annotate(read_count=Count("receipts")).order_by("-published", "-id"))


NOTICE = Register(
    app="notices", noun="notice", title="通知公告", what="通知", icon="bi-megaphone",
    queryset=_notices, filter_form=NoticeFilter, form=NoticeForm, table_columns=5, has_detail=True,
    create_title="发布通知",
    columns=[
        Column("标题", lambda n: n.title, 40),
        Column("发布单位", lambda n: n.issuer_label, 20),
        Column("发送范围", lambda n: n.audience_label, 24),
        Column("发布时间", lambda n: n.published, 18),
        Column("已读人数", lambda n: n.read_count, 10),
        Column("附件", lambda n: n.attachment_name, 30),
    ],
    create=services.notice_create, update=services.notice_update, delete=services.notice_delete, row="notice",
    # Deleting a notice someone has read is refused by the service, which says why on the page.
    can_write=services.can_write,
)


@login_required
@require_GET
def notice_detail(request, pk):
    """The notice with its read receipts: who read it and when, read / audience size."""
    user = request.user
    notice = get_object_or_404(_notices(user), pk=pk)
    receipts = NoticeReceipt.objects.visible_to(user).filter(notice=notice).select_related("user__enterprise")
    return render(request, "notices/notice_detail.html", {
        "notice": notice, "receipts": receipts, "audience_size": notice.audience_users().count(),
        "can_edit": services.can_write(user, notice), "can_delete": services.can_delete(user, notice)})


@enterprise_page
@login_required
@require_GET
def inbox(request):
    """The enterprise user's 通知公告: the notices his enterprise receives, unread ones marked."""
    user = request.user
    if not is_enterprise_user(user):
        return redirect("notices:notice_list")
    notices = Notice.objects.visible_to(user).select_related("region", "issuer_chamber").annotate(
        is_read=Exists(NoticeReceipt.objects.filter(notice=OuterRef("pk"), user=user)))
    return list_page(request, template="notices/inbox.html", queryset=notices,
                     filter_form=NoticeFilter(request.GET, user=user), export_url=reverse("notices:notice_export"))


@enterprise_page
@login_required
@require_GET
def inbox_detail(request, pk):
    """Reading a notice: opening this page is the read receipt (kept once)."""
    user = request.user
    if not is_enterprise_user(user):
        return redirect("notices:notice_detail", pk=pk)
    notice = get_object_or_404(Notice.objects.visible_to(user).select_related("region", "issuer_chamber"), pk=pk)
    receipt = services.notice_read(by=user, notice=notice)
    return render(request, "notices/inbox_detail.html", {"notice": notice, "receipt": receipt})


@enterprise_page
@login_required
@require_GET
def notice_attachment(request, pk):
    """The attachment, only through the scoped lookup (media files are never served directly), audited."""
    notice = get_object_or_404(Notice.objects.visible_to(request.user), pk=pk)
    return file_download(by=request.user, obj=notice, field="attachment", title="通知附件",
                         filename=notice.attachment_name)
