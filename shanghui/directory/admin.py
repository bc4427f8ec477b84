from django.contrib import admin

from shanghui.core.admin import ScopedAdmin

from .models import Enterprise, Membership, Person


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    list_display = ("name", "uscc", "region", "industry", "size", "status")
    list_filter = ("status", "industry", "size")
    search_fields = ("name", "name_initials", "uscc")
    raw_id_fields = ("principal",)


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    # The cipher and digest columns never appear: only masked values are shown.
    list_display = ("name", "gender", "region", "enterprise", "political_status", "id_number_masked",
                    "mobile_masked")
    list_filter = ("political_status", "gender")
    search_fields = ("name", "name_initials")
    fields = ("name", "gender", "political_status", "region", "enterprise", "position",
              "id_number_masked", "mobile_masked")
    readonly_fields = ("id_number_masked", "mobile_masked")
    raw_id_fields = ("enterprise",)

    @admin.display(description="身份证号码")
    def id_number_masked(self, obj):
        return obj.id_number_masked

    @admin.display(description="手机号码")
    def mobile_masked(self, obj):
        return obj.mobile_masked


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ("chamber", "enterprise", "person", "role", "joined", "left")
    list_filter = ("role",)
    raw_id_fields = ("enterprise", "person")
