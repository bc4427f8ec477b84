from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "shanghui.activities"
    verbose_name = "活动与培训"

    def ready(self):
        from shanghui.core import panels

        from .invitations import unreplied_count

        # The navigation (base.html, a core template) shows the count without importing this app.
        panels.register_badge("invitations", unreplied_count)
