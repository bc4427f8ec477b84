from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "shanghui.community"
    verbose_name = "社会服务与公益"

    def ready(self):
        from shanghui.audit import labels

        labels.register(objects={"community.youth": "青创会会员统计"})
