from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shanghui.reports"
    verbose_name = "统计与报告"

    def ready(self):
        from shanghui.audit import labels
        from shanghui.imports.signals import import_committed, import_written

        from . import kpis
        from .streetyears import count_committed_import, count_written_import

        # The feature apps' KPI functions read the counters this app keeps through core/kpis.py,
        # and an import's rows are counted once it commits.
        kpis.register()
        # Pages and files this app's export events name (they are not models).
        labels.register(objects={"reports.dashboard": "工作看板", "reports.annual_report": "年度工作纪实",
                                 "reports.statistics_table": "统计表", "reports.training": "培训人次明细",
                                 "reports.campaign_notice": "表彰公示通知"})
        import_committed.connect(count_committed_import, dispatch_uid="reports.count_committed_import")
        # Counted in the import's own transaction (the CLI's too), so no reader is left a big recount.
        import_written.connect(count_written_import, dispatch_uid="reports.count_written_import")
