"""The denominators the KPI modules of the feature apps share: the streets and the active enterprises of a scope.

"Active during the period" (DESIGN §5): founded on or before the end (or founding date unknown),
and either still active or closed/moved after the start (`Enterprise.status_changed` is the first
inactive day; closed/moved without a date counts as inactive throughout).
"""

from django.db.models import Q, QuerySet

from shanghui.core.kpis import Period
from shanghui.orgs.forms import streets_in_scope
from shanghui.orgs.models import Region

from .choices import Status
from .models import Enterprise


def scope_enterprises(scope) -> QuerySet:
    if isinstance(scope, Region):
        return Enterprise.objects.filter(region__path__startswith=scope.path)
    return Enterprise.objects.visible_to(scope)


def scope_streets(scope) -> QuerySet:
    streets = Region.objects.streets()
    if isinstance(scope, Region):
        return streets.filter(path__startswith=scope.path)
    return streets_in_scope(scope)


def active_enterprises(scope, period) -> QuerySet:
    p = Period.of(period)
    return scope_enterprises(scope).filter(
        Q(founded__isnull=True) | Q(founded__lte=p.end),
        Q(status=Status.ACTIVE) | Q(status_changed__gt=p.start),
    )
