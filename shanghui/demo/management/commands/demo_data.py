"""`shanghui demo-data [--seed N] [--enterprises N] [--if-empty]`

Fills an empty database with the deterministic demo data set (shanghui/demo).
It never deletes and never adds to existing data:
- on a database that already holds enterprises, chambers or persons it stops with an error;
- with --if-empty it instead does nothing and exits 0, which is what `make run` uses so
  that restarting the server keeps whatever has been entered since.
To start over, delete the database file (SQLite) or flush the database first.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shanghui.demo.generator import BATCH_SIZE, DemoDataExists, database_is_empty, fingerprint, generate
from shanghui.demo.users import demo_logins, logins_table

LABELS = {
    "regions": "行政区划", "departments": "职能部门", "chambers": "商会", "chamber_departments": "进驻职能",
    "staff": "专职人员", "persons": "人员", "enterprises": "企业", "memberships": "会员关系", "users": "演示账号",
    "party_organizations": "党组织", "org_life_records": "组织生活记录", "party_coverages": "党组织覆盖关系",
    "party_members": "党员", "instructor_assignments": "指导员联系企业", "instructor_visits": "指导员走访",
    "activity_series": "活动系列", "activities": "活动", "attendances": "参加记录",
    "service_requests": "诉求", "service_request_events": "诉求办理记录",
    "campaigns": "评选表彰活动", "nominations": "推荐对象", "objections": "公示异议", "honors": "荣誉",
    "community_projects": "社会服务项目", "community_contributions": "项目贡献", "aid_records": "助学记录",
    "documents": "文献资料",
}


class Command(BaseCommand):
    help = "在空数据库中生成确定性的演示数据（东城区17个街道、商会、企业、会员和各角色演示账号）。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="随机种子；相同种子和数量生成完全相同的数据（默认1）")
        parser.add_argument("--enterprises", type=int, default=3000, help="企业数量（默认3000）")
        parser.add_argument("--if-empty", action="store_true",
                            help="数据库已有数据时什么也不做并正常退出（供 make run 使用）")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=f"每批写入的企业数（默认{BATCH_SIZE}）")
        parser.add_argument("--fingerprint", dest="show_fingerprint", action="store_true", help="生成后输出数据指纹（用于核对确定性）")

    def handle(self, *args, seed, enterprises, if_empty, batch_size, show_fingerprint, verbosity, **options):
        if enterprises < 1:
            raise CommandError("企业数量（--enterprises）至少为1。")
        if batch_size < 1:
            raise CommandError("每批数量（--batch-size）至少为1。")
        if if_empty and not database_is_empty():
            self.stdout.write("数据库中已有数据，未生成演示数据。")
            self._print_logins()
            return

        def progress(done: int, total: int) -> None:
            if verbosity > 1:
                self.stdout.write(f"  企业 {done}/{total}")

        started = time.perf_counter()
        try:
            counts = generate(seed=seed, enterprises=enterprises, batch_size=batch_size, progress=progress)
        except DemoDataExists as e:
            raise CommandError(f"{e}如只想在空库时生成，请加 --if-empty；如要重新生成，请先清空数据库。") from None
        elapsed = time.perf_counter() - started
        rows = sum(counts.values())
        summary = "，".join(f"{LABELS.get(k, k)} {v}" for k, v in counts.items())
        self.stdout.write(self.style.SUCCESS(f"已生成演示数据（种子 {seed}）：{summary}。"))
        self.stdout.write(f"共 {rows} 行，用时 {elapsed:.1f} 秒（{rows / elapsed:,.0f} 行/秒，"
                          f"{counts.get('enterprises', 0) / elapsed:,.0f} 家企业/秒）。")
        if show_fingerprint:
            self.stdout.write(f"数据指纹：{fingerprint()}")
        self._print_logins()

    def _print_logins(self) -> None:
        logins = demo_logins()
        if logins:
            self.stdout.write("")
            self.stdout.write(logins_table(logins, password=settings.DEMO_PASSWORD))

