"""`shanghui audit-checkpoint`: anchor the audit chain's head outside the database.

Run it from cron or a systemd timer (hourly, say). It writes the head (seq, hash, purge
floor, time) to the checkpoint file and the system log, but only over a history that agrees
with the previous checkpoint: otherwise it exits 1 and anchors nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from shanghui.audit import checkpoint


class Command(BaseCommand):
    help = "把审计日志哈希链头写入数据库以外的检查点（检查点文件和系统日志），供 audit-verify 比对。"

    def handle(self, **options):
        try:
            anchor = checkpoint.take(reason="command")
        except checkpoint.CheckpointError as e:
            raise CommandError(f"未写入检查点：{e}") from None
        self.stdout.write(f"已写入检查点：第 {anchor.seq} 条 {anchor.hash}（{checkpoint.path()}）")
