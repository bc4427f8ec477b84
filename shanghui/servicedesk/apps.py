from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "shanghui.servicedesk"
    verbose_name = "诉求办理"

    def ready(self):
        from . import settings_page

        settings_page.register()
