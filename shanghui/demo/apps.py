from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "shanghui.demo"
    verbose_name = "演示数据"
