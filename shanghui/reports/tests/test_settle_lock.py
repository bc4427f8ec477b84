"""A page is never left waiting for a long import: when another connection holds SQLite's write
lock, settle() writes nothing and the figures still include the changes not stored yet."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

SCRIPT = r"""
import sqlite3, sys, time
import django
django.setup()
from shanghui.directory.models import Enterprise
from shanghui.orgs.seed import load_dongcheng
from shanghui.reports import kpis, streetyears
from shanghui.reports.models import EnterpriseState

district = load_dongcheng()
street = district.children.order_by("code").first()
streetyears.settle()
Enterprise.objects.create(uscc="91110101MA01ABCD1X", name="新登记企业", region=street)

other = sqlite3.connect(sys.argv[1], timeout=0)
other.execute("BEGIN IMMEDIATE")  # another writer, as a long import would be
started = time.monotonic()
rows = kpis.street_years(district, 2020)
waited = time.monotonic() - started
assert rows[street.pk]["active"] == 1, rows
assert waited < 5, waited
assert not EnterpriseState.objects.exists(), "nothing is written while the lock is held"
other.rollback()

assert streetyears.settle() is None
assert EnterpriseState.objects.count() == 1
assert kpis.street_years(district, 2020)[street.pk]["active"] == 1
print("OK")
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single-writer lock")
@pytest.mark.django_db(transaction=True)
def test_a_reader_adds_unsettled_changes_while_another_writer_holds_the_lock(tmp_path):
    path = tmp_path / "lock.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shanghui.settings", "SHANGHUI_DATA_DIR": str(tmp_path),
           "SHANGHUI_SQLITE_PATH": str(path)}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=settings.PROJECT_DIR, env=env, check=True,
                   timeout=300)
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(path)], cwd=settings.PROJECT_DIR, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip().endswith("OK")
