"""Queueing and delivering the outbox (messaging/models.py), with retries.

A failure only records the error and pushes `next_attempt_at` back exponentially (30 s, 1 min,
2 min … capped at an hour); after MAX_ATTEMPTS the message is marked failed and its sender sees so.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shanghui.core import crypto
from shanghui.core.redact import scrub

from .backends import ERRORS, backend_for, backoff
from .models import Channel, OutboxMessage

MAX_ATTEMPTS = 10


def enqueue(*, channel: str, text: str, recipient: str = "") -> OutboxMessage:
    """Queue `text` for `channel` (an SMS to `recipient`); sent by `deliver_pending`.

    Group messages are scrubbed of numbers (a chat is a copy that leaves the record); an SMS goes to
    one person and is written by the platform, so it is sent as written."""
    if channel != Channel.SMS:
        text = scrub(text)
    return OutboxMessage.objects.create(channel=channel, recipient_cipher=crypto.encrypt(recipient) if recipient else "",
                                        payload={"msgtype": "text", "text": {"content": text}})


def deliver_pending(*, now: dt.datetime | None = None, limit: int = 100) -> tuple[int, int]:
    """Try every message that is due; returns (delivered, failed)."""
    now = now or timezone.now()
    backends = {}
    delivered = failed = 0
    due = list(OutboxMessage.objects.filter(delivered_at__isnull=True, failed_at__isnull=True,
                                            next_attempt_at__lte=now)
               .order_by("id").values_list("pk", "channel")[:limit])
    for pk, channel in due:
        if channel not in backends:
            backends[channel] = backend_for(channel)
        backend = backends[channel]
        if backend is None:  # the channel is off: the message waits until it is configured
            continue
        with transaction.atomic():
            message = OutboxMessage.objects.select_for_update().filter(pk=pk, delivered_at__isnull=True).first()
            if message is None:  # another worker sent it meanwhile
                continue
            message.attempts += 1
            try:
                backend.send(message)
            except ERRORS as e:
                message.last_error = f"{type(e).__name__}: {e}"[:500]
                message.next_attempt_at = timezone.now() + backoff(message.attempts)
                if message.attempts >= MAX_ATTEMPTS:
                    message.failed_at = timezone.now()
                failed += 1
            else:
                message.delivered_at = timezone.now()
                message.last_error = ""
                delivered += 1
            message.save(update_fields=["attempts", "last_error", "next_attempt_at", "delivered_at", "failed_at"])
    return delivered, failed
