"""A dry run (the web preview's check, `import --dry-run`) is an audit event with kind and counts, no values."""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from shanghui.audit.models import AuditEvent
from shanghui.imports import engine, kinds
from shanghui.testing import PASSWORD, make_uscc

from .sheets import ENTERPRISE_HEADER, csv_file

pytestmark = pytest.mark.django_db


def _rows(n: int) -> list[list[str]]:
    rng = random.Random(8)
    return [[make_uscc(rng), f"预检企业{i}", "东华门街道"] for i in range(n)]


def _dry_run_events():
    return AuditEvent.objects.filter(action="import_dry_run")


def test_engine_dry_run_records_kind_and_counts_but_no_cell_value(cast, tmp_path):
    rows = _rows(3)
    rows[1][0] = "不是代码"
    result = engine.run(kinds.get("enterprises"), csv_file(tmp_path, [ENTERPRISE_HEADER[:3], *rows]),
                        by=cast.worker_a, dry_run=True)
    event = _dry_run_events().get()
    assert event.actor == cast.worker_a and not event.success
    assert event.extra == {"kind": "enterprises", **result.counts(), "file_error": False}
    text = str(AuditEvent.objects.values_list())
    assert not any(value in text for row in rows for value in row[:2])


def test_cli_dry_run_is_audited(cast, tmp_path):
    path = csv_file(tmp_path, [ENTERPRISE_HEADER[:3], *_rows(2)])
    call_command("import", "enterprises", str(path), "--dry-run", "--user", "worker_a", "--no-progress",
                 stdout=io.StringIO())
    event = _dry_run_events().get()
    assert event.success and event.extra["total"] == 2 and event.extra["new"] == 2


def test_web_preview_check_is_audited(cast, client, settings, tmp_path):
    settings.SHANGHUI_IMPORTS_INLINE = True
    settings.DATA_DIR = tmp_path / "data"
    assert client.login(username="worker_a", password=PASSWORD)
    path = csv_file(tmp_path, [ENTERPRISE_HEADER[:3], *_rows(2)], name="名录.csv")
    with open(path, "rb") as f:
        client.post(reverse("imports:index"), {"kind": "enterprises", "file": SimpleUploadedFile(path.name, f.read())})
    event = _dry_run_events().get()
    assert event.actor == cast.worker_a and event.extra["new"] == 2
    assert not AuditEvent.objects.filter(action="import").exists()
