"""How many valid ID numbers are consistent with what a surface shows of a person.

A masked ID number (`110101********0425`) hides exactly the eight birth-date digits. Anything
else shown about the person's birth (a date, a year, a month, an age, an age band, a less masked
number) narrows the hidden digits. `candidates` counts the birth dates, from 1900-01-01 to today,
whose complete number passes the check character and agrees with every such fact.

`birth_facts` reads a surface's text (HTML with its attributes, JSON, spreadsheet cells) and
returns the date- and age-like values that are true of the person: those are what an observer
could use. Values that are not true of the person (the date of a membership, a timestamp) narrow
nothing and are left out; a value that happens to agree is kept, which only errs towards
failing the rule.
"""

import datetime as dt
import functools
import re
from collections.abc import Callable

from shanghui.core.validators import id_check_char

FIRST = dt.date(1900, 1, 1)
MINIMUM = 1000

Fact = tuple[str, Callable[[dt.date], bool]]

_B = r"(?<![0-9A-Za-z])"
_E = r"(?![0-9A-Za-z])"
_MASKED_ID = re.compile(r"\d{6}\*{8}\d{3}[\dX]")
_MASKED_MOBILE = re.compile(r"1\d{2}\*{4}\d{4}")
_ID_LIKE = re.compile(_B + r"[\dX*]{18}" + _E)
_FULL_DATE = re.compile(_B + r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_COMPACT_DATE = re.compile(_B + r"(\d{4})(\d{2})(\d{2})" + _E)
_YEAR_MONTH = re.compile(_B + r"(\d{4})\s*[-/.年]\s*(\d{1,2})(?!\d)")
_YEAR = re.compile(_B + r"(1[89]\d{2}|20\d{2})" + _E)
_DECADE = re.compile(r"(?<!\d)(\d)0后")
_AGE_RANGE = re.compile(r"(?<!\d)(\d{1,3})\s*[-–—~至到]\s*(\d{1,3})\s*周?岁")
_AGE_UNDER = re.compile(r"(?<!\d)(\d{1,3})\s*周?岁以下")
_AGE_OVER = re.compile(r"(?<!\d)(\d{1,3})\s*周?岁(?:及)?以上")
_AGE = re.compile(r"(?<!\d)(\d{1,3})\s*周?岁")


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _date(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def _facts(text: str, id_number: str, today: dt.date) -> list[Fact]:
    """Every date- or age-like value in `text`, as a predicate on a birth date."""
    facts: list[Fact] = []
    for token in _ID_LIKE.findall(text):
        shown = token[6:14]
        if token[:6] == id_number[:6] and 0 < shown.count("*") < len(shown):  # some birth digits shown
            facts.append((token, lambda b, s=shown: all(c in ("*", x) for c, x in zip(s, f"{b:%Y%m%d}", strict=True))))
    text = _MASKED_ID.sub(" ", _ID_LIKE.sub(" ", text))
    text = _MASKED_MOBILE.sub(" ", text)
    for pattern in (_FULL_DATE, _COMPACT_DATE):
        for m in pattern.finditer(text):
            day = _date(*m.groups())
            if day is not None:
                facts.append((m.group(), lambda b, d=day: b == d))
    for m in _YEAR_MONTH.finditer(text):
        y, mo = int(m.group(1)), int(m.group(2))
        facts.append((m.group(), lambda b, y=y, mo=mo: (b.year, b.month) == (y, mo)))
    for m in _YEAR.finditer(text):
        y = int(m.group())
        facts.append((m.group(), lambda b, y=y: b.year == y))
    for m in _DECADE.finditer(text):
        d = int(m.group(1))
        facts.append((m.group(), lambda b, d=d: b.year // 10 % 10 == d))
    for m in _AGE_RANGE.finditer(text):
        lo, hi = int(m.group(1)), int(m.group(2))
        facts.append((m.group(), lambda b, lo=lo, hi=hi: lo <= age_on(b, today) <= hi))
    for pattern, holds in ((_AGE_UNDER, lambda age, n: age < n), (_AGE_OVER, lambda age, n: age >= n),
                           (_AGE, lambda age, n: age == n)):
        for m in pattern.finditer(text):
            n = int(m.group(1))
            facts.append((m.group(), lambda b, n=n, holds=holds: holds(age_on(b, today), n)))
    return facts


def birth_facts(text: str, id_number: str, today: dt.date | None = None) -> list[Fact]:
    """The facts in `text` that hold for the person whose (plain) number is `id_number`."""
    today = today or dt.date.today()
    birth = _date(id_number[6:10], id_number[10:12], id_number[12:14])
    return [(shown, holds) for shown, holds in _facts(text, id_number, today) if holds(birth)]


@functools.cache
def _valid_births(masked: str, today: dt.date) -> tuple[dt.date, ...]:
    region, seq, check = masked[:6], masked[14:17], masked[17]
    days = (FIRST + dt.timedelta(days=n) for n in range((today - FIRST).days + 1))
    return tuple(day for day in days if id_check_char(f"{region}{day:%Y%m%d}{seq}") == check)


def candidates(masked: str, facts: list[Fact] = (), today: dt.date | None = None) -> int:
    """Valid ID numbers that read as `masked` and agree with every fact."""
    births = _valid_births(masked, today or dt.date.today())
    return sum(1 for day in births if all(holds(day) for _, holds in facts))
