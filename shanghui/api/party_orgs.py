"""Party organisations (党组织), the enterprises they cover (覆盖) and party members (党员).

Coverage and membership keep their history: `POST /party/coverages/move` hands an enterprise
over to another organisation (the current coverage ends the day before), and
`POST /party/members/{id}/transfer` transfers a member (组织关系转接) the same way.
"""

import datetime as dt

from django.db.models import Q
from ninja import Field, Query, Router, Schema, Status

from shanghui.directory.models import Enterprise, Person
from shanghui.orgs.models import Chamber
from shanghui.party import services
from shanghui.party.models import Form, Level, PartyCoverage, PartyMember, PartyOrganization

from .common import (
    Id,
    InSchema,
    Resource,
    display,
    filtered,
    follow,
    paginated,
    partial,
    region_by_code,
    resolve,
)
from .errors import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["党建：党组织与党员"])


# --- organisations -------------------------------------------------------------

ORGANIZATIONS = Resource(PartyOrganization, "organization",
                         refs={"parent": (PartyOrganization, "党组织"), "host_chamber": (Chamber, "商会"),
                               "enterprise": (Enterprise, "企业")})


class OrganizationIn(InSchema):
    name: str = Field(description="名称")
    level: Level = Field(description="层级：committee 党委，general_branch 党总支，branch 党支部")
    form: Form = Field(description="组建方式：own 单独组建，joint 联合组建")
    parent: Id | None = Field(None, description="上级党组织编号")
    host_chamber: Id | None = Field(None, description="依托商会编号（联合组建时必填）")
    enterprise: Id | None = Field(None, description="所在企业编号（单独组建时必填；建立后自动覆盖该企业）")
    secretary: str = Field("", description="书记")
    founded: dt.date = Field(description="成立日期")
    term_years: int = Field(3, ge=1, le=5, description="每届任期（年）")
    term_end: dt.date | None = Field(None, description="本届届满日期；新建时留空按成立日期和任期计算")
    dissolved: dt.date | None = Field(None, description="撤销日期")


OrganizationPatch = partial(OrganizationIn, "OrganizationPatch")


class OrganizationOut(Schema):
    id: int
    name: str
    level: str
    level_label: str
    form: str
    form_label: str
    parent: int | None = Field(alias="parent_id")
    host_chamber: int | None = Field(alias="host_chamber_id")
    enterprise: int | None = Field(alias="enterprise_id")
    region: str | None = Field(description="所属区域的行政区划代码")
    secretary: str
    founded: dt.date
    term_years: int
    term_end: dt.date | None
    dissolved: dt.date | None

    resolve_level_label = display("level")
    resolve_form_label = display("form")
    resolve_region = follow("region.code")


class OrganizationFilter(Schema):
    q: str | None = Field(None, description="按名称或拼音首字母搜索")
    level: Level | None = None
    form: Form | None = None
    region: str | None = Field(None, description="行政区划代码（含下级区域）")
    term_due: bool | None = Field(None, description="true：只列出90天内届满或已到期、尚未撤销的组织（换届提醒）")


def _orgs(user):
    return PartyOrganization.objects.visible_to(user).select_related("host_chamber__region", "enterprise__region")


@router.get("/organizations", response=list[OrganizationOut], summary="党组织列表")
@paginated
def list_party_organizations(request, filters: Query[OrganizationFilter]):
    qs = filtered(_orgs(request.auth_user).search(filters.q), filters, level="level", form="form")
    if filters.region:
        path = region_by_code(filters.region).path
        qs = qs.filter(Q(host_chamber__region__path__startswith=path) | Q(enterprise__region__path__startswith=path))
    if filters.term_due:
        qs = qs.term_due(dt.date.today()).order_by("term_end")
    return qs


@router.get("/organizations/{int:org_id}", response={200: OrganizationOut, **READ_ERRORS}, summary="党组织详情")
def get_party_organization(request, org_id: int):
    return ORGANIZATIONS.get(request, org_id)


@router.post("/organizations", response={201: OrganizationOut, **WRITE_ERRORS}, summary="新增党组织")
def create_party_organization(request, payload: OrganizationIn):
    return ORGANIZATIONS.create(request, payload, services.organization_create)


@router.patch("/organizations/{int:org_id}", response={200: OrganizationOut, **WRITE_ERRORS}, summary="修改党组织")
def update_party_organization(request, org_id: int, payload: OrganizationPatch):
    return ORGANIZATIONS.update(request, org_id, payload, services.organization_update)


@router.delete("/organizations/{int:org_id}", response={204: None, **WRITE_ERRORS}, summary="删除党组织")
def delete_party_organization(request, org_id: int):
    return ORGANIZATIONS.delete(request, org_id, services.organization_delete)


# --- coverage ------------------------------------------------------------------

COVERAGES = Resource(PartyCoverage, "coverage",
                     refs={"organization": (PartyOrganization, "党组织"), "enterprise": (Enterprise, "企业")})


class CoverageIn(InSchema):
    organization: Id = Field(description="党组织编号")
    enterprise: Id = Field(description="企业编号")
    start: dt.date = Field(description="覆盖起始日期")
    end: dt.date | None = Field(None, description="覆盖截止日期（含）；空表示至今")


CoveragePatch = partial(CoverageIn, "CoveragePatch")


class CoverageMoveIn(InSchema):
    enterprise: Id = Field(description="企业编号")
    organization: Id = Field(description="转由覆盖的党组织编号")
    on: dt.date = Field(description="转移日期：新组织自该日起覆盖，原覆盖截至前一日")


class CoverageOut(Schema):
    id: int
    organization: int = Field(alias="organization_id")
    organization_name: str
    enterprise: int = Field(alias="enterprise_id")
    enterprise_name: str
    start: dt.date
    end: dt.date | None

    resolve_organization_name = follow("organization.name")
    resolve_enterprise_name = follow("enterprise.name")


class CoverageFilter(Schema):
    organization: Id | None = None
    enterprise: Id | None = None
    active_on: dt.date | None = Field(None, description="只列出该日有效的覆盖")


@router.get("/coverages", response=list[CoverageOut], summary="覆盖企业列表（含历史）")
@paginated
def list_party_coverages(request, filters: Query[CoverageFilter]):
    qs = PartyCoverage.objects.visible_to(request.auth_user).select_related("organization", "enterprise")
    qs = filtered(qs, filters, organization="organization_id", enterprise="enterprise_id")
    if filters.active_on:
        qs = qs.active_on(filters.active_on)
    return qs


@router.get("/coverages/{int:coverage_id}", response={200: CoverageOut, **READ_ERRORS}, summary="覆盖记录详情")
def get_party_coverage(request, coverage_id: int):
    return COVERAGES.get(request, coverage_id)


@router.post("/coverages", response={201: CoverageOut, **WRITE_ERRORS}, summary="新增覆盖企业",
             description="该企业同一时间已由其他党组织覆盖时拒绝；转由其他组织覆盖请用 /party/coverages/move。")
def create_party_coverage(request, payload: CoverageIn):
    return COVERAGES.create(request, payload, services.coverage_add)


@router.post("/coverages/move", response={201: CoverageOut, **WRITE_ERRORS}, summary="转移覆盖")
def move_party_coverage(request, payload: CoverageMoveIn):
    return COVERAGES.create(request, payload, services.coverage_move)


@router.patch("/coverages/{int:coverage_id}", response={200: CoverageOut, **WRITE_ERRORS}, summary="修改覆盖记录")
def update_party_coverage(request, coverage_id: int, payload: CoveragePatch):
    return COVERAGES.update(request, coverage_id, payload, services.coverage_update)


@router.delete("/coverages/{int:coverage_id}", response={204: None, **WRITE_ERRORS}, summary="删除覆盖记录")
def delete_party_coverage(request, coverage_id: int):
    return COVERAGES.delete(request, coverage_id, services.coverage_delete)


# --- members -------------------------------------------------------------------

MEMBERS = Resource(PartyMember, "member",
                   refs={"person": (Person, "人员"), "organization": (PartyOrganization, "党组织")})


class MemberIn(InSchema):
    person: Id = Field(description="人员编号")
    organization: Id = Field(description="党组织编号")
    category: PartyMember.Category = Field(PartyMember.Category.FULL, description="full 正式党员，probationary 预备党员")
    joined_party: dt.date = Field(description="入党日期")
    joined_org: dt.date = Field(description="转入本组织日期")
    left: dt.date | None = Field(None, description="转出日期（含）")
    flowing: bool = Field(False, description="流动党员")


MemberPatch = partial(MemberIn, "MemberPatch")


class TransferIn(InSchema):
    to: Id = Field(description="转入党组织编号")
    on: dt.date = Field(description="转接日期：自该日起属于转入组织")
    flowing: bool | None = Field(None, description="流动党员；不填则不变")


class MemberOut(Schema):
    id: int
    person: int = Field(alias="person_id")
    person_name: str
    enterprise: int | None = Field(description="人员所在企业编号")
    organization: int = Field(alias="organization_id")
    organization_name: str
    category: str
    category_label: str
    joined_party: dt.date
    joined_org: dt.date
    left: dt.date | None
    flowing: bool

    resolve_person_name = follow("person.name")
    resolve_enterprise = follow("person.enterprise_id")
    resolve_organization_name = follow("organization.name")
    resolve_category_label = display("category")


class MemberFilter(Schema):
    organization: Id | None = None
    person: Id | None = None
    enterprise: Id | None = Field(None, description="人员所在企业编号")
    active_on: dt.date | None = Field(None, description="只列出该日在册的党员")


@router.get("/members", response=list[MemberOut], summary="党员列表（含组织关系历史）")
@paginated
def list_party_members(request, filters: Query[MemberFilter]):
    qs = PartyMember.objects.visible_to(request.auth_user).select_related("person", "organization")
    qs = filtered(qs, filters, organization="organization_id", person="person_id", enterprise="person__enterprise_id")
    if filters.active_on:
        qs = qs.active_on(filters.active_on)
    return qs


@router.get("/members/{int:member_id}", response={200: MemberOut, **READ_ERRORS}, summary="党员详情")
def get_party_member(request, member_id: int):
    return MEMBERS.get(request, member_id)


@router.post("/members", response={201: MemberOut, **WRITE_ERRORS}, summary="新增党员")
def create_party_member(request, payload: MemberIn):
    return MEMBERS.create(request, payload, services.member_create)


@router.post("/members/{int:member_id}/transfer", response={201: MemberOut, **WRITE_ERRORS}, summary="组织关系转接",
             description="原组织关系截至转接日前一日，自转接日起在转入组织新建一条记录；答复为新记录。")
def transfer_party_member(request, member_id: int, payload: TransferIn):
    member = MEMBERS.get(request, member_id)
    data = resolve(request.auth_user, payload.dict(), {"to": (PartyOrganization, "党组织")})
    return Status(201, services.member_transfer(by=request.auth_user, member=member, **data))


@router.patch("/members/{int:member_id}", response={200: MemberOut, **WRITE_ERRORS}, summary="修改党员")
def update_party_member(request, member_id: int, payload: MemberPatch):
    return MEMBERS.update(request, member_id, payload, services.member_update)


@router.delete("/members/{int:member_id}", response={204: None, **WRITE_ERRORS}, summary="删除党员")
def delete_party_member(request, member_id: int):
    return MEMBERS.delete(request, member_id, services.member_delete)
