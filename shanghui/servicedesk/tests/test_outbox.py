"""The service desk's webhook through the outbox (shanghui.messaging): messages survive a receiver that is down or failing, and go out when it is back."""

import datetime as dt
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone

from shanghui.messaging import backends, outbox
from shanghui.messaging.models import OutboxMessage
from shanghui.servicedesk import services


class Receiver:
    """A local robot endpoint: answers `status` (and records what it accepted)."""

    def __init__(self):
        self.status = 500
        self.errcode = 0  # what a 200 answer carries; the robots answer 200 with errcode != 0 on a wrong key
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if receiver.status == 200 and receiver.errcode == 0:
                    receiver.received.append(body)
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"errcode": receiver.errcode if receiver.status == 200 else 1}).encode())

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/robot/send?key=test"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def free_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/robot"  # nothing listens there: connection refused


def test_no_webhook_no_outbox(desk, settings):
    settings.SHANGHUI_WEBHOOK_URL = ""
    desk.in_state("assigned")
    assert not OutboxMessage.objects.exists()
    assert outbox.deliver_pending() == (0, 0)


def test_messages_wait_while_the_receiver_is_down_and_go_out_when_it_is_back(desk, settings, receiver):
    settings.SHANGHUI_WEBHOOK_URL = free_port_url()
    desk.in_state("accepted")  # file + accept: two messages
    assert OutboxMessage.objects.count() == 2
    payload = OutboxMessage.objects.first().payload
    assert payload["msgtype"] == "text" and "营业执照变更咨询" in payload["text"]["content"]

    # 1. Connection refused: both kept, attempt counted, retried later (not immediately).
    assert outbox.deliver_pending() == (0, 2)
    first = OutboxMessage.objects.first()
    assert first.delivered_at is None and first.attempts == 1 and first.last_error
    assert first.next_attempt_at > timezone.now()
    assert outbox.deliver_pending() == (0, 0)  # not due yet

    # 2. The receiver is up but answers 500: still kept, the delay doubles.
    settings.SHANGHUI_WEBHOOK_URL = receiver.url
    later = timezone.now() + dt.timedelta(hours=2)
    assert outbox.deliver_pending(now=later) == (0, 2)
    first.refresh_from_db()
    assert first.attempts == 2 and "500" in first.last_error
    assert backends.backoff(2) == 2 * backends.backoff(1)

    # 3. It recovers: the command delivers both, in order, once.
    receiver.status = 200
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    call_command("deliver_outbox")
    assert OutboxMessage.objects.filter(delivered_at__isnull=True).count() == 0
    assert [m["text"]["content"] for m in receiver.received] == \
        [m.payload["text"]["content"] for m in OutboxMessage.objects.order_by("id")]
    assert outbox.deliver_pending(now=later) == (0, 0)
    assert len(receiver.received) == 2


def test_a_robot_error_code_counts_as_a_failure(desk, settings, receiver):
    settings.SHANGHUI_WEBHOOK_URL = receiver.url
    services.request_file(by=desk.cast.enterprise_user_a, enterprise=desk.cast.enterprise_a, category=desk.category,
                          title="咨询", description="内容")
    receiver.status, receiver.errcode = 200, 93000
    assert outbox.deliver_pending() == (0, 1)
    message = OutboxMessage.objects.get()
    assert message.delivered_at is None and "93000" in message.last_error
    receiver.errcode = 0
    assert outbox.deliver_pending(now=timezone.now() + dt.timedelta(hours=1)) == (1, 0)
    assert len(receiver.received) == 1


def test_a_number_in_a_request_title_is_masked_in_notifications_and_the_outbox(desk, settings):
    settings.SHANGHUI_WEBHOOK_URL = "http://127.0.0.1:9/robot"
    mobile = "13912345678"
    req = desk.file(title=f"请回电 {mobile}")
    services.request_accept(by=desk.cast.worker_a, service_request=req)
    texts = [m.payload["text"]["content"] for m in OutboxMessage.objects.all()]
    texts += list(req.notifications.values_list("text", flat=True))
    assert texts and all("139****5678" in t and mobile not in t for t in texts)
