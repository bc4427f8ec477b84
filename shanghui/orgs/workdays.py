"""Working-day arithmetic on China's official calendar: service-request deadlines, 公示 periods, the
recruitment time rules. It lives in orgs (below the feature apps) so that every app can count working days.

A working day is Monday to Friday unless the State Council's yearly notice makes it a holiday, and a
weekend day only if the notice makes it an adjusted working day (调休上班). The notices are not typed
here: they come from the `chinese-calendar` package, which transcribes each one soon after it is
published (in November for the next year) and refuses years it has no notice for, so "no data" is
never mistaken for "no holidays". The district's own overrides (the `Holiday` table: a closure, an
extra working day) sit on top and win. A year the package does not cover yet falls back to weekends
plus overrides; the holiday page warns about it.

`add_workdays` is pure (the calendar is passed in); `deadline` reads both sources.
The day a request is filed is not counted: filed on Monday with a limit of 1, due Tuesday.
"""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import chinese_calendar

from .models import Holiday

ONE_DAY = dt.timedelta(days=1)

LIBRARY = "chinese-calendar"
LIBRARY_VERSION = chinese_calendar.__version__
OFFICIAL_SOURCE = f"国务院办公厅通知（据 {LIBRARY} {LIBRARY_VERSION}）"
LOCAL_SOURCE = "本区设置"
# The package's public tables: official days off (whole spans, weekends included) and adjusted working
# days, each mapped to its festival's English name.
OFFICIAL_OFF: dict[dt.date, str] = chinese_calendar.holidays
OFFICIAL_ON: dict[dt.date, str] = chinese_calendar.workdays
OFFICIAL_YEARS = range(min(OFFICIAL_OFF).year, max(OFFICIAL_OFF).year + 1)


def has_official(year: int) -> bool:
    return year in OFFICIAL_YEARS


def festival(english: str) -> str:
    try:
        return chinese_calendar.Holiday(english).chinese
    except ValueError:  # a special day added by a later release: its English name beats nothing
        return english


def official(start: dt.date, end: dt.date) -> tuple[dict[dt.date, str], dict[dt.date, str]]:
    """Official days off and adjusted working days in [start, end], each with its festival's name."""
    off = {d: festival(n) for d, n in OFFICIAL_OFF.items() if start <= d <= end}
    on = {d: festival(n) for d, n in OFFICIAL_ON.items() if start <= d <= end}
    return off, on


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
    """(days off, weekend days worked) between start and end: the official calendar, overrides on top."""
    off, on = official(start, end)
    holidays, makeup = set(off), set(on)
    for day, kind in Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind"):
        if kind == Holiday.Kind.CLOSURE:
            holidays.add(day)
            makeup.discard(day)
        else:
            makeup.add(day)
            holidays.discard(day)
    return holidays, makeup


def deadline(start: dt.date, n: int) -> dt.date:
    # Long holidays (Spring Festival, National Day) add at most a couple of weeks; a generous
    # window keeps this one query.
    holidays, makeup = calendar(start, start + dt.timedelta(days=n * 2 + 60))
    return add_workdays(start, n, holidays, makeup)


def officially_working(day: dt.date) -> bool:
    """What the official calendar alone says (weekends only where it has no data for the year)."""
    off, on = official(day, day)
    return is_workday(day, off, on)


# --- the holiday page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of a year's calendar: a span of official days off, one adjusted working day, or an override."""

    first: dt.date
    last: dt.date
    working: bool
    name: str
    source: str
    override: Holiday | None = None
    # An override that only repeats what the official calendar says (e.g. typed before the package
    # had the year): harmless, and worth deleting.
    redundant: bool = False

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def label(self) -> str:
        if self.override is not None:
            return self.override.get_kind_display()
        return "调休上班" if self.working else "放假"


def year_entries(year: int) -> list[Entry]:
    """The year's official days (runs of days off merged into one line) and the overrides, by date."""
    off, on = official(dt.date(year, 1, 1), dt.date(year, 12, 31))
    entries = [Entry(d, d, True, name, OFFICIAL_SOURCE) for d, name in on.items()]
    run: list[dt.date] = []
    for day in sorted(off):
        if run and (day - run[-1] != ONE_DAY or off[day] != off[run[-1]]):
            entries.append(Entry(run[0], run[-1], False, off[run[0]], OFFICIAL_SOURCE))
            run = []
        run.append(day)
    if run:
        entries.append(Entry(run[0], run[-1], False, off[run[0]], OFFICIAL_SOURCE))
    for row in Holiday.objects.filter(date__year=year):
        working = row.kind == Holiday.Kind.WORKDAY
        entries.append(Entry(row.date, row.date, working, row.note, LOCAL_SOURCE, override=row,
                             redundant=officially_working(row.date) == working))
    # Official line first when an override shares its date, so the override reads as the correction.
    return sorted(entries, key=lambda e: (e.first, e.override is not None))


def calendar_years(today: dt.date) -> list[int]:
    """Years the page offers: those with official data, those with overrides, this year and next."""
    years = set(OFFICIAL_YEARS) | {today.year, today.year + 1}
    years |= {d.year for d in Holiday.objects.dates("date", "year")}
    return sorted(years)


def missing_warning(year: int) -> str:
    return (f"{year}年官方节假日安排尚未收录，该年办理期限暂按周末和本区设置计算。"
            f"国务院办公厅通知发布后，升级 {LIBRARY}（当前 {LIBRARY_VERSION}，收录 {OFFICIAL_YEARS[0]}—"
            f"{OFFICIAL_YEARS[-1]} 年）即可自动采用；在此之前如需放假，请在下方添加本区设置。")
