"""The system administrator's view of the party registers: scoped and audited like every admin page.

Business staff use the party pages; these are for repairs (a wrong date, a duplicate) by the
superuser, so every relation is a raw id field rather than a drop-down of thousands.
"""

from django.contrib import admin

from shanghui.core.admin import ScopedAdmin

from .models import (
    InstructorAssignment,
    InstructorVisit,
    OrgLifeRecord,
    PartyCoverage,
    PartyMember,
    PartyOrganization,
)


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ScopedAdmin):
    list_display = ("name", "level", "form", "host_chamber", "enterprise", "founded", "term_end", "dissolved")
    list_filter = ("level", "form")
    search_fields = ("name", "name_initials")
    raw_id_fields = ("parent", "host_chamber", "enterprise")


@admin.register(PartyCoverage)
class PartyCoverageAdmin(ScopedAdmin):
    list_display = ("organization", "enterprise", "start", "end")
    raw_id_fields = ("organization", "enterprise")


@admin.register(PartyMember)
class PartyMemberAdmin(ScopedAdmin):
    list_display = ("person", "organization", "category", "joined_party", "joined_org", "left", "flowing")
    list_filter = ("category", "flowing")
    search_fields = ("person__name", "organization__name")
    raw_id_fields = ("person", "organization")


@admin.register(InstructorAssignment)
class InstructorAssignmentAdmin(ScopedAdmin):
    list_display = ("instructor", "enterprise", "start", "end")
    raw_id_fields = ("instructor", "enterprise")


@admin.register(InstructorVisit)
class InstructorVisitAdmin(ScopedAdmin):
    list_display = ("assignment", "date")
    raw_id_fields = ("assignment",)


@admin.register(OrgLifeRecord)
class OrgLifeRecordAdmin(ScopedAdmin):
    list_display = ("organization", "kind", "date", "topic", "attendance")
    list_filter = ("kind",)
    raw_id_fields = ("organization",)
