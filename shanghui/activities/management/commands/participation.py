"""`shanghui participation --year 2018 [--street 110101001]`

Prints the year's figures of ideal-and-belief education and training, computed from the
attendance records: member and district participation, training person-times (the year's and
cumulative) and each series' consecutive years ending at that year.
"""

from django.core.management.base import BaseCommand, CommandError

from shanghui.activities import kpis
from shanghui.activities.models import ActivitySeries
from shanghui.core.kpis import Period
from shanghui.orgs.models import Region


def _rate(figure) -> str:
    return f"{figure.rate}%" if figure.rate is not None else "—"


class Command(BaseCommand):
    help = "输出某年度的理想信念教育参与率、培训人次和活动系列连续举办年数（由出席记录计算）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度，如 2018")
        parser.add_argument("--street", default="", help="街道区划代码；不填为全区")

    def handle(self, *args, year, street, **options):
        if not 1949 <= year <= 2100:
            raise CommandError("年度应在1949至2100之间。")
        if street:
            scope = Region.objects.filter(code=street).first()
            if scope is None:
                raise CommandError(f"行政区划代码“{street}”不存在。")
        else:
            scope = Region.objects.filter(level=Region.Level.DISTRICT).order_by("code").first()
            if scope is None:
                raise CommandError("数据库中还没有行政区划，请先生成演示数据或导入区划。")
        period = Period.year(year)
        member = kpis.member_participation(scope, period)
        district = kpis.district_participation(scope, period)
        training = kpis.training(scope, period)
        out = self.stdout.write
        out(f"{scope.name} {year}年")
        out(f"会员企业参与率：{_rate(member)}（{member.numerator}/{member.denominator}）")
        out(f"全区企业参与率：{_rate(district)}（{district.numerator}/{district.denominator}）")
        out(f"培训人次：{year}年 {training.count}，累计 {training.cumulative}"
            + (f"（{training.first_year}—{year}年）" if training.first_year else ""))
        runs = kpis.series_runs(ActivitySeries.objects.in_scope(scope), year)
        # The training classes first (the article's "22 years in a row"), then the flagship series held that year.
        runs.sort(key=lambda r: r.series.kind != r.series.SeriesKind.TRAINING_CLASS)
        for run in runs:
            if run.series.kind == run.series.SeriesKind.TRAINING_CLASS or run.years:
                since = f"，{run.since}年起" if run.since else ""
                out(f"连续举办：{run.series.name} {run.years}年{since}")
