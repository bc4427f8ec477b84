"""The KPI basics every app shares: periods, rounding, and when a figure is read from the counters."""

import datetime as dt
from decimal import Decimal

import pytest

from shanghui.core import kpis
from shanghui.core.kpis import Period, percent

D = dt.date


def test_a_period_is_a_period_a_day_or_a_calendar_year():
    assert Period.of(2018) == Period(D(2018, 1, 1), D(2018, 12, 31)) == Period.year(2018)
    assert Period.of(D(2018, 5, 4)) == Period(D(2018, 5, 4), D(2018, 5, 4))
    assert Period.of(Period.year(2017)) == Period.year(2017)
    assert Period.year(2018).calendar_year == 2018
    assert Period(D(2018, 1, 1), D(2018, 12, 30)).calendar_year is None
    assert Period(D(2017, 1, 1), D(2018, 12, 31)).calendar_year is None
    with pytest.raises(ValueError):
        Period(D(2018, 2, 1), D(2018, 1, 1))


def test_percent_rounds_half_up_to_one_decimal_and_has_no_value_without_a_denominator():
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")  # 6.25 → 6.3, not banker's 6.2
    assert percent(0, 0) is None


class _User:
    is_authenticated = True


def test_only_a_region_over_a_whole_year_is_read_from_the_counters(monkeypatch):
    calls = []
    monkeypatch.setattr(kpis, "_COUNTERS", {})
    kpis.register_counter("k", lambda region, year: calls.append((region, year)) or (1, 2))
    region = object()
    assert kpis.counted("k", region, 2018) == (1, 2)
    assert kpis.counted("k", region, Period.year(2019)) == (1, 2)
    assert calls == [(region, 2018), (region, 2019)]
    assert kpis.counted("k", region, D(2018, 12, 31)) is None  # not a whole year
    assert kpis.counted("k", _User(), 2018) is None  # a user's scope may be narrower than any region
    assert kpis.counted("k", None, 2018) is None
    assert kpis.counted("other", region, 2018) is None  # no counter for that KPI
    assert len(calls) == 2
