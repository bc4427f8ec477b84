"""Small template helpers for the Bootstrap layout."""

import datetime as dt
from urllib.parse import urlsplit

from django import forms, template
from django.urls import Resolver404, get_script_prefix, resolve
from django.utils import timezone
from django.utils.html import format_html

from shanghui.accounts import pages
from shanghui.accounts.pages import staff_only
from shanghui.accounts.scope import writes_some_region
from shanghui.core import config, panels
from shanghui.core.kpis import stats_year
from shanghui.core.roles import Role

register = template.Library()


@register.filter
def is_checkbox(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def is_hidden(bound_field) -> bool:
    return bound_field.is_hidden


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key) if mapping else key


@register.filter
def can_read_audit(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in (Role.FEDERATION_ADMIN, Role.AUDITOR))


@register.filter
def sees_register(user) -> bool:
    """Whether the register sections (chambers, enterprises, …) mean anything to this user."""
    return user.is_authenticated and user.role != Role.AUDITOR


register.filter("is_enterprise_user", pages.is_enterprise_user)
register.filter("can_configure_settings", config.can_configure)


@register.filter
def opens(user, url) -> bool:
    """Whether `user` may open the page at `url`: links to staff pages are not shown to an enterprise user
    (accounts/pages.py)."""
    if not pages.is_enterprise_user(user):
        return True  # staff: every page is theirs, no URL resolving on every breadcrumb and button
    path, prefix = urlsplit(str(url)).path, get_script_prefix()
    try:
        view = resolve("/" + path[len(prefix):] if path.startswith(prefix) else path).func
    except Resolver404:
        return True  # not a page of ours; the middleware still guards whatever it is
    return not staff_only(user, view)


@register.simple_tag(takes_context=True)
def nav_active(context, *prefixes: str) -> str:
    """'active' when the current URL name starts with one of `prefixes` ('orgs:chamber', 'home')."""
    match = getattr(context.get("request"), "resolver_match", None)
    name = match.view_name if match else ""
    return "active" if any(name.startswith(p) for p in prefixes) else ""


@register.simple_tag
def stats_year_choices(user) -> list[tuple[int, bool]]:
    """(year, chosen) for the 统计年度 selector, this year first, back to 2010 (or the chosen year)."""
    chosen, this_year = stats_year(user), timezone.localdate().year
    return [(y, y == chosen) for y in range(max(this_year, chosen), min(2010, chosen) - 1, -1)]


@register.filter
def manages_orgs(user) -> bool:
    """Whether the menu offers 组织机构: the rule of orgs.scope.can_manage_orgs (no region given)."""
    return user.is_authenticated and user.is_active and (
        user.is_superuser or (user.role == Role.FEDERATION_ADMIN and bool(user.region_id)))


@register.filter
def can_import(user) -> bool:
    """Whether the menu offers the import pages: the rule of imports.engine.can_import."""
    return user.is_authenticated and writes_some_region(user)

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


@register.simple_tag(takes_context=True)
def detail_panels(context, obj):
    """The panels other apps add to this record's detail page (core/panels.py)."""
    request = context.get("request")
    return panels.render(request, obj) if request is not None else ""


@register.simple_tag(takes_context=True)
def nav_badge(context, name: str):
    """A count another app keeps for the navigation (core/panels.py `register_badge`), as a badge; nothing at 0."""
    user = context.get("user")
    count = panels.badge(name, user) if user is not None and user.is_authenticated else 0
    if not count:
        return ""
    return format_html('<span class="badge rounded-pill text-bg-danger ms-1">{}<span class="visually-hidden">条未读</span></span>',
                       count)
