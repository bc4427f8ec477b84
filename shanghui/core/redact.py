"""One scrubber for ID-like and mobile-like numbers in anything stored or logged beside the data.

ID and mobile numbers live encrypted in their own columns. Everywhere else a user's
input is kept (audit events, import results, file names, log lines) a typed number
would sit in plain text, so each of those paths passes its text through `scrub()`:

- mobiles, also written with +86 / 0086 / 86 in front or with spaces or dashes
  inside (`+86 138-0013-8000`) become `138****8000`;
- 18-digit ID numbers (last character a digit or X), also grouped 6-8-4 or
  6-4-4-4, become `110101********123X`; 15-digit (pre-1999) ones are masked whole;
- any other run of ten or more digits (a mistyped number is still someone's
  number) keeps its first three and last two digits;
- a number Excel turned into scientific notation (`1.10101199003071e+17`) loses
  every digit.

A run glued to letters (inside a code or a hash, such as a credit code or an audit
digest) is not a number anyone typed on its own and is left alone. Masks keep the
length readable but never more digits than the screens show.
"""

import logging
import re
from urllib.parse import parse_qsl, urlencode

from .validators import mask_id_number, mask_mobile

_L = r"(?<![\dA-Za-z])"  # not glued to a digit or letter on the left ...
_R = r"(?![\dA-Za-z])"  # ... nor on the right
_SEP = r"[ \-\u00a0\u3000]?"  # one optional space or dash between groups of digits

_PATTERN = re.compile(
    rf"(?P<sci>{_L}\d\.\d{{5,}}[eE][+-]?\d{{1,3}}{_R})"
    rf"|(?P<mobile>{_L}(?:(?:\+|＋|00)[ \u3000]?86{_SEP}|86{_SEP})?1[3-9]\d(?:{_SEP}\d{{4}}){{2}}{_R})"
    rf"|(?P<id18>{_L}\d{{6}}{_SEP}\d{{4}}{_SEP}\d{{4}}{_SEP}\d{{3}}[\dXxＸｘ]{_R})"
    rf"|(?P<id15>{_L}\d{{6}}{_SEP}\d{{6}}{_SEP}\d{{3}}{_R})"
    rf"|(?P<run>{_L}\d{{10,}}[Xx]?{_R})"
)
_DIGITS = re.compile(r"\d")


def _mask(match: re.Match) -> str:
    text = match.group()
    kind = match.lastgroup
    if kind == "sci":
        return _DIGITS.sub("*", text)
    digits = "".join(c for c in text if c.isdigit() or c in "XxＸｘ")
    if kind == "mobile":
        return mask_mobile(digits[-11:])
    if kind == "id18":
        return mask_id_number(digits.upper().replace("Ｘ", "X").replace("ｘ", "X"))
    if kind == "id15":
        return "*" * 15
    return f"{digits[:3]}{'*' * (len(digits) - 5)}{digits[-2:]}"


def scrub(value):
    """`value` with every ID-like and mobile-like number masked; dicts, lists and tuples recursively."""
    if isinstance(value, str):
        return _PATTERN.sub(_mask, value)
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, tuple):
        return tuple(scrub(v) for v in value)
    return value


def scrub_filename(name: str) -> str:
    """A file name fit to store: numbers masked with x (an asterisk is no file name character)."""
    return scrub(name).replace("*", "x")


# A query string in a log line: `?q=%2B86+138...` is only seen for what it is once decoded.
_QUERY = re.compile(r"\?[^\s\"'<>]+")


def _scrub_query(match: re.Match) -> str:
    query = match.group()[1:]
    pairs = parse_qsl(query, keep_blank_values=True)
    scrubbed = [(k, scrub(v)) for k, v in pairs]
    if scrubbed == pairs:
        return match.group()
    return "?" + urlencode(scrubbed, safe="*")


def scrub_log_text(text: str) -> str:
    return scrub(_QUERY.sub(_scrub_query, text))


class RedactFilter(logging.Filter):
    """Masks numbers in every log record (message, arguments, traceback) before any handler writes it.

    Installed on every handler (settings.LOGGING, and CoreConfig.ready() for handlers
    that libraries add), so an access line with `?q=110105...` or an exception whose
    message quotes a typed number reaches no log in plain text.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_shanghui_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's problem, not ours
            return True
        record.msg, record.args = scrub_log_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub_log_text(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub_log_text(record.stack_info)
        record._shanghui_redacted = True
        return True


def install_log_filter() -> None:
    """Put RedactFilter on every handler known now (the root's and every logger's), once."""
    loggers = [logging.getLogger(), *(
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger))]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, RedactFilter) for f in handler.filters):
                handler.addFilter(RedactFilter())
