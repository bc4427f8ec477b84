"""What every KPI module of DESIGN §5 shares: the period, the figure, the rounding and local day bounds.

A KPI takes a scope and a period:
- scope: a user (his `visible_to` scope) or a Region (a subtree of the district tree), told
  apart by `ScopedQuerySet.in_scope`;
- period: a `Period(start, end)`; a date means the one-day period "as of that date".
  `Period.year(2024)` is the calendar year.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.utils import timezone


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
        return value if isinstance(value, Period) else cls.on(value)

    def __str__(self) -> str:
        if self.start == self.end:
            return f"截至{self.end:%Y年%-m月%-d日}"
        return f"{self.start:%Y年%-m月%-d日}至{self.end:%Y年%-m月%-d日}"


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


def local_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in the site's time zone: a date range over a datetime column."""
    tz = timezone.get_default_timezone()
    return (timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz),
            timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz))
