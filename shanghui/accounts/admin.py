from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from shanghui.audit import record
from shanghui.core.admin import ReadOnlyAdmin

from .models import ApiToken, LoginLock, User

# Fields whose change is a change of what the account may do: audited as "role_change".
PRIVILEGE_FIELDS = ("role", "region", "enterprise", "department", "is_superuser", "is_staff", "groups",
                    "user_permissions")


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
        ("身份鉴别", {"fields": ("must_change_password", "password_changed_at", "totp_enabled")}),
    )
    readonly_fields = ("password_changed_at", "totp_enabled")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # an initial password set by an administrator
        super().save_model(request, obj, form, change)
        if not change:
            record(by=request.user, action="create", obj=obj, extra={"via": "admin"})

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the many-to-many fields are saved, so that groups and permissions are included.
        changed = [f for f in PRIVILEGE_FIELDS if f in form.changed_data]
        others = [f for f in form.changed_data if f not in PRIVILEGE_FIELDS and f != "password"]
        if changed:
            record(by=request.user, action="role_change", obj=form.instance, fields=changed,
                   extra={"via": "admin", "to": {"role": form.instance.role, "is_superuser": form.instance.is_superuser,
                                                 "is_staff": form.instance.is_staff}})
        if change and others:
            record(by=request.user, action="update", obj=form.instance, fields=others, extra={"via": "admin"})

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


@admin.register(LoginLock)
class LoginLockAdmin(ReadOnlyAdmin):
    # A locked name is kept as a digest: the account is shown when the name is one, else "（未知账号）".
    list_display = ("scope", "target", "until")
    fields = ("scope", "target", "until")
    readonly_fields = ("target",)
    search_fields = ("user__username",)

    @admin.display(description="账号或地址")
    def target(self, obj):
        return obj.target

    def get_queryset(self, request):
        if not request.user.is_superuser:
            return LoginLock.objects.none()
        return LoginLock.objects.select_related("user")

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # deleting a lock lets the name or address log in again
