"""The dashboard's own figures (docs/design.md §5): every rate KPI per street, and the counters behind the KPIs.

The KPIs are the feature apps' functions, one per KPI (party/kpis.py, activities/kpis.py), called
here with a Region or a user and a year. For a Region over a whole year those functions read the
figures kept on write (streetyears.py, counters.py) instead of scanning every enterprise and
attendance: `register()` (run by the app's ready()) hands the readers below to core/kpis.py. The
per-street tables read the same counters for a Region scope and a kept year, and compute live
otherwise. The tests check both against independent counts.
"""

import functools
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Sum

from shanghui.activities import kpis as activity_kpis
from shanghui.activities.models import ActivitySeries
from shanghui.core.kpis import Figure, Period, percent, register_counter
from shanghui.core.roles import Role
from shanghui.directory.kpis import active_enterprises, fold, scope_streets, street_rows
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


def _counted(key: str, region: Region, year: int) -> tuple[int, int] | None:
    """(numerator, denominator) of a rate KPI from the street-year counters; None for a year not kept."""
    rows = street_years(region, year)
    if rows is None:
        return None
    num, den = COUNTED[key]
    return sum(r[num] for r in rows.values()), sum(r[den] for r in rows.values())


def _tallies(scope, kind: str):
    region = scope_region(scope)
    if region is None:
        return AttendanceTally.objects.none()
    return AttendanceTally.objects.filter(kind=kind, region__path__startswith=region.path)


def _training_by_year(region: Region, year: int) -> list[tuple[int, int]]:
    """[(year, training person-times)] of the years up to `year` that have any, from the counters."""
    rows = (_tallies(region, TRAINING).filter(year__lte=year).order_by().values("year")
            .annotate(n=Sum("attendances")).filter(n__gt=0).order_by("year"))
    return [(r["year"], r["n"]) for r in rows]


def register() -> None:
    """Hand the counter readers to the feature apps' KPI functions (core/kpis.py `counted`)."""
    for key in COUNTED:
        register_counter(key, functools.partial(_counted, key))
    register_counter(TRAINING, _training_by_year)


# --- the training class --------------------------------------------------------------------------


def training_class_run(scope, year: int) -> activity_kpis.SeriesRun | None:
    """连续举办年数 of the scope's training class (the longest-running one, if there are several)."""
    region = scope_region(scope)
    if region is None:
        return None
    series = ActivitySeries.objects.in_scope(region).filter(kind=ActivitySeries.SeriesKind.TRAINING_CLASS)
    runs = activity_kpis.series_runs(series, year)
    return max(runs, key=lambda r: (r.years, -r.series.pk), default=None)


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


def _educated(year: int) -> Exists:
    """The enterprise has an education attendance in the year (the per-enterprise counter)."""
    return Exists(EnterpriseYear.objects.filter(enterprise=OuterRef("pk"), year=year, education__gt=0))


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
    rows = (active_enterprises(scope, p).annotate(member=activity_kpis.member_in(p), hit=_educated(year))
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
    """Every rate KPI and the training person-times per street: a handful of grouped queries.

    The streets are those of the year (区划调整): each street's row sums its subtree, so a street
    merged away counts in its own row up to its last year and in its successor's from then on."""
    p = Period.year(year)
    valid = list(scope_streets(scope, year).order_by("code"))
    joint = set(party_kpis.joint_committee_coverage(scope, p).covered.values_list("pk", flat=True))
    counted = street_years(scope, year)  # one settle and one read for both
    coverage = coverage_by_street(scope, year, counted)
    per_region = participation_by_street(scope, year, counted)
    trained = training_by_street(scope, year)
    streets, owner = street_rows(valid, {*coverage, *per_region, *trained})
    coverage, per_region, trained = fold(coverage, owner), fold(per_region, owner), fold(trained, owner)
    listed = {s.pk for s in valid}
    rows = []
    for street in streets:
        figures = {"joint_committee": (int(street.pk in joint), 1) if street.pk in listed else (0, 0)}
        figures.update(coverage.get(street.pk, {k: (0, 0) for k in party_kpis.ENTERPRISE_KPIS}))
        row = per_region.get(street.pk, {})
        figures["member"] = (row.get("mnum", 0), row.get("mden", 0))
        figures["district"] = (row.get("num", 0), row.get("den", 0))
        rows.append(StreetRow(street=street, figures=figures, training=trained.get(street.pk, 0)))
    return rows


FIGURES = {
    "joint_committee": party_kpis.joint_committee_coverage,
    "organisation": party_kpis.organisation_coverage,
    "own": party_kpis.own_organisation_rate,
    "work": party_kpis.work_coverage,
    "member": activity_kpis.member_participation,
    "district": activity_kpis.district_participation,
}
LABELS = {**party_kpis.LABELS, **{k: activity_kpis.LABELS[k] for k in ("member", "district", "training")}}


def figure(key: str, scope, year: int) -> Figure:
    """Any rate KPI of the dashboard by its key: the feature app's function."""
    return FIGURES[key](scope, year)
