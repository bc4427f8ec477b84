"""`shanghui remind_invitations`: the day-before reminders of activity invitations, then delivery.

Run once a day (cron or a systemd timer; see docs/invitations.md). Each invitation is reminded once.
"""

from django.core.management.base import BaseCommand

from shanghui.activities.invitations import send_reminders
from shanghui.messaging.outbox import deliver_pending


class Command(BaseCommand):
    help = "向明天开始的活动中未请假的受邀企业发送提醒（每条邀请只提醒一次），并发送待发送消息。"

    def add_arguments(self, parser):
        parser.add_argument("--no-deliver", action="store_true", help="只生成提醒，不立即发送（由 deliver_outbox 发送）")

    def handle(self, *args, no_deliver=False, **options):
        reminded = send_reminders()
        self.stdout.write(f"已生成 {reminded} 条活动提醒。")
        if not no_deliver:
            delivered, failed = deliver_pending()
            self.stdout.write(f"已送达 {delivered} 条，失败 {failed} 条（失败的稍后重试）。")
