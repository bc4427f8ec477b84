"""Party-building pages: the registers (built from registers.py), the KPI dashboard and its
drill-downs, organisational-life compliance, term-end reminders and the should-form-own list."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from shanghui.core.crud import post_data, require, today
from shanghui.core.exporting import Column, export_format, export_response
from shanghui.core.files import file_download

from . import compliance as compliance_rules
from . import kpis, recruitment_views, services
from .forms import CoverageMoveForm, PeriodForm, TransferForm, YearForm, visible_organizations
from .models import InstructorVisit, OrgLifeRecord, PartyCoverage, PartyMember
from .registers import ASSIGNMENT, MEMBER, ORGANIZATION


@login_required
@require_GET
def organization_detail(request, pk):
    user = request.user
    org = get_object_or_404(ORGANIZATION.queryset(user), pk=pk)
    day = today()
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 1949 <= int(year) <= day.year else day.year
    year_status = compliance_rules.compliance([org], year, day)[0]
    return render(request, "party/organization_detail.html", {
        "org": org,
        "term_state": org.term_state(day),
        "coverages": PartyCoverage.objects.visible_to(user).filter(organization=org).select_related("enterprise"),
        "members": PartyMember.objects.visible_to(user).filter(organization=org, left__isnull=True)
        .select_related("person__enterprise"),
        "former": PartyMember.objects.visible_to(user).filter(organization=org, left__isnull=False).count(),
        "children": visible_organizations(user).filter(parent=org),
        "life": OrgLifeRecord.objects.visible_to(user).filter(organization=org)[:10],
        "compliance": year_status,
        "year": year,
        "this_year": day.year,
        "can_edit": services.can_write_organization(user, org),
    })


@login_required
@require_GET
def member_detail(request, pk):
    user = request.user
    member = get_object_or_404(MEMBER.queryset(user), pk=pk)
    history = (PartyMember.objects.visible_to(user).filter(person=member.person)
               .select_related("organization").order_by("joined_org"))
    return render(request, "party/member_detail.html", {
        "member": member, "history": history, "can_edit": MEMBER.can_write(user, member)})


@login_required
@require_GET
def assignment_detail(request, pk):
    user = request.user
    assignment = get_object_or_404(ASSIGNMENT.queryset(user), pk=pk)
    return render(request, "party/assignment_detail.html", {
        "assignment": assignment,
        "visits": InstructorVisit.objects.visible_to(user).filter(assignment=assignment),
        "can_edit": ASSIGNMENT.can_write(user, assignment),
        "can_visit": services.can_record_visit(user, assignment),
    })


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer(request, pk):
    user = request.user
    member = get_object_or_404(MEMBER.queryset(user), pk=pk)
    require(MEMBER.can_write(user, member), "您无权办理该党员的组织关系转接。")
    form = TransferForm(post_data(request), user=user, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.member_transfer(by=user, member=member, **form.cleaned_data)
        except ValidationError as e:
            _form_errors(form, e)
        else:
            messages.success(request, f"已将{member.person}的组织关系转入“{new.organization}”。")
            return redirect("party:member_detail", pk=new.pk)
    return render(request, "shanghui/form.html", {
        "crumbs": [("党建", reverse("party:dashboard"))], "submit_label": "确定",
        "form": form, "title": f"组织关系转接：{member.person}",
        "intro": f"当前组织：{member.organization}（{member.joined_org:%Y-%m-%d}转入）。",
        "cancel_url": reverse("party:member_detail", args=[member.pk])})


@login_required
@require_http_methods(["GET", "POST"])
def coverage_move(request, pk):
    """Hand the enterprise of a (current) coverage over to another organisation."""
    user = request.user
    coverage = get_object_or_404(PartyCoverage.objects.visible_to(user).select_related("enterprise", "organization"),
                                 pk=pk)
    require(services.can_write_organization(user, coverage.organization), "您无权转移该企业的覆盖关系。")
    form = CoverageMoveForm(post_data(request), user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.coverage_move(by=user, enterprise=coverage.enterprise, **form.cleaned_data)
        except ValidationError as e:
            _form_errors(form, e)
        else:
            messages.success(request, f"“{coverage.enterprise}”已转由“{form.cleaned_data['organization']}”覆盖。")
            return redirect("party:organization_detail", pk=form.cleaned_data["organization"].pk)
    return render(request, "shanghui/form.html", {
        "crumbs": [("党建", reverse("party:dashboard"))], "submit_label": "确定",
        "form": form, "title": f"转移覆盖：{coverage.enterprise}",
        "intro": f"当前由“{coverage.organization}”覆盖（{coverage.start:%Y-%m-%d}起）。",
        "cancel_url": reverse("party:organization_detail", args=[coverage.organization_id])})


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for key, msgs in error.message_dict.items():
            form.add_error(key if key in form.fields else None, msgs)
    else:
        form.add_error(None, error.messages)


@login_required
@require_GET
def orglife_minutes(request, pk):
    """The minutes file, only through the scoped lookup (media files are never served directly)."""
    entry = get_object_or_404(OrgLifeRecord.objects.visible_to(request.user), pk=pk)
    return file_download(by=request.user, obj=entry, field="minutes", title="会议记录")


# --- KPIs --------------------------------------------------------------------------


def _kpi_scope(user, street):
    return street if street is not None else user


@login_required
@require_GET
def dashboard(request):
    user = request.user
    period_form = PeriodForm(request.GET or None, user=user)
    period, street = period_form.values()
    scope = _kpi_scope(user, street)
    day = today()
    return render(request, "party/dashboard.html", {
        "period_form": period_form, "period": period, "street": street, "query": period_form.query(),
        "period_query": period_form.query(with_street=False),
        "figures": kpis.all_figures(scope, period),
        "rows": kpis.by_street(scope, period),
        "kpi_keys": kpis.KPIS, "labels": kpis.LABELS,
        "term_due": visible_organizations(user).term_due(day).order_by("term_end")[:10],
        "term_due_count": visible_organizations(user).term_due(day).count(),
        "should_form_own_count": kpis.should_form_own(scope, day).count(),
        "recruitment_todo_count": recruitment_views.todo_count(user, day),
    })


ENTERPRISE_COLUMNS = [
    Column("统一社会信用代码", lambda e: e.uscc, 22),
    Column("企业名称", lambda e: e.name, 36),
    Column("所在街道", lambda e: e.region.name, 14),
    Column("企业规模", lambda e: e.get_size_display(), 10),
    Column("从业人数", lambda e: e.employees, 10),
    Column("经营状态", lambda e: e.get_status_display(), 10),
]
STREET_COLUMNS = [
    Column("区划代码", lambda r: r.code, 14),
    Column("街道", lambda r: r.name, 16),
]
WHICH = {"covered": "已覆盖", "missing": "未覆盖"}


def _drilldown(request, key: str, which: str):
    if key not in kpis.FUNCTIONS or which not in WHICH:
        raise Http404
    period_form = PeriodForm(request.GET or None, user=request.user)
    period, street = period_form.values()
    fig = kpis.figure(key, _kpi_scope(request.user, street), period)
    queryset = fig.covered if which == "covered" else fig.missing
    if key == "joint_committee":
        return period_form, fig, queryset.order_by("code"), STREET_COLUMNS
    return period_form, fig, queryset.select_related("region").order_by("region__code", "name"), ENTERPRISE_COLUMNS


@login_required
@require_GET
def kpi_list(request, key, which):
    period_form, fig, queryset, columns = _drilldown(request, key, which)
    page = Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "shanghui/kpi_list.html", {
        "section": "党建", "section_url": reverse("party:dashboard"), "heading": fig.label, "figure": fig,
        "tabs": {"covered": "已覆盖", "missing": "未覆盖"}, "key": key, "which": which,
        "which_label": WHICH[which], "list_url": "party:kpi_list", "export_url": "party:kpi_export",
        "form_template": "party/_period_form.html", "link_enterprises": key != "joint_committee",
        "period_form": period_form, "period": period_form.values()[0], "page": page, "objects": page.object_list,
        "columns": columns, "query": period_form.query()})


@login_required
@require_GET
def kpi_export(request, key, which):
    period_form, fig, queryset, columns = _drilldown(request, key, which)
    period, street = period_form.values()
    fmt = export_format(request)
    return export_response(by=request.user, title=f"{fig.label}_{WHICH[which]}", rows=queryset, columns=columns,
                           fmt=fmt, filters={"kpi": key, "which": which, "start": period.start.isoformat(),
                                             "end": period.end.isoformat(), "street": street.code if street else ""})


# --- organisational life, terms, should-form-own --------------------------------------------


@login_required
@require_GET
def compliance(request):
    user = request.user
    form = YearForm(request.GET or None, user=user)
    year, region = form.values()
    orgs = visible_organizations(user).active_between(dt.date(year, 1, 1), dt.date(year, 12, 31))
    if region is not None:
        orgs = ORGANIZATION.filter_form(None, user=user).filter_region(orgs, region)
    page = Paginator(orgs.order_by("name"), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    as_of = today()
    rows = compliance_rules.compliance(page.object_list, year, as_of)
    return render(request, "party/compliance.html", {
        "form": form, "year": year, "page": page, "rows": rows, "rules": compliance_rules.rule_descriptions()})


@login_required
@require_GET
def should_form_own(request):
    user = request.user
    day = today()
    queryset = kpis.should_form_own(user, day).order_by("region__code", "name")
    if request.GET.get("format") in ("xlsx", "csv"):
        columns = [*ENTERPRISE_COLUMNS, Column("正式党员人数", lambda e: e.full_members, 12)]
        return export_response(by=user, title="应单独组建党组织的企业", rows=queryset, columns=columns,
                               fmt=request.GET["format"], filters={"on": day.isoformat()})
    page = Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "party/should_form_own.html", {"page": page, "objects": page.object_list, "day": day,
                                                          "minimum": kpis.SHOULD_FORM_OWN_MIN})
