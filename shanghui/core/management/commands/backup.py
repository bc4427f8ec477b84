"""`shanghui backup [--output DIR]`: a dump plus a manifest with its SHA-256 and per-table row counts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shanghui.audit import record
from shanghui.core import backup


class Command(BaseCommand):
    help = "备份数据库（SQLite 在线备份或 pg_dump），并写出含 SHA-256 和各表行数的清单。"

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="备份目录（默认：数据目录下的 backups）")
        parser.add_argument("--database", default="default")

    def handle(self, **options):
        try:
            path, manifest = backup.backup(options["output"] or backup.default_output_dir(), options["database"])
        except backup.BackupError as e:
            raise CommandError(str(e)) from None
        rows = sum(manifest["tables"].values())
        record(by=None, action="backup", object_type="core.backup",
               extra={"file": manifest["file"], "sha256": manifest["sha256"], "tables": len(manifest["tables"]),
                      "rows": rows, "via": "command"})
        self.stdout.write(f"已备份：{path.with_name(manifest['file'])}\n清单：{path}\n"
                          f"SHA-256：{manifest['sha256']}\n{len(manifest['tables'])} 张表，共 {rows} 行。")
