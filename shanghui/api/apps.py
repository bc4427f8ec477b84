from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "shanghui.api"
    verbose_name = "接口"
