from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "shanghui.community"
    verbose_name = "社会服务与公益"
