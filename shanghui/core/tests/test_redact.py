"""One scrubber masks ID-like and mobile-like numbers in every rendering people type them."""

import importlib
import logging
import random

import pytest

from shanghui.core.redact import RedactFilter, scrub, scrub_filename, scrub_log_text
from shanghui.testing import make_id_number, make_mobile

RNG = random.Random(14)
ID = make_id_number(RNG)
ID_X = ID[:17] + "X"
MOBILE = make_mobile(RNG)


def renderings(number: str) -> list[str]:
    if len(number) == 11:
        grouped = f"{number[:3]} {number[3:7]} {number[7:]}"
        return [number, f"+86{number}", f"+86 {grouped}", f"0086-{number[:3]}-{number[3:7]}-{number[7:]}",
                f"86{number}", grouped, f"{number[:3]}-{number[3:7]}-{number[7:]}"]
    return [number, number.lower(), f"{number[:6]} {number[6:14]} {number[14:]}",
            f"{number[:6]}-{number[6:10]}-{number[10:14]}-{number[14:]}"]


@pytest.mark.parametrize("number", [ID, ID_X, MOBILE])
def test_every_rendering_of_a_number_is_masked_inside_text(number):
    for typed in renderings(number):
        text = scrub(f"用户名“{typed}”登录失败；手机号码{typed}格式不正确")
        digits = "".join(c for c in text if c.isdigit())
        assert number[:-1] not in digits and number[3:10] not in digits, (typed, text)
        assert "*" in text and "登录失败" in text


def test_masks_keep_what_the_screens_show_and_no_more():
    assert scrub(MOBILE) == f"{MOBILE[:3]}****{MOBILE[-4:]}"
    assert scrub(ID) == f"{ID[:6]}********{ID[-4:]}"
    assert scrub(ID[:15]) == "*" * 15  # a pre-1999 ID number
    mistyped = MOBILE[:10]  # one digit short is still someone's number
    assert scrub(f"手机号码“{mistyped}”格式不正确") == f"手机号码“{mistyped[:3]}*****{mistyped[-2:]}”格式不正确"
    excel = scrub("身份证号码被Excel存成了数字（1.1010119900307123e+17）")
    assert excel.startswith("身份证号码被Excel存成了数字（") and not any(c.isdigit() for c in excel)


def test_codes_hashes_dates_and_counts_are_left_alone():
    for text in ("91110101MA01ABCDE0", "a1234567890123456789b", "2026-12-03 至 2026-12-31", "第12行：新增3000，错误2",
                 "shanghui-20261203-194536.sqlite3", "2026-12-03 2026-12-04"):
        assert scrub(text) == text


def test_structures_are_scrubbed_through():
    value = {"file": f"名单{MOBILE}.xlsx", "errors": [(3, "手机号码", f"“{MOBILE}”不对")], "n": 3}
    assert scrub(value) == {"file": f"名单{scrub(MOBILE)}.xlsx", "errors": [(3, "手机号码", f"“{scrub(MOBILE)}”不对")],
                            "n": 3}


def test_stored_file_names_carry_no_number():
    assert scrub_filename(f"王东华 {MOBILE}.pdf") == f"王东华 {MOBILE[:3]}xxxx{MOBILE[-4:]}.pdf"


def test_access_lines_are_masked_also_when_url_encoded():
    line = f'"GET /directory/persons/?q=%2B86+{MOBILE[:3]}+{MOBILE[3:7]}+{MOBILE[7:]}&page=2 HTTP/1.1" 200 5120'
    masked = scrub_log_text(line)
    assert MOBILE[3:7] not in masked and "page=2" in masked and masked.endswith('HTTP/1.1" 200 5120')
    assert ID not in scrub_log_text(f'"GET /directory/persons/?q={ID} HTTP/1.1" 200 5120')


def test_the_log_filter_masks_message_arguments_and_traceback():
    try:
        raise ValueError(f"手机号码“{MOBILE}”格式不正确")
    except ValueError:
        import sys

        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
                                   (f"/directory/persons/?q={ID}",), sys.exc_info())
    assert RedactFilter().filter(record)
    text = logging.Formatter().format(record)
    assert ID not in text and MOBILE not in text and "Internal Server Error" in text and "ValueError" in text


def _handlers():
    return [h for name in ("", "django", "django.server", "django.request", "shanghui.imports.jobs")
            for h in logging.getLogger(name).handlers
            if not type(h).__module__.startswith("_pytest")]  # pytest's own capture, not the application's


@pytest.mark.parametrize("reconfigured", [False, True])
def test_every_configured_log_handler_masks(reconfigured):
    if reconfigured:  # logging configured again after start-up (a command calling django.setup())
        from django.conf import settings
        from django.utils.log import configure_logging

        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    handlers = _handlers()
    assert len(handlers) >= 2 and all(any(isinstance(f, RedactFilter) for f in h.filters) for h in handlers)


def test_the_wsgi_application_loaded_after_set_up_keeps_every_handler_masking(db):
    # `shanghui serve` imports shanghui.wsgi in a process already set up by manage.py: Django
    # configures logging a second time there.
    import shanghui.wsgi

    importlib.reload(shanghui.wsgi)
    handlers = _handlers()
    assert len(handlers) >= 2 and all(any(isinstance(f, RedactFilter) for f in h.filters) for h in handlers)
