from django.apps import AppConfig


class HonorsConfig(AppConfig):
    name = "shanghui.honors"
    verbose_name = "荣誉与表彰"
