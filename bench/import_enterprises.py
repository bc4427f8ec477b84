#!/usr/bin/env python3
"""Benchmark: `shanghui import enterprises` against a raw executemany insert.

    bench/import_enterprises.py N [--only sqlite|postgresql] [--keep-files]

Generates N enterprise rows as CSV and XLSX (cached in var/bench/), then for SQLite
and PostgreSQL, each on a fresh database:

  (a) floor: a raw DB-API executemany of the same rows, already in their stored form,
      into a bare table of the same shape with the same indexes, in one transaction;
  (b) `shanghui import enterprises FILE` end to end, as a separate process (read,
      validate, upsert, commit), for the CSV and for the XLSX, each followed by a
      re-import of the same file (everything unchanged);
  and the time python-calamine alone needs to read the XLSX.

It prints seconds, rows/s, the ratio (b)/(a) and each import's peak memory.

PostgreSQL: DATABASE_URL from the environment if it names a PostgreSQL server
(the benchmark creates and drops its own database there), otherwise a throwaway
server through scripts/with-postgres; without server binaries that part is skipped
with a note.
"""

import argparse
import csv
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
FILES = ROOT / "var" / "bench"
HEADER = ["统一社会信用代码", "企业名称", "所在街道", "行业门类", "企业规模", "从业人数", "成立日期", "经营状态", "地址"]

STREETS = ["东华门街道", "景山街道", "交道口街道", "安定门街道", "北新桥街道", "东四街道", "朝阳门街道", "建国门街道",
           "东直门街道", "和平里街道", "前门街道", "崇文门外街道", "东花市街道", "龙潭街道", "体育馆路街道",
           "天坛街道", "永定门外街道"]
BRANDS = list("华兴盛达恒通泰和信安瑞丰宏远金鼎嘉诚博思明德正元鑫隆汇聚新创佳美天成东方长城京城古都胡同")
TRADES = ["科技", "文化传媒", "餐饮管理", "商贸", "建筑工程", "信息技术", "咨询", "物业管理", "医药", "教育科技",
          "广告", "旅游", "服装", "电子", "网络科技", "投资管理", "设计", "物流", "家政服务", "印刷"]
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司", "有限公司分公司", "工作室"]
INDUSTRIES = ["信息传输、软件和信息技术服务业", "批发和零售业", "住宿和餐饮业", "租赁和商务服务业", "文化、体育和娱乐业",
              "科学研究和技术服务业", "建筑业", "居民服务、修理和其他服务业", "制造业", "房地产业"]
SIZES = ["微型", "小型", "中型", "大型"]
STATUSES = ["存续"] * 17 + ["注销", "迁出"]


# --- data ---------------------------------------------------------------------

def generate_rows(n: int, seed: int = 2026):
    from shanghui.core.validators import USCC_CHARSET, uscc_check_char

    rng = random.Random(seed)
    seen = set()
    base = dt.date(1990, 1, 1)
    while len(seen) < n:
        body = "91110101" + "".join(rng.choices(USCC_CHARSET, k=9))
        code = body + uscc_check_char(body)
        if code in seen:
            continue
        seen.add(code)
        name = "北京" + "".join(rng.choices(BRANDS, k=2)) + rng.choice(TRADES) + rng.choice(SUFFIXES)
        street = rng.choice(STREETS)
        yield [code, name, street, rng.choice(INDUSTRIES), rng.choice(SIZES), rng.randrange(1, 2000),
               base + dt.timedelta(days=rng.randrange(0, 12000)), rng.choice(STATUSES),
               f"东城区{street.removesuffix('街道')}{rng.randrange(1, 300)}号"]


def write_files(n: int) -> tuple[Path, Path]:
    import xlsxwriter

    FILES.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = FILES / f"enterprises-{n}.csv", FILES / f"enterprises-{n}.xlsx"
    if csv_path.exists() and xlsx_path.exists():
        return csv_path, xlsx_path
    started = time.monotonic()
    book = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True, "strings_to_numbers": False})
    ws = book.add_worksheet("企业名录")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, HEADER)
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for r, row in enumerate(generate_rows(n), start=1):
            out.writerow([*row[:6], row[6].isoformat(), *row[7:]])
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, value, date_format)
                elif isinstance(value, int):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, value)
    book.close()
    print(f"generated {n:,} rows in {time.monotonic() - started:.0f} s: {csv_path.name} "
          f"({csv_path.stat().st_size / 1e6:.0f} MB), {xlsx_path.name} ({xlsx_path.stat().st_size / 1e6:.0f} MB)",
          flush=True)
    return csv_path, xlsx_path


# --- child steps (each in its own process, so settings and memory are its own) --

def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanghui.settings")
    import django

    django.setup()


def step_setup() -> dict:
    _django()
    from shanghui.accounts.models import User
    from shanghui.orgs.seed import load_dongcheng

    load_dongcheng()
    User.objects.create_superuser("bench", "bench@example.com", None)
    return {}


def step_floor(csv_path: str) -> dict:
    """(a): executemany of the final rows into a bare copy of the enterprise table."""
    _django()
    from django.db import connection, models

    from shanghui.directory.choices import Industry, Size, Status
    from shanghui.directory.models import Enterprise
    from shanghui.imports.initials import fast_initials
    from shanghui.orgs.models import Region

    attrs = {"__module__": __name__, "Meta": type("Meta", (), {"app_label": "bench", "db_table": "bench_floor"})}
    for field in Enterprise._meta.concrete_fields:
        name, path, args, kwargs = field.deconstruct()
        if field.is_relation:
            kwargs["related_name"] = "+"
        attrs[name] = type(field)(*args, **kwargs)
    floor_model = type("BenchFloor", (models.Model,), attrs)
    with connection.schema_editor() as editor:
        editor.create_model(floor_model)  # the same columns, indexes and constraints as directory_enterprise

    regions = dict(Region.objects.values_list("name", "pk"))
    industry = {str(c.label): c.value for c in Industry}
    size = {str(c.label): c.value for c in Size}
    status = {str(c.label): c.value for c in Status}
    now = dt.datetime.now(dt.UTC)
    pg = connection.vendor == "postgresql"
    rows = []
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for code, name, street, ind, sz, employees, founded, st, address in reader:
            day = dt.date.fromisoformat(founded)
            rows.append((code, name, fast_initials(name)[:100], regions[street], industry[ind], size[sz],
                         int(employees), day if pg else founded, status[st], address,
                         now if pg else now.replace(tzinfo=None).isoformat(" ")))
    columns = "uscc, name, name_initials, region_id, industry, size, employees, founded, status, address, created"
    connection.ensure_connection()
    raw = connection.connection  # the DB-API connection itself: no Django in the timed part
    started = time.monotonic()
    if pg:
        with raw.transaction(), raw.cursor() as cur:
            cur.executemany(f"INSERT INTO bench_floor ({columns}) VALUES ({', '.join(['%s'] * 11)})", rows)
    else:
        raw.execute("BEGIN IMMEDIATE")
        raw.executemany(f"INSERT INTO bench_floor ({columns}) VALUES ({', '.join(['?'] * 11)})", rows)
        raw.execute("COMMIT")
    seconds = time.monotonic() - started
    with connection.schema_editor() as editor:
        editor.delete_model(floor_model)
    return {"seconds": seconds, "rows": len(rows)}


def step_reset() -> dict:
    _django()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM directory_enterprise")
    # Start the XLSX run from a clean table, not one full of dead rows and bloated indexes.
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        connection.connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM FULL ANALYZE directory_enterprise")
    else:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")
    return {}


def step_calamine(xlsx_path: str) -> dict:
    import python_calamine

    started = time.monotonic()
    book = python_calamine.CalamineWorkbook.from_path(xlsx_path)
    rows = sum(1 for _ in book.get_sheet_by_index(0).iter_rows())
    book.close()
    return {"seconds": time.monotonic() - started, "rows": rows}


def child(step: str, *args: str, env: dict) -> dict:
    out = subprocess.run([PY, __file__, "--child", step, *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"bench step {step} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def import_run(path: Path, env: dict) -> dict:
    """(b): the real command in its own process; wall time and that process's peak memory."""
    started = time.monotonic()
    proc = subprocess.Popen([PY, str(ROOT / "manage.py"), "import", "enterprises", str(path), "--no-progress"],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - started
    out, err = proc.stdout.read(), proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"import failed:\n{out}\n{err}")
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "summary": out.strip()}


# --- orchestration --------------------------------------------------------------

def run_backend(vendor: str, n: int, csv_path: Path, xlsx_path: Path, database_url: str | None) -> list[dict]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"shanghui-bench-{vendor}-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SHANGHUI_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(ROOT)
    dbname = None
    if database_url:
        dbname, env["DATABASE_URL"] = _scratch_database(database_url)
    try:
        subprocess.run([PY, str(ROOT / "manage.py"), "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
        child("setup", env=env)
        floor = child("floor", str(csv_path), env=env)
        results = [{"step": "(a) raw executemany (floor)", **floor}]
        print(f"[{vendor}] floor {floor['seconds']:.1f} s", flush=True)
        for label, path in (("CSV", csv_path), ("XLSX", xlsx_path)):
            if label == "XLSX":
                child("reset", env=env)
                read = child("calamine", str(path), env=env)
                results.append({"step": "python-calamine read only", **read})
            first = import_run(path, env)
            print(f"[{vendor}] import {label}: {first['seconds']:.1f} s; {first['summary']}", flush=True)
            again = import_run(path, env)
            print(f"[{vendor}] re-import {label}: {again['seconds']:.1f} s; {again['summary']}", flush=True)
            results.append({"step": f"(b) import {label} (all new)", "rows": n, **first})
            results.append({"step": f"(b) re-import {label} (all unchanged)", "rows": n, **again})
        return results
    finally:
        if dbname:
            _drop_database(database_url, dbname)
        shutil.rmtree(data_dir, ignore_errors=True)


def _scratch_database(url: str) -> tuple[str, str]:
    """A fresh database on the server `url` names, so the benchmark never touches real data."""
    import psycopg

    name = f"shanghui_bench_{os.getpid()}"
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return name, urlunsplit(parts._replace(path=f"/{name}"))


def _drop_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _libpq(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def report(vendor: str, n: int, results: list[dict]) -> None:
    by = {r["step"]: r for r in results}
    floor = by["(a) raw executemany (floor)"]["seconds"]
    calamine = by["python-calamine read only"]["seconds"]
    print(f"\n{vendor}: N = {n:,}")
    print(f"{'step':38} {'seconds':>8} {'rows/s':>9} {'ratio':>7} {'peak MB':>8}")
    for r in results:
        ratio = ""
        if r["step"].startswith("(b)"):
            base = floor + (calamine if "XLSX" in r["step"] else 0)
            ratio = f"{r['seconds'] / base:.2f}"
        peak = f"{r['peak_mb']:.0f}" if "peak_mb" in r else ""
        print(f"{r['step']:38} {r['seconds']:8.2f} {n / r['seconds']:9,.0f} {ratio:>7} {peak:>8}")
    print("ratio: (b) / (a) for CSV; (b) / ((a) + calamine read) for XLSX. Targets at 1,000,000 rows: "
          "ratio <= 2.5, peak < 1536 MB, re-import faster than import.")
    print("JSON " + json.dumps({"vendor": vendor, "n": n, "results": results}, ensure_ascii=False))


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        step, args = sys.argv[2], sys.argv[3:]
        result = {"setup": step_setup, "floor": step_floor, "reset": step_reset, "calamine": step_calamine}[step](*args)
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--keep-files", action="store_true", help="keep the generated CSV/XLSX in var/bench/")
    args = parser.parse_args()
    csv_path, xlsx_path = write_files(args.n)
    try:
        if args.only in (None, "sqlite"):
            report("sqlite", args.n, run_backend("sqlite", args.n, csv_path, xlsx_path, None))
        if args.only in (None, "postgresql"):
            url = os.environ.get("DATABASE_URL", "")
            if url.startswith(("postgres://", "postgresql://")):
                report("postgresql", args.n, run_backend("postgresql", args.n, csv_path, xlsx_path, url))
            elif args.only is None:
                # A throwaway server for this part only: scripts/with-postgres sets DATABASE_URL.
                status = subprocess.run([str(ROOT / "scripts" / "with-postgres"), PY, __file__, str(args.n),
                                         "--only", "postgresql", "--keep-files"], cwd=ROOT).returncode
                if status == 3:
                    print("\npostgresql: skipped (no PostgreSQL server binaries; set DATABASE_URL or "
                          "apt-get install postgresql)")
                elif status:
                    raise SystemExit(status)
            else:
                print("postgresql: skipped (DATABASE_URL is not a PostgreSQL URL)")
    finally:
        if not args.keep_files:
            csv_path.unlink(missing_ok=True)
            xlsx_path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
