"""Robustness of the embedded SQLite database under real processes.

- A crash test: an import process is killed with SIGKILL at random moments; the
  database must then hold all of the file's rows or none, and pass its integrity check.
- Concurrent writers: several processes write through the service functions at once;
  no "database is locked" reaches them and no write is lost.

Both use a real SQLite file in a temporary data directory (the embedded default),
whatever database the rest of the suite runs on.
"""

import csv
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shanghui.testing import make_uscc

PROJECT = Path(__file__).resolve().parents[3]
ROWS = 3000
TRIALS = 8
WRITERS, EACH = 4, 30


def _env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SHANGHUI_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="shanghui.settings",
               PYTHONPATH=str(PROJECT))
    return env


def _manage(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT, env=_env(data_dir),
                          capture_output=True, text=True, check=True)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A migrated data directory with the Dongcheng streets and an importing superuser."""
    base = tmp_path_factory.mktemp("seeded")
    _manage(base, "migrate", "-v0")
    _manage(base, "seed_regions")
    _manage(base, "shell", "-c", "from shanghui.accounts.models import User; "
            "User.objects.create_superuser('importer', None, None)")
    return base


def _copy(seeded: Path, target: Path) -> Path:
    shutil.copytree(seeded, target)
    return target


def _count(data_dir: Path, table: str = "directory_enterprise") -> int:
    with sqlite3.connect(data_dir / "shanghui.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def _sheet(path: Path) -> Path:
    rng = random.Random(42)
    streets = ["东华门街道", "景山街道", "交道口街道", "安定门街道"]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(["统一社会信用代码", "企业名称", "所在街道"])
        for i in range(ROWS):
            out.writerow([make_uscc(rng), f"北京崩溃测试{i:05d}有限公司", streets[i % len(streets)]])
    return path


def test_sigkill_during_import_leaves_all_rows_or_none(seeded, tmp_path):
    sheet = _sheet(tmp_path / "enterprises.csv")
    command = [sys.executable, "manage.py", "import", "enterprises", str(sheet), "--user", "importer",
               "--no-progress"]
    # One undisturbed run tells how long an import takes here.
    timing = _copy(seeded, tmp_path / "timing")
    started = time.monotonic()
    subprocess.run(command, cwd=PROJECT, env=_env(timing), check=True, capture_output=True)
    duration = time.monotonic() - started
    assert _count(timing) == ROWS

    rng = random.Random(20261127)
    outcomes = []
    for trial in range(TRIALS):
        data = _copy(seeded, tmp_path / f"trial{trial}")
        process = subprocess.Popen(command, cwd=PROJECT, env=_env(data),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, duration * 1.05))
        finished_first = process.poll() is not None
        process.send_signal(signal.SIGKILL)
        process.wait()
        rows = _count(data)
        outcomes.append((finished_first, rows))
        assert rows in (0, ROWS), f"trial {trial}: {rows} of {ROWS} rows after SIGKILL"
    killed = [rows for finished, rows in outcomes if not finished]
    # Most kills must land while the import runs, or the test proves little.
    assert len(killed) >= TRIALS // 2, outcomes
    print(f"\ncrash trials: {TRIALS}, killed mid-run: {len(killed)}, rows lost or partial: 0, "
          f"outcomes (finished first, rows): {outcomes}")


WRITER = """
import sys, django
django.setup()
from shanghui.accounts.models import User
from shanghui.directory import services
from shanghui.orgs.models import Region
from shanghui.testing import make_uscc
import random
me = int(sys.argv[1])
rng = random.Random(me)
by = User.objects.get(username="importer")
street = Region.objects.get(code="110101001")
for i in range(int(sys.argv[2])):
    services.enterprise_create(by=by, uscc=make_uscc(rng), name=f"并发{me}-{i}有限公司", region=street)
print("ok")
"""


def test_concurrent_writers_on_sqlite_lose_nothing_and_see_no_lock_error(seeded, tmp_path):
    data = _copy(seeded, tmp_path / "concurrent")
    processes = [subprocess.Popen([sys.executable, "-c", WRITER, str(w), str(EACH)], cwd=PROJECT,
                                  env=_env(data), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for w in range(WRITERS)]
    results = [p.communicate(timeout=300) for p in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0 and out.strip() == "ok", err[-2000:]
        assert "locked" not in err
    assert _count(data) == WRITERS * EACH
    # Every write was audited too, in one unbroken chain.
    assert _count(data, "audit_auditevent") >= WRITERS * EACH
    print(f"\nconcurrent writers: {WRITERS} processes × {EACH} writes = {WRITERS * EACH}, errors: 0")
