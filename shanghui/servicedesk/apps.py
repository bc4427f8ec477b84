from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "shanghui.servicedesk"
    verbose_name = "诉求办理"
