"""Template helpers of the party pages."""

import datetime as dt

from django import template

register = template.Library()


@register.filter
def cell(column, obj):
    """A register column's value for one row, as the list page shows it."""
    value = column.value(obj)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return "—" if value in (None, "") else value


@register.filter
def rate(value) -> str:
    return "—" if value is None else f"{value}%"


@register.filter
def street_figure(row, key):
    """'n/d' of one KPI in a by-street row."""
    num, den = row.figures[key]
    return num, den, row.rate(key)
