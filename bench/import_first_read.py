#!/usr/bin/env python3
"""Benchmark: the first dashboard read after a CLI import of N new enterprises.

    bench/import_first_read.py [N]

On a fresh SQLite database each time (var/bench/first-read-N.sqlite3), in one process: run
`manage.py import enterprises FILE` in-process (call_command, the rows of bench/import_enterprises.py),
then time the first dashboard page (Django test client, a superuser, cold cache) and the counting it
does (streetyears.settle). Twice: as shipped (the import counts its rows in its transaction,
reports.count_written_import) and with that receiver disconnected (what the first reader had to
count before).
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import harness  # noqa: E402


def step_run(n: str, counting: str) -> dict:
    from bench.import_enterprises import write_files

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanghui.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.urls import get_resolver, reverse

    from shanghui.accounts.models import User
    from shanghui.imports.signals import import_written
    from shanghui.orgs.seed import load_dongcheng
    from shanghui.reports import streetyears

    load_dongcheng()
    admin = User.objects.create_superuser("bench", "bench@example.com", None)
    if counting == "off":
        import_written.disconnect(dispatch_uid="reports.count_written_import")
    csv_path, _ = write_files(int(n))
    started = time.monotonic()
    call_command("import", "enterprises", str(csv_path), "--no-progress", stdout=open(os.devnull, "w"))
    imported = time.monotonic() - started
    cache.clear()
    calls = []
    settle = streetyears.settle

    def timed_settle(*args, **kwargs):
        t = time.monotonic()
        try:
            return settle(*args, **kwargs)
        finally:
            calls.append(time.monotonic() - t)

    streetyears.settle = timed_settle
    # Load the URLconf (the API's schemas take seconds) before the clock starts: that is the
    # process's first request, whatever it reads, not the counting this measures.
    get_resolver()._populate()
    client = Client()
    client.force_login(admin)
    started = time.monotonic()
    status = client.get(reverse("reports:dashboard")).status_code
    first = time.monotonic() - started
    assert status == 200, status
    assert streetyears.stored() == streetyears.recount()
    return {"import_s": imported, "first_read_s": first, "settle_s": sum(calls)}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print(json.dumps({"run": step_run}[sys.argv[2]](*sys.argv[3:])))
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    print(f"sqlite, {n:,} new enterprises, CLI import in-process, then the first dashboard read (cold cache)")
    print(f"{'import counts its rows':24} {'import s':>9} {'first read s':>13} {'of it counting s':>17}")
    for counting in ("on", "off"):
        env = harness.bench_env()
        env["SHANGHUI_DATA_DIR"] = tempfile.mkdtemp(prefix="shanghui-bench-first-read-")
        with harness.scratch_database(env=env, name=f"first-read-{n}", database_url=None, reuse=False):
            r = harness.child(__file__, "run", str(n), counting, env=env)
        label = "yes (this change)" if counting == "on" else "no (before)"
        print(f"{label:24} {r['import_s']:9.2f} {r['first_read_s']:13.2f} {r['settle_s']:17.2f}", flush=True)


if __name__ == "__main__":
    main()
