import datetime as dt

import pytest

from shanghui.orgs import workdays
from shanghui.orgs.models import Holiday

D = dt.date


def test_a_weekday_limit_skips_the_weekend():
    # Thursday 2024-03-07 + 3 working days: Fri, (Sat, Sun), Mon, Tue → Tuesday.
    assert workdays.add_workdays(D(2024, 3, 7), 3) == D(2024, 3, 12)
    # Filed on a Saturday: the count starts on Monday.
    assert workdays.add_workdays(D(2024, 3, 9), 1) == D(2024, 3, 11)
    assert workdays.add_workdays(D(2024, 3, 8), 5) == D(2024, 3, 15)
    assert workdays.add_workdays(D(2024, 3, 8), 0) == D(2024, 3, 8)


def test_holidays_are_skipped_and_make_up_days_count():
    # National Day 2024: Oct 1–7 off, Sunday Sep 29 and Saturday Oct 12 are make-up working days.
    holidays = {D(2024, 10, d) for d in range(1, 8)}
    makeup = {D(2024, 9, 29), D(2024, 10, 12)}
    # Filed Friday Sep 27: Sep 29 (make-up Sunday), Sep 30, then Oct 8, 9, 10, 11, 12 (make-up Saturday).
    assert workdays.add_workdays(D(2024, 9, 27), 1, holidays, makeup) == D(2024, 9, 29)
    assert workdays.add_workdays(D(2024, 9, 27), 3, holidays, makeup) == D(2024, 10, 8)
    assert workdays.add_workdays(D(2024, 9, 27), 7, holidays, makeup) == D(2024, 10, 12)
    assert workdays.add_workdays(D(2024, 9, 27), 8, holidays, makeup) == D(2024, 10, 14)
    # Without the calendar the same limit ends much earlier.
    assert workdays.add_workdays(D(2024, 9, 27), 3) == D(2024, 10, 2)


def test_the_count_crosses_the_year_boundary():
    # Wed 2025-12-31 + 2 working days, New Year's Day off: Fri Jan 2, Mon Jan 5.
    assert workdays.add_workdays(D(2025, 12, 31), 2, {D(2026, 1, 1)}) == D(2026, 1, 5)
    assert workdays.add_workdays(D(2025, 12, 31), 2) == D(2026, 1, 2)
    assert workdays.workdays_between(D(2025, 12, 31), D(2026, 1, 5), {D(2026, 1, 1)}) == 2
    assert workdays.workdays_between(D(2026, 1, 5), D(2025, 12, 31), {D(2026, 1, 1)}) == -2


def test_a_negative_limit_is_refused():
    with pytest.raises(ValueError):
        workdays.add_workdays(D(2024, 1, 1), -1)


# --- the official calendar (chinese-calendar) and the district's overrides ----------------------


def _off_and_on(year):
    return workdays.official(D(year, 1, 1), D(year, 12, 31))


def test_the_2026_spring_festival_is_the_state_councils():
    # State Council notice for 2026: 2月15日至23日放假调休，共9天；2月14日（周六）、2月28日（周六）上班。
    off, on = _off_and_on(2026)
    festival = {d for d, name in off.items() if name == "春节"}
    assert festival == {D(2026, 2, d) for d in range(15, 24)}
    assert {d for d, name in on.items() if name == "春节"} == {D(2026, 2, 14), D(2026, 2, 28)}
    assert D(2026, 2, 14).weekday() == D(2026, 2, 28).weekday() == 5


def test_national_day_2025_is_the_state_councils():
    # 10月1日至8日放假调休，共8天；9月28日（周日）、10月11日（周六）上班。
    off, on = _off_and_on(2025)
    assert {d for d, name in off.items() if d.month == 10} == {D(2025, 10, d) for d in range(1, 9)}
    assert {d for d, name in on.items() if name == "国庆节"} == {D(2025, 9, 28), D(2025, 10, 11)}


@pytest.mark.django_db
def test_a_deadline_across_the_spring_festival_skips_it_and_counts_the_saturdays():
    # Thu 2026-02-12 + 1: Fri 13; + 2: Saturday 14 (worked); + 3: Tuesday 24, after the nine days off;
    # + 7: Saturday 28 (worked); + 8: Monday March 2.
    assert [workdays.deadline(D(2026, 2, 12), n) for n in (1, 2, 3, 7, 8)] == [
        D(2026, 2, 13), D(2026, 2, 14), D(2026, 2, 24), D(2026, 2, 28), D(2026, 3, 2)]
    # Weekends alone would have made the third working day Tuesday Feb 17, in the middle of the festival.
    assert workdays.add_workdays(D(2026, 2, 12), 3) == D(2026, 2, 17)


@pytest.mark.django_db
def test_national_day_2025_deadlines():
    # Fri Sep 26 + 1: Sunday Sep 28 (worked); + 3: Tuesday Sep 30; + 4: Thursday Oct 9, after the eight
    # days off; + 6: Saturday Oct 11 (worked).
    assert [workdays.deadline(D(2025, 9, 26), n) for n in (1, 3, 4, 6)] == [
        D(2025, 9, 28), D(2025, 9, 30), D(2025, 10, 9), D(2025, 10, 11)]


@pytest.mark.django_db
def test_the_districts_overrides_win_over_the_official_calendar():
    # A closure on the worked Saturday and on the Monday after; an extra working day inside the festival.
    Holiday.objects.create(date=D(2026, 2, 14), kind=Holiday.Kind.CLOSURE, note="区内停电检修")
    Holiday.objects.create(date=D(2026, 3, 2), kind=Holiday.Kind.CLOSURE, note="区政府通知停止办公")
    Holiday.objects.create(date=D(2026, 2, 20), kind=Holiday.Kind.WORKDAY, note="企业复工专场")
    assert workdays.deadline(D(2026, 2, 13), 1) == D(2026, 2, 20)
    assert workdays.deadline(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert workdays.deadline(D(2026, 2, 27), 2) == D(2026, 3, 3)


@pytest.mark.django_db
def test_a_year_without_official_data_falls_back_to_weekends_and_overrides():
    year = workdays.OFFICIAL_YEARS[-1] + 1
    assert not workdays.has_official(year)
    assert workdays.official(D(year, 1, 1), D(year, 12, 31)) == ({}, {})
    # Weekdays only…
    start = D(year, 1, 4)
    expected = workdays.add_workdays(start, 3)
    assert workdays.deadline(start, 3) == expected
    # …plus what the district typed.
    Holiday.objects.create(date=expected, kind=Holiday.Kind.CLOSURE, note="预先录入")
    assert workdays.deadline(start, 3) == workdays.add_workdays(expected, 1)
    assert "尚未收录" in workdays.missing_warning(year) and str(year) in workdays.missing_warning(year)
