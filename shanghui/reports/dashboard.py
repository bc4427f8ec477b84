"""The dashboard's figure set: every tile, the per-street table and the chart series, as plain data.

`figure_set(region, year)` is cached under the database's epoch (core.state: a restore changes it)
and the data version the counter triggers bump on any
write to a table these figures read (counters.VERSIONED; new enterprises bump it when
streetyears.settle() counts them), so a cached figure never outlives a write that changes it;
with no version row (a freshly flushed database) nothing is cached.
The other apps' tiles (service requests, honours, youth association, party recruitment) are small queries of their
apps' kpis modules, computed on every request, outside the cache, so no trigger on their tables
is needed.
"""

import datetime as dt

from django.core.cache import cache

from shanghui.activities import kpis as activity_kpis
from shanghui.community import kpis as community_kpis
from shanghui.core import state
from shanghui.core.kpis import Period
from shanghui.core.roles import Role
from shanghui.honors import kpis as honors_kpis
from shanghui.orgs.models import Region
from shanghui.party import recruitment_figures
from shanghui.servicedesk import kpis as service_kpis

from . import counters, kpis, streetyears

CACHE_SECONDS = 24 * 3600


def _totals(streets: list[dict]) -> dict:
    """The scope's figures as the sums of its streets' (every rate KPI is additive: an enterprise
    lies in exactly one street; the tests check the sums against the KPI functions)."""
    out = {}
    for key in kpis.RATE_KEYS:
        num = sum(s[key]["numerator"] for s in streets)
        den = sum(s[key]["denominator"] for s in streets)
        out[key] = {"key": key, "label": kpis.LABELS[key], "numerator": num, "denominator": den,
                    "rate": kpis.rate(num, den)}
    return out


def _compute(region: Region, year: int) -> dict:
    streets = [row.as_dict() for row in kpis.by_street(region, year)]
    figures = _totals(streets)
    training = activity_kpis.training(region, year)
    run = kpis.training_class_run(region, year)
    before = kpis.participation_by_street(region, year - 1)
    member_before = [sum(r["mnum"] for r in before.values()), sum(r["mden"] for r in before.values())]
    district_before = [sum(r["num"] for r in before.values()), sum(r["den"] for r in before.values())]
    per_year = dict(training.by_year)
    trend = [
        {"year": year - 1, "member": kpis.rate(*member_before), "district": kpis.rate(*district_before),
         "training": per_year.get(year - 1, 0)},
        {"year": year, "member": figures["member"]["rate"], "district": figures["district"]["rate"],
         "training": training.count},
    ]
    return {
        "year": year,
        "figures": figures,
        "training": {"count": training.count, "cumulative": training.cumulative, "first_year": training.first_year,
                     "by_year": [{"year": y, "count": n} for y, n in training.by_year]},
        "training_class": ({"id": run.series.pk, "name": run.series.name, "years": run.years, "since": run.since}
                           if run else None),
        "streets": streets,
        "trend": trend,
    }


def figure_set(region: Region, year: int) -> dict:
    # Settle first: counting new or changed enterprises bumps the version the cache is keyed by.
    # Figures with changes not stored yet (SQLite busy with an import) are not cached.
    pending = streetyears.settle()
    version = counters.version()
    epoch = state.epoch()  # a restore changes it: the version numbers it brings back may have been used before
    if version is None or epoch is None or pending is not None:
        return _compute(region, year)
    key = f"reports:dashboard:{epoch}:{version}:{region.pk}:{year}"
    data = cache.get(key)
    if data is None:
        data = _compute(region, year)
        cache.set(key, data, CACHE_SECONDS)
    return data


def _honours_by_level(region: Region, year: int | None = None, *, until: int | None = None) -> dict:
    """{level label: number of honours} (national → street) in the year, or up to `until`."""
    return {level.label: n for level, n in honors_kpis.honours_by_level(region, year=year, until=until).items()}


def other_tiles(region: Region, year: int, user=None) -> dict:
    """The tiles of the service desk, the honours and the youth association.

    A department handler's service figures are his department's (his `visible_to` scope), as
    on the service desk's own pages; everyone else's are the region's.
    """
    service_scope = user if user is not None and user.role == Role.DEPARTMENT_HANDLER else region
    period = Period.year(year)
    # The year's end, or today while the year runs: the tile says which ("截至…").
    youth_day = min(dt.date(year, 12, 31), dt.date.today())
    # "累计" means up to the chosen year: choosing 2018 must not count the honours of 2024.
    total = _honours_by_level(region, until=year)
    return {
        "service": _plain(service_kpis.summary(service_scope, period)),
        "service_by_department": _plain(service_kpis.by_department(service_scope, period)),
        "honours": {level: n for level, n in _honours_by_level(region, year).items() if n},
        "honours_total": total,
        "honours_national": next(iter(total.values()), 0),  # levels run national first
        "commendations": honors_kpis.commendations(region, year),
        "youth": community_kpis.youth_size(region, youth_day),
        "youth_day": youth_day,
        "youth_at_year_end": youth_day == dt.date(year, 12, 31),
        "recruitment": recruitment_figures.figures(region, year).as_dict(),
    }


def _plain(value):
    """Dataclasses and Decimals as JSON-friendly values (the other apps' figures)."""
    import dataclasses
    from decimal import Decimal

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "pk"):
        return str(value)
    return value


def dues_tile(region: Region, year: int, day: dt.date | None = None) -> dict:
    """Party dues (党费) of the region for the year's ended months: collection rate (members fully paid ÷
    members owing), amounts collected and handed up, members flagged; also per street. Computed on
    every request (dues rows bump no counter version)."""
    from shanghui.party import dues
    from shanghui.party.models import DuesHandUp, DuesMember, DuesPayment

    day = day or dt.date.today()
    first, last = dues.period_months(year, None, day)
    data = dues.figures(DuesMember.objects.in_scope(region), first, last,
                        hand_ups=DuesHandUp.objects.in_scope(region), payments=DuesPayment.objects.in_scope(region))
    return {"first": first, "last": last, "ended": first <= last, "total": data["total"].as_dict(),
            "streets": [{**f.as_dict(), "code": f.key.code} for f in data["streets"]]}
