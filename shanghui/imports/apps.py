from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "shanghui.imports"
    verbose_name = "导入导出"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import kinds

        kinds._register_builtin()
        # Other apps declare their importable kinds in <app>/importing.py.
        autodiscover_modules("importing")
