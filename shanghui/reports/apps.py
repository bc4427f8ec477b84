from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shanghui.reports"
    verbose_name = "统计与报告"

    def ready(self):
        from shanghui.imports.signals import import_committed

        from . import kpis
        from .streetyears import count_committed_import

        # The feature apps' KPI functions read the counters this app keeps through core/kpis.py,
        # and an import's rows are counted once it commits.
        kpis.register()
        import_committed.connect(count_committed_import, dispatch_uid="reports.count_committed_import")
