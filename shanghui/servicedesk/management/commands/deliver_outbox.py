"""`shanghui deliver_outbox [--loop]`: send the service desk's pending webhook messages."""

import time

from django.core.management.base import BaseCommand

from shanghui.servicedesk import conf
from shanghui.servicedesk.outbox import deliver_pending


class Command(BaseCommand):
    help = "发送诉求办理的待发送消息到群机器人（企业微信/钉钉）；--loop 常驻运行。"

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="常驻运行，每隔 --interval 秒处理一次")
        parser.add_argument("--interval", type=float, default=10.0)

    def handle(self, *args, loop=False, interval=10.0, **options):
        if not conf.webhook_url():
            self.stdout.write("未配置 SHANGHUI_WEBHOOK_URL，不发送任何消息。")
            if not loop:
                return
        while True:
            delivered, failed = deliver_pending()
            if delivered or failed or not loop:
                self.stdout.write(f"已送达 {delivered} 条，失败 {failed} 条（失败的稍后重试）。")
            if not loop:
                return
            time.sleep(interval)
