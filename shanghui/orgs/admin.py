from django.contrib import admin

from shanghui.core.admin import ScopedAdmin

from .models import Chamber, ChamberDepartment, Department, Region, StaffAssignment


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name", "name_initials")


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class ChamberDepartmentInline(admin.TabularInline):
    model = ChamberDepartment
    extra = 0


class StaffAssignmentInline(admin.TabularInline):
    model = StaffAssignment
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Chamber)
class ChamberAdmin(ScopedAdmin):
    list_display = ("name", "kind", "region", "has_office", "has_service_functions", "has_staff", "has_funding",
                    "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "name_initials")
    inlines = (ChamberDepartmentInline, StaffAssignmentInline)


@admin.register(ChamberDepartment)
class ChamberDepartmentAdmin(ScopedAdmin):
    list_display = ("chamber", "department", "since")


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(ScopedAdmin):
    list_display = ("chamber", "kind", "name", "user", "start", "end")
    list_filter = ("kind",)
    raw_id_fields = ("user",)
