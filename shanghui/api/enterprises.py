"""Enterprises (非公企业) of the district register."""

import datetime as dt

from ninja import Field, Query, Router, Schema

from shanghui.directory import services
from shanghui.directory.choices import Industry, Size
from shanghui.directory.choices import Status as EnterpriseStatus
from shanghui.directory.models import Enterprise, Person
from shanghui.orgs.models import Region

from .auth import enterprise_operation
from .common import Id, InSchema, RegionRef, Resource, filtered, follow, paginated, partial, region_filter
from .errors import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["企业"])

ENTERPRISES = Resource(Enterprise, "enterprise", refs={"region": (Region, "行政区划"), "principal": (Person, "人员")},
                       blank=("industry", "size"))


class EnterpriseIn(InSchema):
    uscc: str = Field(description="统一社会信用代码（18位，校验位按 GB 32100-2015 核对）")
    name: str = Field(description="企业名称")
    region: str = Field(description="所在街道的行政区划代码，如 110101001")
    industry: Industry | None = Field(None, description="行业门类（GB/T 4754-2017，A–T）")
    size: Size | None = Field(None, description="企业规模")
    employees: int | None = Field(None, ge=0, le=10_000_000, description="从业人数")
    founded: dt.date | None = Field(None, description="成立日期")
    status: EnterpriseStatus = Field(EnterpriseStatus.ACTIVE, description="经营状态")
    status_changed: dt.date | None = Field(None, description="注销或迁出日期（起不再存续的第一天），存续企业不填")
    address: str = Field("", description="地址")
    principal: Id | None = Field(None, description="主要负责人（一把手）的人员编号")


EnterprisePatch = partial(EnterpriseIn, "EnterprisePatch")


class EnterpriseOut(RegionRef):
    id: int
    uscc: str = Field(description="统一社会信用代码")
    name: str = Field(description="企业名称")
    industry: str = Field(description="行业门类代码")
    industry_label: str = Field(alias="get_industry_display", description="行业门类名称")
    size: str = Field(description="企业规模代码")
    size_label: str = Field(alias="get_size_display", description="企业规模名称")
    employees: int | None = Field(description="从业人数")
    founded: dt.date | None = Field(description="成立日期")
    status: str = Field(description="经营状态代码")
    status_label: str = Field(alias="get_status_display", description="经营状态名称")
    status_changed: dt.date | None = Field(description="注销或迁出日期")
    address: str
    principal: int | None = Field(alias="principal_id", description="主要负责人的人员编号")
    principal_name: str | None = Field(description="主要负责人姓名")
    created: dt.datetime = Field(description="登记时间")

    resolve_principal_name = follow("principal.name")


class EnterpriseFilter(Schema):
    q: str | None = Field(None, description="按名称、拼音首字母或信用代码前缀搜索")
    region: str | None = Field(None, description="行政区划代码（含下级区域）")
    industry: Industry | None = Field(None, description="行业门类")
    status: EnterpriseStatus | None = Field(None, description="经营状态")


@router.get("", response=list[EnterpriseOut], summary="企业列表")
@enterprise_operation
@paginated
def list_enterprises(request, filters: Query[EnterpriseFilter]):
    qs = Enterprise.objects.visible_to(request.auth_user).select_related("region", "principal")
    qs = region_filter(qs.search(filters.q), filters.region)
    return filtered(qs, filters, industry="industry", status="status")


@router.get("/{enterprise_id}", response={200: EnterpriseOut, **READ_ERRORS}, summary="企业详情")
@enterprise_operation
def get_enterprise(request, enterprise_id: int):
    return ENTERPRISES.get(request, enterprise_id)


@router.post("", response={201: EnterpriseOut, **WRITE_ERRORS}, summary="新增企业")
def create_enterprise(request, payload: EnterpriseIn):
    return ENTERPRISES.create(request, payload, services.enterprise_create)


@router.patch("/{enterprise_id}", response={200: EnterpriseOut, **WRITE_ERRORS}, summary="修改企业",
              description="企业用户只能修改本企业的地址、从业人数、规模和行业。")
@enterprise_operation
def update_enterprise(request, enterprise_id: int, payload: EnterprisePatch):
    return ENTERPRISES.update(request, enterprise_id, payload, services.enterprise_update)


@router.delete("/{enterprise_id}", response={204: None, **WRITE_ERRORS}, summary="删除企业")
def delete_enterprise(request, enterprise_id: int):
    return ENTERPRISES.delete(request, enterprise_id, services.enterprise_delete)
