"""The home page (each role lands on its own page), the dashboard (the home page of federation
admins, leaders, street workers and instructors), its per-street export and the "街道概况"
page. Reads only: figures come from dashboard.py."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from shanghui.accounts.pages import enterprise_page
from shanghui.activities.forms import KpiForm
from shanghui.core.crud import today
from shanghui.core.exporting import Column, export_format, export_response
from shanghui.core.roles import Role
from shanghui.directory.models import Enterprise
from shanghui.orgs.models import Chamber
from shanghui.orgs.scope import streets_in_scope

from . import dashboard as figures
from . import kpis
from .enterprise_home import enterprise_home

# The roles whose home is the statistics dashboard (reports:dashboard).
DASHBOARD_ROLES = (Role.FEDERATION_ADMIN, Role.LEADER, Role.STREET_WORKER, Role.PARTY_INSTRUCTOR)


@enterprise_page
@login_required
def home(request):
    """Everyone lands on the one page that is his: the dashboard for district and street staff and
    leaders, the enterprise user's own page (enterprise_home.py), the audit log, the service requests
    for department handlers; the others (the superuser) on the streets overview.
    """
    user = request.user
    if user.role == Role.ENTERPRISE_USER and user.enterprise_id:
        return enterprise_home(request)
    if user.role == Role.AUDITOR:
        return redirect("audit:event_list")
    if user.role in DASHBOARD_ROLES and user.region_id:
        return redirect("reports:dashboard")
    if user.role == Role.DEPARTMENT_HANDLER:
        return redirect("servicedesk:index")
    return street_overview(request)


def street_overview(request):
    """街道概况: the district's streets and their chambers, as far as the user's scope reaches."""
    user = request.user
    day = today()
    active = Q(memberships__joined__lte=day) & (Q(memberships__left__isnull=True) | Q(memberships__left__gte=day))
    chambers = (Chamber.objects.visible_to(user).filter(is_active=True).select_related("region")
                .annotate(member_count=Count("memberships", filter=active)).order_by("region__code", "kind", "name"))
    street_chambers = {c.region_id: c for c in chambers.filter(kind=Chamber.Kind.STREET)}
    # order_by() clears the model's default ordering, which would otherwise split the GROUP BY.
    enterprise_counts = dict(Enterprise.objects.visible_to(user).active().order_by().values_list("region")
                             .annotate(n=Count("id")).values_list("region", "n"))
    streets = [
        {"street": s, "chamber": street_chambers.get(s.pk), "enterprises": enterprise_counts.get(s.pk, 0)}
        for s in streets_in_scope(user)
    ]
    with_chamber = [s for s in streets if s["chamber"]]
    return render(request, "reports/home.html", {
        "streets": streets,
        "other_chambers": chambers.exclude(kind=Chamber.Kind.STREET),
        "totals": {
            "streets": len(streets),
            "chambers": len(with_chamber),
            "fully_guaranteed": sum(1 for s in with_chamber if s["chamber"].guarantees == 4),
            "members": sum(s["chamber"].member_count for s in with_chamber),
            "enterprises": sum(enterprise_counts.values()),
        },
    })


SORT_KEYS = ("street", *kpis.RATE_KEYS, "training")
TILE_LINKS = {
    # Each tile's drill-down is the feature app's own list (party / activities), not a copy.
    "joint_committee": ("party:kpi_list", "period"), "organisation": ("party:kpi_list", "period"),
    "own": ("party:kpi_list", "period"), "work": ("party:kpi_list", "period"),
    "member": ("activities:kpi_list", "year"), "district": ("activities:kpi_list", "year"),
}


def _form_and_scope(request):
    """(form, year, region, street): the year and street asked for, the street limited to the user's
    scope (KpiForm offers only those; any other value falls back to the whole scope)."""
    region = kpis.scope_region(request.user)
    if region is None:
        raise PermissionDenied("统计看板只对区、街道工作人员和领导开放。")
    form = KpiForm(request.GET or None, user=request.user)
    year, _scope, street = form.values()
    return form, year, street or region, street


def _sorted_rows(rows: list[dict], sort: str, descending: bool) -> list[dict]:
    if sort == "street":
        return sorted(rows, key=lambda r: r["street"], reverse=descending)
    if sort == "training":
        return sorted(rows, key=lambda r: r["training"], reverse=descending)
    # Streets without a rate (no enterprises) go last either way.
    present = [r for r in rows if r[sort]["rate"] is not None]
    absent = [r for r in rows if r[sort]["rate"] is None]
    return sorted(present, key=lambda r: (r[sort]["rate"], r["street"]), reverse=descending) + absent


def _charts_with_data(chart_data: dict) -> dict:
    """Which charts have something to draw: all zero or missing would draw a bare 0–1 axis, so the page says
    "该年度暂无数据。" instead."""
    streets, trend = chart_data["streets"], chart_data["trend"]
    return {
        "streets": any(s[k]["rate"] for s in streets for k in ("member", "district", "organisation", "work")),
        "training": any(r["count"] for r in chart_data["training"]),
        "trend": any(r[k] for r in trend for k in ("member", "district", "training")),
        "departments": any(r["filed"] or r["resolved"] for r in chart_data.get("departments") or []),
    }


@login_required
@require_GET
def dashboard(request):
    form, year, region, street = _form_and_scope(request)
    data = figures.figure_set(region, year)
    sort = request.GET.get("sort") if request.GET.get("sort") in SORT_KEYS else "street"
    descending = request.GET.get("dir") == "desc"
    query = f"year={year}" + (f"&street={street.pk}" if street else "")
    tiles = []
    for key in kpis.RATE_KEYS:
        url_name, period = TILE_LINKS[key]
        params = f"end={year}-12-31&start={year}-01-01" if period == "period" else f"year={year}"
        if street:
            params += f"&street={street.pk}"
        tiles.append({**data["figures"][key], "url_name": url_name, "params": params})
    chart_data = {"year": year, "streets": data["streets"], "training": data["training"]["by_year"],
                  "trend": data["trend"], "labels": dict(kpis.LABELS)}
    other = figures.other_tiles(region, year, request.user)
    other["dues"] = figures.dues_tile(region, year)
    if other["service_by_department"] is not None:
        chart_data["departments"] = other["service_by_department"]
    return render(request, "reports/dashboard.html", {
        "form": form, "year": year, "region": region, "street": street, "query": query, "data": data,
        "tiles": tiles, "other": other, "rows": [{**r, "cells": [r[k] for k in kpis.RATE_KEYS]}
                                                 for r in _sorted_rows(data["streets"], sort, descending)],
        "sort": sort, "descending": descending,
        "columns": [(k, kpis.LABELS[k]) for k in (*kpis.RATE_KEYS, "training")], "chart_data": chart_data,
        "charts": _charts_with_data(chart_data),
    })


def _rate_column(key: str) -> list[Column]:
    label = kpis.LABELS[key]
    return [Column(f"{label}（%）", lambda r: r[key]["rate"], 12),
            Column(f"{label}分子", lambda r: r[key]["numerator"], 10),
            Column(f"{label}分母", lambda r: r[key]["denominator"], 10)]


STREET_COLUMNS = [
    Column("街道代码", lambda r: r["street"], 12),
    Column("街道", lambda r: r["street_name"], 14),
    *[c for key in kpis.RATE_KEYS for c in _rate_column(key)],
    Column("培训人次", lambda r: r["training"], 10),
]


@login_required
@require_GET
def dashboard_export(request):
    _form, year, region, _street = _form_and_scope(request)
    rows = figures.figure_set(region, year)["streets"]
    fmt = export_format(request)
    return export_response(by=request.user, title=f"{year}年{region.name}分街道统计", rows=rows,
                           columns=STREET_COLUMNS, fmt=fmt, object_type="reports.dashboard",
                           filters={"year": year, "region": region.code})


TRAINING_COLUMNS = [Column("年度", lambda r: r["year"], 8), Column("培训人次", lambda r: r["count"], 12)]


@login_required
@require_GET
def training_export(request):
    _form, year, region, _street = _form_and_scope(request)
    rows = figures.figure_set(region, year)["training"]["by_year"]
    fmt = export_format(request)
    return export_response(by=request.user, title=f"{region.name}历年培训人次", rows=rows,
                           columns=TRAINING_COLUMNS, fmt=fmt, object_type="reports.training",
                           filters={"year": year, "region": region.code})


@login_required
@require_GET
def streets(request):
    """街道概况: the streets and their chambers (the former home page)."""
    _form_and_scope(request)  # the same audience as the dashboard
    return street_overview(request)
