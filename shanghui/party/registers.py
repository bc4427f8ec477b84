"""The party registers (organisations, coverage, members, instructors, visits, meetings) as one spec each.

Every register has the same pages: list, export, create, edit, delete (and some a detail
page); `views.py` builds them from these specs, so each page still does the same three
things: look up within `visible_to(user)`, validate a form, call one service.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from shanghui.accounts.scope import can_write_region
from shanghui.core.crud import ListFilter, ServiceForm
from shanghui.core.exporting import Column
from shanghui.core.roles import Role
from shanghui.orgs.scope import writable_regions

from . import forms as f
from . import services
from .models import InstructorAssignment, InstructorVisit, OrgLifeRecord, PartyCoverage, PartyMember


def _d(value) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def _until(value) -> str:
    return f"{value:%Y-%m-%d}" if value else "至今"


@dataclass
class Register:
    noun: str
    title: str
    icon: str
    queryset: Callable  # user → scoped queryset
    filter_form: type[ListFilter]
    form: type[ServiceForm]
    columns: list[Column]  # the export; the list page shows the first `table_columns` of them
    create: Callable  # (by, **data) → row
    update: Callable  # (by, obj, **data) → row
    delete: Callable  # (by, obj)
    can_write: Callable  # (user, obj) → bool
    table_columns: int = 6
    has_detail: bool = False
    can_create: Callable = field(default=lambda user: writable_regions(user).exists())
    # ?name=pk in a create URL preselects these form fields (coming from a parent's page).
    preselect: tuple[str, ...] = ()

    @property
    def link_name(self) -> str:
        return f"party:{self.noun}_{'detail' if self.has_detail else 'edit'}"

    def detail_url(self, obj) -> str:
        return reverse(self.link_name, args=[obj.pk])

    def list_url(self) -> str:
        return reverse(f"party:{self.noun}_list")


def _org_region_writer(user, obj) -> bool:
    return services.can_write_organization(user, obj.organization)


ORGANIZATION = Register(
    noun="organization", title="党组织", icon="bi-flag",
    queryset=lambda user: f.visible_organizations(user),
    filter_form=f.OrganizationFilter, form=f.OrganizationForm,
    columns=[
        Column("名称", lambda o: o.name, 32),
        Column("层级", lambda o: o.get_level_display(), 8),
        Column("组建方式", lambda o: o.get_form_display(), 10),
        Column("所属区域", lambda o: o.region.name if o.region else "", 12),
        Column("依托商会/所在企业", lambda o: o.host_chamber.name if o.host_chamber_id else o.enterprise.name, 30),
        Column("成立日期", lambda o: o.founded, 12),
        Column("本届届满", lambda o: o.term_end, 12),
        Column("上级党组织", lambda o: o.parent.name if o.parent_id else "", 30),
        Column("书记", lambda o: o.secretary, 10),
        Column("撤销日期", lambda o: o.dissolved, 12),
    ],
    create=lambda by, **data: services.organization_create(by=by, **data),
    update=lambda by, obj, **data: services.organization_update(by=by, organization=obj, **data),
    delete=lambda by, obj: services.organization_delete(by=by, organization=obj),
    can_write=services.can_write_organization, table_columns=7, has_detail=True,
)

COVERAGE = Register(
    noun="coverage", title="覆盖企业", icon="bi-diagram-2",
    queryset=lambda user: PartyCoverage.objects.visible_to(user).select_related(
        "organization", "enterprise__region"),
    filter_form=f.CoverageFilter, form=f.CoverageForm,
    columns=[
        Column("企业", lambda c: c.enterprise.name, 32),
        Column("统一社会信用代码", lambda c: c.enterprise.uscc, 22),
        Column("所在街道", lambda c: c.enterprise.region.name, 12),
        Column("党组织", lambda c: c.organization.name, 30),
        Column("起始日期", lambda c: c.start, 12),
        Column("截止日期", lambda c: _until(c.end), 12),
    ],
    create=lambda by, **data: services.coverage_add(by=by, **data),
    update=lambda by, obj, **data: services.coverage_update(by=by, coverage=obj, **data),
    delete=lambda by, obj: services.coverage_delete(by=by, coverage=obj),
    can_write=_org_region_writer, preselect=("organization", "enterprise"),
)

MEMBER = Register(
    noun="member", title="党员", icon="bi-person-badge",
    queryset=lambda user: PartyMember.objects.visible_to(user).select_related(
        "person__enterprise", "organization"),
    filter_form=f.MemberFilter, form=f.MemberForm,
    columns=[
        Column("姓名", lambda m: m.person.name, 12),
        Column("党组织", lambda m: m.organization.name, 30),
        Column("类别", lambda m: m.get_category_display(), 10),
        Column("所在企业", lambda m: m.person.enterprise.name if m.person.enterprise_id else "", 30),
        Column("入党日期", lambda m: m.joined_party, 12),
        Column("转入本组织", lambda m: m.joined_org, 12),
        Column("转出日期", lambda m: m.left, 12),
        Column("流动党员", lambda m: m.flowing, 8),
    ],
    create=lambda by, **data: services.member_create(by=by, **data),
    update=lambda by, obj, **data: services.member_update(by=by, member=obj, **data),
    delete=lambda by, obj: services.member_delete(by=by, member=obj),
    can_write=_org_region_writer, table_columns=7, has_detail=True, preselect=("organization", "person"),
)

ASSIGNMENT = Register(
    noun="assignment", title="党建指导员联系企业", icon="bi-person-workspace",
    queryset=lambda user: InstructorAssignment.objects.visible_to(user).select_related(
        "instructor__chamber", "enterprise__region"),
    filter_form=f.AssignmentFilter, form=f.AssignmentForm,
    columns=[
        Column("指导员", lambda a: a.instructor.name, 10),
        Column("所在商会", lambda a: a.instructor.chamber.name, 24),
        Column("企业", lambda a: a.enterprise.name, 32),
        Column("所在街道", lambda a: a.enterprise.region.name, 12),
        Column("起始日期", lambda a: a.start, 12),
        Column("截止日期", lambda a: _until(a.end), 12),
    ],
    create=lambda by, **data: services.assignment_create(by=by, **data),
    update=lambda by, obj, **data: services.assignment_update(by=by, assignment=obj, **data),
    delete=lambda by, obj: services.assignment_delete(by=by, assignment=obj),
    can_write=lambda user, obj: can_write_region(user, obj.enterprise.region), has_detail=True,
    preselect=("enterprise", "instructor"),
)


def _can_create_visit(user) -> bool:
    if writable_regions(user).exists():
        return True
    return (user.is_authenticated and user.role == Role.PARTY_INSTRUCTOR
            and InstructorAssignment.objects.visible_to(user).filter(instructor__user=user).exists())


VISIT = Register(
    noun="visit", title="指导员走访记录", icon="bi-signpost-2",
    queryset=lambda user: InstructorVisit.objects.visible_to(user).select_related(
        "assignment__instructor", "assignment__enterprise"),
    filter_form=f.VisitFilter, form=f.VisitForm,
    columns=[
        Column("走访日期", lambda v: v.date, 12),
        Column("企业", lambda v: v.assignment.enterprise.name, 32),
        Column("指导员", lambda v: v.assignment.instructor.name, 10),
        Column("走访内容", lambda v: v.topics, 40),
        Column("后续事项", lambda v: v.follow_ups, 30),
    ],
    create=lambda by, **data: services.visit_create(by=by, **data),
    update=lambda by, obj, **data: services.visit_update(by=by, visit=obj, **data),
    delete=lambda by, obj: services.visit_delete(by=by, visit=obj),
    can_write=lambda user, obj: services.can_record_visit(user, obj.assignment),
    can_create=_can_create_visit, preselect=("assignment",),
)

ORGLIFE = Register(
    noun="orglife", title="组织生活", icon="bi-calendar-check",
    queryset=lambda user: OrgLifeRecord.objects.visible_to(user).select_related("organization"),
    filter_form=f.OrgLifeFilter, form=f.OrgLifeForm,
    columns=[
        Column("日期", lambda r: r.date, 12),
        Column("党组织", lambda r: r.organization.name, 30),
        Column("类型", lambda r: r.get_kind_display(), 12),
        Column("主题", lambda r: r.topic, 36),
        Column("出席人数", lambda r: r.attendance, 10),
        Column("会议记录", lambda r: "有" if r.minutes else "", 8),
    ],
    create=lambda by, **data: services.orglife_create(by=by, **data),
    update=lambda by, obj, **data: services.orglife_update(by=by, entry=obj, **data),
    delete=lambda by, obj: services.orglife_delete(by=by, entry=obj),
    can_write=_org_region_writer, preselect=("organization",),
)

REGISTERS = {r.noun: r for r in (ORGANIZATION, COVERAGE, MEMBER, ASSIGNMENT, VISIT, ORGLIFE)}
