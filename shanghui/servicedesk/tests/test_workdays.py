import datetime as dt

import pytest

from shanghui.servicedesk import workdays
from shanghui.servicedesk.models import Holiday

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


@pytest.mark.django_db
def test_deadline_reads_the_holiday_table():
    Holiday.objects.create(date=D(2024, 2, 12), name="春节")
    Holiday.objects.create(date=D(2024, 2, 18), name="春节调休", kind=Holiday.Kind.WORKDAY)
    # Fri Feb 9 + 1: Mon Feb 12 is a holiday, so Tuesday; + 4: Sunday Feb 18 is a make-up day.
    assert workdays.deadline(D(2024, 2, 9), 1) == D(2024, 2, 13)
    assert workdays.deadline(D(2024, 2, 9), 4) == D(2024, 2, 16)
    assert workdays.deadline(D(2024, 2, 9), 5) == D(2024, 2, 18)
