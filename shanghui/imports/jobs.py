"""Background import jobs for the web upload: check, preview, commit, with progress.

A large file takes longer than a web request may, so the view stores the upload,
creates an ImportJob and runs the engine in a background thread; the page polls
the job's progress. Progress goes to a small JSON file beside the upload, not to
the database: a progress row would be one more write per second, and on SQLite could not
be written at all while the import copies its rows in under the write lock.

Files live in DATA_DIR/imports/ (not served; the folder 0700, every file 0600 whatever
the umask). The upload is removed as soon as no commit can follow it: the job is
committed, failed, cancelled, or its check found errors (the error report is then
built from it first). The error report stays until the job is cancelled, a new file
of the same kind is uploaded by the same user, or `purge_stale()` after a day.

A thread does not survive its process: the progress file names the process running
the job, and `recover_interrupted()` (run when the server starts, and by
`purge_stale()`) marks a job whose process is gone as failed, audits it and removes
its files. A job whose progress has not moved for STALE_SECONDS is shown as
interrupted meanwhile.
"""

import json
import logging
import os
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, transaction
from django.utils import timezone

from shanghui.audit import record
from shanghui.core import sealed
from shanghui.core.files import open_private

from . import engine, kinds, report
from .files import remove_orphan_stages, runner_alive, storage_dir, this_runner
from .models import ImportJob
from .signals import import_committed

log = logging.getLogger(__name__)
KEEP = timedelta(days=1)
STALE_SECONDS = 300
SHOWN_ERRORS = 500


INTERRUPTED = "导入进程意外中止（例如服务器重启），未写入任何数据。请重新上传文件。"


def upload_path(job: ImportJob) -> Path:
    # The token, not the user's file name, names the file: no path tricks, no clashes.
    return storage_dir() / f"{job.token}.upload"


def progress_path(job: ImportJob) -> Path:
    return storage_dir() / f"{job.token}.progress"


def report_path(job: ImportJob) -> Path:
    return storage_dir() / f"{job.token}.errors.xlsx"


def save_upload(job: ImportJob, uploaded) -> None:
    with sealed.create(upload_path(job)) as out:  # rows of personal numbers: encrypted at rest
        for chunk in uploaded.chunks():
            out.write(chunk)


def write_progress(job: ImportJob, done: int, total: int, phase: str) -> None:
    tmp = progress_path(job).with_suffix(".tmp")
    with open_private(tmp, "w") as out:
        out.write(json.dumps({"done": done, "total": total, "phase": phase, "at": time.time(),
                              "runner": this_runner()}))
    os.replace(tmp, progress_path(job))  # atomic: a reader never sees half a file


def read_progress(job: ImportJob) -> dict:
    try:
        return json.loads(progress_path(job).read_text())
    except (OSError, ValueError):
        return {"done": 0, "total": 0, "phase": "", "at": job.updated.timestamp()}


def recover_interrupted() -> int:
    """Mark jobs whose process has died as failed (audited) and remove their files; returns how many.

    Also removes staging files of imports (CLI or web) whose process died."""
    remove_orphan_stages()
    count = 0
    for job in ImportJob.objects.filter(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.CHECKING,
                                                    ImportJob.Status.IMPORTING]).select_related("user"):
        runner = read_progress(job).get("runner")
        if runner is None and time.time() - job.updated.timestamp() < STALE_SECONDS:
            continue  # just created by a request that is still storing the upload
        if runner is not None and runner_alive(runner):
            continue
        was = job.status
        with transaction.atomic():
            job.status = ImportJob.Status.FAILED
            job.result = {**job.result, "file_error": INTERRUPTED}
            job.save(update_fields=["status", "result", "updated"])
            record(by=job.user, action="import_interrupted", obj=job, success=False,
                   extra={"kind": job.kind, "status": was})
        remove_files(job)
        count += 1
    return count


def is_stale(job: ImportJob) -> bool:
    return job.running and time.time() - read_progress(job)["at"] > STALE_SECONDS


def remove_files(job: ImportJob) -> None:
    for path in (upload_path(job), progress_path(job), progress_path(job).with_suffix(".tmp"), report_path(job)):
        path.unlink(missing_ok=True)


def start(job: ImportJob, *, commit: bool) -> None:
    job.status = ImportJob.Status.IMPORTING if commit else ImportJob.Status.CHECKING
    job.save(update_fields=["status", "updated"])
    write_progress(job, 0, 0, job.status)
    if getattr(settings, "SHANGHUI_IMPORTS_INLINE", False):
        run(job.pk, commit=commit)  # tests, and deployments that prefer it simple
        return
    threading.Thread(target=_thread, args=(job.pk, commit), daemon=True, name=f"import-{job.pk}").start()


def _thread(job_id: int, commit: bool) -> None:
    close_old_connections()
    try:
        run(job_id, commit=commit)
    except Exception:  # the thread must never die silently: record the failure on the job
        log.exception("import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, result={"file_error": "导入过程中发生系统错误，未写入任何数据，请联系管理员。"})
    finally:
        close_old_connections()


def run(job_id: int, *, commit: bool) -> None:
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or done >= total:
            last[0] = now
            write_progress(job, done, total, job.status)

    try:
        result = engine.run(kinds.get(job.kind), upload_path(job), by=job.user, filename=job.filename,
                            dry_run=not commit, progress=progress)
    except PermissionDenied:  # her role changed since the upload
        result = engine.Result(kind=job.kind, filename=job.filename, dry_run=not commit,
                               file_error="您已无权导入数据，未写入任何数据。")
    if result.error_rows:
        # Built now, in the background, from the whole error list; the job keeps only what a page shows.
        write_progress(job, result.total, result.total, "report")
        with sealed.create(report_path(job)) as out:  # the upload's rows again: encrypted at rest too
            report.write_error_report(kinds.get(job.kind), upload_path(job), result, out)
    job.result = result.as_dict() | {"errors": result.errors[:SHOWN_ERRORS],
                                     "skipped_rows": result.skipped_rows[:SHOWN_ERRORS],
                                     "summary_rows": result.summary_rows[:SHOWN_ERRORS]}
    if commit:
        job.status = ImportJob.Status.DONE if result.committed else ImportJob.Status.FAILED
    else:
        job.status = ImportJob.Status.CHECKED if not result.file_error else ImportJob.Status.FAILED
    job.save(update_fields=["result", "status", "updated"])
    if result.committed:
        _announce_commit(job)
    if job.status == ImportJob.Status.DONE or result.file_error:
        remove_files(job)  # nothing more to preview, commit or report on
    else:
        progress_path(job).unlink(missing_ok=True)
        if job.status != ImportJob.Status.CHECKED or result.error_rows:
            upload_path(job).unlink(missing_ok=True)  # no commit can follow: only the error report is left


def _announce_commit(job: ImportJob) -> None:
    """Tell the apps above that rows arrived (the dashboard counts them now, in this background thread,
    rather than in its next request). The import itself is done: a receiver's failure is logged, not the job's."""
    for receiver, outcome in import_committed.send_robust(sender=ImportJob, job=job):
        if isinstance(outcome, Exception):
            log.error("%s failed after import job %s", receiver.__qualname__, job.pk, exc_info=outcome)


def abandon_earlier(*, user, kind: str) -> int:
    """A new upload replaces the user's unfinished jobs of that kind: cancel them and remove their files."""
    count = 0
    for job in ImportJob.objects.filter(user=user, kind=kind, status__in=[ImportJob.Status.CHECKED,
                                                                          ImportJob.Status.FAILED]):
        remove_files(job)
        if job.status == ImportJob.Status.CHECKED:
            job.status = ImportJob.Status.CANCELLED
            job.save(update_fields=["status", "updated"])
        count += 1
    return count


def purge_stale() -> int:
    """Remove the files of jobs older than a day, whatever their state (a crash may have left
    some after a commit), files no job owns, and those of jobs whose process died; returns how
    many jobs (or orphan files) were cleared. Walks the folder, not the table of all jobs."""
    count = recover_interrupted()
    cutoff = timezone.now() - KEEP
    by_token: dict[str, list[Path]] = {}
    for path in storage_dir().iterdir():
        if not path.name.startswith("stage-"):
            by_token.setdefault(path.name.split(".", 1)[0], []).append(path)
    jobs = {str(job.token): job for job in ImportJob.objects.filter(token__in=list(by_token))} if by_token else {}
    for token, paths in by_token.items():
        job = jobs.get(token)
        if job is not None and job.created < cutoff:
            remove_files(job)
            count += 1
        elif job is None and all(p.stat().st_mtime < cutoff.timestamp() for p in paths):
            for path in paths:
                path.unlink(missing_ok=True)
            count += 1
    ImportJob.objects.filter(status=ImportJob.Status.CHECKED, created__lt=cutoff).update(
        status=ImportJob.Status.CANCELLED, updated=timezone.now())
    return count
