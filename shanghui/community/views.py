"""Community pages: the overview with totals, projects, contributions, student-aid records and the
youth association page. Reads start from `visible_to()`; writes go through services.py."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from shanghui.accounts.scope import writes_some_region
from shanghui.core.crud import Register, require, today
from shanghui.core.exporting import Column, export_format, export_response
from shanghui.orgs.models import Chamber

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
        "aid": kpis.aid_totals(user, year), "sees_aid": sees_aid_records(user), "can_create": writes_some_region(user),
    })


# --- projects, contributions, student aid: one register each (urls.py names their views) ------


def _crumbs() -> list[tuple[str, str]]:
    return [("社会服务", reverse("community:index"))]


def _projects(user):
    return Project.objects.visible_to(user).select_related("region", "organiser")


def _contributions(user):
    return Contribution.objects.visible_to(user).select_related("project", "enterprise", "chamber", "person")


def _aid(user):
    return AidRecord.objects.visible_to(user).select_related("project", "region")


def _writes_project_of(user, row) -> bool:
    return services.can_write_project(user, row.project)


def _require_aid(user):
    # Rows of minors: a 403 for roles that never see them, rather than an empty page that
    # suggests there is nothing.
    require(sees_aid_records(user), "助学记录涉及未成年人信息，只有工商联和商会工作人员可以查看。")


PROJECT = Register(
    app="community", noun="project", title="社会服务项目", what="项目", crumbs=_crumbs,
    queryset=_projects, filter_form=ProjectFilter, form=ProjectForm,
    list_template="community/project_list.html", has_detail=True,
    columns=[
        Column("项目名称", lambda p: p.title, 36),
        Column("类型", lambda p: p.get_kind_display(), 10),
        Column("所属区域", lambda p: p.region.name, 12),
        Column("帮扶地区", lambda p: p.partner_area, 20),
        Column("开始日期", lambda p: p.start, 12),
        Column("结束日期", lambda p: p.end, 12),
        Column("牵头商会", lambda p: p.organiser.name if p.organiser_id else "", 24),
    ],
    create=services.project_create, update=services.project_update, delete=services.project_delete, row="project",
    can_write=services.can_write_project,
)

# Contributions have no page of their own: they are listed, and come back to, on their project's page.
CONTRIBUTION = Register(
    app="community", noun="contribution", title="项目贡献", crumbs=_crumbs,
    queryset=_contributions, filter_form=ContributionFilter, form=ContributionForm,
    list_template="community/contribution_list.html", table_columns=7, preselect=("project",),
    create_title="登记项目贡献", edit_title=lambda row: "修改项目贡献",
    parent_url=lambda row: reverse("community:project_detail", args=[row.project_id]),
    columns=[
        Column("日期", lambda c: c.date, 12),
        Column("项目", lambda c: c.project.title, 30),
        Column("捐助方", lambda c: str(c.contributor), 28),
        Column("捐助方类别", lambda c: c.contributor_kind, 10),
        Column("贡献类型", lambda c: c.get_kind_display(), 12),
        Column("数量", lambda c: c.amount, 12),
        Column("单位", lambda c: c.unit, 10),
        Column("说明", lambda c: c.note, 30),
    ],
    create=services.contribution_create, update=services.contribution_update, delete=services.contribution_delete, row="contribution",
    can_write=_writes_project_of,
)

AID = Register(
    app="community", noun="aid", title="助学记录", crumbs=_crumbs,
    queryset=_aid, filter_form=AidFilter, form=AidForm, guard=_require_aid,
    list_template="community/aid_list.html", table_columns=7, has_detail=True, preselect=("project",),
    create_title="登记助学记录", edit_title=lambda row: f"修改助学记录：{row.code}",
    columns=[
        Column("学生编号", lambda a: a.code, 14),
        Column("姓名", lambda a: a.masked_name, 8),
        Column("学校", lambda a: a.school, 24),
        Column("年级", lambda a: a.grade, 10),
        Column("所在地", lambda a: a.place, 20),
        Column("资助金额（元）", lambda a: a.amount, 14),
        Column("资助日期", lambda a: a.date, 12),
        Column("项目", lambda a: a.project.title, 30),
    ],
    create=services.aid_create, update=services.aid_update, delete=services.aid_delete, row="record",
    can_write=_writes_project_of,
)


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
@require_GET
def aid_detail(request, pk):
    user = request.user
    row = get_object_or_404(_aid(user), pk=pk)
    return render(request, "community/aid_detail.html", {
        "row": row, "columns": AID.columns, "can_edit": services.can_write_project(user, row.project)})


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
