from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from shanghui.accounts.scope import can_write_region
from shanghui.core.crud import Register, apply_errors, post_data, require, today
from shanghui.core.exporting import Column

from . import services
from .forms import (
    ChamberFilter,
    ChamberForm,
    DepartmentFilter,
    DepartmentForm,
    RegionFilter,
    RegionForm,
    RegionMergeForm,
    RegionSplitForm,
    StaffFilter,
    StaffForm,
    StationingFilter,
    StationingForm,
)
from .models import Chamber, ChamberDepartment, Department, Region, RegionChange, StaffAssignment
from .scope import can_manage_orgs


def _chambers(user):
    day = today()
    active = Q(memberships__joined__lte=day) & (Q(memberships__left__isnull=True) | Q(memberships__left__gte=day))
    return (Chamber.objects.visible_to(user).select_related("region")
            .annotate(member_count=Count("memberships", filter=active))
            .order_by("region__code", "kind", "name"))  # GROUP BY queries drop Meta.ordering


CHAMBER = Register(
    app="orgs", noun="chamber", title="商会名录", what="商会", create_title="新增商会",
    queryset=_chambers, filter_form=ChamberFilter, form=ChamberForm,
    list_template="orgs/chamber_list.html", has_detail=True,
    columns=[
        Column("名称", lambda c: c.name, 30),
        Column("类型", lambda c: c.get_kind_display(), 10),
        Column("所在区域", lambda c: c.region.name, 14),
        Column("成立日期", lambda c: c.founded, 12),
        Column("个人会员制", lambda c: c.individual_members, 10),
        Column("办公场地保障", lambda c: c.has_office, 10),
        Column("服务职能保障", lambda c: c.has_service_functions, 10),
        Column("工作人员保障", lambda c: c.has_staff, 10),
        Column("经费保障", lambda c: c.has_funding, 10),
        Column("有效会员数", lambda c: c.member_count, 10),
        Column("地址", lambda c: c.address, 30),
        Column("联系电话", lambda c: c.phone, 16),
        Column("有效", lambda c: c.is_active, 8),
    ],
    create=services.chamber_create, update=services.chamber_update, delete=services.chamber_delete, row="chamber",
    can_write=lambda user, obj: can_write_region(user, obj.region),
)


@login_required
def chamber_detail(request, pk):
    chamber = get_object_or_404(_chambers(request.user), pk=pk)
    members = (chamber.memberships.visible_to(request.user)
               .select_related("enterprise", "person").order_by("left", "-joined"))
    return render(request, "orgs/chamber_detail.html", {
        "chamber": chamber,
        "stationed": chamber.stationed.select_related("department").order_by("department__code"),
        "staff": chamber.staff.all(),
        "members": members[:50],
        "member_total": members.count(),
        "can_edit": can_write_region(request.user, chamber.region),
    })


# --- the organisation tree: the federation admin writes, street users read what they see ----------------


def _manage(user, obj=None) -> bool:
    region = getattr(obj, "region", None) if not isinstance(obj, Region) else obj
    if isinstance(obj, ChamberDepartment | StaffAssignment):
        region = obj.chamber.region
    return can_manage_orgs(user, region)


def _orgs_crumbs():
    return [("组织机构", reverse("orgs:index"))]


def _staff_page(user) -> None:
    """The tree's registers are for staff; a role without a region (an auditor) has no rows here."""
    if not user.is_superuser and not user.region_id:
        raise PermissionDenied("您无权查看组织机构。")


DEPARTMENT = Register(
    app="orgs", noun="department", title="职能部门", what="部门", icon="bi-building-gear",
    queryset=lambda user: Department.objects.visible_to(user).order_by("code"),
    filter_form=DepartmentFilter, form=DepartmentForm,
    columns=[Column("代码", lambda d: d.code, 16), Column("名称", lambda d: d.name, 24)],
    create=services.department_create, update=services.department_update, delete=services.department_delete,
    row="department", can_write=_manage, can_create=can_manage_orgs, crumbs=_orgs_crumbs, guard=_staff_page,
)

STATIONING = Register(
    app="orgs", noun="stationing", title="部门进驻", what="进驻记录", icon="bi-door-open",
    queryset=lambda user: (ChamberDepartment.objects.visible_to(user).select_related("chamber__region", "department")
                           .order_by("chamber__region__code", "chamber__name", "department__code", "-since")),
    filter_form=StationingFilter, form=StationingForm, preselect=("chamber", "department"),
    columns=[
        Column("商会", lambda s: s.chamber.name, 30),
        Column("职能部门", lambda s: s.department.name, 16),
        Column("进驻日期", lambda s: s.since, 12),
        Column("撤出日期", lambda s: s.until, 12),
        Column("所在区域", lambda s: s.chamber.region.name, 14),
    ],
    create=services.stationing_create, update=services.stationing_update, delete=services.stationing_delete,
    row="stationing", can_write=_manage, can_create=can_manage_orgs, crumbs=_orgs_crumbs, guard=_staff_page,
    intro=lambda user, obj: "部门撤出时请填写撤出日期，记录保留以便查询历年进驻情况。",
)

STAFF = Register(
    app="orgs", noun="staff", title="人员配备", what="人员配备", icon="bi-person-badge",
    queryset=lambda user: (StaffAssignment.objects.visible_to(user).select_related("chamber__region", "user")
                           .order_by("chamber__region__code", "chamber__name", "kind", "-start")),
    filter_form=StaffFilter, form=StaffForm, preselect=("chamber",),
    columns=[
        Column("姓名", lambda a: a.name, 12),
        Column("岗位", lambda a: a.get_kind_display(), 14),
        Column("商会", lambda a: a.chamber.name, 30),
        Column("起始日期", lambda a: a.start, 12),
        Column("结束日期", lambda a: a.end, 12),
        Column("系统账号", lambda a: a.user.username if a.user_id else "", 16),
    ],
    create=services.staff_create, update=services.staff_update, delete=services.staff_delete,
    row="assignment", can_write=_manage, can_create=can_manage_orgs, crumbs=_orgs_crumbs, guard=_staff_page,
    intro=lambda user, obj: "专职工作者或党建指导员离任时请填写结束日期；任职记录保留，以便查询历年由谁任职。",
)


def _region_status(region: Region) -> str:
    if region.valid_to is not None:
        return f"{region.valid_to}年后撤销"
    return f"{region.valid_from}年起" if region.valid_from else "现有"


REGION = Register(
    app="orgs", noun="region", title="行政区划", what="区划", icon="bi-map",
    queryset=lambda user: (Region.objects.visible_to(user).exclude(level=Region.Level.CITY)
                           .select_related("parent").order_by("path")),
    filter_form=RegionFilter, form=RegionForm, list_template="orgs/region_list.html",
    columns=[
        Column("区划代码", lambda r: r.code, 12),
        Column("名称", lambda r: r.name, 16),
        Column("层级", lambda r: r.get_level_display(), 8),
        Column("上级", lambda r: r.parent.name if r.parent_id else "", 16),
        Column("状态", _region_status, 14),
    ],
    create=services.region_create, update=services.region_update, delete=services.region_delete,
    row="region", can_write=_manage, can_create=can_manage_orgs, crumbs=_orgs_crumbs, guard=_staff_page,
    create_title="新增街道", edit_title=lambda r: f"修改名称：{r}",
    list_context=lambda request: {"changes": RegionChange.objects.visible_to(request.user)
                                  .prefetch_related("sources", "results")[:20],
                                  "can_change": can_manage_orgs(request.user)},
)


@login_required
@require_GET
def index(request):
    """组织机构: the registers of the tree, one card each."""
    _staff_page(request.user)
    cards = [(reg, reg.queryset(request.user).count()) for reg in (REGION, CHAMBER, DEPARTMENT, STATIONING, STAFF)]
    return render(request, "orgs/index.html", {"cards": cards, "can_change": can_manage_orgs(request.user)})


def _change_page(request, form_class, title: str, call):
    require(can_manage_orgs(request.user), "只有工商联管理员可以登记区划调整。")
    form = form_class(post_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            change = call(form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, f"已登记区划调整：{change}。")
            return redirect("orgs:region_list")
    return render(request, "shanghui/form.html", {
        "form": form, "title": title, "cancel_url": reverse("orgs:region_list"), "submit_label": "登记调整",
        "crumbs": [*_orgs_crumbs(), ("行政区划", reverse("orgs:region_list"))],
        "intro": "调整前年度的统计数据保持不变；自生效年度起，按调整后的街道统计。"})


@login_required
@require_http_methods(["GET", "POST"])
def region_merge(request):
    return _change_page(request, RegionMergeForm, "区划调整：街道合并", lambda d: services.region_merge(
        by=request.user, streets=list(d["streets"]), year=d["year"], code=d["code"], name=d["name"], note=d["note"]))


@login_required
@require_http_methods(["GET", "POST"])
def region_split(request):
    return _change_page(request, RegionSplitForm, "区划调整：街道拆分", lambda d: services.region_split(
        by=request.user, street=d["street"], year=d["year"],
        parts=[(d["code_1"], d["name_1"]), (d["code_2"], d["name_2"])], note=d["note"]))
