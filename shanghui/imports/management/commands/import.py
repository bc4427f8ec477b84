"""`shanghui import KIND FILE [--dry-run] [--user NAME] [--errors REPORT.xlsx]`

Imports a spreadsheet from the console with a progress bar, as the web upload
does: all rows or none, one audit event. Runs as a user (scope and audit need one);
by default the first active superuser.
"""

import time

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from shanghui.accounts.models import User
from shanghui.imports import engine, kinds, report


class ProgressBar:
    def __init__(self, stream, width: int = 30):
        # `stream` is the command's OutputWrapper: ending="" keeps the bar on one line.
        self.stream, self.width, self.last = stream, width, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.2 and done < total:
            return
        self.last = now
        total = max(total, done, 1)
        filled = int(self.width * done / total)
        end = "\n" if done >= total else ""
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done:,}/{total:,} 行", ending=end)
        self.stream.flush()


class Command(BaseCommand):
    help = "从表格导入数据（.xlsx/.xls/.ods/.csv）：KIND 为 " + "、".join(kinds.KINDS or ["enterprises", "persons", "memberships"])

    def add_arguments(self, parser):
        parser.add_argument("kind")
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只校验并预览，不写入数据库")
        parser.add_argument("--user", help="以哪个用户的身份导入（决定管辖范围），默认第一个超级用户")
        parser.add_argument("--errors", metavar="REPORT.xlsx", help="有错误时把错误报告写到这个文件")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, kind, file, dry_run, user, errors, no_progress, **options):
        try:
            spec = kinds.get(kind)
        except KeyError as e:
            raise CommandError(e.args[0]) from None
        by = self._user(user)
        bar = None if no_progress else ProgressBar(self.stderr)
        try:
            result = engine.run(spec, file, by=by, filename=file, dry_run=dry_run, progress=bar)
        except PermissionDenied as e:
            raise CommandError(str(e)) from None
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{file}") from None
        if result.file_error:
            raise CommandError(result.file_error)
        if result.header_row > 1:
            self.stderr.write(f"表头在第{result.header_row}行，其上的标题行已跳过。")
        for warning in result.warnings:
            self.stderr.write(f"注意：{warning}")
        if result.summary_rows:
            self.stderr.write(f"已跳过合计行（不导入）：第{'、'.join(map(str, result.summary_rows))}行。")
        for row, column, message in result.errors[:50]:
            self.stderr.write(f"第{row}行 {column}：{message}")
        if len(result.errors) > 50:
            self.stderr.write(f"……共{result.error_rows}行有错误，完整清单见错误报告（--errors）。")
        c = result.counts()
        summary = (f"{spec.label}：共{c['total']}行，新增{c['new']}，更新{c['updated']}，"
                   f"未变{c['unchanged']}，错误{c['error']}（{result.seconds:.1f}秒）")
        if result.skipped:
            rows = "、".join(map(str, result.skipped_rows[:50])) + ("等" if result.skipped > 50 else "")
            self.stderr.write(f"无权修改，已跳过{result.skipped}行：第{rows}行。")
        if errors and result.error_rows:
            report.write_error_report(spec, file, result, errors)
            self.stderr.write(f"错误报告已写入 {errors}")
        if result.error_rows:
            raise CommandError(summary + ("；未写入任何数据。" if not dry_run else "。"))
        self.stdout.write(summary + ("；预览，未写入。" if dry_run else "；已导入。"))

    def _user(self, username):
        if username:
            try:
                return User.objects.get(username=username, is_active=True)
            except User.DoesNotExist:
                raise CommandError(f"找不到用户“{username}”。") from None
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("没有可用的超级用户，请用 --user 指定导入人。")
        return user
