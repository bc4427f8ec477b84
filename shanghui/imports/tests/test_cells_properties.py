"""Property tests of the cell parsers: whatever a cell holds, a parser returns a clean
value or raises ValidationError with a message — never another exception — and the
values real sheets hold in their many spellings come back the same."""

import datetime as dt

from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from shanghui.core.validators import USCC_CHARSET, uscc_check_char
from shanghui.imports import cells

# Anything a reader can hand over: text (including full-width, control characters),
# numbers of all sizes, booleans, dates, datetimes and blanks.
raw_cells = st.one_of(
    st.none(), st.text(max_size=40), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.dates(), st.datetimes(),
)
PARSERS = [cells.text, cells.code_text, cells.integer, cells.date, cells.uscc, cells.id_number, cells.mobile,
           cells.boolean]


@given(raw_cells)
def test_every_parser_answers_a_value_or_a_chinese_message(raw):
    for parse in PARSERS:
        try:
            parse(raw)
        except ValidationError as e:
            assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in e.messages), (parse, raw, e.messages)


@given(st.dates(min_value=dt.date(1910, 1, 1), max_value=dt.date(2099, 12, 31)))  # serials cover 1910-2099
def test_dates_read_back_from_every_common_spelling(day):
    serial = (day - cells.EXCEL_EPOCH).days
    for spelling in (day, dt.datetime.combine(day, dt.time(8, 30)), day.isoformat(), f"{day:%Y/%m/%d}",
                     f"{day.year}年{day.month}月{day.day}日", f"{day.year}.{day.month}.{day.day}", serial,
                     float(serial)):
        assert cells.date(spelling) == day, spelling


@given(st.integers(min_value=0, max_value=10**9))
def test_counts_read_back_from_numbers_and_text(n):
    for spelling in (n, float(n), str(n), f" {n} ", str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))):
        assert cells.integer(spelling) == n, spelling


@given(st.integers(max_value=-1))
def test_negative_counts_are_refused(n):
    for spelling in (n, str(n)):
        try:
            cells.integer(spelling)
        except ValidationError as e:
            assert "负数" in e.messages[0] or "整数" in e.messages[0]
        else:
            raise AssertionError(f"{spelling!r} accepted")


@given(st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17))
def test_uscc_read_back_with_blanks_and_full_width(body):
    code = body + uscc_check_char(body)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    for spelling in (code, code.lower(), f"  {code} ", full_width):
        assert cells.uscc(spelling) == code


@given(st.text(max_size=30))
def test_text_never_keeps_outer_blanks(value):
    try:
        result = cells.text(value)
    except ValidationError:
        return
    assert result == result.strip()
