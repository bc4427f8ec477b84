"""The denominators the KPI modules of the feature apps share: the streets and the active enterprises of a scope.

"Active during the period" (docs/design.md §5): founded on or before the end (or founding date unknown),
and either still active or closed/moved after the start (`Enterprise.status_changed` is the first
inactive day; closed/moved without a date counts as inactive throughout).
"""

from django.db.models import Q, QuerySet

from shanghui.core.kpis import Period
from shanghui.orgs.models import Region
from shanghui.orgs.scope import streets_in_scope

from .choices import Status
from .models import Enterprise


def scope_streets(scope, period=None) -> QuerySet:
    """The streets a figure is broken down by. Not `Region.objects.in_scope`: every user may see the
    whole region tree (it is reference data), but a user's figures are broken down by the streets of
    his own region only.

    `period` (a Period or a year): the streets as they were in its last year (区划调整: a merged
    street until its last year, its successor from the merger on); without one, today's streets."""
    streets = Region.objects.streets()
    streets = streets.current() if period is None else streets.valid_in(Period.of(period).end.year)
    if isinstance(scope, Region):
        return streets.filter(path__startswith=scope.path)
    return streets & streets_in_scope(scope)


def street_rows(streets: list[Region], region_ids) -> tuple[list[Region], dict[int, int]]:
    """The rows of a by-street table, and which row each region's figures go to.

    Figures are grouped by the region a row points at. After a 区划调整 that may be a street of
    another time: a merged street (now a child of its successor) or a split street's part (a child
    of the split street). Each region's figures go to the listed street whose subtree holds it; a
    street under none of them (one with figures outside its years) gets a row of its own, after
    the others, so that the rows still add up to the scope.
    """
    rows = list(streets)
    owner = {s.pk: s.pk for s in rows}
    others = set(region_ids) - set(owner)
    if not others:  # no 区划调整 in sight: no query
        return rows, owner
    extra = []
    for region in Region.objects.filter(pk__in=others).order_by("code"):
        holders = [s for s in rows if region.path.startswith(s.path)]
        if holders:
            owner[region.pk] = max(holders, key=lambda s: len(s.path)).pk
        elif region.level == Region.Level.STREET:
            extra.append(region)
            owner[region.pk] = region.pk
    return rows + extra, owner


def _add(a, b):
    if isinstance(a, dict):
        return {k: _add(a[k], b[k]) if k in a and k in b else a.get(k, b.get(k)) for k in {*a, *b}}
    if isinstance(a, tuple):
        return tuple(x + y for x, y in zip(a, b, strict=True))
    return a + b


def fold(per_region: dict, owner: dict[int, int]) -> dict:
    """{region id: figures} summed into {row's street id: figures} (figures: numbers, pairs, or dicts of them)."""
    out: dict = {}
    for region_id, value in per_region.items():
        if region_id in owner:
            key = owner[region_id]
            out[key] = _add(out[key], value) if key in out else value
    return out


def active_enterprises(scope, period) -> QuerySet:
    p = Period.of(period)
    return Enterprise.objects.in_scope(scope).filter(
        Q(founded__isnull=True) | Q(founded__lte=p.end),
        Q(status=Status.ACTIVE) | Q(status_changed__gt=p.start),
    )
