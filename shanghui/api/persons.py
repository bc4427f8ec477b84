"""Persons (人员). ID and mobile numbers go in as plain text and come out masked only;
the plain values come from `POST /persons/{id}/unmask`, for the kinds the user is granted
(accounts/unmask.py), and every such call, refused or not, is an audit event.

Birth date is not in the output: the masked ID number hides exactly the birth-date
digits, so giving the birth date beside it would give away the whole number.
"""

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from shanghui.directory import services
from shanghui.directory.choices import Gender, PoliticalStatus
from shanghui.directory.models import Enterprise, Person
from shanghui.orgs.models import Region

from .auth import enterprise_operation
from .common import Id, InSchema, RegionRef, Resource, filtered, follow, paginated, partial, region_filter
from .errors import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["人员"])

PERSONS = Resource(Person, "person", refs={"region": (Region, "行政区划"), "enterprise": (Enterprise, "企业")},
                   blank=("gender", "political_status"))


class PersonIn(InSchema):
    name: str = Field(description="姓名")
    region: str = Field(description="所属街道的行政区划代码，如 110101001")
    enterprise: Id | None = Field(None, description="所在企业编号")
    position: str = Field("", description="职务")
    gender: Gender | None = Field(None, description="性别（填写身份证号码时按号码确定）")
    political_status: PoliticalStatus | None = Field(None, description="政治面貌")
    id_number: str | None = Field(None, description="身份证号码（18位，核对校验位）；修改时传空字符串表示清除")
    mobile: str | None = Field(None, description="手机号码；修改时传空字符串表示清除")


PersonPatch = partial(PersonIn, "PersonPatch")


class PersonOut(RegionRef):
    id: int
    name: str = Field(description="姓名")
    gender: str = Field(description="性别代码：M 男，F 女")
    gender_label: str = Field(alias="get_gender_display", description="性别")
    political_status: str = Field(description="政治面貌代码")
    political_status_label: str = Field(alias="get_political_status_display", description="政治面貌")
    enterprise: int | None = Field(alias="enterprise_id", description="所在企业编号")
    enterprise_name: str | None = Field(description="所在企业名称")
    position: str = Field(description="职务")
    id_number_masked: str = Field(description="脱敏的身份证号码，如 110101********123X")
    mobile_masked: str = Field(description="脱敏的手机号码，如 138****8000")
    created: dt.datetime = Field(description="登记时间")

    resolve_enterprise_name = follow("enterprise.name")


class PlainOut(Schema):
    id_number: str | None = Field(None, description="身份证号码明文；无权查看身份证号码时为 null")
    mobile: str | None = Field(None, description="手机号码明文；无权查看手机号码时为 null")


class PersonFilter(Schema):
    q: str | None = Field(None, description="按姓名或拼音首字母搜索")
    region: str | None = Field(None, description="行政区划代码（含下级区域）")
    enterprise: Id | None = Field(None, description="所在企业编号")


@router.get("", response=list[PersonOut], summary="人员列表")
@enterprise_operation
@paginated
def list_persons(request, filters: Query[PersonFilter]):
    qs = Person.objects.visible_to(request.auth_user).select_related("region", "enterprise")
    qs = region_filter(qs.search(filters.q), filters.region)
    return filtered(qs, filters, enterprise="enterprise_id")


@router.get("/{person_id}", response={200: PersonOut, **READ_ERRORS}, summary="人员详情")
@enterprise_operation
def get_person(request, person_id: int):
    return PERSONS.get(request, person_id)


@router.post("", response={201: PersonOut, **WRITE_ERRORS}, summary="新增人员")
def create_person(request, payload: PersonIn):
    return PERSONS.create(request, payload, services.person_create,
                          id_number=payload.id_number or "", mobile=payload.mobile or "")


@router.patch("/{person_id}", response={200: PersonOut, **WRITE_ERRORS}, summary="修改人员")
def update_person(request, person_id: int, payload: PersonPatch):
    return PERSONS.update(request, person_id, payload, services.person_update)


@router.delete("/{person_id}", response={204: None, **WRITE_ERRORS}, summary="删除人员")
def delete_person(request, person_id: int):
    return PERSONS.delete(request, person_id, services.person_delete)


@router.post("/{person_id}/unmask", response={200: PlainOut, **WRITE_ERRORS}, summary="查看身份证号码和手机号码明文",
             description="按角色授权：工商联管理员可查看身份证号码和手机号码，商会专职工作者只可查看本街道人员的手机号码，"
                         "系统管理员和其他角色不可查看。每次调用（包括被拒绝的）记入审计日志；每人每天的查看次数有上限。")
def unmask_person(request, person_id: int, response: HttpResponse):
    response["Cache-Control"] = "no-store"  # personal data must not sit in a cache
    _person, plain = services.person_unmask_by_id(by=request.auth_user, person_id=person_id)
    return plain
