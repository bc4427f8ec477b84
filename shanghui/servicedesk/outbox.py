"""Delivering the outbox to the group-robot webhook (WeCom / DingTalk), with retries.

A message stays in the table until the receiver answers 2xx (and, for the robots, errcode 0);
a failure only records the error and pushes `next_attempt_at` back exponentially (30 s, 1 min,
2 min … capped at an hour), so nothing is lost while the receiver is down.
"""

import datetime as dt
import json
import urllib.error
import urllib.request

from django.db import transaction
from django.utils import timezone

from . import conf
from .models import OutboxMessage

BASE_DELAY = 30  # seconds
MAX_DELAY = 3600
TIMEOUT = 10


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(MAX_DELAY, BASE_DELAY * 2 ** max(0, attempts - 1)))


def post(url: str, payload: dict) -> None:
    """POST the JSON payload; raise on anything but a 2xx answer with no robot error code."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(req, timeout=TIMEOUT) as response:  # noqa: S310 (the URL is the operator's setting)
        answer = response.read(10_000)
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        data = {}
    # Both robots answer 200 with {"errcode": N, "errmsg": ...}; non-zero means refused.
    if isinstance(data, dict) and data.get("errcode") not in (None, 0):
        raise RuntimeError(f"errcode {data.get('errcode')}: {data.get('errmsg', '')}"[:300])


def deliver_pending(*, now: dt.datetime | None = None, limit: int = 100, url: str | None = None) -> tuple[int, int]:
    """Try every message that is due; returns (delivered, failed)."""
    url = conf.webhook_url() if url is None else url
    if not url:
        return 0, 0
    now = now or timezone.now()
    delivered = failed = 0
    due = list(OutboxMessage.objects.filter(delivered_at__isnull=True, next_attempt_at__lte=now)
               .order_by("id").values_list("pk", flat=True)[:limit])
    for pk in due:
        with transaction.atomic():
            message = OutboxMessage.objects.select_for_update().filter(pk=pk, delivered_at__isnull=True).first()
            if message is None:  # another worker sent it meanwhile
                continue
            message.attempts += 1
            try:
                post(url, message.payload)
            except (urllib.error.URLError, OSError, RuntimeError, ValueError) as e:
                message.last_error = f"{type(e).__name__}: {e}"[:500]
                message.next_attempt_at = timezone.now() + backoff(message.attempts)
                failed += 1
            else:
                message.delivered_at = timezone.now()
                message.last_error = ""
                delivered += 1
            message.save(update_fields=["attempts", "last_error", "next_attempt_at", "delivered_at"])
    return delivered, failed
