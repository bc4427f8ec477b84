"""`shanghui search_rebuild [KIND ...]`: refill the full-text search index (docs/search.md) from the rows.

Needed only when the index cannot have followed the rows: after restoring a partial dump, after rows
were written by hand in SQL, or when the tokenizer of core/search.py changes."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shanghui.audit import record
from shanghui.core import search


class Command(BaseCommand):
    help = "重建全文检索索引（企业、人员、文献资料、活动）。"

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", help=f"要重建的类型（默认全部：{'、'.join(search.KINDS)}）")

    def handle(self, **options):
        kinds = options["kinds"] or list(search.KINDS)
        unknown = [k for k in kinds if k not in search.KINDS]
        if unknown:
            raise CommandError(f"没有这种索引：{'、'.join(unknown)}（可选：{'、'.join(search.KINDS)}）")
        counts = {}
        with transaction.atomic():
            for kind in kinds:
                counts[kind] = search.rebuild(kind)
        record(by=None, action="search_rebuild", object_type="core.search", extra={"counts": counts})
        self.stdout.write("已重建：" + "，".join(f"{k} {n} 条" for k, n in counts.items()))
