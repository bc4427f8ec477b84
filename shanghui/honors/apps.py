from django.apps import AppConfig


class HonorsConfig(AppConfig):
    name = "shanghui.honors"
    verbose_name = "荣誉与表彰"

    def ready(self):
        from shanghui.core import panels

        from .panels import honours_panel

        panels.register(honours_panel)
