"""The coverage KPIs of docs/design.md §5, computed from the records, never stored.

Every KPI takes a scope and a period (core/kpis.py).

"Active during the period" (docs/design.md §5):
- an enterprise: see directory/kpis.py `active_enterprises`;
- an organisation: founded on or before the end, not dissolved on or before the start;
- a coverage or instructor assignment: its [start, end] meets the period.

An enterprise counts in a numerator when such a coverage (or assignment) meets the period.
For a one-day period that is exactly "as of that date".

Each figure is two or three aggregate queries whatever the number of enterprises (an
EXISTS subquery per KPI, no Python loop over rows), and carries the querysets of its
drill-down: the rows behind the numerator and those missing from it. The enterprise figures of
a Region over a whole year are read from the street-year counters instead (`counted`), which
the reports app keeps on write; their drill-downs are the same live querysets.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from shanghui.core.kpis import Figure, Period, counted, percent
from shanghui.directory.kpis import active_enterprises, fold, scope_streets, street_rows
from shanghui.orgs.models import Chamber, Region

from .models import Form, InstructorAssignment, PartyCoverage, PartyMember, PartyOrganization, overlaps


def covered_in(period: Period, **extra) -> Exists:
    rows = PartyCoverage.objects.filter(enterprise=OuterRef("pk"), **extra).filter(
        overlaps("start", "end", period.start, period.end))
    return Exists(rows)


def instructed_in(period: Period) -> Exists:
    return Exists(InstructorAssignment.objects.filter(enterprise=OuterRef("pk")).filter(
        overlaps("start", "end", period.start, period.end)))


CONDITIONS = {
    "organisation": lambda p: covered_in(p),
    "own": lambda p: covered_in(p, organization__form=Form.OWN),
    "work": lambda p: covered_in(p) | instructed_in(p),
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
    return Figure.of_hits(key, LABELS[key], base, counted(key, scope, p))


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
        # A street merged with others (区划调整) is a child of its successor: the successor hosts
        # what its subtree's street chambers host.
        host_chamber__region__path__startswith=OuterRef("path"), host_chamber__kind=Chamber.Kind.STREET)
    return Exists(committees)


def joint_committee_coverage(scope, period) -> Figure:
    """Streets whose street chamber hosts an active joint party committee ÷ streets in scope."""
    p = Period.of(period)
    base = scope_streets(scope, p).annotate(hit=_hosts_joint_committee(p))
    return Figure.of_hits("joint_committee", LABELS["joint_committee"], base)


def joint_committee_state(street: Region, period) -> str:
    """How a street's report describes its joint committee in the period: 已建立 when one was active
    in it; 已于…撤销 when the last one was dissolved before the period began (a dissolved committee
    is not one that was never set up); else 尚未建立."""
    p = Period.of(period)
    committees = PartyOrganization.objects.joint_committees().filter(
        host_chamber__region__path__startswith=street.path, founded__lte=p.end)
    if committees.active_between(p.start, p.end).exists():
        return "已建立"
    last = committees.filter(dissolved__isnull=False).order_by("-dissolved").values_list("dissolved", flat=True).first()
    if last is not None:
        return f"已于{last.year}年{last.month}月{last.day}日撤销，本年度无联合党委"
    return "尚未建立"


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
        return percent(*self.figures[key])


def by_street(scope, period) -> list[StreetRow]:
    """Every KPI per street of the scope: one grouped query for the enterprise KPIs, one for the streets."""
    p = Period.of(period)
    valid = list(scope_streets(scope, p).annotate(hit=_hosts_joint_committee(p)).order_by("code"))
    annotated = active_enterprises(scope, p).annotate(**{f"hit_{k}": CONDITIONS[k](p) for k in ENTERPRISE_KPIS})
    grouped = annotated.order_by().values("region").annotate(
        den=Count("pk"), **{f"num_{k}": Count("pk", filter=Q(**{f"hit_{k}": True})) for k in ENTERPRISE_KPIS})
    per_region = {row["region"]: {k: v for k, v in row.items() if k != "region"} for row in grouped}
    streets, owner = street_rows(valid, per_region)  # 区划调整: each street sums its subtree
    per_region = fold(per_region, owner)
    listed = {s.pk for s in valid}
    rows = []
    for street in streets:
        row = per_region.get(street.pk, {})
        figures = {"joint_committee": (1 if street.hit else 0, 1) if street.pk in listed else (0, 0)}
        for k in ENTERPRISE_KPIS:
            figures[k] = (row.get(f"num_{k}", 0), row.get("den", 0))
        rows.append(StreetRow(street=street, figures=figures))
    return rows


# --- party-building lists -------------------------------------------------------------


SHOULD_FORM_OWN_MIN = 3


def full_member_counts(day: dt.date):
    """(enterprise id, number of full members) of enterprises whose people are full members on `day`."""
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
