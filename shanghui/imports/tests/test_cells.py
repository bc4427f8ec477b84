"""Cell parsers: what each turns a raw cell into, and the fast pinyin initials."""

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError

from shanghui.core.pinyin import initials
from shanghui.directory.choices import Industry, PoliticalStatus
from shanghui.imports import cells
from shanghui.imports.initials import fast_initials


@pytest.mark.parametrize("raw", [43160, 43160.0, "43160", "2018-03-01", "2018/3/1", "2018.3.1", "2018年3月1日",
                                 "２０１８年３月１日", "20180301", "2018-03-01 00:00:00", dt.date(2018, 3, 1),
                                 dt.datetime(2018, 3, 1, 8, 30), " 2018-3-1 "])
def test_dates(raw):
    assert cells.date(raw) == dt.date(2018, 3, 1)


@pytest.mark.parametrize("raw", ["2018-13-01", "明年", "12", 5.0, "2018年2月29日"])
def test_bad_dates(raw):
    with pytest.raises(ValidationError):
        cells.date(raw)


@pytest.mark.parametrize("raw,expected", [("35", 35), (35.0, 35), ("１２０", 120), ("1,200", 1200), ("12人", 12),
                                          ("7.0", 7), (None, None), ("  ", None)])
def test_integers(raw, expected):
    assert cells.integer(raw) == expected


@pytest.mark.parametrize("raw", ["3.5", 3.5, "-1", "十二", True])
def test_bad_integers(raw):
    with pytest.raises(ValidationError):
        cells.integer(raw)


def test_codes_that_lost_digits_in_excel_are_refused():
    for raw in (110101199003071234.0, 110101199003071000, "1.10101E+17", "1.10101199003071e17"):
        with pytest.raises(ValidationError) as err:
            cells.id_number(raw)
        assert err.value.code == "digits_lost"
    with pytest.raises(ValidationError) as err:
        cells.uscc(9.11101011e17)
    assert err.value.code == "digits_lost"


def test_mobile_as_number_and_with_separators():
    assert cells.mobile(13800138000.0) == "13800138000"
    assert cells.mobile("+86 138-0013-8000") == "13800138000"
    assert cells.mobile("１３８００１３８０００") == "13800138000"


def test_text_folds_letters_digits_and_blanks_but_keeps_chinese_punctuation():
    assert cells.text("  ＡＢＣ科技（北京）\u3000有限公司  ") == "ABC科技（北京） 有限公司"
    assert cells.text(12.0) == "12"
    assert cells.text("'=SUM(1)") == "=SUM(1)"  # our own export's escaping comes off again
    assert cells.text("'普通") == "'普通"


def test_choices_by_label_code_alias_and_code_with_label():
    industry = cells.choice(Industry, "行业门类")
    assert [industry(v) for v in ["I", "i", "信息传输、软件和信息技术服务业", "I 信息传输、软件和信息技术服务业", "Ｉ"]] == ["I"] * 5
    status = cells.choice(PoliticalStatus, "政治面貌", {"党员": "party_member"})
    assert status("党员") == status("中共党员") == "party_member"
    with pytest.raises(ValidationError) as err:
        status("火星人")
    assert "不在可选范围内" in err.value.messages[0]


def test_fast_initials_equal_pypinyin_initials():
    rng = random.Random(3)
    pieces = ["北京", "东华门", "文化", "传媒", "有限公司", "银行", "行长", "重庆", "长城", "科技", "ABC", "2号",
              "（集团）", "乐", "朝阳", "曾", "单", "会计", "的", "都", "了", "调查", "龙", "·", " ", "x"]
    names = ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 8))) for _ in range(3000)]
    names += ["长江长城重庆银行行长", "北京市东城区银行科技发展有限责任公司", "", "Ａ"]
    assert [fast_initials(n) for n in names] == [initials(n) for n in names]


@pytest.mark.parametrize("raw, start, end", [
    ("2018-03-10 09:30", (2018, 3, 10, 9, 30), (2018, 3, 10, 9, 30)),
    ("2018年3月10日 9:30", (2018, 3, 10, 9, 30), (2018, 3, 10, 9, 30)),
    ("2018年3月10日9时30分", (2018, 3, 10, 9, 30), (2018, 3, 10, 9, 30)),
    ("２０１８．３．１０　１４：３０", (2018, 3, 10, 14, 30), (2018, 3, 10, 14, 30)),
    ("2018/3/10", (2018, 3, 10, 0, 0), (2018, 3, 10, 23, 59)),
    (43169.5, (2018, 3, 10, 12, 0), (2018, 3, 10, 12, 0)),
    (dt.date(2018, 3, 10), (2018, 3, 10, 0, 0), (2018, 3, 10, 23, 59)),
    (dt.datetime(2018, 3, 10, 9, 5), (2018, 3, 10, 9, 5), (2018, 3, 10, 9, 5)),
])
def test_moments_from_sheets(raw, start, end):
    from django.utils import timezone

    tz = timezone.get_default_timezone()
    assert cells.moment()(raw) == dt.datetime(*start, tzinfo=tz)
    assert cells.moment(end_of_day=True)(raw) == dt.datetime(*end, tzinfo=tz)


@pytest.mark.parametrize("raw", ["2018-02-30 09:00", "2018-03-10 25:00", "明天上午", "9:30"])
def test_bad_moments(raw):
    with pytest.raises(ValidationError):
        cells.moment()(raw)
