"""`shanghui audit-verify`: walk the audit hash chain and compare it with the latest external
checkpoint; exit 1 at the first broken or missing row, or when the checkpoint disagrees."""

from django.core.management.base import BaseCommand, CommandError

from shanghui.audit.chain import verify


class Command(BaseCommand):
    help = "校验审计日志哈希链：报告完整，或第一条被修改、删除或调换的记录。"

    def handle(self, **options):
        verdict = verify()
        if not verdict.ok:
            raise CommandError(f"审计日志校验失败：{verdict.message}")
        self.stdout.write(verdict.message)
        if verdict.anchor is not None:
            self.stdout.write(f"与外部检查点一致：第 {verdict.anchor.seq} 条，{verdict.anchor.at}。")
        else:
            self.stdout.write("尚无外部检查点：请定期运行 shanghui audit-checkpoint。")
        if verdict.head_hash:
            self.stdout.write(f"链头：第 {verdict.head_seq} 条 {verdict.head_hash}")
