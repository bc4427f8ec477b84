"""Community pages: the overview with totals, projects, contributions, student-aid records and the
youth association page. Reads start from `visible_to()`; writes go through services.py."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from shanghui.core.crud import delete_page, export_page, form_page, list_page, post_data, require, today
from shanghui.core.exporting import Column, export_format, export_response
from shanghui.orgs.models import Chamber
from shanghui.orgs.scope import writable_regions

from . import kpis, services
from .forms import (
    AidFilter,
    AidForm,
    ContributionFilter,
    ContributionForm,
    ProjectFilter,
    ProjectForm,
    YearForm,
)
from .models import AidRecord, Contribution, Project, sees_aid_records


def _can_create(user) -> bool:
    return writable_regions(user).exists()


def _year(request) -> int | None:
    form = YearForm(request.GET)
    return form.cleaned_data.get("year") if form.is_valid() else None


@login_required
@require_GET
def index(request):
    user = request.user
    year = _year(request)
    return render(request, "community/index.html", {
        "year": year, "totals": kpis.totals(user, year), "years": kpis.by_year(user),
        "projects": kpis.by_project(user, year)[:20], "contributors": kpis.by_contributor(user, year)[:20],
        "aid": kpis.aid_totals(user, year), "sees_aid": sees_aid_records(user), "can_create": _can_create(user),
    })


# --- projects ----------------------------------------------------------------------------

PROJECT_COLUMNS = [
    Column("项目名称", lambda p: p.title, 36),
    Column("类型", lambda p: p.get_kind_display(), 10),
    Column("所属区域", lambda p: p.region.name, 12),
    Column("帮扶地区", lambda p: p.partner_area, 20),
    Column("开始日期", lambda p: p.start, 12),
    Column("结束日期", lambda p: p.end, 12),
    Column("牵头商会", lambda p: p.organiser.name if p.organiser_id else "", 24),
]


def _projects(user):
    return Project.objects.visible_to(user).select_related("region", "organiser")


@login_required
@require_GET
def project_list(request):
    user = request.user
    return list_page(request, template="community/project_list.html", queryset=_projects(user),
                     filter_form=ProjectFilter(request.GET, user=user), columns=PROJECT_COLUMNS[:6],
                     create_url=reverse("community:project_create"), export_url=reverse("community:project_export"),
                     can_create=_can_create(user))


@login_required
@require_GET
def project_export(request):
    return export_page(request, title="社会服务项目", queryset=_projects(request.user),
                       filter_form=ProjectFilter(request.GET, user=request.user), columns=PROJECT_COLUMNS)


@login_required
@require_GET
def project_detail(request, pk):
    user = request.user
    project = get_object_or_404(_projects(user), pk=pk)
    contributions = _contributions(user).filter(project=project)
    page = Paginator(contributions, 50).get_page(request.GET.get("page"))
    aid = AidRecord.objects.visible_to(user).filter(project=project)
    return render(request, "community/project_detail.html", {
        "project": project, "page": page, "objects": page.object_list, "totals": kpis.project_totals(project),
        "aid_count": aid.count(), "sees_aid": sees_aid_records(user),
        "can_edit": services.can_write_project(user, project)})


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    user = request.user
    require(_can_create(user), "您无权新增项目。")
    form = ProjectForm(post_data(request), user=user)
    return form_page(request, template="community/form.html", form=form, title="新增社会服务项目",
                     call=lambda **data: services.project_create(by=user, **data),
                     redirect_to=lambda p: reverse("community:project_detail", args=[p.pk]),
                     cancel_url=reverse("community:project_list"))


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    user = request.user
    project = get_object_or_404(_projects(user), pk=pk)
    require(services.can_write_project(user, project), "您无权修改该项目。")
    form = ProjectForm(post_data(request), user=user, instance=project)
    return form_page(request, template="community/form.html", form=form, title=f"修改项目：{project}",
                     call=lambda **data: services.project_update(by=user, project=project, **data),
                     redirect_to=lambda p: reverse("community:project_detail", args=[p.pk]),
                     cancel_url=reverse("community:project_detail", args=[project.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def project_delete(request, pk):
    user = request.user
    project = get_object_or_404(_projects(user), pk=pk)
    require(services.can_write_project(user, project), "您无权删除该项目。")
    return delete_page(request, obj=project, what="项目", success_url=reverse("community:project_list"),
                       cancel_url=reverse("community:project_detail", args=[project.pk]),
                       call=lambda: services.project_delete(by=user, project=project))


# --- contributions -------------------------------------------------------------------------

CONTRIBUTION_COLUMNS = [
    Column("日期", lambda c: c.date, 12),
    Column("项目", lambda c: c.project.title, 30),
    Column("捐助方", lambda c: str(c.contributor), 28),
    Column("捐助方类别", lambda c: c.contributor_kind, 10),
    Column("贡献类型", lambda c: c.get_kind_display(), 12),
    Column("数量", lambda c: c.amount, 12),
    Column("单位", lambda c: c.unit, 10),
    Column("说明", lambda c: c.note, 30),
]


def _contributions(user):
    return Contribution.objects.visible_to(user).select_related("project", "enterprise", "chamber", "person")


@login_required
@require_GET
def contribution_list(request):
    user = request.user
    return list_page(request, template="community/contribution_list.html", queryset=_contributions(user),
                     filter_form=ContributionFilter(request.GET, user=user), columns=CONTRIBUTION_COLUMNS[:7],
                     create_url=reverse("community:contribution_create"),
                     export_url=reverse("community:contribution_export"), can_create=_can_create(user))


@login_required
@require_GET
def contribution_export(request):
    return export_page(request, title="项目贡献", queryset=_contributions(request.user),
                       filter_form=ContributionFilter(request.GET, user=request.user), columns=CONTRIBUTION_COLUMNS)


@login_required
@require_http_methods(["GET", "POST"])
def contribution_create(request):
    user = request.user
    require(_can_create(user), "您无权登记项目贡献。")
    initial = {"date": today()}
    if request.GET.get("project", "").isdigit():
        initial["project"] = request.GET["project"]
    form = ContributionForm(post_data(request), user=user, initial=initial)
    return form_page(request, template="community/form.html", form=form, title="登记项目贡献",
                     call=lambda **data: services.contribution_create(by=user, **data),
                     redirect_to=lambda c: reverse("community:project_detail", args=[c.project_id]),
                     cancel_url=reverse("community:contribution_list"))


@login_required
@require_http_methods(["GET", "POST"])
def contribution_edit(request, pk):
    user = request.user
    row = get_object_or_404(_contributions(user), pk=pk)
    require(services.can_write_project(user, row.project), "您无权修改该记录。")
    form = ContributionForm(post_data(request), user=user, instance=row)
    return form_page(request, template="community/form.html", form=form, title="修改项目贡献",
                     call=lambda **data: services.contribution_update(by=user, contribution=row, **data),
                     redirect_to=lambda c: reverse("community:project_detail", args=[c.project_id]),
                     cancel_url=reverse("community:project_detail", args=[row.project_id]))


@login_required
@require_http_methods(["GET", "POST"])
def contribution_delete(request, pk):
    user = request.user
    row = get_object_or_404(_contributions(user), pk=pk)
    require(services.can_write_project(user, row.project), "您无权删除该记录。")
    back = reverse("community:project_detail", args=[row.project_id])
    return delete_page(request, obj=row, what="项目贡献", success_url=back, cancel_url=back,
                       call=lambda: services.contribution_delete(by=user, contribution=row))


# --- student aid ---------------------------------------------------------------------------

AID_COLUMNS = [
    Column("学生编号", lambda a: a.code, 14),
    Column("姓名", lambda a: a.masked_name, 8),
    Column("学校", lambda a: a.school, 24),
    Column("年级", lambda a: a.grade, 10),
    Column("所在地", lambda a: a.place, 20),
    Column("资助金额（元）", lambda a: a.amount, 14),
    Column("资助日期", lambda a: a.date, 12),
    Column("项目", lambda a: a.project.title, 30),
]


def _aid(user):
    return AidRecord.objects.visible_to(user).select_related("project", "region")


def _require_aid(user):
    # Rows of minors: a 403 for roles that never see them, rather than an empty page that
    # suggests there is nothing.
    require(sees_aid_records(user), "助学记录涉及未成年人信息，只有工商联和商会工作人员可以查看。")


@login_required
@require_GET
def aid_list(request):
    user = request.user
    _require_aid(user)
    return list_page(request, template="community/aid_list.html", queryset=_aid(user),
                     filter_form=AidFilter(request.GET, user=user), columns=AID_COLUMNS[:7],
                     create_url=reverse("community:aid_create"), export_url=reverse("community:aid_export"),
                     can_create=_can_create(user))


@login_required
@require_GET
def aid_export(request):
    _require_aid(request.user)
    return export_page(request, title="助学记录", queryset=_aid(request.user),
                       filter_form=AidFilter(request.GET, user=request.user), columns=AID_COLUMNS)


@login_required
@require_GET
def aid_detail(request, pk):
    user = request.user
    row = get_object_or_404(_aid(user), pk=pk)
    return render(request, "community/aid_detail.html", {
        "row": row, "columns": AID_COLUMNS, "can_edit": services.can_write_project(user, row.project)})


@login_required
@require_http_methods(["GET", "POST"])
def aid_create(request):
    user = request.user
    require(_can_create(user), "您无权登记助学记录。")
    initial = {"date": today()}
    if request.GET.get("project", "").isdigit():
        initial["project"] = request.GET["project"]
    form = AidForm(post_data(request), user=user, initial=initial)
    return form_page(request, template="community/form.html", form=form, title="登记助学记录",
                     call=lambda **data: services.aid_create(by=user, **data),
                     redirect_to=lambda a: reverse("community:aid_detail", args=[a.pk]),
                     cancel_url=reverse("community:aid_list"))


@login_required
@require_http_methods(["GET", "POST"])
def aid_edit(request, pk):
    user = request.user
    row = get_object_or_404(_aid(user), pk=pk)
    require(services.can_write_project(user, row.project), "您无权修改该记录。")
    form = AidForm(post_data(request), user=user, instance=row)
    return form_page(request, template="community/form.html", form=form, title=f"修改助学记录：{row.code}",
                     call=lambda **data: services.aid_update(by=user, record=row, **data),
                     redirect_to=lambda a: reverse("community:aid_detail", args=[a.pk]),
                     cancel_url=reverse("community:aid_detail", args=[row.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def aid_delete(request, pk):
    user = request.user
    row = get_object_or_404(_aid(user), pk=pk)
    require(services.can_write_project(user, row.project), "您无权删除该记录。")
    return delete_page(request, obj=row, what="助学记录", success_url=reverse("community:aid_list"),
                       cancel_url=reverse("community:aid_detail", args=[row.pk]),
                       call=lambda: services.aid_delete(by=user, record=row))


# --- the youth association ---------------------------------------------------------------------


def _youth_day(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return today()


@login_required
@require_GET
def youth(request):
    user = request.user
    day = _youth_day(request)
    growth = kpis.youth_growth(user)
    ages = kpis.youth_age_profile(user, day)
    top = max([g[1] for g in growth] + [1])
    top_age = max([n for _, n in ages] + [1])
    return render(request, "community/youth.html", {
        "day": day, "size": kpis.youth_size(user, day),
        "growth": [(y, m, j, left, round(100 * m / top)) for y, m, j, left in growth],
        "ages": [(label, n, round(100 * n / top_age)) for label, n in ages],
        "associations": kpis.youth_associations().filter(pk__in=_visible_chambers(user)),
    })


def _visible_chambers(user):
    return Chamber.objects.visible_to(user).values("pk")


@login_required
@require_GET
def youth_export(request):
    """The growth table (one row a year) as xlsx or csv, audited like every export."""
    user = request.user
    # One row a year: (year, members at the year's end, joined, left).
    columns = [Column("年度", lambda r: r[0], 8), Column("年末会员数", lambda r: r[1], 12),
               Column("当年入会", lambda r: r[2], 10), Column("当年退会", lambda r: r[3], 10)]
    fmt = export_format(request)
    return export_response(by=user, title="青创会会员增长", rows=kpis.youth_growth(user), columns=columns, fmt=fmt,
                           filters={}, object_type="community.youth")
