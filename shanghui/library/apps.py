from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "shanghui.library"
    verbose_name = "文献资料"
