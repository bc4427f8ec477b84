from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shanghui.reports"
    verbose_name = "统计与报告"

    def ready(self):
        # The feature apps' KPI functions read the counters this app keeps through core/kpis.py.
        from . import kpis

        kpis.register()
