"""Activity pages: series and activities (list, detail, forms), attendance, pending sign-ins, the QR
code and A4 poster, the public sign-in page, the KPI dashboard with drill-downs, and invitations."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanghui.accounts.pages import enterprise_page
from shanghui.audit.context import source_address
from shanghui.core.crud import Register, apply_errors, delete_page, post_data, require, step
from shanghui.core.exporting import Column, export_format, export_response
from shanghui.core.kpis import Period
from shanghui.directory.models import Person

from . import invitation_views, kpis, qr, services
from .forms import (
    ActivityFilter,
    ActivityForm,
    AttendanceForm,
    ConfirmForm,
    KpiForm,
    SeriesFilter,
    SeriesForm,
    SignInForm,
)
from .invitations import activity_funnel, counted_only_by, may_invite
from .models import Activity, ActivitySeries, Attendance, PendingAttendee


def _dt(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def visible_activities(user):
    return Activity.objects.visible_to(user).select_related("region", "series")


def _count():
    from django.db.models import Count

    return Count("attendances")


def _crumbs() -> list[tuple[str, str]]:
    return [("活动", reverse("activities:dashboard"))]


# --- the series and activity registers (list, export, create, edit, delete; urls.py names them) ---------

SERIES = Register(
    app="activities", noun="series", title="活动系列", icon="bi-collection", crumbs=_crumbs,
    queryset=lambda user: ActivitySeries.objects.visible_to(user).select_related("region", "chamber"),
    filter_form=SeriesFilter, form=SeriesForm,
    columns=[
        Column("名称", lambda s: s.name, 30),
        Column("类型", lambda s: s.get_kind_display(), 10),
        Column("主办商会", lambda s: s.chamber.name if s.chamber_id else "区工商联", 24),
        Column("所属区域", lambda s: s.region.name, 12),
        Column("首次举办年份", lambda s: s.first_year, 12),
    ],
    create=services.series_create, update=services.series_update, delete=services.series_delete, row="series",
    can_write=lambda user, obj: services.can_write_region(user, obj.region), has_detail=True,
)

ACTIVITY = Register(
    app="activities", noun="activity", title="活动", icon="bi-calendar-event",
    queryset=lambda user: visible_activities(user).annotate(attendance=_count()).order_by("-start", "id"),
    filter_form=ActivityFilter, form=ActivityForm,
    columns=[
        Column("开始时间", lambda a: _dt(a.start), 16),
        Column("活动名称", lambda a: a.title, 36),
        Column("类型", lambda a: a.get_kind_display(), 12),
        Column("所属区域", lambda a: a.region.name, 12),
        Column("地点", lambda a: a.place, 24),
        Column("状态", lambda a: a.get_status_display(), 8),
        Column("出席人数", lambda a: a.attendance, 10),
        Column("所属系列", lambda a: a.series.name if a.series_id else "", 24),
        Column("主题（四信）", lambda a: a.theme_labels, 16),
        Column("合作院校/机构", lambda a: a.partner, 16),
        Column("结束时间", lambda a: _dt(a.end), 16),
        Column("容量（人）", lambda a: a.capacity, 10),
    ],
    create=services.activity_create, update=services.activity_update, delete=services.activity_delete, row="activity",
    can_write=services.can_write_activity, has_detail=True, table_columns=7, preselect=("series",),
    list_context=lambda request: {"link_column": 2},  # its title, not its start time, links to the activity
)


@login_required
@require_GET
def series_detail(request, pk):
    user = request.user
    series = get_object_or_404(SERIES.queryset(user), pk=pk)
    year = kpis.default_year(user)
    run = kpis.series_runs(ActivitySeries.objects.filter(pk=series.pk), year)[0]
    activities = (visible_activities(user).filter(series=series).annotate(attendance=_count())
                  .order_by("-start"))
    page = Paginator(activities, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "activities/series_detail.html", {
        "series": series, "run": run, "year": year, "page": page, "objects": page.object_list,
        "can_edit": services.can_write_region(user, series.region)})


# --- activity detail and attendance ------------------------------------------------------------------

ATTENDANCE_COLUMNS = [
    Column("姓名", lambda a: a.person.name, 10),
    Column("代表企业", lambda a: a.enterprise.name if a.enterprise_id else "", 32),
    Column("统一社会信用代码", lambda a: a.enterprise.uscc if a.enterprise_id else "", 22),
    Column("计入街道", lambda a: a.region.name, 12),
    Column("登记方式", lambda a: a.get_source_display(), 10),
    Column("登记时间", lambda a: _dt(a.created), 16),
    Column("活动", lambda a: a.activity.title, 30),
    Column("活动开始时间", lambda a: _dt(a.activity.start), 16),
]


def _attendances(user, activity):
    return (Attendance.objects.visible_to(user).filter(activity=activity)
            .select_related("person", "enterprise", "region", "activity").order_by("id"))


@login_required
@require_GET
def activity_detail(request, pk):
    user = request.user
    activity = get_object_or_404(visible_activities(user), pk=pk)
    attendances = _attendances(user, activity)
    page = Paginator(attendances, 50).get_page(request.GET.get("page"))
    pending = PendingAttendee.objects.visible_to(user).filter(activity=activity,
                                                              state=PendingAttendee.State.PENDING)
    return render(request, "activities/activity_detail.html", {
        "activity": activity, "page": page, "objects": page.object_list, "pending": pending,
        "organisers": activity.organisers.all(), "signin_url": qr.signin_url(request, activity),
        "signin_state": activity.signin_state(),
        "can_edit": services.can_write_activity(user, activity),
        "year": timezone.localtime(activity.start).year,
        "funnel": activity_funnel(activity, user),
        "counted_only_here": counted_only_by(activity, user),
        "invitations": invitation_views.activity_invitations(user, activity)[:200],
        "may_invite": may_invite(user, activity),
    })


@login_required
@require_GET
def attendance_export(request, pk):
    user = request.user
    activity = get_object_or_404(visible_activities(user), pk=pk)
    fmt = export_format(request)
    return export_response(by=user, title=f"出席名单_{activity.title}"[:60], rows=_attendances(user, activity),
                           columns=ATTENDANCE_COLUMNS, fmt=fmt, filters={"activity": activity.pk})


@login_required
@require_http_methods(["GET", "POST"])
def attendance_add(request, pk):
    user = request.user
    activity = get_object_or_404(visible_activities(user), pk=pk)
    require(services.can_write_activity(user, activity), "您无权登记该活动的出席。")
    form = AttendanceForm(post_data(request), user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_add(by=user, activity=activity, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e.messages)
        else:
            messages.success(request, f"已登记{form.cleaned_data['person']}出席。")
            if "again" in request.POST:
                return redirect("activities:attendance_add", pk=activity.pk)
            return redirect("activities:activity_detail", pk=activity.pk)
    return render(request, "activities/attendance_form.html", {"form": form, "activity": activity})


@login_required
@require_http_methods(["GET", "POST"])
def attendance_delete(request, pk):
    user = request.user
    attendance = get_object_or_404(Attendance.objects.visible_to(user).select_related("activity", "person"), pk=pk)
    require(services.can_write_activity(user, attendance.activity), "您无权删除该出席记录。")
    back = reverse("activities:activity_detail", args=[attendance.activity_id])
    return delete_page(request, obj=attendance, what="出席记录", success_url=back, cancel_url=back,
                       call=lambda: services.attendance_remove(by=user, attendance=attendance))


# --- pending sign-ins -------------------------------------------------------------------------


def _pending(request, pk) -> PendingAttendee:
    pending = get_object_or_404(PendingAttendee.objects.visible_to(request.user).select_related("activity__region"),
                                pk=pk)
    require(services.can_write_activity(request.user, pending.activity), "您无权处理该活动的签到。")
    return pending


@login_required
@require_http_methods(["GET", "POST"])
def pending_confirm(request, pk):
    user = request.user
    pending = _pending(request, pk)
    back = reverse("activities:activity_detail", args=[pending.activity_id])
    if pending.state != PendingAttendee.State.PENDING:
        messages.info(request, "该签到已处理过。")
        return redirect(back)
    candidates = Person.objects.visible_to(user).select_related("region", "enterprise")
    if pending.mobile_digest:
        candidates = candidates.filter(mobile_digest=pending.mobile_digest) | candidates.filter(name=pending.name)
    else:
        candidates = candidates.filter(name=pending.name)
    form = ConfirmForm(post_data(request), user=user, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            attendance = services.pending_confirm(by=user, pending=pending, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e.messages)
        else:
            messages.success(request, f"已确认{attendance.person}出席。")
            return redirect(back)
    return render(request, "activities/pending_confirm.html", {
        "form": form, "pending": pending, "candidates": candidates[:10], "cancel_url": back})


@login_required
@require_POST
def pending_reject(request, pk):
    pending = _pending(request, pk)
    return step(request, call=lambda: services.pending_reject(by=request.user, pending=pending),
                      done=f"已驳回{pending.name}的签到。",
                      redirect_to=reverse("activities:activity_detail", args=[pending.activity_id]))


# --- QR code, poster ---------------------------------------------------------------------------

QR_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


@login_required
@require_GET
def activity_qr(request, pk, fmt):
    if fmt not in QR_TYPES:
        raise Http404
    activity = get_object_or_404(visible_activities(request.user), pk=pk)
    response = HttpResponse(qr.qr_bytes(qr.signin_url(request, activity), fmt), content_type=QR_TYPES[fmt])
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="signin-{activity.pk}.{fmt}"'
    response["Cache-Control"] = "private, no-store"  # every rendering carries a fresh token
    return response


@login_required
@require_GET
def activity_poster(request, pk):
    activity = get_object_or_404(visible_activities(request.user), pk=pk)
    return render(request, "activities/poster.html", {
        "activity": activity, "organisers": activity.organisers.all(), "signin_url": qr.signin_url(request, activity)})


# --- the public sign-in page -------------------------------------------------------------------


def _signin_page(request, context: dict, status: int = 200):
    return render(request, "activities/signin.html", context, status=status)


@enterprise_page
@require_http_methods(["GET", "POST"])
def signin(request, token):
    """Public (no login): the page a phone opens from the QR code."""
    try:
        activity_id = qr.read_token(token)
    except qr.TokenRefused as e:
        return _signin_page(request, {"refusal": e.message}, status=403)
    activity = Activity.objects.filter(pk=activity_id).select_related("region").first()
    if activity is None:
        return _signin_page(request, {"refusal": "签到链接无效，请重新扫描活动现场的二维码。"}, status=404)
    state = activity.signin_state()
    if state:
        message = {"cancelled": "该活动已取消。", "early": f"签到尚未开始，将于{_dt(activity.signin_opens)}开放。",
                   "closed": "该活动签到已截止。"}[state]
        return _signin_page(request, {"refusal": message, "activity": activity}, status=403)
    me = services.recognised_person(request.user)
    form = SignInForm(request.POST if request.method == "POST" and "me" not in request.POST else None)
    context = {"activity": activity, "form": form, "me": me}
    if request.method == "POST":
        if not services.note_signin_attempt(source_address.get() or request.META.get("REMOTE_ADDR", "")):
            return _signin_page(request, {**context, "refusal": "签到请求过于频繁，请稍后再试。"}, status=429)
        try:
            if "me" in request.POST and me is not None:
                outcome, _ = services.signin_as_user(activity=activity, user=request.user)
                name = me.name
            elif form.is_valid():
                outcome, _ = services.signin(activity=activity, user=request.user, **form.cleaned_data)
                name = form.cleaned_data["name"]
            else:
                return _signin_page(request, context)
        except ValidationError as e:
            apply_errors(form, e)
            return _signin_page(request, context)
        if outcome == services.PENDING:
            # One page for every pending sign-in, whatever was typed: nothing echoed, nothing told.
            return _signin_page(request, {"activity": activity, "outcome": outcome})
        return _signin_page(request, {"activity": activity, "outcome": outcome, "name": name})
    return _signin_page(request, context)


# --- KPIs, drill-downs and invitations -----------------------------------------------------------


@login_required
@require_GET
def dashboard(request):
    user = request.user
    form = KpiForm(request.GET or None, user=user)
    year, scope, street = form.values()
    period = Period.year(year)
    return render(request, "activities/dashboard.html", {
        "form": form, "year": year, "street": street, "query": form.query(),
        "year_query": form.query(with_street=False),
        "figures": [kpis.member_participation(scope, period), kpis.district_participation(scope, period)],
        "training": kpis.training(scope, period),
        "rows": kpis.by_street(scope, period),
        "runs": kpis.series_runs(ActivitySeries.objects.in_scope(scope), year),
        "activities": kpis.activities_with_attendance(scope, period)[:50],
    })


ENTERPRISE_COLUMNS = [
    Column("统一社会信用代码", lambda e: e.uscc, 22),
    Column("企业名称", lambda e: e.name, 36),
    Column("所在街道", lambda e: e.region.name, 14),
    Column("企业规模", lambda e: e.get_size_display(), 10),
    Column("经营状态", lambda e: e.get_status_display(), 10),
]
WHICH = {"covered": "已参与", "missing": "未参与"}
KPI_KEYS = ("member", "district", "training")


def _drilldown(request, key: str, which: str):
    if key not in KPI_KEYS or which not in WHICH or (key == "training" and which != "covered"):
        raise Http404
    form = KpiForm(request.GET or None, user=request.user)
    year, scope, _ = form.values()
    if key == "training":
        rows = kpis.training(scope, Period.year(year)).rows.select_related(
            "person", "enterprise", "region", "activity").order_by("activity__start", "id")
        return form, kpis.LABELS[key], None, rows, ATTENDANCE_COLUMNS
    fig = kpis.figure(key, scope, Period.year(year))
    rows = (fig.covered if which == "covered" else fig.missing).select_related("region").order_by("region__code",
                                                                                                    "name")
    return form, fig.label, fig, rows, ENTERPRISE_COLUMNS


@login_required
@require_GET
def kpi_list(request, key, which):
    form, label, fig, rows, columns = _drilldown(request, key, which)
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "shanghui/kpi_list.html", {
        "section": "活动", "section_url": reverse("activities:dashboard"), "heading": f"{form.values()[0]}年{label}",
        "figure": fig, "tabs": {"covered": "已参与", "missing": "未参与"}, "key": key, "which": which,
        "which_label": WHICH[which], "list_url": "activities:kpi_list", "export_url": "activities:kpi_export",
        "form_template": "activities/_kpi_form.html", "link_enterprises": key != "training",
        "invite_url": reverse("activities:invite_pick") + f"?which={key}" if key != "training" else "",
        "form": form, "page": page, "objects": page.object_list, "columns": columns, "query": form.query()})


@login_required
@require_GET
def kpi_export(request, key, which):
    form, label, _, rows, columns = _drilldown(request, key, which)
    year, _, street = form.values()
    fmt = export_format(request)
    title = f"{year}年{label}_{WHICH[which]}" if key != "training" else f"{year}年培训人次明细"
    return export_response(by=request.user, title=title, rows=rows, columns=columns, fmt=fmt,
                           filters={"kpi": key, "which": which, "year": year, "street": street.code if street else ""})


@login_required
@require_GET
def invitations(request):
    """Member enterprises that have not yet taken part in education this year: for a year (and street),
    or for an activity (its region and year). Exportable, so staff can invite them."""
    user = request.user
    form = KpiForm(request.GET or None, user=user)
    year, scope, _ = form.values()
    activity = None
    if request.GET.get("activity", "").isdigit():
        activity = get_object_or_404(visible_activities(user), pk=int(request.GET["activity"]))
        year, scope = timezone.localtime(activity.start).year, activity.region
    queryset = kpis.invitations(scope, Period.year(year)).select_related("region", "principal").order_by(
        "region__code", "name")
    columns = [*ENTERPRISE_COLUMNS, Column("主要负责人", lambda e: e.principal.name if e.principal_id else "", 10)]
    if request.GET.get("format") in ("xlsx", "csv"):
        return export_response(by=user, title=f"{year}年待邀请会员企业", rows=queryset, columns=columns,
                               fmt=request.GET["format"], filters={"year": year, "activity": activity.pk if activity
                                                                else ""})
    page = Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = f"activity={activity.pk}" if activity else form.query()
    return render(request, "activities/invitations.html", {
        "form": form, "year": year, "activity": activity, "page": page, "objects": page.object_list,
        "columns": columns, "query": query})
