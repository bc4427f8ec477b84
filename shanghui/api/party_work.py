"""Party work: instructors' assignments to enterprises (党建指导员联系企业), their visits, and
organisational-life records (三会一课、主题党日、组织生活会、民主评议). Meeting minutes files are
uploaded through the web page; the API says whether there is one."""

import datetime as dt

from ninja import Field, Query, Router, Schema

from shanghui.directory.models import Enterprise
from shanghui.orgs.models import StaffAssignment
from shanghui.party import services
from shanghui.party.models import (
    InstructorAssignment,
    InstructorVisit,
    OrgLifeKind,
    OrgLifeRecord,
    PartyOrganization,
)

from .common import Id, InSchema, Resource, display, filtered, follow, paginated, partial
from .errors import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["党建：指导员与组织生活"])


# --- instructor assignments ----------------------------------------------------------

ASSIGNMENTS = Resource(InstructorAssignment, "assignment",
                       refs={"instructor": (StaffAssignment, "党建指导员"), "enterprise": (Enterprise, "企业")})


class AssignmentIn(InSchema):
    instructor: Id = Field(description="党建指导员（商会人员配备中“专职党建指导员”）的编号")
    enterprise: Id = Field(description="企业编号（尚未单独组建党组织的企业）")
    start: dt.date = Field(description="指导起始日期")
    end: dt.date | None = Field(None, description="指导截止日期（含）")


AssignmentPatch = partial(AssignmentIn, "AssignmentPatch")


class AssignmentOut(Schema):
    id: int
    instructor: int = Field(alias="instructor_id")
    instructor_name: str
    enterprise: int = Field(alias="enterprise_id")
    enterprise_name: str
    start: dt.date
    end: dt.date | None

    resolve_instructor_name = follow("instructor.name")
    resolve_enterprise_name = follow("enterprise.name")


class AssignmentFilter(Schema):
    instructor: Id | None = None
    enterprise: Id | None = None
    active_on: dt.date | None = Field(None, description="只列出该日有效的联系关系")


@router.get("/assignments", response=list[AssignmentOut], summary="指导员联系企业列表")
@paginated
def list_instructor_assignments(request, filters: Query[AssignmentFilter]):
    qs = InstructorAssignment.objects.visible_to(request.auth_user).select_related("instructor", "enterprise")
    qs = filtered(qs, filters, instructor="instructor_id", enterprise="enterprise_id")
    if filters.active_on:
        qs = qs.overlapping(filters.active_on, filters.active_on)
    return qs


@router.get("/assignments/{int:assignment_id}", response={200: AssignmentOut, **READ_ERRORS}, summary="联系关系详情")
def get_instructor_assignment(request, assignment_id: int):
    return ASSIGNMENTS.get(request, assignment_id)


@router.post("/assignments", response={201: AssignmentOut, **WRITE_ERRORS}, summary="新增指导员联系企业")
def create_instructor_assignment(request, payload: AssignmentIn):
    return ASSIGNMENTS.create(request, payload, services.assignment_create)


@router.patch("/assignments/{int:assignment_id}", response={200: AssignmentOut, **WRITE_ERRORS}, summary="修改联系关系")
def update_instructor_assignment(request, assignment_id: int, payload: AssignmentPatch):
    return ASSIGNMENTS.update(request, assignment_id, payload, services.assignment_update)


@router.delete("/assignments/{int:assignment_id}", response={204: None, **WRITE_ERRORS}, summary="删除联系关系")
def delete_instructor_assignment(request, assignment_id: int):
    return ASSIGNMENTS.delete(request, assignment_id, services.assignment_delete)


# --- visits --------------------------------------------------------------------

VISITS = Resource(InstructorVisit, "visit", refs={"assignment": (InstructorAssignment, "联系关系")})


class VisitIn(InSchema):
    assignment: Id = Field(description="联系关系编号（指导员与企业）")
    date: dt.date = Field(description="走访日期")
    topics: str = Field(max_length=2000, description="走访内容")
    follow_ups: str = Field("", max_length=2000, description="后续事项")


VisitPatch = partial(VisitIn, "VisitPatch")


class VisitOut(Schema):
    id: int
    assignment: int = Field(alias="assignment_id")
    enterprise: int
    enterprise_name: str
    instructor_name: str
    date: dt.date
    topics: str
    follow_ups: str

    resolve_enterprise = follow("assignment.enterprise_id")
    resolve_enterprise_name = follow("assignment.enterprise.name")
    resolve_instructor_name = follow("assignment.instructor.name")


class VisitFilter(Schema):
    assignment: Id | None = None
    enterprise: Id | None = None
    year: int | None = Field(None, ge=1949, le=2100)


@router.get("/visits", response=list[VisitOut], summary="走访记录列表")
@paginated
def list_instructor_visits(request, filters: Query[VisitFilter]):
    qs = InstructorVisit.objects.visible_to(request.auth_user).select_related(
        "assignment__enterprise", "assignment__instructor")
    return filtered(qs, filters, assignment="assignment_id", enterprise="assignment__enterprise_id",
                    year="date__year")


@router.get("/visits/{int:visit_id}", response={200: VisitOut, **READ_ERRORS}, summary="走访记录详情")
def get_instructor_visit(request, visit_id: int):
    return VISITS.get(request, visit_id)


@router.post("/visits", response={201: VisitOut, **WRITE_ERRORS}, summary="新增走访记录",
             description="街道工作人员可为本街道的联系关系登记；党建指导员可为自己联系的企业登记。")
def create_instructor_visit(request, payload: VisitIn):
    return VISITS.create(request, payload, services.visit_create)


@router.patch("/visits/{int:visit_id}", response={200: VisitOut, **WRITE_ERRORS}, summary="修改走访记录")
def update_instructor_visit(request, visit_id: int, payload: VisitPatch):
    return VISITS.update(request, visit_id, payload, services.visit_update)


@router.delete("/visits/{int:visit_id}", response={204: None, **WRITE_ERRORS}, summary="删除走访记录")
def delete_instructor_visit(request, visit_id: int):
    return VISITS.delete(request, visit_id, services.visit_delete)


# --- organisational life ---------------------------------------------------------------

# The services call a record an entry.
ORGLIFE = Resource(OrgLifeRecord, "entry", refs={"organization": (PartyOrganization, "党组织")})


class OrgLifeIn(InSchema):
    organization: Id = Field(description="党组织编号")
    kind: OrgLifeKind = Field(description="类型")
    date: dt.date = Field(description="日期")
    topic: str = Field(max_length=200, description="主题")
    attendance: int = Field(ge=0, le=100_000, description="出席人数")


OrgLifePatch = partial(OrgLifeIn, "OrgLifePatch")


class OrgLifeOut(Schema):
    id: int
    organization: int = Field(alias="organization_id")
    organization_name: str
    kind: str
    kind_label: str
    date: dt.date
    topic: str
    attendance: int
    has_minutes: bool = Field(description="是否上传了会议记录（在网页中下载）")

    resolve_organization_name = follow("organization.name")
    resolve_kind_label = display("kind")

    @staticmethod
    def resolve_has_minutes(obj) -> bool:
        return bool(obj.minutes)


class OrgLifeFilter(Schema):
    organization: Id | None = None
    kind: OrgLifeKind | None = None
    year: int | None = Field(None, ge=1949, le=2100)


@router.get("/orglife", response=list[OrgLifeOut], summary="组织生活记录列表")
@paginated
def list_orglife_records(request, filters: Query[OrgLifeFilter]):
    qs = OrgLifeRecord.objects.visible_to(request.auth_user).select_related("organization")
    return filtered(qs, filters, organization="organization_id", kind="kind", year="date__year")


@router.get("/orglife/{int:record_id}", response={200: OrgLifeOut, **READ_ERRORS}, summary="组织生活记录详情")
def get_orglife_record(request, record_id: int):
    return ORGLIFE.get(request, record_id)


@router.post("/orglife", response={201: OrgLifeOut, **WRITE_ERRORS}, summary="新增组织生活记录")
def create_orglife_record(request, payload: OrgLifeIn):
    return ORGLIFE.create(request, payload, services.orglife_create)


@router.patch("/orglife/{int:record_id}", response={200: OrgLifeOut, **WRITE_ERRORS}, summary="修改组织生活记录")
def update_orglife_record(request, record_id: int, payload: OrgLifePatch):
    return ORGLIFE.update(request, record_id, payload, services.orglife_update)


@router.delete("/orglife/{int:record_id}", response={204: None, **WRITE_ERRORS}, summary="删除组织生活记录")
def delete_orglife_record(request, record_id: int):
    return ORGLIFE.delete(request, record_id, services.orglife_delete)
