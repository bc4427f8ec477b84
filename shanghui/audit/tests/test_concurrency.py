"""Concurrent writers (separate processes) still build one gapless chain."""

import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from shanghui.audit.chain import verify
from shanghui.audit.models import AuditEvent

WRITERS, EACH = 4, 25
WRITER = """
import sys, django
django.setup()
from shanghui.audit import record
for i in range(int(sys.argv[2])):
    record(by=None, action="export", object_type="concurrency", extra={"writer": sys.argv[1], "i": i})
"""


def _env(tmp_path) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shanghui.settings", "SHANGHUI_DATA_DIR": str(tmp_path)}
    if connection.vendor == "postgresql":
        # The test database itself (committed writes: this test is transactional).
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    else:
        # The in-memory test database is invisible to other processes: use a file of our own.
        env.pop("DATABASE_URL", None)
        env.pop("SHANGHUI_SQLITE_PATH", None)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=settings.PROJECT_DIR, env=env,
                       check=True, timeout=300)
    return env


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_get_consecutive_seq_and_a_valid_chain(tmp_path):
    env = _env(tmp_path)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(w), str(EACH)], cwd=settings.PROJECT_DIR,
                              env=env, stderr=subprocess.PIPE, text=True) for w in range(WRITERS)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * WRITERS, errors
    if connection.vendor == "postgresql":
        seqs = list(AuditEvent.objects.filter(object_type="concurrency").order_by("seq")
                    .values_list("seq", flat=True))
        assert seqs == list(range(seqs[0], seqs[0] + WRITERS * EACH))
        assert verify().ok
    else:
        check = subprocess.run([sys.executable, "manage.py", "audit_verify"], cwd=settings.PROJECT_DIR, env=env,
                               capture_output=True, text=True, timeout=120)
        assert check.returncode == 0, check.stderr
        assert f"共校验 {WRITERS * EACH} 条" in check.stdout
