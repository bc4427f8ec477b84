from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "shanghui.notices"
    verbose_name = "通知公告"

    def ready(self):
        from shanghui.core import panels

        from .models import unread_count

        # The navigation (base.html, a core template) shows the count without importing this app.
        panels.register_badge("notices", unread_count)
