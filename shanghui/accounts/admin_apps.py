from django.contrib.admin.apps import AdminConfig


class ShanghuiAdminConfig(AdminConfig):
    """django.contrib.admin with the platform's own site (accounts/admin_site.py): superusers only,
    Chinese headers. Kept apart from accounts/apps.py, which must hold one AppConfig."""

    default_site = "shanghui.accounts.admin_site.ShanghuiAdminSite"
