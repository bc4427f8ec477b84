"""`shanghui restore FILE`: verify the checksum, restore, verify every table's row count."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from shanghui.audit import checkpoint, record
from shanghui.core import backup, keycheck


class Command(BaseCommand):
    help = "从备份恢复数据库：先校验 SHA-256，恢复后逐表核对行数。当前数据库会先另存一份。"
    # A restore is how a database that fails the start-up checks (say, a wrong key's data) is put right.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="备份文件或其 .manifest.json 清单")
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive",
                            help="不询问确认")
        parser.add_argument("--aside", type=Path, help="恢复前另存当前数据库的目录（SQLite；默认与备份同目录）")
        parser.add_argument("--database", default="default")

    def handle(self, **options):
        try:
            dump, manifest = backup.check(options["file"])
        except backup.BackupError as e:
            raise CommandError(str(e)) from None
        name = connections[options["database"]].settings_dict["NAME"]
        if options["interactive"]:
            answer = input(f"将用 {backup.when(manifest)} 的备份 {dump.name} 覆盖当前数据库 {name}。输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，未做任何恢复。")
        try:
            manifest = backup.restore(dump, options["database"], options["aside"])
        except backup.BackupError as e:
            raise CommandError(str(e)) from None
        record(by=None, action="restore", object_type="core.backup",
               extra={"file": manifest["file"], "sha256": manifest["sha256"], "via": "command"})
        # Going back to a backup is the one legitimate step back in the audit history: anchor it.
        try:
            checkpoint.take(reason="restore", check=False)
        except checkpoint.CheckpointError as e:
            self.stderr.write(f"警告：{e}")
        aside = f"\n恢复前的数据库已另存为：{manifest['aside']}" if manifest.get("aside") else ""
        self.stdout.write(f"已从 {dump.name} 恢复，{len(manifest['tables'])} 张表的行数与清单一致。{aside}")
        if problem := keycheck.problem():
            self.stderr.write(f"警告：{problem}")
