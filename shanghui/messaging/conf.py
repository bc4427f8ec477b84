"""Which backend sends each channel, read when used (tests override them with the `settings` fixture).

Each is on the 系统设置 page, and has an environment variable of the same name (core/config.py says
which wins). A channel's backend is one of:
"console" (the default: printed by the process that delivers, nothing leaves the machine), "file"
(appended to <SHANGHUI_DATA_DIR>/messages/<channel>.jsonl), an http(s) URL (a group robot's webhook for wecom and
dingtalk; an SMS gateway for sms), or the dotted path of a class of one's own (a vendor's SMS SDK).
"""

import os

from django.conf import settings

from shanghui.core import config


def _get(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value).strip()


def backend_spec(channel: str) -> str:
    """The channel's backend: the 系统设置 page's value, else SHANGHUI_<CHANNEL>_BACKEND (core/config.py)."""
    if channel == "webhook":
        return webhook_url()
    return str(config.get(f"{channel}_backend") or "").strip() or "console"


def webhook_url() -> str:
    """The service desk's group robot. Empty (the default): the desk queues no messages."""
    return str(config.get("webhook_url") or "").strip()


def messages_dir() -> str:
    return _get("SHANGHUI_MESSAGES_DIR", str(settings.DATA_DIR / "messages"))
