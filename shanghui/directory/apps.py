from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "shanghui.directory"
    verbose_name = "企业名录"
