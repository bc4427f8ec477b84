"""What the benchmarks that build a large register share: a scratch database (a fresh PostgreSQL
database, dropped afterwards, or a kept SQLite file under var/bench that `--reuse` can time again),
migrated before the build, and steps run as child processes that print one JSON line."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
FILES = ROOT / "var" / "bench"


def child(script: str, step: str, *args: str, env: dict) -> dict:
    """Run `script --child step args…` and return the JSON of its last output line."""
    out = subprocess.run([PY, script, "--child", step, *args], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if out.returncode:
        raise SystemExit(f"bench step {step} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PYTHONPATH"] = str(ROOT)
    return env


@contextmanager
def scratch_database(*, env: dict, name: str, database_url: str | None, reuse: bool) -> Iterator[bool]:
    """Point `env` at a scratch database, migrated when it is new; yields whether the caller must
    build the data (False only when an existing SQLite file is reused)."""
    dbname = None
    try:
        if database_url:
            from bench.import_enterprises import _scratch_database

            dbname, env["DATABASE_URL"] = _scratch_database(database_url)
            reuse = False
        else:
            FILES.mkdir(parents=True, exist_ok=True)
            path = FILES / f"{name}.sqlite3"
            env["SHANGHUI_SQLITE_PATH"] = str(path)
            if path.exists() and not reuse:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            reuse = reuse and path.exists()
        if not reuse:
            subprocess.run([PY, str(ROOT / "manage.py"), "migrate", "--no-input", "-v0"], env=env, cwd=ROOT,
                           check=True)
        yield not reuse
    finally:
        if dbname:
            from bench.import_enterprises import _drop_database

            _drop_database(database_url, dbname)
