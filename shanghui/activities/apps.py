from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "shanghui.activities"
    verbose_name = "活动与培训"
