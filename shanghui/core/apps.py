from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shanghui.core"
    verbose_name = "基础"

    def ready(self):
        from . import lookups

        lookups.register()
