"""The system administrator's view of activities and attendance: scoped and audited like every admin page."""

from django.contrib import admin

from shanghui.core.admin import ScopedAdmin

from .models import Activity, ActivitySeries, Attendance, PendingAttendee


@admin.register(ActivitySeries)
class ActivitySeriesAdmin(ScopedAdmin):
    list_display = ("name", "kind", "chamber", "region")
    list_filter = ("kind",)
    search_fields = ("name", "name_initials")
    raw_id_fields = ("chamber",)


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    list_display = ("title", "kind", "region", "start", "status")
    list_filter = ("kind", "status")
    search_fields = ("title", "place")
    raw_id_fields = ("series",)
    filter_horizontal = ("organisers",)


@admin.register(Attendance)
class AttendanceAdmin(ScopedAdmin):
    list_display = ("activity", "person", "enterprise", "region", "source", "created")
    list_filter = ("source",)
    raw_id_fields = ("activity", "person", "enterprise")


@admin.register(PendingAttendee)
class PendingAttendeeAdmin(ScopedAdmin):
    # The encrypted mobile and its digest are never shown (they are not editable fields).
    list_display = ("name", "activity", "enterprise_name", "source", "state", "created")
    list_filter = ("state", "source")
    raw_id_fields = ("activity", "person", "decided_by")
