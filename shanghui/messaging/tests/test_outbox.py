"""Each channel's backend behind one interface; the console is the default, so nothing leaves by accident."""

import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from shanghui.messaging import backends, outbox
from shanghui.messaging.models import Channel, OutboxMessage
from shanghui.servicedesk.tests.test_outbox import Receiver

pytestmark = pytest.mark.django_db

MOBILE = "13800138000"


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_every_channel_defaults_to_the_console(capsys):
    for channel in (Channel.SMS, Channel.WECOM, Channel.DINGTALK):
        assert isinstance(backends.backend_for(channel), backends.ConsoleBackend)
    outbox.enqueue(channel=Channel.SMS, text="明天上午9点开会", recipient=MOBILE)
    outbox.enqueue(channel=Channel.WECOM, text="请各企业报名，电话 13912345678")
    assert outbox.deliver_pending() == (2, 0)
    printed = capsys.readouterr().out
    assert "[短信 → 138****8000] 明天上午9点开会" in printed
    assert "[企业微信群] 请各企业报名，电话 139****5678" in printed  # a group copy is scrubbed
    assert MOBILE not in printed
    assert all(m.state == "delivered" and m.state_label == "已送达" for m in OutboxMessage.objects.all())


def test_the_recipient_is_stored_encrypted():
    message = outbox.enqueue(channel=Channel.SMS, text="x", recipient=MOBILE)
    raw = OutboxMessage.objects.filter(pk=message.pk).values_list("recipient_cipher", flat=True).get()
    assert MOBILE not in raw and message.recipient == MOBILE


def test_the_file_backend_appends_json_lines(settings, tmp_path):
    settings.SHANGHUI_SMS_BACKEND = "file"
    settings.SHANGHUI_MESSAGES_DIR = str(tmp_path)
    outbox.enqueue(channel=Channel.SMS, text="第一条", recipient=MOBILE)
    outbox.enqueue(channel=Channel.SMS, text="第二条", recipient=MOBILE)
    call_command("deliver_outbox", stdout=open("/dev/null", "w"))
    lines = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["text"] for line in lines] == ["第一条", "第二条"] and lines[0]["to"] == "138****8000"


def test_an_sms_gateway_and_a_robot_get_what_they_expect(settings, receiver):
    receiver.status = 200
    settings.SHANGHUI_SMS_BACKEND = receiver.url
    settings.SHANGHUI_DINGTALK_BACKEND = receiver.url
    outbox.enqueue(channel=Channel.SMS, text="短信内容", recipient=MOBILE)
    outbox.enqueue(channel=Channel.DINGTALK, text="群消息")
    assert outbox.deliver_pending() == (2, 0)
    assert receiver.received == [{"mobile": MOBILE, "text": "短信内容"},
                                 {"msgtype": "text", "text": {"content": "群消息"}}]


def test_a_message_that_keeps_failing_is_given_up_and_says_so(settings, receiver):
    settings.SHANGHUI_WECOM_BACKEND = receiver.url  # answers 500
    message = outbox.enqueue(channel=Channel.WECOM, text="x")
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        assert outbox.deliver_pending() == (0, 1)
        message.refresh_from_db()
        assert message.attempts == attempt
        assert message.state == ("failed" if attempt == outbox.MAX_ATTEMPTS else "retrying")
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert outbox.deliver_pending() == (0, 0)
    assert message.state_label == "发送失败" and "500" in message.last_error


def test_a_backend_of_ones_own_by_dotted_path(settings):
    settings.SHANGHUI_SMS_BACKEND = "shanghui.messaging.tests.test_outbox.Collecting"
    outbox.enqueue(channel=Channel.SMS, text="自定义", recipient=MOBILE)
    assert outbox.deliver_pending() == (1, 0)
    assert Collecting.sent == [(MOBILE, "自定义")]


class Collecting(backends.Backend):
    sent: list = []

    def send(self, message):
        Collecting.sent.append((message.recipient, message.text))
