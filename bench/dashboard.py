#!/usr/bin/env python3
"""Benchmark: the dashboard's KPIs and page against hand-written SQL.

    bench/dashboard.py [--scale 1.0] [--only sqlite|postgresql] [--year 2018] [--reuse]

Builds the demo data set (shanghui/demo, 3,000 enterprises) and tops it up with its
bench-scale additions (shanghui/demo/bench.py: plain rows written in bulk) to scale ×
(1,000,000 enterprises, 300,000 memberships, 400,000 persons, 200,000 party members,
50,000 activities, 10,000,000 attendances). Then, for one year, times:

  (a) the floor: hand-written SQL computing the same per-street figures straight from the
      records (participation, the coverages, training person-times);
  (b) the KPI functions of shanghui/reports/kpis.py for the same figures, and the dashboard
      page itself (Django test client, logged in as the federation admin): the first request of
      the process, cold (empty cache),
      warm (cached), and after a write (one attendance added, then one membership added: each
      invalidates the cache, and the membership changes the enterprise-side counters).

Each query is run three times; the best time is reported, with the ratio (b)/(a).

SQLite: the database is kept in var/bench/dashboard-<scale>.sqlite3 (`--reuse` times an existing
one without rebuilding). PostgreSQL: DATABASE_URL if it names a server (a scratch database is
created and dropped), else a throwaway server through scripts/with-postgres.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import harness  # noqa: E402

PY = sys.executable
FULL = {"enterprises": 1_000_000, "memberships": 300_000, "persons": 400_000, "party_members": 200_000,
        "activities": 50_000, "attendances": 10_000_000}


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanghui.settings")
    import django

    django.setup()


# --- child: build ----------------------------------------------------------------------------

def step_build(scale: str) -> dict:
    _django()
    from django.db import connection

    from shanghui.demo import bench, generator

    scale = float(scale)
    started = time.monotonic()
    last = [0.0]

    def progress(what, done, total):
        if time.monotonic() - last[0] > 30 or done == total:
            last[0] = time.monotonic()
            print(f"  {what}: {done:,}/{total:,} ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)

    counts = generator.generate(progress=lambda d, t: progress("demo enterprises", d, t))
    demo_seconds = time.monotonic() - started
    added = bench.add_scale_load(**{k: max(1, round(n * scale)) for k, n in FULL.items()}, progress=progress)
    load_seconds = time.monotonic() - started - demo_seconds
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"demo_seconds": demo_seconds, "load_seconds": load_seconds, "counts": counts, "added": added,
            "rows": _row_counts()}


def _row_counts() -> dict:
    from shanghui.activities.models import Activity, Attendance
    from shanghui.directory.models import Enterprise, Membership
    from shanghui.party.models import PartyMember

    return {"enterprises": Enterprise.objects.count(), "memberships": Membership.objects.count(),
            "party_members": PartyMember.objects.count(), "activities": Activity.objects.count(),
            "attendances": Attendance.objects.count()}


# --- child: time -------------------------------------------------------------------------------

FLOOR_PARTICIPATION = """
WITH attended AS (
  SELECT DISTINCT t.enterprise_id FROM activities_activity a JOIN activities_attendance t ON t.activity_id = a.id
  WHERE a.kind = 'education' AND a.status <> 'cancelled' AND a.start >= %(lo)s AND a.start < %(hi)s
    AND t.enterprise_id IS NOT NULL),
members AS (
  SELECT DISTINCT m.enterprise_id FROM directory_membership m
  WHERE m.enterprise_id IS NOT NULL AND m.joined <= %(end)s AND (m."left" IS NULL OR m."left" >= %(start)s)),
active AS (
  SELECT e.id, e.region_id FROM directory_enterprise e
  WHERE (e.founded IS NULL OR e.founded <= %(end)s) AND (e.status = 'active' OR e.status_changed > %(start)s))
SELECT x.region_id, count(*), count(att.enterprise_id), count(mem.enterprise_id),
       sum(CASE WHEN att.enterprise_id IS NOT NULL AND mem.enterprise_id IS NOT NULL THEN 1 ELSE 0 END)
FROM active x LEFT JOIN attended att ON att.enterprise_id = x.id LEFT JOIN members mem ON mem.enterprise_id = x.id
GROUP BY x.region_id"""

_COVERED = """EXISTS (SELECT 1 FROM party_partycoverage c {join} WHERE c.enterprise_id = e.id
  AND c.start <= %(end)s AND (c."end" IS NULL OR c."end" >= %(start)s))"""
_INSTRUCTED = """EXISTS (SELECT 1 FROM party_instructorassignment i WHERE i.enterprise_id = e.id
  AND i.start <= %(end)s AND (i."end" IS NULL OR i."end" >= %(start)s))"""
FLOOR_COVERAGE = f"""
SELECT e.region_id, count(*),
  sum(CASE WHEN {_COVERED.format(join="")} THEN 1 ELSE 0 END),
  sum(CASE WHEN {_COVERED.format(join="JOIN party_partyorganization o ON o.id = c.organization_id AND o.form = 'own'")}
      THEN 1 ELSE 0 END),
  sum(CASE WHEN {_COVERED.format(join="")} OR {_INSTRUCTED} THEN 1 ELSE 0 END)
FROM directory_enterprise e
WHERE (e.founded IS NULL OR e.founded <= %(end)s) AND (e.status = 'active' OR e.status_changed > %(start)s)
GROUP BY e.region_id"""

FLOOR_TRAINING = """
SELECT t.region_id, count(*) FROM activities_activity a JOIN activities_attendance t ON t.activity_id = a.id
WHERE a.kind = 'training' AND a.status <> 'cancelled' AND a.start >= %(lo)s AND a.start < %(hi)s
GROUP BY t.region_id"""


def _best(fn, runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def step_time(year: str) -> dict:
    _django()
    import datetime as dt

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from shanghui.accounts.models import User
    from shanghui.activities.models import Activity, Attendance
    from shanghui.core.kpis import local_bounds
    from shanghui.directory.models import Enterprise, Membership, Person
    from shanghui.orgs.models import Chamber, Region
    from shanghui.reports import kpis

    year = int(year)
    district = Region.objects.get(level="district")
    lo, hi = local_bounds(dt.date(year, 1, 1), dt.date(year, 12, 31))
    adapt = connection.ops.adapt_datetimefield_value
    params = {"lo": adapt(lo), "hi": adapt(hi), "start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31)}

    def sql(query):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall()
        return run

    results = []

    def pair(name, floor_fn, kpi_fn, check):
        floor_s, floor_rows = _best(floor_fn)
        kpi_s, kpi_rows = _best(kpi_fn)
        same = check(floor_rows, kpi_rows)
        results.append({"figure": name, "floor_s": floor_s, "kpi_s": kpi_s, "ratio": kpi_s / floor_s, "same": same})
        print(f"  {name:42} floor {floor_s:7.3f} s  kpi {kpi_s:7.3f} s  ratio {kpi_s / floor_s:5.2f}"
              f"  {'equal' if same else 'DIFFERENT'}", file=sys.stderr, flush=True)

    def same_participation(floor, kpi):
        f = {r[0]: (r[2], r[1], r[4], r[3]) for r in floor}
        k = {region: (v["num"], v["den"], v["mnum"], v["mden"]) for region, v in kpi.items()}
        return f == k

    pair("participation per street (member + district)", sql(FLOOR_PARTICIPATION),
         lambda: kpis.participation_by_street(district, year), same_participation)

    def same_coverage(floor, kpi):
        f = {r[0]: (r[1], r[2], r[3], r[4]) for r in floor}
        k = {region: (v["organisation"][1], v["organisation"][0], v["own"][0], v["work"][0])
             for region, v in kpi.items() if v["work"][1]}
        return f == k

    pair("coverage per street (organisation, own, work)", sql(FLOOR_COVERAGE),
         lambda: kpis.coverage_by_street(district, year), same_coverage)
    pair("training person-times per street", sql(FLOOR_TRAINING),
         lambda: kpis.training_by_street(district, year), lambda f, k: dict(f) == k)
    def floor_all():
        return sql(FLOOR_PARTICIPATION)(), sql(FLOOR_COVERAGE)(), sql(FLOOR_TRAINING)()

    pair("every per-street figure (by_street)", floor_all, lambda: kpis.by_street(district, year),
         lambda f, k: len(k) == 17)

    settings_hosts = __import__("django.conf", fromlist=["settings"]).settings.ALLOWED_HOSTS
    if "testserver" not in settings_hosts:
        settings_hosts.append("testserver")
    admin = User.objects.filter(username="fic_admin").first() or User.objects.filter(is_superuser=True).first()
    client = Client()
    client.force_login(admin)
    url = f"/reports/?year={year}"

    def page():
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return time.perf_counter() - started

    cache.clear()
    first = page()  # the first request of the process also pays for imports and template compilation
    cache.clear()
    cold = page()
    warm = statistics.median(page() for _ in range(5))
    # One write (an attendance at an education activity) invalidates the cached figure set.
    activity = Activity.objects.filter(kind="education", status="normal").order_by("-pk").first()
    taken = Attendance.objects.filter(activity=activity).values("person")
    person = Person.objects.exclude(pk__in=taken).order_by("pk").first()
    Attendance.objects.create(activity=activity, person=person, enterprise=person.enterprise,
                              region_id=Attendance.street_of(person, person.enterprise))
    after_write = page()
    # An enterprise-side write: a membership (the member participation denominator changes).
    members = Membership.objects.filter(enterprise__isnull=False).values("enterprise")
    outsider = Enterprise.objects.filter(status="active").exclude(pk__in=members).order_by("pk").first()
    before = page_figure(client, url, "member")
    Membership.objects.create(chamber=Chamber.objects.get(region=outsider.region, kind="street"), enterprise=outsider,
                              joined=dt.date(year, 3, 1))
    after_membership = page()
    assert page_figure(client, url, "member") == before + 1, "the membership write must show on the next page"
    print(f"  page: first request of the process {first:.3f} s, cold {cold:.3f} s, warm {warm:.3f} s, after an attendance write {after_write:.3f} s, "
          f"after a membership write {after_membership:.3f} s", file=sys.stderr)
    return {"year": year, "rows": _row_counts(), "figures": results,
            "page": {"first_s": first, "cold_s": cold, "warm_s": warm, "after_write_s": after_write,
                     "after_membership_s": after_membership}}


def page_figure(client, url: str, key: str) -> int:
    """The denominator of a tile as the page shows it (its cached figure set)."""
    from shanghui.orgs.models import Region
    from shanghui.reports import dashboard

    year = int(url.rsplit("=", 1)[1])
    return dashboard.figure_set(Region.objects.get(level="district"), year)["figures"][key]["denominator"]


# --- orchestration ------------------------------------------------------------------------------

def child(step: str, *args: str, env: dict) -> dict:
    return harness.child(__file__, step, *args, env=env)


def run_backend(vendor: str, scale: float, year: int, database_url: str | None, reuse: bool) -> dict:
    env, build = harness.bench_env(), None
    with harness.scratch_database(env=env, name=f"dashboard-{scale:g}", database_url=database_url,
                                  reuse=reuse) as new:
        if new:
            print(f"[{vendor}] building scale {scale:g} …", file=sys.stderr, flush=True)
            build = child("build", str(scale), env=env)
            print(f"[{vendor}] built in {build['demo_seconds'] + build['load_seconds']:.0f} s "
                  f"(demo {build['demo_seconds']:.0f} s, activity load {build['load_seconds']:.0f} s): "
                  f"{build['rows']}", file=sys.stderr, flush=True)
        print(f"[{vendor}] timing …", file=sys.stderr, flush=True)
        timing = child("time", str(year), env=env)
        return {"vendor": vendor, "scale": scale, "build": build, **timing}


def report(result: dict) -> None:
    print(f"\n{result['vendor']}: scale {result['scale']:g}, year {result['year']}, rows {result['rows']}")
    print(f"{'figure':46} {'floor s':>8} {'kpi s':>8} {'ratio':>6}  same")
    for r in result["figures"]:
        print(f"{r['figure']:46} {r['floor_s']:8.3f} {r['kpi_s']:8.3f} {r['ratio']:6.2f}  {r['same']}")
    p = result["page"]
    print(f"dashboard page: first request of the process {p['first_s']:.3f} s, cold {p['cold_s']:.3f} s, warm {p['warm_s']:.3f} s, "
          f"after an attendance write {p['after_write_s']:.3f} s, after a membership write "
          f"{p['after_membership_s']:.3f} s")
    print("JSON " + json.dumps(result, ensure_ascii=False))


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        step, args = sys.argv[2], sys.argv[3:]
        print(json.dumps({"build": step_build, "time": step_time}[step](*args), default=str))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--year", type=int, default=2018)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--reuse", action="store_true", help="SQLite: time the kept database without rebuilding")
    args = parser.parse_args()
    if args.only in (None, "sqlite"):
        report(run_backend("sqlite", args.scale, args.year, None, args.reuse))
    if args.only in (None, "postgresql"):
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            report(run_backend("postgresql", args.scale, args.year, url, False))
        elif args.only is None:
            status = subprocess.run([str(ROOT / "scripts" / "with-postgres"), PY, __file__, "--scale", str(args.scale),
                                     "--year", str(args.year), "--only", "postgresql"], cwd=ROOT).returncode
            if status == 3:
                print("\npostgresql: skipped (no PostgreSQL server binaries)")
            elif status:
                raise SystemExit(status)
        else:
            print("postgresql: skipped (DATABASE_URL is not a PostgreSQL URL)")


if __name__ == "__main__":
    main()
