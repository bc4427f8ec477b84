"""One small backend per way of sending, all behind `send(message)`; raising means "not delivered".

The default for every channel is the console, so a fresh installation sends nothing by accident.
"""

import datetime as dt
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

from django.utils import timezone
from django.utils.module_loading import import_string

from . import conf
from .models import OutboxMessage

TIMEOUT = 10
# What a failed send may raise; anything else is a bug and propagates.
ERRORS = (urllib.error.URLError, OSError, RuntimeError, ValueError)


class Backend:
    def send(self, message: OutboxMessage) -> None:
        raise NotImplementedError


class ConsoleBackend(Backend):
    """Prints the message (recipient masked: a log is no place for a mobile number)."""

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, message: OutboxMessage) -> None:
        to = f" → {message.recipient_masked}" if message.recipient_cipher else ""
        print(f"[{message.get_channel_display()}{to}] {message.text}", file=self.stream or sys.stdout, flush=True)


class FileBackend(Backend):
    """Appends one JSON line per message to <dir>/<channel>.jsonl (for trials and for a gateway that polls)."""

    def __init__(self, directory: str | None = None):
        self.directory = Path(directory or conf.messages_dir())

    def send(self, message: OutboxMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        line = {"id": message.pk, "channel": message.channel, "to": message.recipient_masked, "text": message.text,
                "at": timezone.now().isoformat()}
        with open(self.directory / f"{message.channel}.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")


def post_json(url: str, payload: dict) -> None:
    """POST the JSON payload; raise on anything but a 2xx answer without an error code."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(req, timeout=TIMEOUT) as response:  # noqa: S310 (the URL is the operator's setting)
        answer = response.read(10_000)
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        data = {}
    # The robots answer 200 with {"errcode": N, "errmsg": ...}; gateways commonly {"code": N}. Non-zero: refused.
    if isinstance(data, dict):
        code = data.get("errcode", data.get("code"))
        if code not in (None, 0, "0", "OK"):
            raise RuntimeError(f"errcode {code}: {data.get('errmsg', data.get('message', ''))}"[:300])


class RobotBackend(Backend):
    """A WeCom or DingTalk group robot: both take {"msgtype": "text", "text": {"content": …}}."""

    def __init__(self, url: str):
        self.url = url

    def send(self, message: OutboxMessage) -> None:
        post_json(self.url, message.payload)


class SmsGatewayBackend(Backend):
    """A plain HTTP SMS gateway: POST {"mobile": …, "text": …}. A vendor's SDK is a class of one's own."""

    def __init__(self, url: str):
        self.url = url

    def send(self, message: OutboxMessage) -> None:
        if not message.recipient:
            raise ValueError("no recipient")
        post_json(self.url, {"mobile": message.recipient, "text": message.text})


def backend_for(channel: str) -> Backend | None:
    """The channel's backend; None when the channel is switched off (the desk's robot without a URL)."""
    spec = conf.backend_spec(channel)
    if not spec:
        return None
    if spec == "console":
        return ConsoleBackend()
    if spec == "file":
        return FileBackend()
    if spec.startswith(("http://", "https://")):
        return SmsGatewayBackend(spec) if channel == "sms" else RobotBackend(spec)
    return import_string(spec)()


def backoff(attempts: int, base: int = 30, cap: int = 3600) -> dt.timedelta:
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))
