"""The system administrator's view of notices: scoped and audited like every admin page; receipts are
records of who read what, so they are read-only."""

from django.contrib import admin

from shanghui.core.admin import ReadOnlyAdmin, ScopedAdmin

from .models import Notice, NoticeReceipt


@admin.register(Notice)
class NoticeAdmin(ScopedAdmin):
    list_display = ("title", "region", "issuer_chamber", "audience", "published", "created_by")
    list_filter = ("audience",)
    search_fields = ("title",)
    raw_id_fields = ("region", "issuer_chamber", "street", "chamber", "enterprises", "created_by")


@admin.register(NoticeReceipt)
class NoticeReceiptAdmin(ReadOnlyAdmin):
    list_display = ("notice", "user", "read_at")
    raw_id_fields = ("notice", "user")
