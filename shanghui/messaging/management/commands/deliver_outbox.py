"""`shanghui deliver_outbox [--loop]`: send the pending messages (SMS, group robots) through their backends."""

import time

from django.core.management.base import BaseCommand

from shanghui.messaging.outbox import deliver_pending


class Command(BaseCommand):
    help = "发送待发送消息（短信、企业微信群、钉钉群、诉求群机器人）；--loop 常驻运行。"

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="常驻运行，每隔 --interval 秒处理一次")
        parser.add_argument("--interval", type=float, default=10.0)

    def handle(self, *args, loop=False, interval=10.0, **options):
        while True:
            delivered, failed = deliver_pending()
            if delivered or failed or not loop:
                self.stdout.write(f"已送达 {delivered} 条，失败 {failed} 条（失败的稍后重试）。")
            if not loop:
                return
            time.sleep(interval)
