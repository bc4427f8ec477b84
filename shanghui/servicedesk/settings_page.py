"""The time limit of each request category (办理时限, working days) as a table on the 系统设置 page.

core/config.py cannot import this app (it sits below it): the table registers itself in ready().
The values stay on Category rows, saved through `category_update`, which checks and audits.
"""

from django import forms

from shanghui.core import config

from . import services
from .models import Category


def _rows(user):
    return [(c.pk, c.name if c.active else f"{c.name}（已停用）", c.time_limit)
            for c in Category.objects.visible_to(user)]


def _field() -> forms.Field:
    message = "办理时限应在1至365个工作日之间。"
    return forms.IntegerField(min_value=1, max_value=365, error_messages={
        "min_value": message, "max_value": message, "invalid": "请填写整数。", "required": "请填写办理时限。"})


def _save(*, by, changes: dict) -> None:
    for category in Category.objects.visible_to(by).filter(pk__in=list(changes)):
        services.category_update(by=by, category=category, time_limit=changes[category.pk])


def register() -> None:
    config.register_table(config.Table(
        name="sla", group="servicedesk", label="诉求类别办理时限", column="办理时限（工作日）",
        rows=_rows, field=_field, save=_save,
        audit_object_type=Category._meta.label_lower, audit_field="time_limit"))
