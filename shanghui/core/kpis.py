"""What every KPI module of docs/design.md §5 shares: the period, the figure, the rounding and local day bounds.

A KPI takes a scope and a period:
- scope: a user (his `visible_to` scope) or a Region (a subtree of the district tree), told
  apart by `ScopedQuerySet.in_scope`;
- period: a `Period(start, end)`; a date means the one-day period "as of that date", a year
  (an int) that calendar year. `Period.year(2024)` is the calendar year.

Some figures are also kept up to date on write, per street and year (the counters of the reports
app, which sits above the feature apps): the reports app registers them here
(`register_counter`), and a KPI function asks `counted()` first, computing live when it gets None.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from . import config


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    @classmethod
    def on(cls, day: dt.date) -> "Period":
        return cls(day, day)

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def of(cls, value) -> "Period":
        """A Period as it is, a date as that day, a year (an int) as that calendar year."""
        if isinstance(value, Period):
            return value
        return cls.year(value) if isinstance(value, int) else cls.on(value)

    @property
    def calendar_year(self) -> int | None:
        """The year, when the period is exactly one calendar year."""
        whole = self.start == dt.date(self.start.year, 1, 1) and self.end == dt.date(self.start.year, 12, 31)
        return self.start.year if whole else None

    def __str__(self) -> str:
        if self.start == self.end:
            return f"截至{self.end:%Y年%-m月%-d日}"
        return f"{self.start:%Y年%-m月%-d日}至{self.end:%Y年%-m月%-d日}"


def stats_year(user) -> int:
    """The 统计年度 every statistics page starts from: the user's pick, else the default year (系统设置 or
    SHANGHUI_DEFAULT_YEAR, core/config.py), else this year."""
    return getattr(user, "stats_year", None) or config.get("default_year") or timezone.localdate().year


def stats_period(user) -> Period:
    """The start/end pages' default: the 统计年度 from 1 January, to 31 December or, in the current year, today."""
    year, day = stats_year(user), timezone.localdate()
    return Period(dt.date(year, 1, 1), day if year == day.year else dt.date(year, 12, 31))


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator ÷ denominator in per cent, one decimal, rounded half up; None when the denominator is 0."""
    if not denominator:
        return None
    return (Decimal(100 * numerator) / denominator).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Figure:
    """One KPI value with its parts and its drill-down querysets."""

    key: str
    label: str
    numerator: int
    denominator: int
    covered: QuerySet  # the rows behind the numerator
    missing: QuerySet  # the rows of the denominator that are not in the numerator

    @property
    def missing_count(self) -> int:
        return self.denominator - self.numerator

    @property
    def rate(self) -> Decimal | None:
        return percent(self.numerator, self.denominator)

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "numerator": self.numerator,
                "denominator": self.denominator, "rate": float(self.rate) if self.rate is not None else None}

    @classmethod
    def of_hits(cls, key: str, label: str, base: QuerySet, counts: tuple[int, int] | None = None) -> "Figure":
        """The figure over `base`, whose rows carry a boolean `hit` (in the numerator or not).

        `counts` (numerator, denominator) when the counters gave them; else one aggregate query.
        The drill-down querysets are `base`'s either way.
        """
        if counts is None:
            agg = base.order_by().aggregate(den=Count("pk"), num=Count("pk", filter=Q(hit=True)))
            counts = agg["num"], agg["den"]
        return cls(key=key, label=label, numerator=counts[0], denominator=counts[1],
                   covered=base.filter(hit=True), missing=base.filter(hit=False))


# --- counters kept on write ---------------------------------------------------------------

# KPI key → function(region, year) returning the kept value, or None for a year it does not keep.
_COUNTERS: dict[str, Callable] = {}


def register_counter(key: str, read: Callable) -> None:
    _COUNTERS[key] = read


def counted(key: str, scope, period):
    """The counters' value of KPI `key` for the scope and period, or None: compute it live.

    Counters are kept per street and calendar year, so only a Region scope (a sum of streets) over
    one whole year is read from them; a user's `visible_to` may be narrower than any region.
    """
    read = _COUNTERS.get(key)
    year = Period.of(period).calendar_year
    if read is None or year is None or scope is None or hasattr(scope, "is_authenticated"):
        return None
    return read(scope, year)


def local_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in the site's time zone: a date range over a datetime column."""
    tz = timezone.get_default_timezone()
    return (timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz),
            timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz))
