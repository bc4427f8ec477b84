"""The participation and training KPIs of docs/design.md §5, computed from attendance, never stored.

Scope and period work as in every KPI module (core/kpis.py):
a scope is a user (his `visible_to` scope) or a Region; a period is a `Period` (usually
`Period.year(y)`). An activity belongs to the period when it starts in it (site time zone).
A cancelled activity counts for nothing.

- Member participation = active enterprises with a chamber membership active in the period
  that have at least one attendance, by anyone representing them, at an education activity
  in the period ÷ those member enterprises. "Representing" is `Attendance.enterprise`, the
  enterprise at the time, so a person who changed enterprise counts for the right one.
- District participation = the same over all active enterprises.
- Training person-times = attendances at training activities in the period; cumulative from
  the first recorded year to the end of the period. An attendance counts for the street of
  the enterprise it represents (else the person's), stored on the row (`Attendance.region`).
- Consecutive years of a series = the run of years ending at the given year with at least
  one held activity of the series.
- Attendance per activity = its attendance rows.

Each figure is a handful of aggregate queries (EXISTS per enterprise, COUNT … GROUP BY), never a
Python loop over attendances: the dashboards are benchmarked at ten million of them. For a Region
over a whole year, participation and training person-times are read from the counters the reports
app keeps on write (`counted`); the drill-downs are the same live querysets.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from shanghui.core.kpis import Figure, Period, counted, local_bounds, percent
from shanghui.directory.kpis import active_enterprises, fold, scope_streets, street_rows
from shanghui.directory.models import Membership
from shanghui.orgs.models import Region

from .models import Activity, ActivitySeries, Attendance, Kind, Status

LABELS = {
    "member": "会员企业参与率",
    "district": "全区企业参与率",
    "training": "培训人次",
}
PARTICIPATION_KPIS = ("member", "district")


# --- scope -------------------------------------------------------------------------


def scope_attendances(scope) -> QuerySet:
    """Attendance rows counted for the scope: those whose street lies in it (and, for a user, he may see).

    An attendance counts for its own street (`Attendance.region`) only, so that the streets add up to
    the district. A user may also see the attendances at his region's activities of people from
    elsewhere (`visible_to` goes by the activity's region too): his figures leave those out.
    """
    if isinstance(scope, Region):
        return Attendance.objects.filter(region__path__startswith=scope.path)
    qs = Attendance.objects.in_scope(scope)
    if not scope.is_superuser and scope.region_path:
        qs = qs.filter(region__path__startswith=scope.region_path)
    return qs


def in_period(period: Period, prefix: str = "") -> Q:
    lo, hi = local_bounds(period.start, period.end)
    return Q(**{f"{prefix}start__gte": lo, f"{prefix}start__lt": hi})


def default_year(scope) -> int:
    """The latest year with an activity held in scope up to now (the demo data end in 2018), else this year."""
    this_year = timezone.localdate().year
    _, hi = local_bounds(dt.date(this_year, 12, 31), dt.date(this_year, 12, 31))
    # Held so far: an invitation to next week's activity does not move the figures to a year without any.
    held = Activity.objects.in_scope(scope).held().filter(start__lt=min(hi, timezone.now()))
    latest = held.order_by("-start").values_list("start", flat=True)
    latest = latest.first()
    return timezone.localtime(latest).year if latest else this_year


# --- participation ---------------------------------------------------------------------


def _attended(period: Period) -> Exists:
    return Exists(Attendance.objects.filter(in_period(period, "activity__"), enterprise=OuterRef("pk"),
                                            activity__kind=Kind.EDUCATION, activity__status=Status.NORMAL))


def member_in(period: Period) -> Exists:
    return Exists(Membership.objects.filter(enterprise=OuterRef("pk")).active_between(period.start, period.end))


def _participation(key: str, scope, period) -> Figure:
    p = Period.of(period)
    base = active_enterprises(scope, p)
    if key == "member":
        base = base.filter(member_in(p))
    base = base.annotate(hit=_attended(p))
    return Figure.of_hits(key, LABELS[key], base, counted(key, scope, p))


def member_participation(scope, period) -> Figure:
    """会员企业参与率: member enterprises with an education attendance in the period ÷ member enterprises."""
    return _participation("member", scope, period)


def district_participation(scope, period) -> Figure:
    """全区企业参与率: active enterprises with an education attendance in the period ÷ active enterprises."""
    return _participation("district", scope, period)


def enterprise_participation(enterprise, year: int) -> dict:
    """Whether one enterprise counts for the two participation rates of `year`, by the figures' own rules
    (the same `active_enterprises`, `member_in` and `_attended` expressions), for its home page.

    active: in the denominators at all (active during the year); member: a chamber member during the year;
    attended: an attendance representing it at a held education activity of the year;
    district / member_counted: in the numerator of 全区企业参与率 / 会员企业参与率;
    chambers: the names of the chambers it was a member of during the year.
    """
    p = Period.year(year)
    row = (active_enterprises(enterprise.region, p).filter(pk=enterprise.pk)
           .annotate(member=member_in(p), hit=_attended(p)).values("member", "hit").first())
    active = row is not None
    member, attended = (row["member"], row["hit"]) if active else (False, False)
    chambers = list(Membership.objects.filter(enterprise=enterprise).active_between(p.start, p.end)
                    .order_by("chamber__name").values_list("chamber__name", flat=True).distinct())
    return {"year": year, "active": active, "member": member, "attended": attended, "chambers": chambers,
            "district": active and attended, "member_counted": active and member and attended}


def invitations(scope, period) -> QuerySet:
    """Member enterprises that have not yet taken part in an education activity in the period (to invite)."""
    return member_participation(scope, period).missing


# --- training person-times ---------------------------------------------------------------


@dataclass
class Training:
    period: Period
    count: int  # person-times in the period
    cumulative: int  # from the first recorded year to the end of the period
    first_year: int | None
    by_year: list[tuple[int, int]] = field(default_factory=list)  # (year, person-times) up to the period's end
    rows: QuerySet | None = None  # the attendance rows behind `count`

    label = LABELS["training"]

    def as_dict(self) -> dict:
        return {"start": self.period.start, "end": self.period.end, "count": self.count,
                "cumulative": self.cumulative, "first_year": self.first_year,
                "by_year": [{"year": y, "count": n} for y, n in self.by_year]}


def training_attendances(scope) -> QuerySet:
    return scope_attendances(scope).filter(activity__kind=Kind.TRAINING, activity__status=Status.NORMAL)


def training(scope, period) -> Training:
    """培训人次 in the period, and per year up to its end. A Region's whole year is read from the
    counters kept on write (`counted`: [(year, person-times)] up to that year)."""
    p = Period.of(period)
    qs = training_attendances(scope)
    rows = qs.filter(in_period(p, "activity__"))
    by_year = counted("training", scope, p)
    if by_year is not None:
        count = dict(by_year).get(p.calendar_year, 0)
    else:
        _, hi = local_bounds(p.end, p.end)
        per_year = (qs.filter(activity__start__lt=hi).annotate(y=ExtractYear("activity__start")).order_by()
                    .values("y").annotate(n=Count("pk")).order_by("y"))
        by_year = [(row["y"], row["n"]) for row in per_year]
        count = rows.count()
    return Training(period=p, count=count, cumulative=sum(n for _, n in by_year),
                    first_year=by_year[0][0] if by_year else None, by_year=by_year, rows=rows)


# --- series ------------------------------------------------------------------------------


@dataclass
class SeriesRun:
    series: ActivitySeries
    years: int  # consecutive years ending at `year`
    since: int | None  # the first year of that run
    held_years: list[int]

    def as_dict(self, year: int) -> dict:
        return {"id": self.series.pk, "name": self.series.name, "kind": self.series.kind, "year": year,
                "consecutive_years": self.years, "since": self.since, "held_years": self.held_years}


def run_ending(years: set[int], year: int) -> tuple[int, int | None]:
    run, y = 0, year
    while y in years:
        run, y = run + 1, y - 1
    return run, (y + 1 if run else None)


def series_runs(series_qs, year: int) -> list[SeriesRun]:
    """Every series of the queryset with its consecutive years ending at `year` (one grouped query)."""
    series = list(series_qs.order_by("region__code", "name"))
    _, hi = local_bounds(dt.date(year, 12, 31), dt.date(year, 12, 31))
    held: dict[int, set[int]] = {s.pk: set() for s in series}
    rows = (Activity.objects.held().filter(series__in=series, start__lt=hi).annotate(y=ExtractYear("start"))
            .order_by().values_list("series", "y").distinct())
    for series_id, y in rows:
        held[series_id].add(y)
    out = []
    for s in series:
        run, since = run_ending(held[s.pk], year)
        out.append(SeriesRun(series=s, years=run, since=since, held_years=sorted(held[s.pk])))
    return out


def consecutive_years(series: ActivitySeries, year: int) -> int:
    return series_runs(ActivitySeries.objects.filter(pk=series.pk), year)[0].years


# --- attendance per activity ---------------------------------------------------------------


def activities_with_attendance(scope, period) -> QuerySet:
    """The activities of the scope starting in the period, each with `attendance` (its count)."""
    p = Period.of(period)
    return (Activity.objects.in_scope(scope).filter(in_period(p)).annotate(attendance=Count("attendances"))
            .select_related("region", "series").order_by("start", "pk"))


# --- per street -------------------------------------------------------------------------------


@dataclass
class StreetRow:
    street: Region
    member: tuple[int, int]
    district: tuple[int, int]
    training: int

    def rate(self, key: str) -> Decimal | None:
        return percent(*getattr(self, key))

    @property
    def member_rate(self) -> Decimal | None:
        return self.rate("member")

    @property
    def district_rate(self) -> Decimal | None:
        return self.rate("district")


def by_street(scope, period) -> list[StreetRow]:
    """Participation (num, den) and training person-times per street: one grouped query each."""
    p = Period.of(period)
    valid = list(scope_streets(scope, p).order_by("code"))
    grouped = (active_enterprises(scope, p).annotate(member=member_in(p), hit=_attended(p)).order_by()
               .values("region").annotate(den=Count("pk"), num=Count("pk", filter=Q(hit=True)),
                                          mden=Count("pk", filter=Q(member=True)),
                                          mnum=Count("pk", filter=Q(member=True, hit=True))))
    per_region = {row["region"]: {k: v for k, v in row.items() if k != "region"} for row in grouped}
    trained = dict(training_attendances(scope).filter(in_period(p, "activity__")).order_by()
                   .values("region").annotate(n=Count("pk")).values_list("region", "n"))
    streets, owner = street_rows(valid, {*per_region, *trained})  # 区划调整: each street sums its subtree
    per_region, trained = fold(per_region, owner), fold(trained, owner)
    rows = []
    for street in streets:
        row = per_region.get(street.pk, {})
        rows.append(StreetRow(street=street, member=(row.get("mnum", 0), row.get("mden", 0)),
                              district=(row.get("num", 0), row.get("den", 0)), training=trained.get(street.pk, 0)))
    return rows


def figure(key: str, scope, period) -> Figure:
    return {"member": member_participation, "district": district_participation}[key](scope, period)
