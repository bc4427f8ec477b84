from django.apps import AppConfig


class HonorsConfig(AppConfig):
    name = "shanghui.honors"
    verbose_name = "荣誉与表彰"

    def ready(self):
        from shanghui.audit import labels
        from shanghui.core import panels

        from .panels import honours_panel

        panels.register(honours_panel)
        # The steps of a commendation campaign and of its nominations and objections.
        labels.register(actions={"review_start": "开始评审", "notice_start": "开始公示", "decide": "确定表彰结果",
                                 "approve": "审核通过", "reject": "驳回", "resolve": "处理异议"})
