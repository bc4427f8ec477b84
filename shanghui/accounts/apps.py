from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shanghui.accounts"
    verbose_name = "用户与权限"

    def ready(self):
        from . import signals  # noqa: F401
