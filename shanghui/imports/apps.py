from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "shanghui.imports"
    verbose_name = "导入导出"
