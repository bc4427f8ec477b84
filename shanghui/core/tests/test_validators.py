"""Property tests of the identifier validators: every valid code is accepted and
every single-character corruption of a valid code is rejected."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from shanghui.core.validators import (
    USCC_CHARSET,
    id_check_char,
    mask_id_number,
    mask_mobile,
    normalize_id_number,
    normalize_mobile,
    normalize_uscc,
    uscc_check_char,
)

uscc_bodies = st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17)


@st.composite
def valid_usccs(draw):
    body = draw(uscc_bodies)
    return body + uscc_check_char(body)


@st.composite
def valid_id_numbers(draw):
    region = draw(st.sampled_from(["110101", "110102", "310104", "440305", "510107"]))
    birth = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)))
    seq = draw(st.integers(0, 999))
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_char(body)


def test_known_real_uscc_check_characters():
    # Published codes: the check character printed on the licence is what we compute.
    assert normalize_uscc("91350100M000100Y43") == "91350100M000100Y43"
    assert uscc_check_char("91110000600037341") == "L"


def test_known_id_number_check_character():
    # The GB 11643 example in the standard's annex.
    assert id_check_char("11010519491231002") == "X"
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"


@given(valid_usccs())
def test_every_valid_uscc_is_accepted(code):
    assert normalize_uscc(code) == code
    assert normalize_uscc(" " + code.lower() + " ") == code


@given(valid_usccs(), st.integers(0, 17), st.characters(codec="utf-8"))
def test_every_single_character_corruption_of_a_uscc_is_rejected(code, pos, char):
    corrupted = code[:pos] + char + code[pos + 1 :]
    # Full-width forms and case fold to the same code, so they are not corruptions.
    if normalize_text(corrupted) == code:
        return
    with pytest.raises(ValidationError):
        normalize_uscc(corrupted)


@given(valid_usccs(), st.integers(0, 17), st.sampled_from(USCC_CHARSET))
def test_substituting_any_allowed_character_breaks_the_check(code, pos, char):
    if code[pos] == char:
        return
    corrupted = code[:pos] + char + code[pos + 1 :]
    with pytest.raises(ValidationError) as err:
        normalize_uscc(corrupted)
    assert "校验位" in err.value.messages[0]
    assert f"应为“{uscc_check_char(corrupted[:17])}”" in err.value.messages[0]


def test_uscc_messages_say_what_is_wrong():
    with pytest.raises(ValidationError, match="18位，现为17位"):
        normalize_uscc("91350100M000100Y4")
    with pytest.raises(ValidationError, match="第9位“I”"):
        normalize_uscc("91350100I000100Y43")


@given(valid_id_numbers())
def test_every_valid_id_number_is_accepted(code):
    assert normalize_id_number(code) == code


@given(valid_id_numbers(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_every_single_character_corruption_of_an_id_number_is_rejected(code, pos, char):
    if code[pos] == char:
        return
    corrupted = code[:pos] + char + code[pos + 1 :]
    with pytest.raises(ValidationError):
        normalize_id_number(corrupted)


def test_id_number_with_impossible_birth_date_is_rejected():
    body = "11010519490230002"  # 30 February
    with pytest.raises(ValidationError, match="不是真实日期"):
        normalize_id_number(body + id_check_char(body))


def test_id_number_born_in_the_future_is_rejected():
    body = "11010520990101002"
    with pytest.raises(ValidationError, match="超出合理范围"):
        normalize_id_number(body + id_check_char(body), today=dt.date(2026, 1, 1))


@given(st.sampled_from("3456789"), st.integers(0, 10**9 - 1))
def test_every_valid_mobile_is_accepted_in_common_spellings(second, rest):
    mobile = f"1{second}{rest:09d}"
    for spelling in (mobile, f"+86 {mobile}", f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}", f"{mobile}.0"):
        assert normalize_mobile(spelling) == mobile


@given(st.text(max_size=14))
def test_mobile_parser_never_accepts_what_is_not_a_mobile(text):
    try:
        result = normalize_mobile(text)
    except ValidationError:
        return
    assert len(result) == 11 and result.isdigit() and result[0] == "1" and result[1] in "3456789"


def test_masks():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_mobile("13800138000") == "138****8000"


def normalize_text(value):
    from shanghui.core.validators import clean_text

    return clean_text(value).upper()
