#!/usr/bin/env python3
"""Fault run: other users keep working while a large CLI import runs.

    bench/concurrent_import.py [--rows N] [--clients K] [--timeout S]

On a fresh database (SQLite in a temporary data directory; PostgreSQL when DATABASE_URL
names a server: the script creates and drops its own database there), it starts the
production server (`shanghui serve`, waitress, on 127.0.0.1 only), then runs
`shanghui import enterprises FILE` of N generated rows (1,000,000 by default) as a
separate process while K client threads of each kind send, until the import has ended:

  read   a logged-in session reads the enterprise list (a page view; its session may be stamped)
  login  GET the login page, POST the password (a session row and an audit event: writes)
  token  GET /api/v1/enterprises with a bearer token (its last-used stamp is a write)
  write  POST /api/v1/enterprises with a token: a new enterprise through the service

A read, login or token call succeeds with 200 (302 for a login); anything else is an
error. A write succeeds with 201 or is refused with a 503 that carries Retry-After and the
Chinese message; anything else is an error. After the import every acknowledged (201)
write is looked up in the database: "lost" counts those missing. It prints the counts and
a JSON line. No external timing tool: times come from time.monotonic().
"""

import argparse
import csv
import http.cookiejar
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
PY = sys.executable
FILES = ROOT / "var" / "bench"
PASSWORD = "Bench@2026x"
BUSY = "系统正在写入大批数据"


# --- setup (in a child process with the run's environment) --------------------------

def step_setup() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanghui.settings")
    import django

    django.setup()
    from shanghui.accounts.models import ApiToken, User
    from shanghui.core.roles import Role
    from shanghui.orgs.seed import load_dongcheng

    district = load_dongcheng()
    User.objects.create_superuser("bench", "bench@example.com", None)
    client = User(username="client", role=Role.FEDERATION_ADMIN, display_name="并发用户", region=district)
    client.set_password(PASSWORD)
    client.save()
    _, key = ApiToken.issue(user=client, name="并发测试")
    return {"token": key}


def step_count(codes_file: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanghui.settings")
    import django

    django.setup()
    from shanghui.directory.models import Enterprise

    codes = json.loads(Path(codes_file).read_text())
    found = set()
    for i in range(0, len(codes), 500):
        found |= set(Enterprise.objects.filter(uscc__in=codes[i:i + 500]).values_list("uscc", flat=True))
    return {"acknowledged": len(codes), "found": len(found), "enterprises": Enterprise.objects.count()}


def child(step: str, *args: str, env: dict) -> dict:
    out = subprocess.run([PY, __file__, "--child", step, *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"step {step} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def csv_file(n: int) -> Path:
    """N enterprise rows (the import benchmark's generator), cached in var/bench/."""
    from import_enterprises import HEADER, generate_rows

    FILES.mkdir(parents=True, exist_ok=True)
    path = FILES / f"enterprises-{n}.csv"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            out = csv.writer(f)
            out.writerow(HEADER)
            for row in generate_rows(n):
                out.writerow([*row[:6], row[6].isoformat(), *row[7:]])
        tmp.replace(path)
    return path


# --- clients ------------------------------------------------------------------------

class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests, self.errors, self.refused = Counter(), Counter(), Counter()
        self.slowest = Counter()
        self.acknowledged: list[str] = []
        self.samples: dict[str, str] = {}

    def add(self, kind: str, ok: bool, seconds: float, refused: bool = False, why: str = "") -> None:
        with self.lock:
            self.requests[kind] += 1
            self.slowest[kind] = max(self.slowest[kind], round(seconds, 2))
            if refused:
                self.refused[kind] += 1
            elif not ok:
                self.errors[f"{kind}: {why}"] += 1
                self.samples.setdefault(f"{kind}: {why}", "")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _open(opener, request, timeout):
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def _session(base: str, timeout: float):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    status, _, body = _open(opener, f"{base}/accounts/login/", timeout)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not token:
        return None, status
    data = urllib.parse.urlencode({"username": "client", "password": PASSWORD,
                                   "csrfmiddlewaretoken": token.group(1).decode()}).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=data,
                                     headers={"Referer": f"{base}/accounts/login/"})
    status, _, _ = _open(opener, request, timeout)
    return (opener if status == 302 else None), status


def client(kind: str, base: str, token: str, tally: Tally, stop: threading.Event, timeout: float, seed: int):
    from shanghui.core.validators import USCC_CHARSET, uscc_check_char

    rng = random.Random(seed)
    opener = None
    while not stop.is_set():
        started = time.monotonic()
        try:
            if kind == "login":
                opener_, status = _session(base, timeout)
                tally.add(kind, opener_ is not None, time.monotonic() - started, why=f"HTTP {status}")
            elif kind == "read":
                if opener is None:
                    opener, status = _session(base, timeout)
                    if opener is None:
                        tally.add("login", False, time.monotonic() - started, why=f"HTTP {status} (reader)")
                        continue
                    started = time.monotonic()
                status, _, _ = _open(opener, f"{base}/directory/enterprises/?page=2", timeout)
                tally.add(kind, status == 200, time.monotonic() - started, why=f"HTTP {status}")
            elif kind == "token":
                request = urllib.request.Request(f"{base}/api/v1/enterprises?page_size=20",
                                                 headers={"Authorization": f"Bearer {token}"})
                status, _, _ = _open(urllib.request.build_opener(), request, timeout)
                tally.add(kind, status == 200, time.monotonic() - started, why=f"HTTP {status}")
            else:
                body = "91110105" + "".join(rng.choices(USCC_CHARSET, k=9))  # not the import's district
                code = body + uscc_check_char(body)
                body = json.dumps({"uscc": code, "name": f"并发写入企业{code[-6:]}", "region": "110101001"}).encode()
                request = urllib.request.Request(f"{base}/api/v1/enterprises", data=body, method="POST", headers={
                    "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                status, headers, payload = _open(urllib.request.build_opener(), request, timeout)
                if status == 201:
                    with tally.lock:
                        tally.acknowledged.append(code)
                    tally.add(kind, True, time.monotonic() - started)
                elif status == 503 and headers.get("Retry-After") and BUSY in payload.decode():
                    tally.add(kind, True, time.monotonic() - started, refused=True)
                else:
                    tally.add(kind, False, time.monotonic() - started, why=f"HTTP {status}")
        except (OSError, urllib.error.URLError) as e:  # timeouts, refused connections
            tally.add(kind, False, time.monotonic() - started, why=type(e).__name__)


# --- orchestration --------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {url}")


def run(args) -> dict:
    from import_enterprises import _drop_database, _scratch_database

    data = csv_file(args.rows)
    vendor = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    data_dir = Path(tempfile.mkdtemp(prefix=f"shanghui-concurrent-{vendor}-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"SHANGHUI_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), "DEBUG": "0",
            "SECRET_KEY": "bench-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1",
            "SHANGHUI_TRUSTED_PROXY": "127.0.0.1", "SHANGHUI_LOCKOUT_ADDRESS_FAILURES": "1000000"}
    dbname = None
    if vendor == "postgresql":
        dbname, env["DATABASE_URL"] = _scratch_database(os.environ["DATABASE_URL"])
    server = None
    try:
        subprocess.run([PY, str(ROOT / "manage.py"), "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
        token = child("setup", env=env)["token"]
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([PY, str(ROOT / "manage.py"), "serve", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-collectstatic"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=open(data_dir / "server.log", "w"))
        _wait_for(f"{base}/accounts/login/", 60)
        tally, stop = Tally(), threading.Event()
        threads = [threading.Thread(target=client, args=(kind, base, token, tally, stop, args.timeout, i * 10 + j),
                                    daemon=True)
                   for i, kind in enumerate(("read", "login", "token", "write")) for j in range(args.clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        importer = subprocess.run([PY, str(ROOT / "manage.py"), "import", "enterprises", str(data), "--user", "bench",
                                   "--no-progress"], env=env, cwd=ROOT, capture_output=True, text=True)
        import_seconds = time.monotonic() - started
        stop.set()
        for t in threads:
            t.join(args.timeout + 5)
        codes = data_dir / "acknowledged.json"
        codes.write_text(json.dumps(tally.acknowledged))
        counted = child("count", str(codes), env=env)
        log = (data_dir / "server.log").read_text(errors="replace")
        return {
            "vendor": vendor, "rows": args.rows, "clients_per_kind": args.clients,
            "import_ok": importer.returncode == 0, "import_seconds": round(import_seconds, 1),
            "import_output": importer.stdout.strip()[-300:] + importer.stderr.strip()[-300:],
            "requests": dict(tally.requests), "errors": dict(tally.errors), "refused_503": dict(tally.refused),
            "slowest_seconds": dict(tally.slowest), "acknowledged_writes": counted["acknowledged"],
            "lost": counted["acknowledged"] - counted["found"], "enterprises_after": counted["enterprises"],
            "server_tracebacks": log.count("Traceback"),
        }
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        if dbname:
            _drop_database(os.environ["DATABASE_URL"], dbname)
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        step, rest = sys.argv[2], sys.argv[3:]
        print(json.dumps({"setup": step_setup, "count": step_count}[step](*rest)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=2, help="client threads of each kind")
    parser.add_argument("--timeout", type=float, default=180.0,
                        help="a client's wait for one answer, seconds (a login may wait 120 s for the lock)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory (server.log)")
    args = parser.parse_args()
    result = run(args)
    print(f"\n{result['vendor']}: {result['rows']:,} rows imported in {result['import_seconds']} s "
          f"({'ok' if result['import_ok'] else 'FAILED'}); {result['clients_per_kind']} client(s) of each kind")
    print(f"{'kind':8} {'requests':>9} {'errors':>7} {'503':>5} {'slowest s':>10}")
    for kind in ("read", "login", "token", "write"):
        errors = sum(n for k, n in result["errors"].items() if k.startswith(f"{kind}:"))
        print(f"{kind:8} {result['requests'].get(kind, 0):9} {errors:7} {result['refused_503'].get(kind, 0):5} "
              f"{result['slowest_seconds'].get(kind, 0):10}")
    print(f"errors by kind: {result['errors'] or 'none'}")
    print(f"acknowledged writes: {result['acknowledged_writes']}, lost: {result['lost']}; "
          f"server tracebacks: {result['server_tracebacks']}")
    print("JSON " + json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
