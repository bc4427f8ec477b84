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


def scope_streets(scope) -> QuerySet:
    """The streets a figure is broken down by. Not `Region.objects.in_scope`: every user may see the
    whole region tree (it is reference data), but a user's figures are broken down by the streets of
    his own region only."""
    streets = Region.objects.streets()
    if isinstance(scope, Region):
        return streets.filter(path__startswith=scope.path)
    return streets_in_scope(scope)


def active_enterprises(scope, period) -> QuerySet:
    p = Period.of(period)
    return Enterprise.objects.in_scope(scope).filter(
        Q(founded__isnull=True) | Q(founded__lte=p.end),
        Q(status=Status.ACTIVE) | Q(status_changed__gt=p.start),
    )
