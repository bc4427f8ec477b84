from django.apps import AppConfig


class PartyConfig(AppConfig):
    name = "shanghui.party"
    verbose_name = "党建"
