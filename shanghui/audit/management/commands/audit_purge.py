"""`shanghui audit-purge --before DATE`: the one way old audit events leave the database.

Refuses a date inside the retention period (SHANGHUI_AUDIT_RETENTION_DAYS, never under 180
days); records the purge, with its checkpoint, as an audit event so `audit_verify` still passes.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shanghui.audit.chain import purge


class Command(BaseCommand):
    help = "清理保留期以外（默认 180 天以前）的审计日志，并记录清理检查点。"

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="清理此日期（YYYY-MM-DD）之前的记录")

    def handle(self, **options):
        try:
            before = dt.date.fromisoformat(options["before"])
        except ValueError:
            raise CommandError(f"日期“{options['before']}”格式不正确，应为 YYYY-MM-DD。") from None
        try:
            count = purge(before=before)
        except ValidationError as e:
            raise CommandError("；".join(e.messages)) from None
        self.stdout.write(f"已清理 {before:%Y-%m-%d} 之前的审计事件 {count} 条。")
