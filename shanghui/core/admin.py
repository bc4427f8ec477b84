"""The admin reads through the same scope as every other page (docs/design.md §4)."""

from django.contrib import admin

from shanghui.audit import record


class ScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose rows start from `Model.objects.visible_to(request.user)`."""

    list_per_page = 50

    def get_queryset(self, request):
        qs = self.model._default_manager.visible_to(request.user)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    # The admin is the system administrator's tool, not a business screen; its writes
    # are still audited like those of the service functions.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(by=request.user, action="update" if change else "create", obj=obj,
               fields=list(form.changed_data), extra={"via": "admin"})

    def delete_model(self, request, obj):
        record(by=request.user, action="delete", obj=obj, extra={"via": "admin"})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            record(by=request.user, action="delete", obj=obj, extra={"via": "admin"})
        super().delete_queryset(request, queryset)


class ReadOnlyAdmin(ScopedAdmin):
    """For append-only records: viewable, never added, changed or deleted through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
