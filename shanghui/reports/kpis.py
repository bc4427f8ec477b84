"""The KPIs of DESIGN §5 in one place: one plain function per KPI, for the dashboard and the reports.

Each takes a scope (a Region, or a user: his region; see `scope_region`) and a year (or a day
for sizes "as of"), and returns a `Figure` (numerator, denominator, drill-down querysets) or a
plain value. The series run is activities/kpis.py's, called as it is. The rate KPIs (coverage,
participation) and training person-times are the same figures as party/kpis.py's and
activities/kpis.py's, read for a Region scope from the counters kept on write (streetyears.py,
counters.py) instead of scanning every enterprise and attendance; the drill-down querysets are
the live ones. A user scope (whose `visible_to` may be narrower than a region) or a year the
counters do not keep is computed live. The tests check both against independent counts.

The tiles of the other apps (service requests, honours, the youth association) are imported
lazily in `OPTIONAL`: an app that is not there yet simply has no tile, never a made-up figure.
"""

import datetime as dt
import importlib
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Sum

from shanghui.activities import kpis as activity_kpis
from shanghui.activities.models import ActivitySeries
from shanghui.core.kpis import Figure, Period, percent
from shanghui.core.roles import Role
from shanghui.directory.kpis import active_enterprises, scope_streets
from shanghui.orgs.models import Region
from shanghui.party import kpis as party_kpis

from . import streetyears
from .models import AttendanceTally, EnterpriseYear, StreetYear

TRAINING = "training"


# --- scope -------------------------------------------------------------------------------


def scope_region(scope) -> Region | None:
    """The region a scope covers: a Region itself, a user's region (the top of the tree for a
    superuser), or None for users without a region (enterprise users, auditors)."""
    if isinstance(scope, Region):
        return scope
    if scope.is_superuser:
        return Region.objects.filter(parent__isnull=True).order_by("path").first()
    if scope.region_id and scope.role not in (Role.ENTERPRISE_USER, Role.AUDITOR):
        return scope.region
    return None


# --- the rate KPIs, from the street-year counters -----------------------------------------------

# KPI key → (numerator, denominator) columns of StreetYear.
COUNTED = {"organisation": ("organisation", "active"), "own": ("own", "active"), "work": ("work", "active"),
           "member": ("member_participating", "member"), "district": ("participating", "active")}


def street_years(scope, year: int) -> dict[int, dict] | None:
    """Region id → that region's StreetYear counts for the year, for a Region scope and a kept year;
    None when the figures must be computed live (a user scope, a year outside the counters)."""
    if not isinstance(scope, Region) or not streetyears.kept(year):
        return None
    pending = streetyears.settle()
    rows = {row["region"]: row for row in StreetYear.objects.filter(year=year, region__path__startswith=scope.path)
            .values("region", *streetyears.KEYS)}
    if pending:  # another writer holds SQLite's lock: add what is not stored yet
        changes = pending.year(year)
        for region in Region.objects.filter(pk__in=changes, path__startswith=scope.path).values_list("pk", flat=True):
            row = rows.setdefault(region, {"region": region, **dict.fromkeys(streetyears.KEYS, 0)})
            for key, n in changes[region].items():
                row[key] += n
    return rows


def _counted(key: str, scope, year: int) -> tuple[int, int] | None:
    rows = street_years(scope, year)
    if rows is None:
        return None
    num, den = COUNTED[key]
    return sum(r[num] for r in rows.values()), sum(r[den] for r in rows.values())


def _figure(key: str, label: str, counted: tuple[int, int], base) -> Figure:
    return Figure(key=key, label=label, numerator=counted[0], denominator=counted[1],
                  covered=base.filter(hit=True), missing=base.filter(hit=False))


# --- party building --------------------------------------------------------------------------


def joint_committee_coverage(scope, year: int) -> Figure:
    return party_kpis.joint_committee_coverage(scope, Period.year(year))


def _party(key: str, scope, year: int) -> Figure:
    counted = _counted(key, scope, year)
    if counted is None:
        return party_kpis.figure(key, scope, Period.year(year))
    p = Period.year(year)
    return _figure(key, party_kpis.LABELS[key], counted,
                   active_enterprises(scope, p).annotate(hit=party_kpis.CONDITIONS[key](p)))


def organisation_coverage(scope, year: int) -> Figure:
    return _party("organisation", scope, year)


def own_organisation_rate(scope, year: int) -> Figure:
    return _party("own", scope, year)


def work_coverage(scope, year: int) -> Figure:
    return _party("work", scope, year)


# --- participation -----------------------------------------------------------------------------


def _educated(year: int) -> Exists:
    return Exists(EnterpriseYear.objects.filter(enterprise=OuterRef("pk"), year=year, education__gt=0))


def _participation(key: str, scope, year: int) -> Figure:
    p = Period.year(year)
    base = active_enterprises(scope, p)
    if key == "member":
        base = base.filter(activity_kpis._member(p))
    base = base.annotate(hit=_educated(year))
    counted = _counted(key, scope, year)
    if counted is None:
        counts = base.order_by().aggregate(den=Count("pk"), num=Count("pk", filter=Q(hit=True)))
        counted = counts["num"], counts["den"]
    return _figure(key, activity_kpis.LABELS[key], counted, base)


def member_participation(scope, year: int) -> Figure:
    """会员企业参与率: member enterprises with an education attendance in the year ÷ member enterprises."""
    return _participation("member", scope, year)


def district_participation(scope, year: int) -> Figure:
    """全区企业参与率: active enterprises with an education attendance in the year ÷ active enterprises."""
    return _participation("district", scope, year)


# --- training person-times (from the maintained counters) ---------------------------------------


@dataclass
class Training:
    year: int
    count: int  # person-times in the year
    cumulative: int  # from the first recorded year to the end of the year
    first_year: int | None
    by_year: list[tuple[int, int]] = field(default_factory=list)


def _tallies(scope, kind: str):
    region = scope_region(scope)
    if region is None:
        return AttendanceTally.objects.none()
    return AttendanceTally.objects.filter(kind=kind, region__path__startswith=region.path)


def training_person_times(scope, year: int) -> Training:
    """培训人次: attendances at held training activities in the year, and cumulative up to it."""
    rows = (_tallies(scope, TRAINING).filter(year__lte=year).order_by().values("year")
            .annotate(n=Sum("attendances")).filter(n__gt=0).order_by("year"))
    by_year = [(r["year"], r["n"]) for r in rows]
    return Training(year=year, count=dict(by_year).get(year, 0), cumulative=sum(n for _, n in by_year),
                    first_year=by_year[0][0] if by_year else None, by_year=by_year)


# --- the training class (activities/kpis.py, as is) --------------------------------------------


def training_class_run(scope, year: int) -> activity_kpis.SeriesRun | None:
    """连续举办年数 of the scope's training class (the longest-running one, if there are several)."""
    region = scope_region(scope)
    if region is None:
        return None
    series = ActivitySeries.objects.in_scope(region).filter(kind=ActivitySeries.SeriesKind.TRAINING_CLASS)
    runs = activity_kpis.series_runs(series, year)
    return max(runs, key=lambda r: (r.years, -r.series.pk), default=None)


# --- the other apps' tiles (imported lazily) ---------------------------------------------------


def _optional(module: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def service_summary(scope, year: int):
    """诉求: filed, resolved, resolved_on_time, on_time_rate, mean_satisfaction, median_days (servicedesk)."""
    mod = _optional("shanghui.servicedesk.kpis")
    return mod.summary(scope, Period.year(year)) if mod else None


def service_by_department(scope, year: int):
    mod = _optional("shanghui.servicedesk.kpis")
    return mod.by_department(scope, Period.year(year)) if mod else None


def honours_by_level(scope, year: int | None = None) -> dict | None:
    """{level label: number of honours} (national → street) in the year, or all years with None."""
    mod = _optional("shanghui.honors.kpis")
    if mod is None:
        return None
    return {level.label: n for level, n in mod.honours_by_level(scope, year=year).items()}


def commendations(scope, year: int) -> dict | None:
    """{category: number of honours} from the year's commendation campaigns."""
    mod = _optional("shanghui.honors.kpis")
    return mod.commendations(scope, year) if mod else None


def youth_association_size(scope, day: dt.date) -> int | None:
    mod = _optional("shanghui.community.kpis")
    return mod.youth_size(scope, day) if mod else None


# --- per street ----------------------------------------------------------------------------------


def rate(num: int, den: int) -> float | None:
    """A percentage with one decimal, rounded half up like Figure.rate; None when there is no denominator."""
    value = percent(num, den)
    return float(value) if value is not None else None


PARTY_KEYS = party_kpis.KPIS  # joint_committee, organisation, own, work
RATE_KEYS = (*PARTY_KEYS, "member", "district")


@dataclass
class StreetRow:
    street: Region
    figures: dict[str, tuple[int, int]]  # rate KPI key → (numerator, denominator)
    training: int

    def as_dict(self) -> dict:
        out = {"street": self.street.code, "street_id": self.street.pk, "street_name": self.street.name,
               "training": self.training}
        for key, (num, den) in self.figures.items():
            out[key] = {"numerator": num, "denominator": den, "rate": rate(num, den)}
        return out


_UNREAD = object()


def participation_by_street(scope, year: int, rows=_UNREAD) -> dict[int, dict]:
    """Region id → {num, den, mnum, mden}: district and member participation. `rows`: the
    street_years() result when the caller has it already."""
    rows = street_years(scope, year) if rows is _UNREAD else rows
    if rows is not None:
        return {region: {"num": r["participating"], "den": r["active"], "mnum": r["member_participating"],
                         "mden": r["member"]} for region, r in rows.items() if r["active"]}
    # Live: one query grouped by (street, member?, participated?) and folded here: each EXISTS is
    # then evaluated once per enterprise, where COUNT(... FILTER) per figure repeats it.
    p = Period.year(year)
    rows = (active_enterprises(scope, p).annotate(member=activity_kpis._member(p), hit=_educated(year))
            .order_by().values("region", "member", "hit").annotate(n=Count("pk")))
    out: dict[int, dict] = {}
    for row in rows:
        street = out.setdefault(row["region"], {"num": 0, "den": 0, "mnum": 0, "mden": 0})
        n, hit = row["n"], bool(row["hit"])
        street["den"] += n
        street["num"] += n if hit else 0
        if row["member"]:
            street["mden"] += n
            street["mnum"] += n if hit else 0
    return out


def coverage_by_street(scope, year: int, rows=_UNREAD) -> dict[int, dict[str, tuple[int, int]]]:
    """Region id → {organisation, own, work: (numerator, denominator)}; `rows` as above."""
    rows = street_years(scope, year) if rows is _UNREAD else rows
    if rows is None:
        return {row.street.pk: {k: row.figures[k] for k in party_kpis.ENTERPRISE_KPIS}
                for row in party_kpis.by_street(scope, Period.year(year))}
    return {region: {k: (r[COUNTED[k][0]], r["active"]) for k in party_kpis.ENTERPRISE_KPIS}
            for region, r in rows.items() if r["active"]}


def training_by_street(scope, year: int) -> dict[int, int]:
    """Street id → training person-times in the year (from the counters)."""
    return dict(_tallies(scope, TRAINING).filter(year=year).order_by().values("region")
                .annotate(n=Sum("attendances")).values_list("region", "n"))


def by_street(scope, year: int) -> list[StreetRow]:
    """Every rate KPI and the training person-times per street: a handful of grouped queries."""
    p = Period.year(year)
    joint = set(party_kpis.joint_committee_coverage(scope, p).covered.values_list("pk", flat=True))
    counted = street_years(scope, year)  # one settle and one read for both
    coverage = coverage_by_street(scope, year, counted)
    per_region = participation_by_street(scope, year, counted)
    trained = training_by_street(scope, year)
    rows = []
    for street in scope_streets(scope).order_by("code"):
        figures = {"joint_committee": (int(street.pk in joint), 1)}
        figures.update(coverage.get(street.pk, {k: (0, 0) for k in party_kpis.ENTERPRISE_KPIS}))
        row = per_region.get(street.pk, {})
        figures["member"] = (row.get("mnum", 0), row.get("mden", 0))
        figures["district"] = (row.get("num", 0), row.get("den", 0))
        rows.append(StreetRow(street=street, figures=figures, training=trained.get(street.pk, 0)))
    return rows


FIGURES = {
    "joint_committee": joint_committee_coverage,
    "organisation": organisation_coverage,
    "own": own_organisation_rate,
    "work": work_coverage,
    "member": member_participation,
    "district": district_participation,
}
LABELS = {**party_kpis.LABELS, **{k: activity_kpis.LABELS[k] for k in ("member", "district", "training")}}


def figure(key: str, scope, year: int) -> Figure:
    return FIGURES[key](scope, year)
