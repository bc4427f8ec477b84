"""Memberships (会员关系): an enterprise in a chamber, or a person in an individual-member association."""

import datetime as dt

from ninja import Field, Query, Router, Schema

from shanghui.directory import services
from shanghui.directory.choices import MemberRole
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.orgs.models import Chamber

from .auth import enterprise_operation
from .common import Id, InSchema, Resource, display, filtered, follow, paginated, partial
from .errors import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["会员关系"])

MEMBERSHIPS = Resource(Membership, "membership",
                       refs={"chamber": (Chamber, "商会"), "enterprise": (Enterprise, "企业"), "person": (Person, "人员")})


class MembershipIn(InSchema):
    chamber: Id = Field(description="商会编号")
    enterprise: Id | None = Field(None, description="会员企业编号（与个人会员二选一）")
    person: Id | None = Field(None, description="个人会员的人员编号（仅个人会员制的协会）")
    role: MemberRole = Field(MemberRole.MEMBER, description="会内职务")
    joined: dt.date = Field(description="入会日期")
    left: dt.date | None = Field(None, description="退会日期")


MembershipPatch = partial(MembershipIn, "MembershipPatch")


class MembershipOut(Schema):
    id: int
    chamber: int = Field(description="商会编号")
    chamber_name: str = Field(description="商会名称")
    enterprise: int | None = Field(description="会员企业编号")
    person: int | None = Field(description="个人会员编号")
    member_name: str = Field(description="会员（企业或个人）名称")
    role: str = Field(description="会内职务代码")
    role_label: str = Field(description="会内职务")
    joined: dt.date = Field(description="入会日期")
    left: dt.date | None = Field(description="退会日期")
    is_active: bool = Field(description="今天是否在会")

    resolve_chamber = follow("chamber_id")
    resolve_chamber_name = follow("chamber.name")
    resolve_enterprise = follow("enterprise_id")
    resolve_person = follow("person_id")

    @staticmethod
    def resolve_member_name(obj) -> str:
        return str(obj.member)

    resolve_role_label = display("role")


class MembershipFilter(Schema):
    chamber: Id | None = Field(None, description="商会编号")
    enterprise: Id | None = Field(None, description="会员企业编号")
    person: Id | None = Field(None, description="个人会员编号")
    active_on: dt.date | None = Field(None, description="只列出该日在会的会员关系")


@router.get("", response=list[MembershipOut], summary="会员关系列表")
@enterprise_operation
@paginated
def list_memberships(request, filters: Query[MembershipFilter]):
    qs = Membership.objects.visible_to(request.auth_user).select_related("chamber", "enterprise", "person")
    qs = filtered(qs, filters, chamber="chamber_id", enterprise="enterprise_id", person="person_id")
    if filters.active_on:
        qs = qs.active_on(filters.active_on)
    return qs


@router.get("/{membership_id}", response={200: MembershipOut, **READ_ERRORS}, summary="会员关系详情")
@enterprise_operation
def get_membership(request, membership_id: int):
    return MEMBERSHIPS.get(request, membership_id)


@router.post("", response={201: MembershipOut, **WRITE_ERRORS}, summary="新增会员关系")
def create_membership(request, payload: MembershipIn):
    return MEMBERSHIPS.create(request, payload, services.membership_create)


@router.patch("/{membership_id}", response={200: MembershipOut, **WRITE_ERRORS}, summary="修改会员关系")
def update_membership(request, membership_id: int, payload: MembershipPatch):
    return MEMBERSHIPS.update(request, membership_id, payload, services.membership_update)


@router.delete("/{membership_id}", response={204: None, **WRITE_ERRORS}, summary="删除会员关系")
def delete_membership(request, membership_id: int):
    return MEMBERSHIPS.delete(request, membership_id, services.membership_delete)
