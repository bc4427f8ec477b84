"""A full disk or a read-only database: saves get the Chinese 503 page, reads go on working."""

import contextlib
import json

import pytest
from django.core.checks import run_checks
from django.db import connection
from django.test import Client
from django.urls import reverse

from shanghui.accounts.models import ApiToken
from shanghui.activities.models import ActivitySeries
from shanghui.core import faults
from shanghui.directory.models import Enterprise
from shanghui.testing import PASSWORD

# Transactional: each request runs in its own transaction, as on the server, so a refused
# write is refused by the database itself.
pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def read_only_database():
    """The database refuses every write from now on (SQLite: query_only; PostgreSQL: read-only transactions)."""
    on, off = (("PRAGMA query_only = ON", "PRAGMA query_only = OFF") if connection.vendor == "sqlite" else
               ("SET default_transaction_read_only = on", "SET default_transaction_read_only = off"))
    with connection.cursor() as cursor:
        cursor.execute(on)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(off)


@contextlib.contextmanager
def full_database():
    """SQLite: no page can be added any more (max_page_count), as on a full disk."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE zz_filler (b BLOB)")
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        with contextlib.suppress(Exception):  # use up the free pages too
            for _ in range(10_000):
                cursor.execute("INSERT INTO zz_filler VALUES (randomblob(2000))")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 1073741823")
            cursor.execute("DROP TABLE zz_filler")


def _series_post(cast, name: str, description: str = "") -> dict:
    return {"name": name, "kind": ActivitySeries.SeriesKind.FLAGSHIP, "region": cast.street_a.pk,
            "description": description}


def _assert_unavailable(response, text: str):
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    body = response.content.decode()
    assert text in body and "查看功能不受影响" in body
    return body


def test_read_only_database_refuses_saves_with_a_chinese_503_while_pages_still_read(cast):
    client = Client()
    client.force_login(cast.admin)
    with read_only_database():
        assert client.get(reverse("reports:dashboard")).status_code == 200
        assert client.get(reverse("directory:enterprise_list")).status_code == 200
        response = client.post(reverse("activities:series_create"), _series_post(cast, "只读时新建的系列"))
        body = _assert_unavailable(response, "只读")
        assert "<h1>暂时无法保存</h1>" in body
        assert client.get(reverse("directory:enterprise_detail", args=[cast.enterprise_a.pk])).status_code == 200
    assert not ActivitySeries.objects.filter(name="只读时新建的系列").exists()
    # Writable again: the same save goes through.
    response = client.post(reverse("activities:series_create"), _series_post(cast, "恢复后新建的系列"))
    assert response.status_code == 302 and ActivitySeries.objects.filter(name="恢复后新建的系列").exists()


def test_a_read_whose_session_cannot_be_saved_still_answers(cast, settings):
    client = Client()
    client.force_login(cast.admin)
    settings.SHANGHUI_SESSION_IDLE_SECONDS = 10**6
    session = client.session
    session["shanghui_seen_at"] -= 3600  # due for its once-a-minute "last seen" save on the next request
    session.save()
    with read_only_database():
        assert client.get(reverse("directory:enterprise_list")).status_code == 200


def test_login_while_read_only_gets_the_503_page_not_a_500(cast):
    with read_only_database():
        response = Client().post(reverse("accounts:login"), {"username": "worker_a", "password": PASSWORD})
    _assert_unavailable(response, "只读")


def test_api_reads_work_and_writes_get_a_json_503_while_read_only(cast):
    token, key = ApiToken.issue(user=cast.admin)
    api = Client(headers={"Authorization": f"Bearer {key}"})
    url = f"/api/v1/enterprises/{cast.enterprise_a.pk}"
    with read_only_database():
        assert api.get(url).status_code == 200  # although its last use could not be recorded
        response = api.patch(url, json.dumps({"name": "只读时改的名"}), content_type="application/json")
    assert response.status_code == 503 and response["Retry-After"].isdigit()
    assert "只读" in response.json()["detail"]
    assert Enterprise.objects.get(pk=cast.enterprise_a.pk).name != "只读时改的名"


def test_full_disk_refuses_saves_with_a_chinese_503_and_keeps_nothing(cast):
    if connection.vendor != "sqlite":
        pytest.skip("a full database is simulated with SQLite's max_page_count")
    client = Client()
    client.force_login(cast.admin)
    with full_database():
        assert client.get(reverse("directory:enterprise_list")).status_code == 200
        # A long description needs new pages, which the "disk" no longer has.
        response = client.post(reverse("activities:series_create"),
                               _series_post(cast, "磁盘满时新建的系列", "简介" * 20_000))
        _assert_unavailable(response, "存储空间已满")
    assert not ActivitySeries.objects.filter(name="磁盘满时新建的系列").exists()


def test_write_fault_names_storage_faults_only():
    import errno
    import sqlite3

    db = sqlite3.connect(":memory:")
    db.execute("PRAGMA query_only = ON")
    with pytest.raises(sqlite3.OperationalError) as read_only:
        db.execute("CREATE TABLE t (x)")
    assert faults.write_fault(read_only.value) == faults.READ_ONLY
    assert faults.write_fault(OSError(errno.ENOSPC, "No space left on device")) == faults.FULL
    assert faults.write_fault(OSError(errno.EROFS, "Read-only file system")) == faults.READ_ONLY
    with pytest.raises(sqlite3.OperationalError) as syntax:
        db.execute("SELEC 1")
    assert faults.write_fault(syntax.value) is None
    assert faults.write_fault(ValueError("x")) is None


def test_start_warns_when_the_data_directory_is_not_writable(settings, tmp_path):
    # Permission bits do not stop root: a "directory" below a plain file cannot be written by anyone.
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.DATA_DIR = blocker / "data"
    warnings = [m for m in run_checks() if m.id == "shanghui.W001"]
    assert len(warnings) == 1 and str(blocker / "data") in warnings[0].msg
    settings.DATA_DIR = tmp_path
    assert not [m for m in run_checks() if m.id == "shanghui.W001"]
