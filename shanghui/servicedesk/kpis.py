"""Service KPIs (docs/design.md §5 "Service"), computed from the requests, never stored.

Same convention as every KPI module (core/kpis.py): a scope (a user — his `visible_to` rows, so a department
handler counts only his department's requests — or a Region subtree) and a `Period`.

- filed: requests filed in the period;
- resolved: requests resolved in the period (a reopened request counts again when resolved again);
- resolved on time: of those, resolved on or before their deadline (local dates);
- on-time rate: resolved on time ÷ resolved, in per cent;
- mean satisfaction: mean rating of the requests resolved in the period that were rated;
- median days: median of (resolved − filed) in days over the requests resolved in the period.

Each figure has a drill-down (`drilldown`): the requests behind it, for the lists and exports.
"""

import datetime as dt
import statistics
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from shanghui.core.kpis import Period, local_bounds, percent
from shanghui.core.roles import Role
from shanghui.directory.kpis import scope_streets
from shanghui.orgs.models import Department, Region
from shanghui.orgs.scope import require_street

from .models import Category, ServiceRequest


def kpi_scope(user, *, start: dt.date | None = None, end: dt.date | None = None,
              street: Region | None = None) -> tuple:
    """(scope, period) of the KPI page and the API: the year to date and the user's own rows by default.

    A street the user picked narrows the scope to it, except for a department handler, whose
    figures stay his own rows (his department's) whichever street he looks at.
    """
    today = timezone.localdate()
    start, end = start or dt.date(today.year, 1, 1), end or today
    if end < start:
        raise ValidationError({"end": ["截止日期不能早于起始日期。"]})
    if street is None:
        return user, Period(start, end)
    require_street(user, street)
    return (user if user.role == Role.DEPARTMENT_HANDLER else street), Period(start, end)


def _bounds(period):
    p = Period.of(period)
    return local_bounds(p.start, p.end)


def _filed(period) -> Q:
    start, end = _bounds(period)
    return Q(filed_at__gte=start, filed_at__lt=end)


def _resolved(period) -> Q:
    start, end = _bounds(period)
    return Q(resolved_at__gte=start, resolved_at__lt=end)


ON_TIME = Q(resolved_at__date__lte=F("deadline"))


@dataclass
class Summary:
    filed: int
    resolved: int
    resolved_on_time: int
    on_time_rate: Decimal | None
    mean_satisfaction: Decimal | None
    median_days: float | None

    def as_dict(self) -> dict:
        out = asdict(self)
        for key in ("on_time_rate", "mean_satisfaction"):
            out[key] = float(out[key]) if out[key] is not None else None
        return out


@dataclass
class Row(Summary):
    key: str = ""
    label: str = ""


def _mean(value) -> Decimal | None:
    return Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP) if value is not None else None


def _median(durations) -> float | None:
    days = [d.total_seconds() / 86400 for d in durations if d is not None]
    return round(statistics.median(days), 1) if days else None


def _aggregates(period) -> dict:
    resolved = _resolved(period)
    return {"filed": Count("pk", filter=_filed(period)),
            "resolved": Count("pk", filter=resolved),
            "resolved_on_time": Count("pk", filter=resolved & ON_TIME),
            "mean_satisfaction": Avg("satisfaction", filter=resolved & Q(satisfaction__isnull=False))}


def _summary(values: dict, durations) -> dict:
    return {"filed": values["filed"], "resolved": values["resolved"], "resolved_on_time": values["resolved_on_time"],
            "on_time_rate": percent(values["resolved_on_time"], values["resolved"]),
            "mean_satisfaction": _mean(values["mean_satisfaction"]), "median_days": _median(durations)}


def summary(scope, period) -> Summary:
    qs = ServiceRequest.objects.in_scope(scope)
    values = qs.aggregate(**_aggregates(period))
    durations = [r - f for f, r in qs.filter(_resolved(period)).values_list("filed_at", "resolved_at")]
    return Summary(**_summary(values, durations))


def _grouped(scope, period, field: str) -> dict:
    """{group key: Summary fields} for the groups that have any requests filed or resolved in the period."""
    qs = ServiceRequest.objects.in_scope(scope).filter(_filed(period) | _resolved(period))
    rows = {row[field]: row for row in qs.values(field).annotate(**_aggregates(period)).order_by()}
    durations: dict = {}
    for key, filed, resolved in qs.filter(_resolved(period)).values_list(field, "filed_at", "resolved_at"):
        durations.setdefault(key, []).append(resolved - filed)
    return {key: _summary(row, durations.get(key, [])) for key, row in rows.items()}


EMPTY = {"filed": 0, "resolved": 0, "resolved_on_time": 0, "on_time_rate": None, "mean_satisfaction": None,
         "median_days": None}


def by_department(scope, period) -> list[Row]:
    groups = _grouped(scope, period, "department")
    rows = [Row(**groups.get(d.pk, EMPTY), key=str(d.pk), label=d.name) for d in Department.objects.order_by("code")]
    if None in groups:
        rows.append(Row(**groups[None], key="none", label="尚未交办"))
    return rows


def by_category(scope, period) -> list[Row]:
    groups = _grouped(scope, period, "category")
    return [Row(**groups.get(c.pk, EMPTY), key=str(c.pk), label=c.name)
            for c in Category.objects.all() if c.active or c.pk in groups]


def by_street(scope, period) -> list[Row]:
    groups = _grouped(scope, period, "enterprise__region")
    return [Row(**groups.get(s.pk, EMPTY), key=s.code, label=s.name) for s in scope_streets(scope).order_by("code")]


# --- drill-downs ----------------------------------------------------------------------------

FIGURES = {
    "filed": "提交的诉求",
    "resolved": "办结的诉求",
    "on_time": "按期办结的诉求",
    "late": "超期办结的诉求",
    "rated": "已评价的诉求",
}
GROUPS = {"department": "department", "category": "category", "street": "enterprise__region__code"}


def drilldown(scope, period, figure: str, group: str = "", key: str = "") -> QuerySet:
    """The requests behind one figure, optionally of one department / category / street."""
    if figure not in FIGURES:
        raise KeyError(figure)
    qs = ServiceRequest.objects.in_scope(scope)
    qs = {
        "filed": lambda: qs.filter(_filed(period)),
        "resolved": lambda: qs.filter(_resolved(period)),
        "on_time": lambda: qs.filter(_resolved(period) & ON_TIME),
        "late": lambda: qs.filter(_resolved(period)).exclude(ON_TIME),
        "rated": lambda: qs.filter(_resolved(period), satisfaction__isnull=False),
    }[figure]()
    if group:
        if group not in GROUPS:
            raise KeyError(group)
        if key == "none" and group == "department":
            qs = qs.filter(department__isnull=True)
        elif group != "street" and not key.isdigit():
            raise KeyError(key)
        else:
            qs = qs.filter(**{GROUPS[group]: key})
    return qs.select_related("enterprise__region", "category", "department").order_by("-filed_at", "-id")


def visible_drilldown(user, scope, period, figure: str, group: str = "", key: str = "") -> QuerySet:
    """`drilldown` for a scope `kpi_scope` gave `user`: never a row he may not see."""
    qs = drilldown(scope, period, figure, group, key)
    return qs if scope is user else qs.filter(pk__in=ServiceRequest.objects.visible_to(user).values("pk"))
