"""Turning what a spreadsheet cell holds into a clean value, or a Chinese message why not.

Real registers are typed by hand in Excel and WPS: full-width digits and blanks from
Chinese input methods, numbers stored as text and codes stored as numbers, dates as
Excel serial numbers or as 2018年3月1日. Each parser takes the raw cell (str, int,
float, bool, date, datetime or None) and returns the value to store, None for a
blank cell, or raises ValidationError with a message that says what is wrong.
"""

import datetime as dt
import operator
import re
import unicodedata
from collections.abc import Callable

from django.core.exceptions import ValidationError

from shanghui.core import validators
from shanghui.core.exporting import FORMULA_PREFIXES

Parser = Callable[[object], object]

_SPACES = re.compile(r"\s+")
# Excel's day 0 is 1899-12-30 (it counts the non-existent 1900-02-29, so this base is right after it).
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serial numbers from 1910 to 2100: anything outside is more likely a typo than a date.
_SERIAL_RANGE = (3653, 73051)
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:T?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+?\d+$", re.IGNORECASE)
_FLOAT_INT = re.compile(r"^(\d+)\.0+$")


def unescape(text: str) -> str:
    """Undo exporting.escape_cell: "'=…" came out of our own export as "=…"."""
    if len(text) > 1 and text[0] == "'" and text[1] in "".join(FORMULA_PREFIXES):
        return text[1:]
    return text


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def text(raw: object) -> str:
    """Free text (names, addresses): blanks trimmed and collapsed, full-width letters and digits folded.

    Not NFKC: that would also turn the full-width brackets of 北京某某（集团）有限公司 into
    ASCII ones, and names keep the punctuation people chose.
    """
    if raw.__class__ is str:
        value = raw
    elif raw is None:
        return ""
    elif isinstance(raw, float) and raw.is_integer():
        value = str(int(raw))
    elif isinstance(raw, dt.datetime | dt.date):
        value = raw.isoformat()
    else:
        value = str(raw)
    if not value.isascii() and _FOLDED.search(value):  # translate() is slow: only when there is something to fold
        value = value.translate(_FOLD)
    if "  " in value or not value.isprintable() or value[:1].isspace() or value[-1:].isspace():
        if "\x00" in value:  # PostgreSQL cannot store it and SQLite would: refused on both
            raise ValidationError("单元格含有空字符（\\0），无法保存，请删除后重新导入。")
        value = _SPACES.sub(" ", value).strip()
    return unescape(value) if value[:1] == "'" else value


# Full-width ASCII letters and digits (ＡＢＣ１２３) to ASCII, the ideographic space to a space.
_FOLD = {code: code - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
         for code in range(r[0], r[1] + 1)} | {0x3000: 0x20}
_FOLDED = re.compile("[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\u3000]")


def code_text(raw: object) -> str:
    """A code or number typed as text: everything folded (NFKC), all blanks removed."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    value = unicodedata.normalize("NFKC", str(raw))
    return _SPACES.sub("", value)


_UNSEEN = object()


def memo(parser: Parser, limit: int = 50_000) -> Parser:
    """`parser` for a column whose cells repeat (street names, dates): each distinct text parsed once.

    Only text cells are remembered, and only values: a bad cell is parsed (and raises its
    message) every time. Bounded, so a column of unique values costs a lookup, not memory.
    """
    known: dict[str, object] = {}

    def parse(raw):
        if raw.__class__ is str:
            value = known.get(raw, _UNSEEN)
            if value is not _UNSEEN:
                return value
            value = parser(raw)
            if len(known) < limit:
                known[raw] = value
            return value
        return parser(raw)

    parse.__name__ = parser.__name__  # templates.py recognises date columns by their parser's name
    return parse


def max_length(parser: Parser, limit: int, label: str) -> Parser:
    def parse(raw):
        value = parser(raw)
        if value and len(value) > limit:
            raise ValidationError(f"{label}最多{limit}个字，现为{len(value)}个字。")
        return value

    return parse


def integer(raw: object) -> int | None:
    if raw.__class__ is str and raw.isdecimal():  # the common case, full-width digits included
        return int(raw)
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise ValidationError("应为整数。")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise ValidationError(f"应为整数，现为{raw:g}。")
        value = int(raw)
    else:
        s = code_text(raw).replace(",", "").replace("人", "")
        m = _FLOAT_INT.match(s)
        if m:
            s = m.group(1)
        if not s.lstrip("-").isdigit():
            raise ValidationError(f"“{raw}”不是整数。")
        value = int(s)
    if value < 0:
        raise ValidationError("不能为负数。")
    return value


def date(raw: object) -> dt.date | None:
    """Dates as Excel gives them (date objects, serial numbers) or as people type them."""
    if raw.__class__ is str and len(raw) == 10 and _ISO_DATE.match(raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(f"“{raw}”不是真实存在的日期。") from None
    if is_blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _from_serial(raw)
    s = code_text(raw)
    if s.replace(".", "", 1).isdigit() and len(s) <= 6:  # a serial number stored as text
        return _from_serial(float(s))
    for pattern in _DATE_PATTERNS:
        m = pattern.match(s)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return dt.date(y, mo, d)
            except ValueError:
                raise ValidationError(f"“{raw}”不是真实存在的日期。") from None
    raise ValidationError(f"“{raw}”不是可识别的日期，请写成2018-03-01或2018年3月1日。")


_MOMENT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
                     r"(?:[ T]*(\d{1,2})(?:[:：时点](\d{1,2})?分?)?(?::(\d{1,2}))?)?$")


def moment(*, end_of_day: bool = False) -> Parser:
    """A date and time (2018-03-10 09:30, 2018年3月10日 9:30, 2018年3月10日9时, an Excel serial with a fraction).

    A cell with a date only means the start of that day, or its last minute for an end time
    (`end_of_day`), so "2018年3月10日" in both columns is a one-day event. The result is
    aware, in the site's time zone.
    """
    from django.utils import timezone

    def parse(raw: object):
        if is_blank(raw):
            return None
        day, clock = None, None
        if isinstance(raw, dt.datetime):
            day, clock = raw.date(), raw.time().replace(microsecond=0)
            if clock == dt.time() and end_of_day:
                clock = None
        elif isinstance(raw, dt.date):
            day = raw
        elif isinstance(raw, int | float) and not isinstance(raw, bool):
            day = _from_serial(raw)
            seconds = round((raw - int(raw)) * 86400)
            clock = (dt.datetime.min + dt.timedelta(seconds=seconds)).time() if seconds else None
        else:
            m = _MOMENT.match(code_text(raw))
            if not m:
                raise ValidationError(f"“{raw}”不是可识别的时间，请写成2018-03-10 09:30或2018年3月10日 9:30。")
            y, mo, d, h, mi, sec = (int(g) if g else None for g in m.groups())
            try:
                day = dt.date(y, mo, d)
                clock = dt.time(h, mi or 0, sec or 0) if h is not None else None
            except ValueError:
                raise ValidationError(f"“{raw}”不是真实存在的时间。") from None
        if clock is None:
            clock = dt.time(23, 59) if end_of_day else dt.time()
        return timezone.make_aware(dt.datetime.combine(day, clock), timezone.get_default_timezone())

    return parse


def _from_serial(serial: float) -> dt.date:
    if not _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
        raise ValidationError(f"“{serial:g}”不是可识别的日期，请写成2018-03-01或2018年3月1日。")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def _digits_lost(raw: object, label: str) -> None:
    """An 18-character code that went through Excel as a number has lost its tail.

    Excel keeps 15 significant digits: 110101199003071234 becomes 110101199003071000
    (shown as 1.10101E+17). The digits are gone, so the value must never be imported.
    """
    if isinstance(raw, bool):
        return
    if isinstance(raw, str):
        # A text cell was never a number in this file (a CSV holds only text): it is not
        # "stored as a number", but a text in scientific notation (a CSV that Excel saved
        # from a number column) has lost its digits all the same.
        if _SCIENTIFIC.match(code_text(raw)):
            raise ValidationError(
                f"{label}“{raw}”是科学计数法形式，末几位已经丢失（Excel只保留15位有效数字），"
                f"不能导入。请在原表中把该列设置为“文本”格式，重新填写{label}后再导出。",
                code="digits_lost",
            )
        return
    damaged = isinstance(raw, float) and abs(raw) >= 1e15
    damaged = damaged or (isinstance(raw, int) and len(str(abs(raw))) >= 16 and str(raw).endswith("000"))
    if damaged:
        # Only a number cell (xlsx, xls, ods) says so.
        raise ValidationError(
            f"{label}被Excel存成了数字（{raw!s}），末几位已经丢失（Excel只保留15位有效数字），"
            f"不能导入。请把该列设置为“文本”格式后重新填写{label}。",
            code="digits_lost",
        )


def _not_masked(value: str, label: str) -> None:
    if "*" in value:
        raise ValidationError(f"{label}“{value}”是遮盖后的号码，无法导入，请填写完整号码。", code="masked")


class Masked(str):
    """A personal number as our exports mask it (138****8009, 110101********1234).

    Not a value to store: a kind that accepts it (the *_or_masked parsers) compares it with
    the stored number of the record the row otherwise identifies, so a user's own export
    imports again unchanged. Every other parser refuses a masked number.
    """


_MASKED_MOBILE = re.compile(r"^1\d{2}\*{4}\d{4}$")
_MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")


def id_number_or_masked(raw: object) -> str | None:
    """id_number, or a Masked value for an ID number masked as our exports mask it."""
    if isinstance(raw, str) and "*" in raw:
        value = code_text(raw).upper()
        if _MASKED_ID.match(value):
            return Masked(value)
    return id_number(raw)


def mobile_or_masked(raw: object) -> str | None:
    """mobile, or a Masked value for a mobile number masked as our exports mask it."""
    if isinstance(raw, str) and "*" in raw:
        value = code_text(raw)
        if _MASKED_MOBILE.match(value):
            return Masked(value)
    return mobile(raw)


def masked_message(label: str, value: str) -> str:
    return (f"{label}“{value}”是遮盖后的号码，与系统中登记的号码不符（或找不到对应的记录），无法导入，"
            "请填写完整号码。")


_USCC_VALUE = {c: i for i, c in enumerate(validators.USCC_CHARSET)}
_USCC_CANONICAL = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{18}$")


def uscc(raw: object) -> str | None:
    if is_blank(raw):
        return None
    # Fast path for a code that is already clean: the same checks as validators.normalize_uscc
    # (length, alphabet, check character), a third of the cost. Anything else, including every
    # failure, goes through the validator itself, which also words the message.
    if isinstance(raw, str) and _USCC_CANONICAL.match(raw):
        total = sum(map(operator.mul, map(_USCC_VALUE.__getitem__, raw[:17]), validators.USCC_WEIGHTS))
        if raw[17] == validators.USCC_CHARSET[(31 - total % 31) % 31]:
            return raw
    _digits_lost(raw, "统一社会信用代码")
    return validators.normalize_uscc(code_text(raw))


def id_number(raw: object) -> str | None:
    if is_blank(raw):
        return None
    _digits_lost(raw, "身份证号码")
    value = code_text(raw)
    _not_masked(value, "身份证号码")
    return validators.normalize_id_number(value)


def mobile(raw: object) -> str | None:
    if is_blank(raw):
        return None
    value = code_text(raw)
    _not_masked(value, "手机号码")
    return validators.normalize_mobile(value)


def choice(choices, label: str, aliases: dict[str, str] | None = None) -> Parser:
    """A coded field, given by its Chinese label, its code, or a common alias (党员 → 中共党员)."""
    lookup: dict[str, str] = {}
    for value, text_label in choices.choices:
        lookup[str(value).casefold()] = value
        lookup[_key(text_label)] = value
    for alias, value in (aliases or {}).items():
        lookup[_key(alias)] = value
    allowed = "、".join(str(lbl) for _, lbl in choices.choices)

    def parse(raw):
        if raw.__class__ is str and raw in lookup:  # typed exactly as listed: no folding needed
            return lookup[raw]
        if is_blank(raw):
            return None
        key = _key(raw)
        if key in lookup:
            return lookup[key]
        # "I 信息传输、软件和信息技术服务业" or "I-信息…": a code followed by its label.
        head = key[:1]
        if len(key) > 1 and head in lookup and key[1:].lstrip(" -:：、.").strip() in lookup:
            return lookup[head]
        raise ValidationError(f"{label}“{raw}”不在可选范围内（可选：{allowed}）。")

    return parse


def _key(raw: object) -> str:
    return code_text(raw).casefold()


def boolean(raw: object) -> bool | None:
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    key = _key(raw)
    if key in {"是", "有", "y", "yes", "true", "1", "√"}:
        return True
    if key in {"否", "无", "n", "no", "false", "0", "×"}:
        return False
    raise ValidationError(f"“{raw}”应填写“是”或“否”。")
