"""Honour counts (docs/design.md §5: "Honours = count by level and year; commendations = honours from a
campaign"), computed from the records.

Scope, as in core/kpis.py: a user (what `visible_to(user)` shows him, which for a street user
includes his district federation's own honours) or a Region (honours whose recipient lies in that
subtree; the federation's own honours count at the district, not in each street).
"""

from django.db.models import Count

from .models import CategoryKind, Honor, Level, Nomination


def honours_by_level(scope, year: int | None = None, *, until: int | None = None) -> dict[str, int]:
    """{level: count} for every level (zeros included), in the order national → street: of `year`, or
    of every year up to and including `until`, or of all years when both are None."""
    qs = Honor.objects.in_scope(scope)
    if year is not None:
        qs = qs.filter(year=year)
    if until is not None:
        qs = qs.filter(year__lte=until)
    counts = dict(qs.order_by().values_list("level").annotate(n=Count("id")))
    return {level: counts.get(level, 0) for level in Level}


def honours_by_year(scope) -> list[tuple[int, str, int]]:
    """[(year, level, n)], years ascending and levels national → street; only non-zero cells."""
    rank = {level: i for i, level in enumerate(Level)}
    rows = Honor.objects.in_scope(scope).order_by().values_list("year", "level").annotate(n=Count("id"))
    return sorted(((y, Level(lv), n) for y, lv, n in rows), key=lambda r: (r[0], rank[r[1]]))


def commendations(scope, year: int) -> dict[str, int]:
    """{category label: number of honours} from the campaigns of `year` (e.g. {"先进基层党组织": 10, ...})."""
    rows = (Honor.objects.in_scope(scope).commendations().filter(nomination__category__campaign__year=year).order_by()
            .values_list("nomination__category__kind").annotate(n=Count("id")))
    counts = dict(rows)
    return {CategoryKind(kind).label: counts[kind] for kind in CategoryKind if kind in counts}


def years(scope) -> list[int]:
    return sorted(set(Honor.objects.in_scope(scope).order_by().values_list("year", flat=True)), reverse=True)


def approved_by_category(user, campaign) -> dict[int, int]:
    """{category id: approved nominations} of `campaign`, counted over the nominations `user` sees:
    a street worker's figure is her street's, never the district's (docs/design.md §4)."""
    rows = (Nomination.objects.visible_to(user).filter(category__campaign=campaign,
                                                        state=Nomination.State.APPROVED)
            .order_by().values_list("category").annotate(n=Count("id")))
    return dict(rows)


def sees_whole_campaign(user, campaign) -> bool:
    """Does the user's scope hold the campaign's whole region (so his counts are the campaign's)?"""
    if user.is_superuser:
        return True
    return bool(getattr(user, "region_path", "")) and campaign.region.path.startswith(user.region_path)
