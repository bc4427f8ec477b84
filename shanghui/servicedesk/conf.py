"""The service desk's settings, read when used (tests override them with the `settings` fixture).

Each has an environment variable of the same name; settings.py need not list them. The reopen, close
and due-soon days are also on the 系统设置 page (core/config.py says which wins).
"""

import os

from django.conf import settings

from shanghui.core import config


def _get(name: str, default):
    if hasattr(settings, name):
        return getattr(settings, name)
    value = os.environ.get(name)
    if value is None:
        return default
    return type(default)(value) if not isinstance(default, str) else value


def reopen_days() -> int:
    """An enterprise may reopen its request within this many days after it was resolved."""
    return int(config.get("servicedesk_reopen_days"))


def close_after_days() -> int:
    """Staff may close a resolved request the enterprise has not rated after this many days."""
    return int(config.get("servicedesk_close_after_days"))


def due_soon_days() -> int:
    """A request whose deadline is at most this many calendar days away is "due soon"."""
    return int(config.get("servicedesk_due_soon_days"))


def max_attachment_bytes() -> int:
    return int(_get("SHANGHUI_SERVICEDESK_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))
