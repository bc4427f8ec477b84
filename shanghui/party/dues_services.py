"""Writes to the dues records (党费): each checks scope, validates, saves and audits in one transaction.

Who writes: the federation admin and the street workers in their scope (as for every party record);
readers (leaders, instructors, handlers) and the enterprise user read only.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from shanghui.accounts.scope import require_region, require_visible
from shanghui.audit import record
from shanghui.core import services as core

from . import dues
from .models import (
    DuesArrearsReason,
    DuesBase,
    DuesHandUp,
    DuesPayment,
    DuesPaymentMonth,
    PartyMember,
    PartyOrganization,
)


def _require_member(by, member: PartyMember) -> None:
    require_visible(by, member, "党员")
    require_region(by, member.organization.region)


def _months_text(months: list[dt.date]) -> str:
    return "、".join(f"{m.year}年{m.month}月" for m in months)


# --- bases ------------------------------------------------------------------------


@transaction.atomic
def base_declare(*, by, member: PartyMember, year: int, category: str, base: Decimal | None = None,
                 fixed_amount: Decimal | None = None) -> DuesBase:
    """Declare (or correct) a member's base for a year: one row per member and year."""
    _require_member(by, member)
    row = DuesBase.objects.filter(member=member, year=year).first()
    fields = {"category": category, "base": base, "fixed_amount": fixed_amount}
    if row is None:
        return core.save_new(by=by, obj=DuesBase(member=member, year=year, **fields))
    core.save_changes(by=by, obj=row, changes=fields)
    return row


@transaction.atomic
def base_delete(*, by, row: DuesBase) -> None:
    _require_member(by, row.member)
    core.delete(by=by, obj=row)


def monthly_for(member: PartyMember, month: dt.date, bases: dict[int, DuesBase] | None = None) -> Decimal | None:
    """The month's dues: the base of its year, or (paying ahead into a year not declared yet) the latest
    earlier year's. None when nothing is declared."""
    if bases is None:
        bases = {b.year: b for b in DuesBase.objects.filter(member__person_id=member.person_id)}
    years = [y for y in bases if y <= month.year]
    return bases[max(years)].monthly() if years else None


# --- payments ---------------------------------------------------------------------


def expected_amount(member: PartyMember, first_month: dt.date, months: int) -> tuple[Decimal | None, list]:
    """(total dues for the months, months without a declared base)."""
    bases = {b.year: b for b in DuesBase.objects.filter(member__person_id=member.person_id)}
    total, missing = Decimal("0.00"), []
    for m in dues.month_range(first_month, dues.add_months(first_month, months - 1)):
        amount = monthly_for(member, m, bases)
        if amount is None:
            missing.append(m)
        else:
            total += amount
    return (None if missing else total), missing


@transaction.atomic
def payment_record(*, by, member: PartyMember, first_month: dt.date, months: int, paid_on: dt.date,
                   method: str = "cash", amount: Decimal | None = None, extra: Decimal = Decimal("0"),
                   note: str = "") -> DuesPayment:
    """Record a payment of `months` months from `first_month` (paying ahead allowed).

    Refused, changing nothing: months the member does not owe (before admission or joining, after
    leaving, before the platform's records start), months already paid (per person, across transfers),
    an amount other than the rules' amount (voluntary extra goes in `extra`), a payment in the future.
    """
    _require_member(by, member)
    if not 1 <= months <= 24:
        raise ValidationError({"months": "一次缴纳的月数应在1至24个月之间。"})
    first_month = dues.month_of(first_month)
    covered = dues.month_range(first_month, dues.add_months(first_month, months - 1))
    if paid_on > dt.date.today():
        raise ValidationError({"paid_on": "缴纳日期不能晚于今天。"})
    if first_month < dues.dues_from():
        start = dues.dues_from()
        raise ValidationError({"first_month": f"平台自{start.year}年{start.month}月起登记党费，起始月份不能更早。"})
    not_owed = [m for m in covered if not dues.owes(member.joined_party, member.joined_org, member.left, m)]
    if not_owed:
        raise ValidationError({"first_month": f"{member.person}在{_months_text(not_owed)}不在本组织（或尚未入党），"
                                              "不能登记这些月份的党费。"})
    clash = list(DuesPaymentMonth.objects.filter(person_id=member.person_id, month__in=covered)
                 .order_by("month").values_list("month", flat=True))
    if clash:
        raise ValidationError({"first_month": f"{member.person}{_months_text(clash)}的党费已登记缴纳，"
                                              "同一月份不能重复缴纳；如需多交，请填写“自愿多交”。"})
    expected, missing = expected_amount(member, first_month, months)
    if missing:
        raise ValidationError({"first_month": f"请先申报{member.person}{missing[0].year}年的党费基数。"})
    if amount is None:
        amount = expected
    if amount != expected:
        raise ValidationError({"amount": f"按申报的基数，这{months}个月应缴党费{expected}元；"
                                         "多交的部分请填写在“自愿多交”中。"})
    if extra is None or extra < 0:
        raise ValidationError({"extra": "自愿多交金额不能为负数。"})
    payment = DuesPayment(member=member, first_month=first_month, months=months, amount=amount, extra=extra,
                          method=method, paid_on=paid_on, recorded_by=by if by.is_authenticated else None,
                          note=note)
    core.save_new(by=by, obj=payment)
    bases = {b.year: b for b in DuesBase.objects.filter(member__person_id=member.person_id)}
    try:
        with transaction.atomic():
            DuesPaymentMonth.objects.bulk_create([
                DuesPaymentMonth(payment=payment, person_id=member.person_id, member=member, month=m,
                                 amount=monthly_for(member, m, bases)) for m in covered])
    except IntegrityError:  # a concurrent payment won the race: the constraint says what the check said
        raise ValidationError({"first_month": "所选月份的党费已登记缴纳，同一月份不能重复缴纳。"}) from None
    return payment


@transaction.atomic
def payment_delete(*, by, payment: DuesPayment) -> None:
    """Undo a wrongly recorded payment (its months become unpaid again)."""
    _require_member(by, payment.member)
    core.delete(by=by, obj=payment)


# --- arrears reasons --------------------------------------------------------------


@transaction.atomic
def arrears_reason_set(*, by, member: PartyMember, reason: str, on: dt.date | None = None) -> DuesArrearsReason | None:
    """Record why a member is behind (an empty reason removes it): a member with a reason is not flagged."""
    _require_member(by, member)
    row = DuesArrearsReason.objects.filter(member=member).first()
    reason = (reason or "").strip()
    if not reason:
        if row is not None:
            core.delete(by=by, obj=row)
        return None
    if row is None:
        return core.save_new(by=by, obj=DuesArrearsReason(member=member, reason=reason,
                                                          recorded_on=on or dt.date.today()))
    core.save_changes(by=by, obj=row, changes={"reason": reason, "recorded_on": on or dt.date.today()})
    return row


# --- hand-ups ---------------------------------------------------------------------


@transaction.atomic
def hand_up_record(*, by, organization: PartyOrganization, month: dt.date, amount: Decimal,
                   handed_on: dt.date) -> DuesHandUp:
    """What an organisation handed up for a month: one row per organisation and month."""
    require_visible(by, organization, "党组织")
    require_region(by, organization.region)
    month = dues.month_of(month)
    if DuesHandUp.objects.filter(organization=organization, month=month).exists():
        raise ValidationError({"month": f"“{organization}”{month.year}年{month.month}月的上缴记录已登记，"
                                        "请勿重复登记。"})
    if handed_on > dt.date.today():
        raise ValidationError({"handed_on": "上缴日期不能晚于今天。"})
    row = DuesHandUp(organization=organization, month=month, amount=amount, handed_on=handed_on,
                     recorded_by=by if by.is_authenticated else None)
    return core.save_new(by=by, obj=row)


@transaction.atomic
def hand_up_delete(*, by, row: DuesHandUp) -> None:
    require_region(by, row.organization.region)
    record(by=by, action="delete", obj=row, fields=[])
    row.delete()
