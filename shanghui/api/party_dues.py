"""Party dues (党费): declared bases, payments, hand-ups, arrears and collection figures.

The same scoped reads and services as the web pages (party/dues.py, party/dues_services.py). The
branch secretary of an enterprise (enterprise user) reads his own organisation's bases, payments and
arrears; the figures, like every statistic of the API, and all writes are staff operations.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from shanghui.orgs.scope import require_street
from shanghui.party import dues, dues_services
from shanghui.party.models import (
    DuesBase,
    DuesCategory,
    DuesHandUp,
    DuesMember,
    DuesMethod,
    DuesOrganization,
    DuesPayment,
)

from .auth import enterprise_operation
from .common import Id, InSchema, Resource, filtered, follow, paginated, region_by_code
from .errors import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["党建：党费"])

REFS = {"member": (DuesMember, "党员")}
PAYMENTS = Resource(DuesPayment, "payment", refs=REFS)
BASES = Resource(DuesBase, "row", refs=REFS)
HAND_UPS = Resource(DuesHandUp, "row", refs={"organization": (DuesOrganization, "党组织")})


# --- bases ------------------------------------------------------------------------


class DuesBaseIn(InSchema):
    member: Id = Field(description="党员（组织关系）编号")
    year: int = Field(ge=2008, le=2100, description="年度")
    category: DuesCategory = Field(description="缴费类别")
    base: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2,
                                 description="月缴费基数（元）：在岗职工为税后工资扣除社保和公积金个人部分，离退休为养老金")
    fixed_amount: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=2,
                                         description="农民党员每月固定金额（0.2至1元）")


class DuesBaseOut(Schema):
    id: int
    member: int = Field(alias="member_id")
    member_name: str
    organization: int
    year: int
    category: str
    base: Decimal | None
    fixed_amount: Decimal | None
    monthly: Decimal

    resolve_member_name = follow("member.person.name")
    resolve_organization = follow("member.organization_id")

    @staticmethod
    def resolve_monthly(obj) -> Decimal:
        return obj.monthly()


class DuesRowFilter(Schema):
    member: Id | None = None
    organization: Id | None = None
    year: int | None = Field(None, ge=2000, le=2100)


@router.get("/dues/bases", response=list[DuesBaseOut], summary="党费基数列表")
@enterprise_operation
@paginated
def list_dues_bases(request, filters: Query[DuesRowFilter]):
    qs = DuesBase.objects.visible_to(request.auth_user).select_related("member__person")
    return filtered(qs, filters, member="member_id", organization="member__organization_id", year="year")


@router.post("/dues/bases", response={201: DuesBaseOut, **WRITE_ERRORS}, summary="申报党费基数（同一年度再次申报即更新）")
def declare_dues_base(request, payload: DuesBaseIn):
    return BASES.create(request, payload, dues_services.base_declare)


# --- payments -----------------------------------------------------------------------


class DuesPaymentIn(InSchema):
    member: Id = Field(description="党员（组织关系）编号")
    first_month: dt.date = Field(description="起始月份（该月任一日期，按月计）")
    months: int = Field(1, ge=1, le=24, description="缴纳月数（可预交）")
    amount: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2,
                                   description="应缴党费（元）；不填则按申报的基数计算，填写时须与计算结果一致")
    extra: Decimal = Field(Decimal("0"), ge=0, max_digits=10, decimal_places=2, description="自愿多交（元）")
    method: DuesMethod = Field(DuesMethod.CASH, description="缴纳方式")
    paid_on: dt.date = Field(description="缴纳日期")
    note: str = Field("", max_length=200)


class DuesPaymentOut(Schema):
    id: int
    member: int = Field(alias="member_id")
    member_name: str
    organization: int
    first_month: dt.date
    last_month: dt.date
    months: int
    amount: Decimal
    extra: Decimal
    method: str
    paid_on: dt.date
    recorded_by: str

    resolve_member_name = follow("member.person.name")
    resolve_organization = follow("member.organization_id")

    @staticmethod
    def resolve_recorded_by(obj) -> str:
        return obj.recorded_by.username if obj.recorded_by_id else ""


@router.get("/dues/payments", response=list[DuesPaymentOut], summary="党费缴纳记录列表")
@enterprise_operation
@paginated
def list_dues_payments(request, filters: Query[DuesRowFilter]):
    qs = DuesPayment.objects.visible_to(request.auth_user).select_related("member__person", "recorded_by")
    if filters.year is not None:
        qs = qs.filter(covered__month__year=filters.year).distinct()
    return filtered(qs, filters, member="member_id", organization="member__organization_id")


@router.get("/dues/payments/{int:payment_id}", response={200: DuesPaymentOut, **READ_ERRORS}, summary="缴纳记录详情")
@enterprise_operation
def get_dues_payment(request, payment_id: int):
    return PAYMENTS.get(request, payment_id)


@router.post("/dues/payments", response={201: DuesPaymentOut, **WRITE_ERRORS},
             summary="登记党费缴纳（已缴月份不能重复，返回422）")
def record_dues_payment(request, payload: DuesPaymentIn):
    return PAYMENTS.create(request, payload, dues_services.payment_record)


@router.delete("/dues/payments/{int:payment_id}", response={204: None, **WRITE_ERRORS}, summary="删除缴纳记录")
def delete_dues_payment(request, payment_id: int):
    return PAYMENTS.delete(request, payment_id, dues_services.payment_delete)


# --- hand-ups --------------------------------------------------------------------------


class DuesHandUpIn(InSchema):
    organization: Id = Field(description="党组织编号")
    month: dt.date = Field(description="所属月份（该月任一日期）")
    amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2, description="上缴金额（元）")
    handed_on: dt.date = Field(description="上缴日期")


class DuesHandUpOut(Schema):
    id: int
    organization: int = Field(alias="organization_id")
    organization_name: str
    month: dt.date
    amount: Decimal
    handed_on: dt.date

    resolve_organization_name = follow("organization.name")


@router.get("/dues/hand-ups", response=list[DuesHandUpOut], summary="党费上缴记录列表")
@paginated
def list_dues_hand_ups(request, filters: Query[DuesRowFilter]):
    qs = DuesHandUp.objects.visible_to(request.auth_user).select_related("organization")
    if filters.year is not None:
        qs = qs.filter(month__year=filters.year)
    return filtered(qs, filters, organization="organization_id")


@router.post("/dues/hand-ups", response={201: DuesHandUpOut, **WRITE_ERRORS}, summary="登记党费上缴（每个组织每月一条）")
def record_dues_hand_up(request, payload: DuesHandUpIn):
    return HAND_UPS.create(request, payload, dues_services.hand_up_record)


# --- arrears and figures ------------------------------------------------------------------


class DuesArrearsOut(Schema):
    member: int
    member_name: str
    organization: int
    organization_name: str
    months_owed: int
    months_unpaid: int
    longest_run: int
    reason: str
    flagged: bool
    unpaid_months: list[str]


class DuesArrearsFilter(Schema):
    organization: Id | None = None
    min_run: int = Field(dues.SIX_MONTHS, ge=0, le=600, description="只列出最长连续欠缴不少于该月数的党员（0：全部在册党员）")


@router.get("/dues/arrears", response=list[DuesArrearsOut], summary="党费欠缴（截至上月，连续满6个月且未登记原因的标记 flagged）")
@enterprise_operation
@paginated
def list_dues_arrears(request, filters: Query[DuesArrearsFilter]):
    members = DuesMember.objects.visible_to(request.auth_user).filter(left__isnull=True)
    if filters.organization is not None:
        members = members.filter(organization_id=filters.organization)
    rows = dues.member_dues(members, dues.dues_from(), dues.last_ended_month(timezone.localdate()))
    return [{"member": d.member.pk, "member_name": d.member.person.name, "organization": d.member.organization_id,
             "organization_name": d.member.organization.name, "months_owed": len(d.owed),
             "months_unpaid": len(d.unpaid), "longest_run": d.run, "reason": d.reason, "flagged": d.flagged,
             "unpaid_months": [f"{m:%Y-%m}" for m in d.unpaid]}
            for d in rows if d.run >= filters.min_run]


class DuesFigureOut(Schema):
    label: str
    owing: int = Field(description="期内应交党费的党员（组织关系）数")
    fully_paid: int = Field(description="期内每个应缴月份都已交纳的党员数")
    rate: float | None = Field(description="收缴率（%）= fully_paid ÷ owing")
    months_owed: int
    months_paid: int
    collected: Decimal = Field(description="期内所属月份的已收党费（元）")
    handed_up: Decimal
    extra: Decimal
    flagged: int


class DuesFiguresOut(Schema):
    first_month: dt.date | None
    last_month: dt.date | None
    total: DuesFigureOut
    streets: list[DuesFigureOut]
    organizations: list[DuesFigureOut]


class DuesFiguresFilter(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="年度，默认为上月所在年度")
    month: int | None = Field(None, ge=1, le=12, description="只看该月")
    street: str | None = Field(None, description="街道区划代码")


@router.get("/dues/figures", response={200: DuesFiguresOut, **READ_ERRORS}, summary="党费收缴率与金额（按组织、街道、全区）")
def dues_figures(request, filters: Query[DuesFiguresFilter]):
    user, day = request.auth_user, timezone.localdate()
    year = filters.year or dues.last_ended_month(day).year
    first, last = dues.period_months(year, filters.month, day)
    members = DuesMember.objects.visible_to(user)
    hand_ups = DuesHandUp.objects.visible_to(user)
    payments = DuesPayment.objects.visible_to(user)
    if filters.street:
        street = require_street(user, region_by_code(filters.street, "street"))
        members, hand_ups, payments = members.in_scope(street), hand_ups.in_scope(street), payments.in_scope(street)
    data = dues.figures(members, first, last, hand_ups=hand_ups, payments=payments)
    ended = first <= last
    return {"first_month": first if ended else None, "last_month": last if ended else None,
            "total": data["total"].as_dict(), "streets": [f.as_dict() for f in data["streets"]],
            "organizations": [f.as_dict() for f in data["organizations"]]}
