"""Chambers of commerce (商会): street chambers, industry chambers, associations."""

import datetime as dt

from ninja import Field, Query, Router, Schema

from shanghui.orgs import services
from shanghui.orgs.models import Chamber, Region

from .common import InSchema, RegionRef, Resource, display, filtered, paginated, partial, region_filter
from .errors import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["商会"])

CHAMBERS = Resource(Chamber, "chamber", refs={"region": (Region, "行政区划")})


class ChamberIn(InSchema):
    name: str = Field(description="名称（全区唯一）")
    kind: Chamber.Kind = Field(description="类型：street 街道商会，industry 行业商会，association 协会")
    region: str = Field(description="所在区域的行政区划代码；街道商会须为街道，如 110101001")
    founded: dt.date | None = Field(None, description="成立日期")
    individual_members: bool = Field(False, description="个人会员制（仅协会，如青创会）")
    has_office: bool = Field(False, description="办公场地保障")
    has_service_functions: bool = Field(False, description="服务职能保障")
    has_staff: bool = Field(False, description="工作人员保障")
    has_funding: bool = Field(False, description="经费保障")
    address: str = Field("", description="地址")
    phone: str = Field("", description="联系电话")
    is_active: bool = Field(True, description="有效")


ChamberPatch = partial(ChamberIn, "ChamberPatch")


class ChamberOut(RegionRef):
    id: int
    name: str = Field(description="名称")
    kind: str = Field(description="类型代码")
    kind_label: str = Field(description="类型名称")
    founded: dt.date | None = Field(description="成立日期")
    individual_members: bool = Field(description="个人会员制")
    has_office: bool
    has_service_functions: bool
    has_staff: bool
    has_funding: bool
    guarantees: int = Field(description="四个保障中已落实的项数")
    address: str
    phone: str
    is_active: bool

    resolve_kind_label = display("kind")


class ChamberFilter(Schema):
    q: str | None = Field(None, description="按名称或拼音首字母搜索")
    kind: Chamber.Kind | None = Field(None, description="类型")
    region: str | None = Field(None, description="行政区划代码（含下级区域）")


@router.get("", response=list[ChamberOut], summary="商会列表")
@paginated
def list_chambers(request, filters: Query[ChamberFilter]):
    qs = Chamber.objects.visible_to(request.auth_user).select_related("region").search(filters.q)
    return region_filter(filtered(qs, filters, kind="kind"), filters.region)


@router.get("/{chamber_id}", response={200: ChamberOut, **READ_ERRORS}, summary="商会详情")
def get_chamber(request, chamber_id: int):
    return CHAMBERS.get(request, chamber_id)


@router.post("", response={201: ChamberOut, **WRITE_ERRORS}, summary="新增商会")
def create_chamber(request, payload: ChamberIn):
    return CHAMBERS.create(request, payload, services.chamber_create)


@router.patch("/{chamber_id}", response={200: ChamberOut, **WRITE_ERRORS}, summary="修改商会")
def update_chamber(request, chamber_id: int, payload: ChamberPatch):
    return CHAMBERS.update(request, chamber_id, payload, services.chamber_update)


@router.delete("/{chamber_id}", response={204: None, **WRITE_ERRORS}, summary="删除商会")
def delete_chamber(request, chamber_id: int):
    return CHAMBERS.delete(request, chamber_id, services.chamber_delete)
