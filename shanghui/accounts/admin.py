from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from shanghui.core.admin import ReadOnlyAdmin

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts are technical administration: superusers only (User has no region scope of its own)."""

    list_display = ("username", "display_name", "role", "region", "enterprise", "is_active", "is_superuser")
    list_filter = ("role", "is_active", "is_superuser")
    search_fields = ("username", "display_name")
    raw_id_fields = ("enterprise",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("角色与范围", {"fields": ("display_name", "role", "region", "enterprise", "department")}),
    )

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    # Only the prefix is shown; the digest is the credential's fingerprint and stays out of sight.
    list_display = ("user", "name", "prefix", "created", "last_used")
    fields = ("user", "name", "prefix", "created", "last_used")

    def has_delete_permission(self, request, obj=None):
        return True  # revoking a token is the one thing to do with it here
