from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "shanghui.audit"
    verbose_name = "审计日志"
