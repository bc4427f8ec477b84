"""Working-day arithmetic for deadlines: weekends and holidays do not count, make-up days (调休) do.

`add_workdays` is pure (the calendar is passed in); `deadline` reads the `Holiday` table.
The day a request is filed is not counted: filed on Monday with a limit of 1, due Tuesday.
"""

import datetime as dt
from collections.abc import Collection

from .models import Holiday

ONE_DAY = dt.timedelta(days=1)


def is_workday(day: dt.date, holidays: Collection[dt.date] = (), makeup: Collection[dt.date] = ()) -> bool:
    if day in makeup:
        return True
    return day.weekday() < 5 and day not in holidays


def add_workdays(start: dt.date, n: int, holidays: Collection[dt.date] = (),
                 makeup: Collection[dt.date] = ()) -> dt.date:
    """The n-th working day after `start` (n >= 1); n == 0 gives `start` itself."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    while n:
        day += ONE_DAY
        if is_workday(day, holidays, makeup):
            n -= 1
    return day


def workdays_between(start: dt.date, end: dt.date, holidays: Collection[dt.date] = (),
                     makeup: Collection[dt.date] = ()) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -workdays_between(end, start, holidays, makeup)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += is_workday(day, holidays, makeup)
    return count


def calendar(start: dt.date, end: dt.date) -> tuple[set[dt.date], set[dt.date]]:
    """(holidays, make-up working days) recorded between start and end."""
    rows = Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
    holidays = {d for d, kind in rows if kind == Holiday.Kind.HOLIDAY}
    return holidays, {d for d, kind in rows if kind == Holiday.Kind.WORKDAY}


def deadline(start: dt.date, n: int) -> dt.date:
    # Long holidays (Spring Festival, National Day) add at most a couple of weeks; a generous
    # window keeps this one query.
    holidays, makeup = calendar(start, start + dt.timedelta(days=n * 2 + 60))
    return add_workdays(start, n, holidays, makeup)
