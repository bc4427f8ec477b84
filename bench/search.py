#!/usr/bin/env python3
"""Benchmark: full-text search (shanghui/core/search.py) over a large enterprise register.

    bench/search.py [--scale 1.0] [--only sqlite|postgresql] [--reuse]

Builds scale × 1,000,000 enterprises (names like the import benchmark's: 北京 + two brand characters +
a trade + a suffix; every tenth with a principal) with the import engine's bulk insert, then builds the
search index (search.rebuild) and times, for several queries, what the search page does per group:
the keys of the hits (at most search.COUNT_CAP + 1) and the newest ten of them, read in full, from
`Enterprise.objects.visible_to(user)` (search.count_and_first), for the district
admin (no scope filter) and for a street worker (one street of 17). Each query runs five times; the
median is reported, with its ratio to a baseline measured in the same run (a primary-key look-up of
one enterprise) and, for reference, the old search (name icontains, a full scan).

SQLite: the database is kept in var/bench/search-<scale>.sqlite3 (`--reuse` times it again without
rebuilding). PostgreSQL: DATABASE_URL if it names a server (a scratch database is created and dropped),
else a throwaway server through scripts/with-postgres; without server binaries that part is skipped.
Nothing outside this repository and its Python environment is needed.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import harness  # noqa: E402

PY = sys.executable
FULL = 1_000_000
LIMIT = 10

BRANDS = list("华兴盛达恒通泰和信安瑞丰宏远金鼎嘉诚博思明德正元鑫隆汇聚新创佳美天成东方长城京城古都胡同")
TRADES = ["科技", "文化传媒", "餐饮管理", "商贸", "建筑工程", "信息技术", "咨询", "物业管理", "医药", "教育科技",
          "广告", "旅游", "服装", "电子", "网络科技", "投资管理", "设计", "物流", "家政服务", "印刷"]
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司", "有限公司分公司", "工作室"]
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰海波")


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanghui.settings")
    import django

    django.setup()


# --- build ---------------------------------------------------------------------------------------

def step_build(scale: str) -> dict:
    _django()
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from shanghui.core import search
    from shanghui.core.pinyin import initials
    from shanghui.core.validators import USCC_CHARSET, uscc_check_char
    from shanghui.directory.models import Enterprise, Person
    from shanghui.imports.sql import insert_rows
    from shanghui.orgs.models import Region
    from shanghui.orgs.seed import load_dongcheng

    n = max(1, round(FULL * float(scale)))
    load_dongcheng()
    streets = list(Region.objects.streets().order_by("code").values_list("pk", flat=True))
    rng = random.Random(2026)
    now = timezone.now()
    memo: dict[str, str] = {}

    def ini(part: str) -> str:  # pinyin per part, once: 9 ms a name through the ORM would be hours
        if part not in memo:
            memo[part] = initials(part)
        return memo[part]

    started = time.monotonic()
    principals = n // 10
    people, seen = [], set()
    for i in range(principals):
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        people.append((i + 1, name, "".join(ini(c) for c in name), rng.choice(streets), "", "", "", "", "", "", now))
    with transaction.atomic():
        insert_rows(Person, ["id", "name", "name_initials", "region", "gender", "political_status", "position",
                             "id_number_cipher", "mobile_cipher", "mobile_digest", "created"], people)
    del people

    def rows():
        for i in range(n):
            while True:
                body = "91110101" + "".join(rng.choices(USCC_CHARSET, k=9))
                code = body + uscc_check_char(body)
                if code not in seen:
                    seen.add(code)
                    break
            parts = ["北京", *rng.choices(BRANDS, k=2), rng.choice(TRADES), rng.choice(SUFFIXES)]
            yield (code, "".join(parts), "".join(ini(p) for p in parts)[:100], rng.choice(streets), "active",
                   "", "", "", now, (i + 1) if i < principals else None, dt.date(2000, 1, 1))

    batch = []
    fields = ["uscc", "name", "name_initials", "region", "status", "industry", "size", "address", "created",
              "principal", "founded"]
    for row in rows():
        batch.append(row)
        if len(batch) == 100_000:
            with transaction.atomic():
                insert_rows(Enterprise, fields, batch)
            batch = []
    if batch:
        with transaction.atomic():
            insert_rows(Enterprise, fields, batch)
    loaded = time.monotonic() - started
    started = time.monotonic()
    with transaction.atomic():
        indexed = search.rebuild("enterprise") + search.rebuild("person")
    index_seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"enterprises": Enterprise.objects.count(), "load_seconds": loaded, "index_seconds": index_seconds,
            "indexed": indexed}


# --- timing --------------------------------------------------------------------------------------

def _median(fn, runs: int = 5) -> tuple[float, object]:
    times, result = [], None
    fn()  # warm the cache: a page is asked of a running server
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def step_time() -> dict:
    _django()
    from shanghui.accounts.models import User
    from shanghui.core import search
    from shanghui.core.roles import Role
    from shanghui.directory.models import Enterprise, Person
    from shanghui.orgs.models import Region

    district = Region.objects.get(level="district")
    street = Region.objects.streets().order_by("code").first()
    admin = User.objects.create(username=f"bench_admin_{os.getpid()}", role=Role.FEDERATION_ADMIN, region=district)
    worker = User.objects.create(username=f"bench_worker_{os.getpid()}", role=Role.STREET_WORKER, region=street)
    try:
        rng = random.Random(7)
        total = Enterprise.objects.count()
        sample = Enterprise.objects.filter(pk=rng.randint(1, total)).values("pk", "uscc", "name_initials").first() \
            or Enterprise.objects.values("pk", "uscc", "name_initials").first()
        principal = Person.objects.order_by("pk").values_list("name", flat=True).first() or "王伟"
        queries = [
            ("2-char CJK, rare", "鼎嘉"),
            ("2-char CJK, common (科技)", "科技"),
            ("1-char CJK", "鼎"),
            ("4-char CJK", "鑫隆医药"),
            ("two words", "华兴 物流"),
            ("pinyin initials", sample["name_initials"][:6]),
            ("USCC fragment (8 from the middle)", sample["uscc"][6:14]),
            ("principal's name", principal),
        ]
        pk = sample["pk"]
        base_s, _ = _median(lambda: Enterprise.objects.visible_to(admin).filter(pk=pk).first())
        results = []
        for label, q in queries:
            row = {"query": label, "q": q}
            for who, user in (("admin", admin), ("street", worker)):
                def run(user=user, q=q):  # what the search page does for its enterprise group
                    return search.count_and_first(Enterprise.objects.visible_to(user), q, LIMIT)
                seconds, (count, _) = _median(run)
                row[who] = {"ms": seconds * 1000, "count": count, "ratio": seconds / base_s}
            if os.environ.get("BENCH_SEARCH_EXPLAIN"):
                _explain(Enterprise.objects.visible_to(admin).search(q).order_by().values("pk")[:search.COUNT_CAP + 1])
            old_s, old_count = _median(lambda q=q: Enterprise.objects.filter(name__icontains=q).count(), runs=3)
            row["old_icontains_ms"] = old_s * 1000
            results.append(row)
            print(f"  {label:36} {q!r:20} admin {row['admin']['ms']:8.1f} ms ({row['admin']['count']:>7,} hits)"
                  f"  street {row['street']['ms']:8.1f} ms ({row['street']['count']:>6,})"
                  f"  old icontains {old_s * 1000:8.1f} ms", file=sys.stderr, flush=True)
        return {"enterprises": total, "baseline_ms": base_s * 1000, "results": results}
    finally:
        admin.delete()
        worker.delete()


def _explain(qs) -> None:
    from django.db import connection

    sql, params = qs.query.sql_with_params()
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + f"SELECT COUNT(*) FROM ({sql}) AS x", params)
        print("\n".join("    " + str(r[-1] if len(r) > 1 else r[0]) for r in cursor.fetchall()), file=sys.stderr)


# --- driver --------------------------------------------------------------------------------------

def child(step: str, *args: str, env: dict) -> dict:
    return harness.child(__file__, step, *args, env=env)


def run_backend(vendor: str, scale: float, database_url: str | None, reuse: bool) -> dict:
    env, build = harness.bench_env(), None
    with harness.scratch_database(env=env, name=f"search-{scale:g}", database_url=database_url, reuse=reuse) as new:
        if new:
            print(f"[{vendor}] building scale {scale:g} …", file=sys.stderr, flush=True)
            build = child("build", str(scale), env=env)
            print(f"[{vendor}] {build['enterprises']:,} enterprises loaded in {build['load_seconds']:.0f} s, "
                  f"index built in {build['index_seconds']:.0f} s", file=sys.stderr, flush=True)
        print(f"[{vendor}] timing …", file=sys.stderr, flush=True)
        return {"vendor": vendor, "scale": scale, "build": build, **child("time", env=env)}


def report(result: dict) -> None:
    print(f"\n{result['vendor']}: {result['enterprises']:,} enterprises; baseline (primary-key look-up) "
          f"{result['baseline_ms']:.2f} ms")
    if result.get("build"):
        print(f"build: load {result['build']['load_seconds']:.0f} s, index {result['build']['index_seconds']:.0f} s")
    print(f"{'query':36} {'q':>12} {'admin ms':>9} {'hits':>8} {'ratio':>7} {'street ms':>9} {'hits':>7}"
          f" {'old ms':>8}")
    for r in result["results"]:
        print(f"{r['query']:36} {r['q']:>12} {r['admin']['ms']:9.1f} {r['admin']['count']:8,} "
              f"{r['admin']['ratio']:7.0f} {r['street']['ms']:9.1f} {r['street']['count']:7,} "
              f"{r['old_icontains_ms']:8.1f}")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        step, args = sys.argv[2], sys.argv[3:]
        print(json.dumps({"build": step_build, "time": step_time}[step](*args)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 1,000,000 enterprises")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--reuse", action="store_true", help="SQLite: time the kept database without rebuilding")
    args = parser.parse_args()
    if args.only in (None, "sqlite") and not os.environ.get("DATABASE_URL"):
        report(run_backend("sqlite", args.scale, None, args.reuse))
    if args.only in (None, "postgresql"):
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            report(run_backend("postgresql", args.scale, url, False))
        elif args.only is None or not url:
            status = subprocess.run([str(ROOT / "scripts" / "with-postgres"), PY, __file__, "--scale",
                                     str(args.scale), "--only", "postgresql"], cwd=ROOT).returncode
            if status == 3:
                print("\npostgresql: skipped (no PostgreSQL server binaries; set DATABASE_URL or "
                      "apt-get install postgresql)")
            elif status:
                raise SystemExit(status)


if __name__ == "__main__":
    main()
