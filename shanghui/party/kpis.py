"""The coverage KPIs of DESIGN §5, computed from the records, never stored.

Every KPI takes a scope and a period:
- scope: a user (his `visible_to` scope: the district, or one street) or a Region (a
  subtree of the district tree; the reports and tests use it);
- period: a `Period(start, end)`; a date means the one-day period "as of that date".
  `Period.year(2024)` is the calendar year.

"Active during the period" (DESIGN §5):
- an enterprise: founded on or before the end (or founding date unknown), and either still
  active or closed/moved after the start (`Enterprise.status_changed` is the first inactive
  day; closed/moved without a date counts as inactive throughout);
- an organisation: founded on or before the end, not dissolved on or before the start;
- a coverage or instructor assignment: its [start, end] meets the period.

An enterprise counts in a numerator when such a coverage (or assignment) meets the period.
For a one-day period that is exactly "as of that date".

Each figure is two or three aggregate queries whatever the number of enterprises (an
EXISTS subquery per KPI, no Python loop over rows), and carries the querysets of its
drill-down: the rows behind the numerator and those missing from it.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from shanghui.directory.choices import Status
from shanghui.directory.models import Enterprise
from shanghui.orgs.models import Chamber, Region

from .models import Form, InstructorAssignment, PartyCoverage, PartyOrganization, overlaps


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    @classmethod
    def on(cls, day: dt.date) -> "Period":
        return cls(day, day)

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def of(cls, value) -> "Period":
        return value if isinstance(value, Period) else cls.on(value)

    def __str__(self) -> str:
        if self.start == self.end:
            return f"截至{self.end:%Y年%-m月%-d日}"
        return f"{self.start:%Y年%-m月%-d日}至{self.end:%Y年%-m月%-d日}"


@dataclass
class Figure:
    """One KPI value with its parts and its drill-down querysets."""

    key: str
    label: str
    numerator: int
    denominator: int
    covered: QuerySet  # the rows behind the numerator
    missing: QuerySet  # the rows of the denominator that are not in the numerator

    @property
    def missing_count(self) -> int:
        return self.denominator - self.numerator

    @property
    def rate(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(100 * self.numerator) / self.denominator).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "numerator": self.numerator,
                "denominator": self.denominator, "rate": float(self.rate) if self.rate is not None else None}


# --- scope -----------------------------------------------------------------------


def _is_region(scope) -> bool:
    return isinstance(scope, Region)


def scope_enterprises(scope) -> QuerySet:
    if _is_region(scope):
        return Enterprise.objects.filter(region__path__startswith=scope.path)
    return Enterprise.objects.visible_to(scope)


def scope_streets(scope) -> QuerySet:
    streets = Region.objects.streets()
    if _is_region(scope):
        return streets.filter(path__startswith=scope.path)
    from shanghui.orgs.forms import streets_in_scope

    return streets_in_scope(scope)


# --- building blocks ---------------------------------------------------------------


def active_enterprises(scope, period) -> QuerySet:
    p = Period.of(period)
    return scope_enterprises(scope).filter(
        Q(founded__isnull=True) | Q(founded__lte=p.end),
        Q(status=Status.ACTIVE) | Q(status_changed__gt=p.start),
    )


def _covered(period: Period, **extra) -> Exists:
    rows = PartyCoverage.objects.filter(enterprise=OuterRef("pk"), **extra).filter(
        overlaps("start", "end", period.start, period.end))
    return Exists(rows)


def _instructed(period: Period) -> Exists:
    return Exists(InstructorAssignment.objects.filter(enterprise=OuterRef("pk")).filter(
        overlaps("start", "end", period.start, period.end)))


CONDITIONS = {
    "organisation": lambda p: _covered(p),
    "own": lambda p: _covered(p, organization__form=Form.OWN),
    "work": lambda p: _covered(p) | _instructed(p),
}
LABELS = {
    "joint_committee": "联合党委街道覆盖率",
    "organisation": "党的组织覆盖率",
    "own": "单独组建率",
    "work": "党的工作覆盖率",
}
ENTERPRISE_KPIS = ("organisation", "own", "work")
KPIS = ("joint_committee", *ENTERPRISE_KPIS)


def _enterprise_figure(key: str, scope, period) -> Figure:
    p = Period.of(period)
    base = active_enterprises(scope, p).annotate(hit=CONDITIONS[key](p))
    counts = base.order_by().aggregate(den=Count("pk"), num=Count("pk", filter=Q(hit=True)))
    return Figure(key=key, label=LABELS[key], numerator=counts["num"], denominator=counts["den"],
                  covered=base.filter(hit=True), missing=base.filter(hit=False))


def organisation_coverage(scope, period) -> Figure:
    """组织覆盖率: active enterprises covered by a party organisation (own or joint) ÷ active enterprises."""
    return _enterprise_figure("organisation", scope, period)


def own_organisation_rate(scope, period) -> Figure:
    """单独组建率: active enterprises covered by their own organisation ÷ active enterprises."""
    return _enterprise_figure("own", scope, period)


def work_coverage(scope, period) -> Figure:
    """工作覆盖率: active enterprises with organisation coverage or an instructor ÷ active enterprises."""
    return _enterprise_figure("work", scope, period)


def _hosts_joint_committee(period: Period) -> Exists:
    committees = PartyOrganization.objects.joint_committees().active_between(period.start, period.end).filter(
        host_chamber__region=OuterRef("pk"), host_chamber__kind=Chamber.Kind.STREET)
    return Exists(committees)


def joint_committee_coverage(scope, period) -> Figure:
    """Streets whose street chamber hosts an active joint party committee ÷ streets in scope."""
    p = Period.of(period)
    base = scope_streets(scope).annotate(hit=_hosts_joint_committee(p))
    counts = base.order_by().aggregate(den=Count("pk"), num=Count("pk", filter=Q(hit=True)))
    return Figure(key="joint_committee", label=LABELS["joint_committee"], numerator=counts["num"],
                  denominator=counts["den"], covered=base.filter(hit=True), missing=base.filter(hit=False))


FUNCTIONS = {
    "joint_committee": joint_committee_coverage,
    "organisation": organisation_coverage,
    "own": own_organisation_rate,
    "work": work_coverage,
}


def figure(key: str, scope, period) -> Figure:
    return FUNCTIONS[key](scope, period)


def all_figures(scope, period) -> list[Figure]:
    return [FUNCTIONS[k](scope, period) for k in KPIS]


@dataclass
class StreetRow:
    street: Region
    figures: dict[str, tuple[int, int]]  # key → (numerator, denominator)

    def rate(self, key: str) -> Decimal | None:
        num, den = self.figures[key]
        return (Decimal(100 * num) / den).quantize(Decimal("0.1"), ROUND_HALF_UP) if den else None


def by_street(scope, period) -> list[StreetRow]:
    """Every KPI per street of the scope: one grouped query for the enterprise KPIs, one for the streets."""
    p = Period.of(period)
    streets = list(scope_streets(scope).annotate(hit=_hosts_joint_committee(p)).order_by("code"))
    annotated = active_enterprises(scope, p).annotate(**{f"hit_{k}": CONDITIONS[k](p) for k in ENTERPRISE_KPIS})
    grouped = annotated.order_by().values("region").annotate(
        den=Count("pk"), **{f"num_{k}": Count("pk", filter=Q(**{f"hit_{k}": True})) for k in ENTERPRISE_KPIS})
    per_region = {row["region"]: row for row in grouped}
    rows = []
    for street in streets:
        row = per_region.get(street.pk, {})
        figures = {"joint_committee": (1 if street.hit else 0, 1)}
        for k in ENTERPRISE_KPIS:
            figures[k] = (row.get(f"num_{k}", 0), row.get("den", 0))
        rows.append(StreetRow(street=street, figures=figures))
    return rows


# --- party-building lists -------------------------------------------------------------


SHOULD_FORM_OWN_MIN = 3


def full_member_counts(day: dt.date):
    """(enterprise id, number of full members) of enterprises whose people are full members on `day`."""
    from .models import PartyMember

    return (PartyMember.objects.active_on(day).filter(category=PartyMember.Category.FULL,
                                                      person__enterprise__isnull=False)
            .order_by().values("person__enterprise").annotate(n=Count("person", distinct=True)))


def should_form_own(scope, day: dt.date) -> QuerySet:
    """Active enterprises with 3 or more full party members and no own organisation on `day` (应单独组建)."""
    from django.db.models import IntegerField, Subquery

    counts = full_member_counts(day).filter(person__enterprise=OuterRef("pk")).values("n")[:1]
    p = Period.on(day)
    return (active_enterprises(scope, p)
            .annotate(full_members=Subquery(counts, output_field=IntegerField()))
            .filter(full_members__gte=SHOULD_FORM_OWN_MIN)
            .exclude(Exists(PartyCoverage.objects.filter(enterprise=OuterRef("pk"), organization__form=Form.OWN)
                            .filter(overlaps("start", "end", day, day))))
            .select_related("region"))
