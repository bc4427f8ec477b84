"""`shanghui rebuild_counters`: recompute the dashboard's attendance counters from the records.

The triggers keep them right on every write; this is for after a restore from an old backup,
a trigger dropped by a table rebuild, or to check (`--check` reports differences, writes nothing).
"""

from django.core.management.base import BaseCommand, CommandError

from shanghui.reports import counters, streetyears


class Command(BaseCommand):
    help = "按记录重新计算统计看板使用的计数表（覆盖率、参与率、培训人次）。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只比较计数表与重新统计的结果，不写入。")

    def handle(self, *args, check=False, **options):
        missing = counters.expected() - counters.installed()
        if missing:
            counters.install()
            self.stdout.write(f"已补装触发器：{len(missing)}个。")
        if check:
            # Writes mark what they change and the next read stores it: compare once that is done,
            # or every change since the last read would count as a difference.
            if streetyears.settle() is not None:
                raise CommandError("数据库正在写入大批数据，暂时无法核对计数表，请稍后重试。")
            want, have = counters.recount(), counters.stored()
            diff = sum(len(want[k] ^ have[k]) for k in want)
            diff += len(streetyears.recount() ^ streetyears.stored())
            if diff:
                raise CommandError(f"计数表与业务记录不一致：{diff}行不同，请运行 shanghui rebuild_counters。")
            self.stdout.write("计数表与业务记录一致。")
            return
        result = counters.rebuild()
        enterprises = streetyears.rebuild()
        self.stdout.write(f"已重新计算：街道年度出席计数{result['tally_rows']}行，企业年度出席计数"
                          f"{result['enterprise_year_rows']}行，街道年度企业计数（{enterprises}家企业）"
                          f"{len(streetyears.stored())}行。")
