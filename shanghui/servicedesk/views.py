"""Service request pages: lists (mine / all / overdue / due soon), filing, detail with timeline and
the actions the user may take, attachments, KPIs with drill-downs, notifications, and the
federation admin's category and holiday pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanghui.accounts.pages import enterprise_page
from shanghui.core.crud import delete_page, export_page, form_page, list_page, post_data, require
from shanghui.core.exporting import Column, export_format, export_response
from shanghui.core.files import file_download
from shanghui.core.kpis import stats_period
from shanghui.core.roles import Role
from shanghui.orgs import workdays
from shanghui.orgs.models import Holiday
from shanghui.orgs.scope import writable_regions

from . import kpis, services
from .forms import ACTION_FORMS, CategoryForm, FileForm, HolidayForm, KpiForm, RequestFilter
from .models import Attachment, Category, Notification, ServiceRequest


def _dt(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def visible_requests(user):
    return ServiceRequest.objects.visible_to(user).select_related("enterprise__region", "category", "department",
                                                                   "handler")


def nav_context(user) -> dict:
    """What the app's tab bar shows: unread notices and, for the federation admin, the reference pages."""
    return {"unread": Notification.objects.visible_to(user).unread().count(),
            "can_configure": services.can_configure(user)}


def can_file(user) -> bool:
    if user.role == Role.ENTERPRISE_USER:
        return bool(user.enterprise_id) and user.is_active
    return writable_regions(user).exists()


COLUMNS = [
    Column("编号", lambda r: r.pk, 8),
    Column("标题", lambda r: r.title, 30),
    Column("企业", lambda r: r.enterprise.name, 30),
    Column("街道", lambda r: r.enterprise.region.name, 12),
    Column("类别", lambda r: r.category.name, 12),
    Column("状态", lambda r: r.get_state_display(), 10),
    Column("承办部门", lambda r: r.department.name if r.department_id else "", 14),
    Column("办理期限", lambda r: r.deadline, 12),
    Column("提交时间", lambda r: _dt(r.filed_at), 16),
    Column("办结时间", lambda r: _dt(r.resolved_at), 16),
    Column("满意度", lambda r: r.satisfaction, 8),
    Column("提交渠道", lambda r: r.get_channel_display(), 10),
]


# --- lists --------------------------------------------------------------------------------


@enterprise_page
@login_required
@require_GET
def request_list(request):
    user = request.user
    mine = user.role == Role.ENTERPRISE_USER
    today = timezone.localdate()
    qs = visible_requests(user)
    return list_page(request, template="servicedesk/request_list.html", queryset=qs,
                     filter_form=RequestFilter(request.GET, user=user), mine=mine,
                     # An enterprise user's requests are all his enterprise's: no enterprise or street to tell apart.
                     columns=[*COLUMNS[:2], *COLUMNS[4:9]] if mine else COLUMNS[:9],
                     create_url=reverse("servicedesk:file"), export_url=reverse("servicedesk:export"),
                     can_create=can_file(user), today=today,
                     counts={view: qs.in_view(view, today).count() for view in ("open", "overdue", "due_soon")},
                     **nav_context(user))


@login_required
@require_GET
def request_export(request):
    return export_page(request, title="诉求", queryset=visible_requests(request.user),
                       filter_form=RequestFilter(request.GET, user=request.user), columns=COLUMNS)


# --- filing -----------------------------------------------------------------------------------


@enterprise_page
@login_required
@require_http_methods(["GET", "POST"])
def request_file(request):
    user = request.user
    require(can_file(user), "您无权提交诉求。")
    form = FileForm(post_data(request), request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        enterprise = data.pop("enterprise", None) or user.enterprise
        try:
            req = services.request_file(by=user, enterprise=enterprise, **data)
        except ValidationError as e:
            form.add_error(None, e.messages)
        else:
            messages.success(request, f"诉求已提交（编号{req.pk}），办理期限{req.deadline:%Y年%-m月%-d日}。")
            return redirect("servicedesk:detail", pk=req.pk)
    return render(request, "servicedesk/file.html", {"form": form})


# --- detail and actions ----------------------------------------------------------------------


@enterprise_page
@login_required
@require_GET
def request_detail(request, pk):
    user = request.user
    req = get_object_or_404(visible_requests(user), pk=pk)
    actions = services.allowed_actions(user, req)
    forms = {a: ACTION_FORMS[a](service_request=req) for a in actions}
    return render(request, "servicedesk/detail.html", {
        "req": req, "events": req.events.select_related("by"), "attachments": req.attachments.all(),
        "actions": [(a, services.ACTION_LABELS[a], forms[a]) for a in actions],
        "can_attach": services.can_attach(user, req), "overdue": req.is_overdue()})


@enterprise_page
@login_required
@require_POST
def request_act(request, pk, action):
    """One transition. Not visible: 404; not allowed for this user: 403; not now (state, window): message."""
    user = request.user
    if action not in ACTION_FORMS:
        raise Http404
    req = get_object_or_404(visible_requests(user), pk=pk)
    services.require_actor(user, req, action)
    form = ACTION_FORMS[action](request.POST, service_request=req)
    if not form.is_valid():
        errors = [f"{form.fields[k].label if k in form.fields else ''}：{m}" for k, ms in form.errors.items() for m in ms]
        messages.error(request, "；".join(errors))
        return redirect("servicedesk:detail", pk=req.pk)
    try:
        services.request_transition(by=user, service_request=req, action=action, **form.cleaned_data)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, f"已{services.ACTION_LABELS[action]}。")
    return redirect("servicedesk:detail", pk=req.pk)


# --- attachments -----------------------------------------------------------------------------


@enterprise_page
@login_required
@require_POST
def attachment_add(request, pk):
    user = request.user
    req = get_object_or_404(visible_requests(user), pk=pk)
    require(services.can_attach(user, req), "您无权为该诉求上传附件。")
    uploads = request.FILES.getlist("file")
    if not uploads:
        messages.error(request, "请选择要上传的文件。")
    try:
        for upload in uploads:
            services.attachment_add(by=user, service_request=req, upload=upload)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        if uploads:
            messages.success(request, f"已上传{len(uploads)}个附件。")
    return redirect("servicedesk:detail", pk=req.pk)


@enterprise_page
@login_required
@require_GET
def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    return file_download(by=request.user, obj=attachment, field="file", title="诉求附件", filename=attachment.name)


# --- notifications ---------------------------------------------------------------------------


@enterprise_page
@login_required
@require_GET
def notifications(request):
    qs = Notification.objects.visible_to(request.user).select_related("request")
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "servicedesk/notifications.html", {"page": page, "objects": page.object_list,
                                                              **nav_context(request.user)})


@enterprise_page
@login_required
@require_POST
def notifications_read(request):
    pks = [int(v) for v in request.POST.getlist("pk") if v.isdigit()] or None
    n = services.notifications_mark_read(by=request.user, pks=pks)
    messages.success(request, f"已将{n}条通知标为已读。")
    return redirect("servicedesk:notifications")


# --- KPIs -------------------------------------------------------------------------------------


def _kpi_scope(request):
    """(scope, period, form) from ?start=&end=&street=; the user's 统计年度 by default."""
    user = request.user
    default = stats_period(user)
    data = request.GET if "start" in request.GET else None
    form = KpiForm(data, user=user, initial={"start": default.start, "end": default.end})
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {"start": default.start, "end": default.end}
    scope, period = kpis.kpi_scope(user, **chosen)
    return scope, period, form


@login_required
@require_GET
def kpi_page(request):
    scope, period, form = _kpi_scope(request)
    return render(request, "servicedesk/kpis.html", {
        "form": form, "period": period, "summary": kpis.summary(scope, period),
        "groups": [("department", "按承办部门", kpis.by_department(scope, period)),
                   ("category", "按诉求类别", kpis.by_category(scope, period)),
                   ("street", "按街道", kpis.by_street(scope, period))],
        "query": request.GET.urlencode(), **nav_context(request.user)})


def _drilldown(request, figure):
    scope, period, _ = _kpi_scope(request)
    try:
        qs = kpis.visible_drilldown(request.user, scope, period, figure, request.GET.get("group", ""),
                                    request.GET.get("key", ""))
    except KeyError:
        raise Http404 from None
    return qs, period


@login_required
@require_GET
def kpi_list(request, figure):
    qs, period = _drilldown(request, figure)
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for name in ("page", "format"):
        query.pop(name, None)
    return render(request, "shanghui/kpi_list.html", {
        "section": "诉求办理统计", "section_url": reverse("servicedesk:kpis"), "heading": kpis.FIGURES[figure],
        "figure": None, "key": figure, "export_url": "servicedesk:kpi_export", "row_url": "servicedesk:detail",
        "period": period, "page": page, "objects": page.object_list, "columns": COLUMNS, "query": query.urlencode()})


@login_required
@require_GET
def kpi_export(request, figure):
    qs, period = _drilldown(request, figure)
    fmt = export_format(request)
    return export_response(by=request.user, title=f"{kpis.FIGURES[figure]}（{period}）", rows=qs, columns=COLUMNS,
                           fmt=fmt, filters={k: v for k, v in request.GET.items() if k != "format"})


# --- reference data (federation admin) -------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def category_list(request):
    user = request.user
    require(services.can_configure(user), "只有工商联管理员可以维护诉求类别。")
    form = CategoryForm(post_data(request), user=user)
    return form_page(request, template="servicedesk/categories.html", form=form,
                     objects=Category.objects.select_related("department"),
                     call=lambda **data: services.category_create(by=user, **data),
                     redirect_to=lambda c: reverse("servicedesk:categories"), success_message="已新增诉求类别")


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request, pk):
    user = request.user
    category = get_object_or_404(Category.objects.visible_to(user), pk=pk)
    require(services.can_configure(user), "只有工商联管理员可以维护诉求类别。")
    form = CategoryForm(post_data(request), user=user, instance=category)
    return form_page(request, template="servicedesk/form.html", form=form, title=f"修改诉求类别：{category}",
                     call=lambda **data: services.category_update(by=user, category=category, **data),
                     redirect_to=lambda c: reverse("servicedesk:categories"),
                     cancel_url=reverse("servicedesk:categories"))


def _holidays_url(year: int) -> str:
    return f"{reverse('servicedesk:holidays')}?year={year}"


@login_required
@require_http_methods(["GET", "POST"])
def holiday_list(request):
    """One year of the calendar deadlines use: the official days with their source, and the overrides."""
    user = request.user
    require(services.can_configure(user), "只有工商联管理员可以维护节假日。")
    today = timezone.localdate()
    years = workdays.calendar_years(today)
    # A hand-edited or stale ?year= shows this year rather than an error.
    year = int(raw) if (raw := request.GET.get("year", "")).isdigit() and int(raw) in years else today.year
    warnings = [workdays.missing_warning(y) for y in sorted({year, today.year, today.year + 1})
                if not workdays.has_official(y)]
    form = HolidayForm(post_data(request), user=user)
    return form_page(request, template="servicedesk/holidays.html", form=form,
                     year=year, years=years, entries=workdays.year_entries(year), warnings=warnings,
                     call=lambda **data: services.holiday_create(by=user, **data),
                     redirect_to=lambda h: _holidays_url(h.date.year), success_message="已新增本区设置")


@login_required
@require_http_methods(["GET", "POST"])
def holiday_delete(request, pk):
    user = request.user
    holiday = get_object_or_404(Holiday.objects.visible_to(user), pk=pk)
    require(services.can_configure(user), "只有工商联管理员可以维护节假日。")
    back = _holidays_url(holiday.date.year)
    return delete_page(request, obj=holiday, what="本区设置", success_url=back, cancel_url=back,
                       call=lambda: services.holiday_delete(by=user, holiday=holiday))
