from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "shanghui.imports"
    verbose_name = "导入导出"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # Every app declares its importable kinds in <app>/importing.py (or an importing package).
        autodiscover_modules("importing")
