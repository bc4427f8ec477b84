#!/usr/bin/env python3
"""Benchmark: exporting the enterprise register against the raw writers.

    bench/exports.py [N] [--reuse]

Builds N enterprises (default 100,000; the rows of bench/import_enterprises.py, imported with
`manage.py import enterprises`) in a scratch SQLite database (var/bench/exports-N.sqlite3, kept;
`--reuse` times it again without rebuilding), then times, each step in its own process:

  (a) the floor: one query of the same columns (a join for the street and the principal) written
      with csv.writer to a file, and with xlsxwriter in constant_memory mode;
  (b) the product: the enterprise register's export (shanghui/directory/views.py ENTERPRISE, its
      columns and queryset through core/exporting.export_response, not HTTP) for the federation
      admin, as CSV (the streamed response read to a file) and as XLSX.

It prints seconds, the process's peak memory (ru_maxrss) and the ratio (b)/(a).
"""

import argparse
import csv
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import harness  # noqa: E402


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanghui.settings")
    import django

    django.setup()


# --- child steps ---------------------------------------------------------------------------

def step_build(n: str) -> dict:
    import subprocess

    from bench.import_enterprises import write_files

    _django()
    from shanghui.accounts.models import User
    from shanghui.orgs.seed import load_dongcheng

    load_dongcheng()
    User.objects.create_superuser("bench", "bench@example.com", None)
    csv_path, _ = write_files(int(n))
    started = time.monotonic()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "import", "enterprises", str(csv_path), "--no-progress"],
                   cwd=ROOT, env=os.environ, check=True, stdout=subprocess.DEVNULL)
    return {"import_seconds": time.monotonic() - started}


FLOOR_SQL = """
    SELECT e.uscc, e.name, r.name, e.industry, e.size, e.employees, e.founded, e.status, e.address, p.name
    FROM directory_enterprise e JOIN orgs_region r ON r.id = e.region_id
    LEFT JOIN directory_person p ON p.id = e.principal_id
    ORDER BY r.code, e.name
"""


def _floor_rows():
    from django.db import connection

    from shanghui.directory.choices import Industry, Size, Status

    # The same labels the product writes, looked up the cheapest way (a dict), so the floor is
    # the same file and not a shortcut.
    industry, size, status = ({c.value: str(c.label) for c in e} for e in (Industry, Size, Status))
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL)
        while chunk := cursor.fetchmany(2000):
            for uscc, name, street, ind, sz, emp, founded, st, addr, principal in chunk:
                yield [uscc, name, street, industry.get(ind, ""), size.get(sz, ""), emp, founded,
                       status.get(st, ""), addr, principal or ""]


def step_floor(fmt: str) -> dict:
    _django()
    from shanghui.directory.views import ENTERPRISE

    header = [c.header for c in ENTERPRISE.columns]
    started = time.monotonic()
    n = 0
    with tempfile.TemporaryFile() as tmp:
        if fmt == "csv":
            import io

            out = io.TextIOWrapper(tmp, encoding="utf-8-sig", newline="")
            writer = csv.writer(out)
            writer.writerow(header)
            for row in _floor_rows():
                writer.writerow(row)
                n += 1
            out.flush()
        else:
            import xlsxwriter

            book = xlsxwriter.Workbook(tmp, {"constant_memory": True})
            ws = book.add_worksheet("企业名录")
            ws.write_row(0, 0, header)
            for n, row in enumerate(_floor_rows(), start=1):
                ws.write_row(n, 0, row)
            book.close()
        size = tmp.seek(0, 2)
    return {"seconds": time.monotonic() - started, "rows": n, "bytes": size}


def step_product(fmt: str) -> dict:
    _django()
    from shanghui.accounts.models import User
    from shanghui.core.exporting import export_response
    from shanghui.directory.views import ENTERPRISE

    admin = User.objects.get(username="bench")
    started = time.monotonic()
    response = export_response(by=admin, title=ENTERPRISE.title, rows=ENTERPRISE.queryset(admin),
                               columns=ENTERPRISE.columns, fmt=fmt)
    size = 0
    with tempfile.TemporaryFile() as tmp:
        for chunk in response.streaming_content:
            size += tmp.write(chunk)
    response.close()
    return {"seconds": time.monotonic() - started, "bytes": size}


def child(step: str, *args: str, env: dict) -> dict:
    """Run a step in its own process; its result and that process's peak memory."""
    import subprocess

    proc = subprocess.Popen([harness.PY, __file__, "--child", step, *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"bench step {step} failed")
    return {**json.loads(out.strip().splitlines()[-1]), "peak_mb": usage.ru_maxrss / 1024}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        step, args = sys.argv[2], sys.argv[3:]
        print(json.dumps({"build": step_build, "floor": step_floor, "product": step_product}[step](*args),
                         default=str))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=100_000)
    parser.add_argument("--reuse", action="store_true", help="time the kept database without rebuilding")
    args = parser.parse_args()
    env = harness.bench_env()
    env["SHANGHUI_DATA_DIR"] = tempfile.mkdtemp(prefix="shanghui-bench-exports-")
    with harness.scratch_database(env=env, name=f"exports-{args.n}", database_url=None, reuse=args.reuse) as new:
        if new:
            print(f"building {args.n:,} enterprises …", file=sys.stderr, flush=True)
            child("build", str(args.n), env=env)
        results = {}
        print(f"\nsqlite, {args.n:,} enterprises, {dt.date.today()}")
        print(f"{'format':6} {'floor s':>8} {'export s':>9} {'ratio':>6} {'floor MB':>9} {'export MB':>10}")
        for fmt in ("csv", "xlsx"):
            floor = child("floor", fmt, env=env)
            product = child("product", fmt, env=env)
            results[fmt] = {"floor": floor, "product": product, "ratio": product["seconds"] / floor["seconds"]}
            print(f"{fmt:6} {floor['seconds']:8.2f} {product['seconds']:9.2f} {results[fmt]['ratio']:6.2f} "
                  f"{floor['peak_mb']:9.0f} {product['peak_mb']:10.0f}", flush=True)
        print("JSON " + json.dumps(results, default=str))


if __name__ == "__main__":
    main()
