"""Validators for the identifiers the register holds.

- Unified social credit code (统一社会信用代码), GB 32100-2015.
- Resident ID number (公民身份号码), GB 11643-1999.
- Mainland mobile number.

Each `normalize_*` function returns the canonical form or raises
django.core.exceptions.ValidationError with a message in Chinese that says what
is wrong, so a form, the API and the import engine all give the same answer.
"""

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError

# GB 32100-2015 alphabet: digits and 21 capital letters (no I, O, Z, S, V).
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def clean_text(value: object) -> str:
    """Fold full-width characters and strip all white space (what Excel and IMEs leave behind)."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else ""))
    return re.sub(r"\s+", "", text)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def normalize_uscc(value: object) -> str:
    code = clean_text(value).upper()
    if not code:
        raise ValidationError("请填写统一社会信用代码。", code="required")
    if len(code) != 18:
        raise ValidationError(f"统一社会信用代码应为18位，现为{len(code)}位。", code="length")
    for pos, char in enumerate(code, start=1):
        if char not in USCC_CHARSET:
            raise ValidationError(
                f"统一社会信用代码第{pos}位“{char}”不是允许的字符（只能是数字和除I、O、Z、S、V以外的大写字母）。",
                code="charset",
            )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            f"统一社会信用代码校验位错误：第18位是“{code[17]}”，按前17位计算应为“{expected}”，请核对是否有字符录错。",
            code="checksum",
        )
    return code


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_birth_date(code: str) -> dt.date:
    return dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))


def normalize_id_number(value: object, *, today: dt.date | None = None) -> str:
    code = clean_text(value).upper()
    if not code:
        raise ValidationError("请填写身份证号码。", code="required")
    if len(code) != 18:
        raise ValidationError(f"身份证号码应为18位，现为{len(code)}位。", code="length")
    if not code[:17].isdigit() or not (code[17].isdigit() or code[17] == "X"):
        raise ValidationError("身份证号码前17位应为数字，最后一位为数字或X。", code="charset")
    if code[0] not in "12345678":
        raise ValidationError(f"身份证号码前6位地区码“{code[:6]}”无效。", code="region")
    try:
        birth = id_birth_date(code)
    except ValueError:
        raise ValidationError(f"身份证号码中的出生日期“{code[6:14]}”不是真实日期。", code="birth") from None
    today = today or dt.date.today()
    if birth.year < 1900 or birth > today:
        raise ValidationError(f"身份证号码中的出生日期“{code[6:14]}”超出合理范围。", code="birth")
    expected = id_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            f"身份证号码校验位错误：第18位是“{code[17]}”，按前17位计算应为“{expected}”，请核对是否有数字录错。",
            code="checksum",
        )
    return code


def normalize_mobile(value: object) -> str:
    text = clean_text(value).replace("-", "")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if text.endswith(".0"):  # a number that went through a spreadsheet as a float
        text = text[:-2]
    if not text:
        raise ValidationError("请填写手机号码。", code="required")
    if not MOBILE_RE.match(text):
        raise ValidationError(f"手机号码“{text}”格式不正确，应为1开头的11位数字。", code="invalid")
    return text


def mask_id_number(code: str) -> str:
    return f"{code[:6]}********{code[-4:]}" if len(code) == 18 else "*" * len(code)


def mask_mobile(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) == 11 else "*" * len(mobile)
