from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "shanghui.orgs"
    verbose_name = "组织机构"
