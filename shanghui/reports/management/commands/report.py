"""`shanghui report --year 2018 [--street CODE] --format docx|xlsx|stats [--output PATH]`

Writes the annual work report (工作纪实) as .docx or .xlsx, or (`--format stats`) the
non-public enterprise party-building statistics table as .xlsx, computed from the records.
Without --output the file goes to the current directory under its Chinese name, e.g.
东城区工商联2018年工作纪实.docx. Run from the console it is a system task: audited with no user.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shanghui.audit import record
from shanghui.orgs.models import Region
from shanghui.reports import annual, annual_xlsx, statistics

FORMATS = ("docx", "xlsx", "stats")


class Command(BaseCommand):
    help = "生成年度工作纪实（docx/xlsx）或非公企业党建工作统计表（stats），数据全部来自业务记录。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度，如 2018")
        parser.add_argument("--street", default="", help="街道区划代码；不填为全区")
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="docx", help="docx、xlsx 或 stats")
        parser.add_argument("--output", default="", help="输出文件路径；不填则以中文文件名写到当前目录")

    def handle(self, *args, year, street, fmt, output, **options):
        if not 1949 <= year <= 2100:
            raise CommandError("年度应在1949至2100之间。")
        if street:
            scope = Region.objects.filter(code=street, level=Region.Level.STREET).first()
            if scope is None:
                raise CommandError(f"街道区划代码“{street}”不存在。")
        else:
            scope = annual.district()
            if scope is None:
                raise CommandError("数据库中还没有行政区划，请先生成演示数据或导入区划。")
        if fmt == "stats":
            name = f"{statistics.title(scope, year)}.xlsx"
        else:
            name = annual.filename(scope, year, fmt)
        path = Path(output) if output else Path.cwd() / name
        if path.is_dir():
            path = path / name
        if not path.parent.is_dir():
            raise CommandError(f"输出目录“{path.parent}”不存在。")
        if fmt == "stats":
            statistics.write_xlsx(scope, year, str(path))
        else:
            report = annual.gather(scope, year)
            if fmt == "docx":
                annual.render_docx(report, str(path))
            else:
                annual_xlsx.write(report, str(path), scope=scope)
        record(by=None, action="export", object_type="reports.statistics_table" if fmt == "stats"
               else "reports.annual_report", extra={"format": fmt, "year": year, "region": scope.code,
                                                    "file": path.name, "source": "command"})
        self.stdout.write(str(path))
