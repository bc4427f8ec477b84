from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shanghui.reports"
    verbose_name = "统计与报告"

    def ready(self):
        from shanghui.imports.signals import import_committed

        from .streetyears import count_committed_import

        import_committed.connect(count_committed_import, dispatch_uid="reports.count_committed_import")
