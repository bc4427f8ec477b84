"""`shanghui audit-verify`: walk the audit hash chain; exit 1 at the first broken or missing row."""

from django.core.management.base import BaseCommand, CommandError

from shanghui.audit.chain import verify


class Command(BaseCommand):
    help = "校验审计日志哈希链：报告完整，或第一条被修改、删除或调换的记录。"

    def handle(self, **options):
        verdict = verify()
        if not verdict.ok:
            raise CommandError(f"审计日志校验失败：{verdict.message}")
        self.stdout.write(verdict.message)
        if verdict.head_hash:
            # Keep this line somewhere outside the database (syslog, a ticket, a printout):
            # with it, even a rebuilt chain is caught.
            self.stdout.write(f"链头：第 {verdict.head_seq} 条 {verdict.head_hash}")
