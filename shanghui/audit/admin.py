from django.contrib import admin

from shanghui.core.admin import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_repr", "source_address", "success")
    list_filter = ("action", "success")
    search_fields = ("actor_name", "object_repr", "object_id")
    date_hierarchy = "at"
