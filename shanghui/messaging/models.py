"""The outbox: every message that leaves the platform (an SMS, a post to a WeCom or DingTalk group
robot) is a row here first, written in the same transaction as the change it reports, and sent
later by `shanghui deliver_outbox` (messaging/outbox.py) through its channel's backend
(messaging/backends.py). A row stays until it is delivered or has failed `MAX_ATTEMPTS` times,
so nothing is lost while a receiver is down, and a sender can show what became of each message.
"""

from django.db import models
from django.utils import timezone

from shanghui.core import crypto
from shanghui.core.validators import mask_mobile


class Channel(models.TextChoices):
    SMS = "sms", "短信"
    WECOM = "wecom", "企业微信群"
    DINGTALK = "dingtalk", "钉钉群"
    # The service desk's one group robot (SHANGHUI_WEBHOOK_URL), older than the other channels.
    WEBHOOK = "webhook", "诉求群机器人"


class OutboxMessage(models.Model):
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices, default=Channel.WEBHOOK,
                               db_index=True)
    # An SMS's mobile number (personal data: encrypted); empty for a group robot, whose group is the backend's.
    recipient_cipher = crypto.CipherField(blank=True, editable=False)
    payload = models.JSONField("内容")
    created = models.DateTimeField("时间", default=timezone.now)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True, db_index=True)
    failed_at = models.DateTimeField("放弃时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "待发送消息"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"outbox #{self.pk}"

    @property
    def recipient(self) -> str:
        return crypto.decrypt(self.recipient_cipher)

    @property
    def recipient_masked(self) -> str:
        return mask_mobile(self.recipient) if self.recipient_cipher else ""

    @property
    def text(self) -> str:
        return str((self.payload.get("text") or {}).get("content", ""))

    @property
    def state(self) -> str:
        if self.delivered_at:
            return "delivered"
        if self.failed_at:
            return "failed"
        return "retrying" if self.attempts else "pending"

    STATE_LABELS = {"delivered": "已送达", "failed": "发送失败", "retrying": "发送失败，稍后重试", "pending": "待发送"}

    @property
    def state_label(self) -> str:
        return self.STATE_LABELS[self.state]
