"""The party registers (organisations, coverage, members, instructors, visits, meetings) as one spec each.

Every register has the same pages: list, export, create, edit, delete (core.crud.Register
builds them; urls.py names them), and some a hand-written detail page in views.py.
"""

from django.urls import reverse

from shanghui.accounts.scope import can_write_region, writes_some_region
from shanghui.core.crud import Register
from shanghui.core.exporting import Column
from shanghui.core.roles import Role

from . import forms as f
from . import services
from .models import InstructorAssignment, InstructorVisit, OrgLifeRecord, PartyCoverage, PartyMember


def _until(value) -> str:
    return f"{value:%Y-%m-%d}" if value else "至今"


def _crumbs() -> list[tuple[str, str]]:
    return [("党建", reverse("party:dashboard"))]


def _register(**spec) -> Register:
    return Register(app="party", crumbs=_crumbs, **spec)


def _org_region_writer(user, obj) -> bool:
    return services.can_write_organization(user, obj.organization)


ORGANIZATION = _register(
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
    create=services.organization_create, update=services.organization_update, delete=services.organization_delete, row="organization",
    can_write=services.can_write_organization, table_columns=7, has_detail=True,
)

COVERAGE = _register(
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
    create=services.coverage_add, update=services.coverage_update, delete=services.coverage_delete, row="coverage",
    can_write=_org_region_writer, preselect=("organization", "enterprise"),
)

MEMBER = _register(
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
    create=services.member_create, update=services.member_update, delete=services.member_delete, row="member",
    can_write=_org_region_writer, table_columns=7, has_detail=True, preselect=("organization", "person"),
)

ASSIGNMENT = _register(
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
    create=services.assignment_create, update=services.assignment_update, delete=services.assignment_delete, row="assignment",
    can_write=lambda user, obj: can_write_region(user, obj.enterprise.region), has_detail=True,
    preselect=("enterprise", "instructor"),
)


def _can_create_visit(user) -> bool:
    if writes_some_region(user):
        return True
    return (user.is_authenticated and user.role == Role.PARTY_INSTRUCTOR
            and InstructorAssignment.objects.visible_to(user).filter(instructor__user=user).exists())


VISIT = _register(
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
    create=services.visit_create, update=services.visit_update, delete=services.visit_delete, row="visit",
    can_write=lambda user, obj: services.can_record_visit(user, obj.assignment),
    can_create=_can_create_visit, preselect=("assignment",),
)

ORGLIFE = _register(
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
    create=services.orglife_create, update=services.orglife_update, delete=services.orglife_delete, row="entry",
    can_write=_org_region_writer, preselect=("organization",),
)

REGISTERS = {r.noun: r for r in (ORGANIZATION, COVERAGE, MEMBER, ASSIGNMENT, VISIT, ORGLIFE)}
