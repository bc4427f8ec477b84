"""The service desk's settings, read when used (tests override them with the `settings` fixture).

Each has an environment variable of the same name; settings.py need not list them.
"""

import os

from django.conf import settings


def _get(name: str, default):
    if hasattr(settings, name):
        return getattr(settings, name)
    value = os.environ.get(name)
    if value is None:
        return default
    return type(default)(value) if not isinstance(default, str) else value


def reopen_days() -> int:
    """An enterprise may reopen its request within this many days after it was resolved."""
    return int(_get("SHANGHUI_SERVICEDESK_REOPEN_DAYS", 7))


def close_after_days() -> int:
    """Staff may close a resolved request the enterprise has not rated after this many days."""
    return int(_get("SHANGHUI_SERVICEDESK_CLOSE_AFTER_DAYS", 7))


def due_soon_days() -> int:
    """A request whose deadline is at most this many calendar days away is "due soon"."""
    return int(_get("SHANGHUI_SERVICEDESK_DUE_SOON_DAYS", 3))


def max_attachment_bytes() -> int:
    return int(_get("SHANGHUI_SERVICEDESK_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))
