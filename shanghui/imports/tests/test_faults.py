"""After a crash nothing stays stuck, and uploaded files do not outlive their use."""

import datetime as dt
import os
import random
import stat
import subprocess
import threading

import pytest
from django.core.management import call_command
from django.utils import timezone

from shanghui.audit.models import AuditEvent
from shanghui.imports import engine, files, jobs, kinds
from shanghui.imports.models import ImportJob
from shanghui.testing import make_uscc

from .sheets import ENTERPRISE_HEADER, csv_file
from .test_engine import enterprise_rows
from .test_web import login, rows, upload, web  # noqa: F401 - the fixture is used by name

ENTERPRISES = kinds.get("enterprises")


def dead_runner() -> list:
    finished = subprocess.Popen(["true"])
    finished.wait()
    return [files.this_runner()[0], finished.pid, "1"]


def job_left_running(user, runner, status=ImportJob.Status.IMPORTING) -> ImportJob:
    job = ImportJob.objects.create(user=user, kind="enterprises", filename="名录.csv", status=status)
    jobs.upload_path(job).write_bytes(b"uscc,name\n")
    jobs.write_progress(job, 10, 100, status)
    progress = jobs.read_progress(job) | {"runner": runner}
    jobs.progress_path(job).write_text(__import__("json").dumps(progress))
    return job


def test_a_job_or_import_whose_process_died_is_failed_at_the_next_start_audited_and_its_files_removed(cast, web):  # noqa: F811
    dead = job_left_running(cast.worker_a, dead_runner())
    checking = job_left_running(cast.worker_a, dead_runner(), status=ImportJob.Status.CHECKING)
    alive = job_left_running(cast.worker_a, files.this_runner())  # this process: still running
    # The staging file of an import whose process was killed, and one of a running import.
    _, dead_pid, _ = dead_runner()
    orphan = jobs.storage_dir() / f"stage-{dead_pid}-1-abc.sqlite3"
    orphan.write_bytes(b"")
    running = files.stage_path("def")
    running.write_bytes(b"")
    assert jobs.recover_interrupted() == 2
    assert not orphan.exists() and running.exists()
    for job in (dead, checking):
        job.refresh_from_db()
        assert job.status == ImportJob.Status.FAILED and job.result["file_error"] == jobs.INTERRUPTED
        assert not jobs.upload_path(job).exists() and not jobs.progress_path(job).exists()
    events = AuditEvent.objects.filter(action="import_interrupted")
    assert sorted(e.object_id for e in events) == sorted(str(j.pk) for j in (dead, checking))
    assert all(not e.success for e in events)
    alive.refresh_from_db()
    assert alive.status == ImportJob.Status.IMPORTING and jobs.upload_path(alive).exists()


def test_purge_stale_also_clears_files_left_behind_by_done_jobs(cast, web):  # noqa: F811
    job = ImportJob.objects.create(user=cast.worker_a, kind="enterprises", filename="a.csv",
                                   status=ImportJob.Status.DONE)
    jobs.upload_path(job).write_bytes(b"x")
    jobs.report_path(job).write_bytes(b"x")
    ImportJob.objects.filter(pk=job.pk).update(created=timezone.now() - dt.timedelta(days=2))
    assert jobs.purge_stale() == 1
    assert list(jobs.storage_dir().iterdir()) == []
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE


def test_rebuild_counters_check_agrees_right_after_an_import(cast, tmp_path):
    path = csv_file(tmp_path, [ENTERPRISE_HEADER, *enterprise_rows(40, seed=5)])
    assert engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False).committed
    call_command("rebuild_counters", "--check")


@pytest.fixture
def open_umask():
    before = os.umask(0)
    yield
    os.umask(before)


def modes(folder):
    return {p.name.split(".", 1)[1]: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}


def test_upload_and_error_report_are_private_whatever_the_umask_and_go_when_abandoned(cast, client, web, tmp_path,  # noqa: F811
                                                                                    open_umask):
    login(client, cast.worker_a)
    data = rows(3)
    data[1][0] = "坏代码"
    upload(client, csv_file(tmp_path, [ENTERPRISE_HEADER[:3], *data]))
    job = ImportJob.objects.get()
    folder = jobs.storage_dir()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    # No commit can follow a check with errors: only the report is kept, for its owner to download.
    assert modes(folder) == {"errors.xlsx": 0o600}
    # A new file of the same kind abandons the old job and its report.
    upload(client, csv_file(tmp_path, [ENTERPRISE_HEADER[:3], *rows(2, seed=9)]))
    job.refresh_from_db()
    assert not jobs.report_path(job).exists()
    newer = ImportJob.objects.exclude(pk=job.pk).get()
    assert newer.status == ImportJob.Status.CHECKED and modes(folder) == {"upload": 0o600}


@pytest.fixture
def short_wait():
    """This thread's connection gives up on a held lock after a second (not the site's 20 s)."""
    from django.db import connection

    from shanghui.core.busy import busy_timeout

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 1000")
        yield
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        return
    with busy_timeout(1000):
        yield


@pytest.mark.django_db(transaction=True)
def test_logins_reads_token_calls_and_writes_during_an_import_get_no_error(cast, client, tmp_path, short_wait):
    """While a large import is being read and checked, the rest of the site writes as usual.

    The import runs in a thread and is held after its first batch until the other user's
    requests are done: they must all succeed (on SQLite, too, where one writer holds the lock).
    """
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from shanghui.accounts.models import ApiToken
    from shanghui.directory.models import Enterprise
    from shanghui.testing import PASSWORD

    path = csv_file(tmp_path, [ENTERPRISE_HEADER, *enterprise_rows(600, seed=31)])
    held, release, outcome = threading.Event(), threading.Event(), {}

    def progress(done, total):
        if done < total and not held.is_set():
            held.set()
            release.wait(60)

    def work():
        try:
            outcome["result"] = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False, batch_size=100,
                                           progress=progress)
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = e
        finally:
            held.set()
            connection.close()

    _, key = ApiToken.issue(user=cast.worker_b)
    before = Enterprise.objects.count()
    importer = threading.Thread(target=work)
    importer.start()
    try:
        assert held.wait(60)
        login = client.post(reverse("accounts:login"), {"username": cast.worker_b.username, "password": PASSWORD})
        assert login.status_code == 302 and login["Location"] == reverse("home")
        assert client.get(reverse("home"), follow=True).status_code == 200
        api = Client(headers={"Authorization": f"Bearer {key}"})
        assert api.get("/api/v1/enterprises/").status_code == 200
        assert ApiToken.objects.get(digest=ApiToken.hash(key)).last_used is not None
        created = api.post("/api/v1/enterprises/", {"uscc": make_uscc(random.Random(5), "110105"),
                                                     "name": "导入期间新增的企业", "region": "110101002"},
                           content_type="application/json")
        assert created.status_code == 201  # a write to the table being imported into
        assert client.post(reverse("accounts:logout")).status_code == 302  # a write: the session goes
    finally:
        release.set()
        importer.join(60)
    assert "error" not in outcome and outcome["result"].committed
    assert Enterprise.objects.count() == before + 601
    assert not list(jobs.storage_dir().iterdir())  # the staging file is gone


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("os.environ.get('DATABASE_URL')", reason="SQLite's single write lock")
def test_while_another_process_holds_the_write_lock_reads_answer_and_writes_get_a_chinese_503(
        cast, client, short_wait):
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.urls import reverse

    from shanghui.accounts.models import ApiToken
    from shanghui.accounts.sessions import SEEN_AT
    from shanghui.core.busy import BUSY_MESSAGE
    from shanghui.core.unavailable import unavailable_response
    from shanghui.testing import PASSWORD

    _, key = ApiToken.issue(user=cast.worker_b)
    reader = Client()
    assert reader.post(reverse("accounts:login"), {"username": cast.worker_a.username,
                                                   "password": PASSWORD}).status_code == 302
    session = reader.session
    session[SEEN_AT] -= 120  # due for its once-a-minute idle stamp: this page view would write it
    session.save()
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        with connection.cursor() as cursor:
            cursor.execute("BEGIN IMMEDIATE")
            locked.set()
            release.wait(60)
            cursor.execute("ROLLBACK")
        connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(60)
        # Reads: a token's last-used stamp and a session's idle stamp are skipped, not waited for.
        assert Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/enterprises/").status_code == 200
        assert reader.get(reverse("directory:enterprise_list")).status_code == 200
        # A write (logging out deletes the session and is audited): 503, Retry-After, in Chinese.
        response = reader.post(reverse("accounts:logout"))
        assert response.status_code == 503 and int(response["Retry-After"]) > 0
        assert BUSY_MESSAGE in response.content.decode()
    finally:
        release.set()
        holder.join(60)
    api = unavailable_response(RequestFactory().post("/api/v1/persons/"), BUSY_MESSAGE)
    assert api.status_code == 503 and api["Content-Type"] == "application/json" and api["Retry-After"]
    assert __import__("json").loads(api.content)["detail"] == BUSY_MESSAGE
    # The refused logout changed nothing: the session still works.
    assert reader.get(reverse("directory:enterprise_list")).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("os.environ.get('DATABASE_URL')", reason="SQLite's busy timeout")
def test_a_login_waits_longer_for_the_write_lock_than_other_writes(settings):
    from django.db import connection
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.urls import reverse

    from shanghui.core.busy import DatabaseBusyMiddleware

    settings.SHANGHUI_LOGIN_WAIT_SECONDS = 90
    waits = []

    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            waits.append(cursor.fetchone()[0])
        return HttpResponse()

    middleware = DatabaseBusyMiddleware(view)
    factory = RequestFactory()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        usual = cursor.fetchone()[0]
    middleware(factory.post(reverse("accounts:login")))
    middleware(factory.post(reverse("accounts:logout")))
    assert waits == [90_000, usual]


@pytest.mark.django_db(transaction=True)
def test_an_import_copied_in_from_its_staging_tables_stores_what_a_direct_one_does(cast, tmp_path):
    from django.db import transaction

    from shanghui.directory.models import Enterprise
    from shanghui.imports import sql

    from .test_engine import snapshot

    base = enterprise_rows(12, seed=4321)
    changed = [list(r) for r in base]
    changed[1][1] = "改了名字的企业有限公司"
    changed[2][6] = ""  # a blank founding date clears the stored one
    changed[3][4] = "中型"
    first = csv_file(tmp_path, [ENTERPRISE_HEADER, *base[:6]], name="first.csv")
    second = csv_file(tmp_path, [ENTERPRISE_HEADER, *changed], name="second.csv")
    stored = {}
    for how in ("staged", "direct"):
        Enterprise.objects.filter(name__startswith="测试企业").delete()
        Enterprise.objects.filter(name="改了名字的企业有限公司").delete()
        for path in (first, second):
            if how == "staged":
                assert sql.can_stage()
                result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False, batch_size=5)
            else:
                with transaction.atomic():  # inside a transaction the engine writes directly
                    result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False, batch_size=5)
            assert result.committed
        assert result.counts() == {"total": 12, "new": 6, "updated": 3, "unchanged": 3, "error": 0}
        stored[how] = snapshot()
    assert stored["staged"] == stored["direct"]
    assert not list(jobs.storage_dir().iterdir())
