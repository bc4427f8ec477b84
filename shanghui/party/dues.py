"""Party dues (党费): the rates table and the pure calculations, plus the scoped reads the pages,
API, dashboard and annual report share (docs/party-dues.md).

Source of every rate: 中共中央组织部《关于中国共产党党费收缴、使用和管理的规定》(中组发〔2008〕3号),
part 一 “党费的收缴” (rates, fixed amounts, probationary members, voluntary extra, six months unpaid).

Vocabulary used below:
- a *month* is the date of its first day;
- a membership row (PartyMember) *owes* a month when the row runs on that month's last day and the
  person was admitted to the party (joined_party) by then: the receiving organisation of a transfer
  owes the month of the transfer, a probationary member owes the month of admission (预备党员从支部大会通过之日起交纳);
- months are counted from DUES_FROM (when the platform started keeping dues) and up to the last
  *ended* month (the month before the as-of day): the current month is not yet in arrears;
- arrears = owed months without a paid month; a member is *flagged* when his longest run of
  consecutive unpaid months reaches SIX_MONTHS (党章第九条: 连续六个月不交纳党费 … 被认为是自行脱党)
  and no reason is recorded.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from .models import DuesCategory

FEN = Decimal("0.01")
SIX_MONTHS = 6
RATE_SOURCE = "中组发〔2008〕3号《关于中国共产党党费收缴、使用和管理的规定》"

# (upper bound inclusive or None for "above", rate): 有工资收入的党员 and 离退休干部、职工党员.
RATES: dict[str, list[tuple[Decimal | None, Decimal]]] = {
    DuesCategory.EMPLOYED: [
        (Decimal("3000"), Decimal("0.005")),
        (Decimal("5000"), Decimal("0.01")),
        (Decimal("10000"), Decimal("0.015")),
        (None, Decimal("0.02")),
    ],
    DuesCategory.RETIRED: [
        (Decimal("5000"), Decimal("0.005")),
        (None, Decimal("0.01")),
    ],
}
# 学生党员、下岗失业党员、依靠抚恤或救济生活的党员、领取当地最低生活保障金的党员: 0.2元 a month.
FIXED = {
    DuesCategory.STUDENT: Decimal("0.20"),
    DuesCategory.UNEMPLOYED: Decimal("0.20"),
    DuesCategory.RELIEF: Decimal("0.20"),
}
# 农民党员每月0.2元至1元: the branch fixes the amount.
RURAL_RANGE = (Decimal("0.20"), Decimal("1.00"))


def rate_for(category: str, base: Decimal) -> Decimal:
    for upper, rate in RATES[category]:
        if upper is None or base <= upper:
            return rate
    raise AssertionError("the last bracket has no upper bound")


def round_fen(value: Decimal) -> Decimal:
    """Half up to the fen (四舍五入到分): the rounding Chinese accounting uses and a member can check by hand."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def monthly_amount(category: str, base: Decimal | None, fixed_amount: Decimal | None = None) -> Decimal:
    """The month's dues for a declared base (Decimal yuan, rounded to the fen)."""
    if category in RATES:
        return round_fen(Decimal(base) * rate_for(category, Decimal(base)))
    if category in FIXED:
        return FIXED[category]
    if category == DuesCategory.RURAL:
        return round_fen(Decimal(fixed_amount))
    raise ValueError(f"unknown dues category {category!r}")


def base_errors(category: str, base, fixed_amount) -> dict[str, list[str]]:
    """What is wrong with a declared base, as form errors (empty: nothing)."""
    errors: dict[str, list[str]] = {}
    if category in RATES:
        if base is None:
            errors["base"] = ["在岗职工和离退休党员须填写月缴费基数。"]
        elif base < 0:
            errors["base"] = ["月缴费基数不能为负数。"]
        if fixed_amount is not None:
            errors["fixed_amount"] = ["按比例交纳的党员不填写固定金额。"]
    elif category == DuesCategory.RURAL:
        low, high = RURAL_RANGE
        if fixed_amount is None or not low <= fixed_amount <= high:
            errors["fixed_amount"] = ["农民党员每月交纳0.2元至1元，请填写该范围内的金额。"]
    elif category in FIXED:
        if fixed_amount is not None and fixed_amount != FIXED[category]:
            errors["fixed_amount"] = ["学生、下岗失业、依靠救济或低保的党员每月交纳0.2元，无需填写金额。"]
    return errors


# --- months ----------------------------------------------------------------------


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def dues_from() -> dt.date:
    """The first month the platform keeps dues for (settings.DUES_FROM, "YYYY-MM"; default 2021-01)."""
    year, month = str(getattr(settings, "DUES_FROM", "2021-01")).split("-")[:2]
    return dt.date(int(year), int(month), 1)


def last_ended_month(day: dt.date) -> dt.date:
    return add_months(month_of(day), -1)


def owes(joined_party: dt.date, joined_org: dt.date, left: dt.date | None, month: dt.date) -> bool:
    end = month_end(month)
    return joined_party <= end and joined_org <= end and (left is None or left >= end)


def owed_months(joined_party, joined_org, left, first: dt.date, last: dt.date) -> list[dt.date]:
    """The months in [first, last] the membership row owes (first and last are months)."""
    first = max(first, month_of(max(joined_party, joined_org)))
    return [m for m in month_range(first, last) if owes(joined_party, joined_org, left, m)]


def longest_run(months: list[dt.date]) -> int:
    """The longest run of consecutive months in a sorted list."""
    best = run = 0
    previous = None
    for m in months:
        run = run + 1 if previous is not None and add_months(previous, 1) == m else 1
        best, previous = max(best, run), m
    return best


# --- reads ------------------------------------------------------------------------


@dataclass
class MemberDues:
    member: object
    owed: list[dt.date]
    paid: list[dt.date]
    unpaid: list[dt.date]
    amount: Decimal = Decimal("0.00")
    reason: str = ""
    run: int = 0

    @property
    def fully_paid(self) -> bool:
        return bool(self.owed) and not self.unpaid

    @property
    def flagged(self) -> bool:
        return self.run >= SIX_MONTHS and not self.reason


def member_dues(members, first: dt.date, last: dt.date) -> list[MemberDues]:
    """Each membership row's owed, paid and unpaid months in [first, last] (months), its amount paid
    for those months, and its longest unpaid run there. `members` is a scoped PartyMember queryset."""
    from .models import DuesArrearsReason, DuesPaymentMonth

    first = max(first, dues_from())
    rows = list(members.select_related("person", "organization"))
    paid: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    for person_id, month, amount in (DuesPaymentMonth.objects
                                     .filter(person_id__in={m.person_id for m in rows}, month__gte=first,
                                             month__lte=last)
                                     .values_list("person_id", "month", "amount")):
        paid[person_id][month] = amount
    reasons = dict(DuesArrearsReason.objects.filter(member__in=rows).values_list("member_id", "reason"))
    out = []
    for m in rows:
        owed = owed_months(m.joined_party, m.joined_org, m.left, first, last) if first <= last else []
        mine = paid[m.person_id]
        got = [x for x in owed if x in mine]
        unpaid = [x for x in owed if x not in mine]
        out.append(MemberDues(member=m, owed=owed, paid=got, unpaid=unpaid,
                              amount=sum((mine[x] for x in got), Decimal("0.00")),
                              reason=reasons.get(m.pk, ""), run=longest_run(unpaid)))
    return out


@dataclass
class Figure:
    """Collection figures of a group of membership rows for a period."""

    label: str = ""
    owing: int = 0  # rows owing at least one month in the period
    fully_paid: int = 0
    months_owed: int = 0
    months_paid: int = 0
    collected: Decimal = Decimal("0.00")  # the paid months' shares
    flagged: int = 0
    handed_up: Decimal = Decimal("0.00")
    extra: Decimal = Decimal("0.00")
    key: object = None
    members: list = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return round(100 * self.fully_paid / self.owing, 1) if self.owing else None

    def add(self, d: MemberDues) -> None:
        if d.owed:
            self.owing += 1
            self.fully_paid += d.fully_paid
        self.months_owed += len(d.owed)
        self.months_paid += len(d.paid)
        self.collected += d.amount
        self.flagged += d.flagged

    def as_dict(self) -> dict:
        return {"label": self.label, "owing": self.owing, "fully_paid": self.fully_paid, "rate": self.rate,
                "months_owed": self.months_owed, "months_paid": self.months_paid,
                "collected": str(self.collected), "handed_up": str(self.handed_up), "extra": str(self.extra),
                "flagged": self.flagged}


def period_months(year: int, month: int | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """(first, last) month of a year or of one month of it, cut at the last ended month."""
    first = dt.date(year, month or 1, 1)
    last = dt.date(year, month or 12, 1)
    return first, min(last, last_ended_month(today))


def street_of(org) -> object:
    """The street (a region of depth 3) an organisation lies in, or None when it is district-level."""
    region = org.region
    return region if region is not None and region.level == "street" else None


def figures(members, first: dt.date, last: dt.date, hand_ups=None, payments=None) -> dict:
    """{"total": Figure, "organizations": [Figure], "streets": [Figure]} over the rows of `members`.

    `hand_ups` and `payments` (scoped querysets) add the amounts handed up for the period's months
    and the voluntary extras of payments starting in it.
    """
    total = Figure(label="合计")
    orgs: dict[int, Figure] = {}
    streets: dict[str, Figure] = {}
    for d in member_dues(members, first, last):
        org = d.member.organization
        total.add(d)
        orgs.setdefault(org.pk, Figure(label=org.name, key=org)).add(d)
        street = street_of(org)
        if street is not None:
            streets.setdefault(street.path, Figure(label=street.name, key=street)).add(d)
    def street_figure(org):
        street = street_of(org)
        return None if street is None else streets.setdefault(street.path, Figure(label=street.name, key=street))

    if hand_ups is not None:
        for h in hand_ups.filter(month__gte=first, month__lte=last).select_related(
                "organization__host_chamber__region", "organization__enterprise__region"):
            total.handed_up += h.amount
            for f in (orgs.get(h.organization_id), street_figure(h.organization)):
                if f is not None:
                    f.handed_up += h.amount
    if payments is not None:
        for p in payments.filter(first_month__gte=first, first_month__lte=last, extra__gt=0).select_related(
                "member__organization__host_chamber__region", "member__organization__enterprise__region"):
            total.extra += p.extra
            for f in (orgs.get(p.member.organization_id), street_figure(p.member.organization)):
                if f is not None:
                    f.extra += p.extra
    return {"total": total, "organizations": sorted(orgs.values(), key=lambda f: f.label),
            "streets": sorted(streets.values(), key=lambda f: f.key.path)}
