"""The web upload: check in the background, preview, commit; templates and exports."""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from shanghui.audit.models import AuditEvent
from shanghui.directory.models import Enterprise
from shanghui.imports import jobs
from shanghui.imports.models import ImportJob
from shanghui.testing import PASSWORD, make_uscc

from .sheets import ENTERPRISE_HEADER, csv_file


@pytest.fixture
def web(settings, tmp_path):
    settings.SHANGHUI_IMPORTS_INLINE = True  # the test database is not visible to another thread
    settings.DATA_DIR = tmp_path / "data"
    return settings


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def upload(client, path, kind="enterprises"):
    with open(path, "rb") as f:
        data = SimpleUploadedFile(path.name, f.read())
    return client.post(reverse("imports:index"), {"kind": kind, "file": data})


def rows(n, seed=1):
    rng = random.Random(seed)
    return [[make_uscc(rng), f"网页企业{i}", "东华门街道"] for i in range(n)]


def test_upload_preview_then_commit(cast, client, web, tmp_path):
    login(client, cast.worker_a)
    path = csv_file(tmp_path, [ENTERPRISE_HEADER[:3], *rows(3)], name="名录.csv")
    response = upload(client, path)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.status == "checked" and job.result["new"] == 3
    assert Enterprise.objects.count() == 2  # preview only
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "确认导入" in page and "校验通过" in page

    response = client.post(reverse("imports:job_commit", args=[job.pk]))
    job.refresh_from_db()
    assert response.status_code == 302 and job.status == "done"
    assert Enterprise.objects.count() == 5
    assert AuditEvent.objects.get(action="import").extra["file"] == "名录.csv"
    assert not jobs.upload_path(job).exists() and list(jobs.storage_dir().iterdir()) == []
    # A committed job cannot be committed again.
    assert client.post(reverse("imports:job_commit", args=[job.pk])).status_code == 409


def test_file_with_errors_offers_the_error_report(cast, client, web, tmp_path):
    login(client, cast.worker_a)
    data = rows(3)
    data[1][0] = "坏代码"
    upload(client, csv_file(tmp_path, [ENTERPRISE_HEADER[:3], *data]))
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "下载错误报告" in page and "确认导入" not in page
    response = client.get(reverse("imports:job_errors", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0] == ENTERPRISE_HEADER[:3] + ["原行号", "错误说明"]
    assert [v[:3] for v in values[1:]] == data  # the original rows, all of them
    assert values[2][4].startswith("统一社会信用代码：") and values[1][4] is None and values[3][4] is None
    assert client.post(reverse("imports:job_commit", args=[job.pk])).status_code == 409
    client.post(reverse("imports:job_cancel", args=[job.pk]))
    assert list(jobs.storage_dir().iterdir()) == []


def test_unreadable_file_is_explained(cast, client, web, tmp_path):
    login(client, cast.worker_a)
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    upload(client, path)
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert "损坏" in client.get(reverse("imports:job", args=[job.pk])).content.decode()


def test_oversized_upload_is_refused_by_the_form(cast, client, web, tmp_path):
    web.SHANGHUI_IMPORT_MAX_BYTES = 10
    login(client, cast.worker_a)
    response = upload(client, csv_file(tmp_path, [ENTERPRISE_HEADER[:3], *rows(1)]))
    assert response.status_code == 200 and "文件太大" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_progress_fragment_polls_while_running(cast, client, web):
    login(client, cast.worker_a)
    job = ImportJob.objects.create(user=cast.worker_a, kind="enterprises", filename="big.csv",
                                   status=ImportJob.Status.IMPORTING)
    jobs.write_progress(job, 250_000, 1_000_000, "importing")
    html = client.get(reverse("imports:job_state", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="25"' in html and "250,000" in html


def test_jobs_are_private_to_their_uploader(cast, client, web):
    job = ImportJob.objects.create(user=cast.worker_a, kind="enterprises", filename="a.csv")
    login(client, cast.worker_b)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 404
    assert client.post(reverse("imports:job_commit", args=[job.pk])).status_code == 404


def test_read_only_roles_get_403_on_the_upload_page(cast, client, web):
    login(client, cast.leader)
    assert client.get(reverse("imports:index")).status_code == 403


def test_template_download(cast, client, web):
    login(client, cast.worker_a)
    response = client.get(reverse("imports:template", args=["enterprises"]))
    assert response.status_code == 200
    assert "filename*=UTF-8''%E4%BC%81%E4%B8%9A" in response["Content-Disposition"]  # 企业导入模板.xlsx
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["数据", "填写说明", "选项"]
    data = book["数据"]
    assert [c.value for c in data[1]] == ["*统一社会信用代码", "*企业名称", "*所在街道", "行业门类", "企业规模",
                                         "从业人数", "成立日期", "经营状态", "地址", "注销/迁出日期"]
    # No example row to be imported by accident: below the header the sheet is empty.
    assert all(c.value is None for row in data.iter_rows(min_row=2) for c in row)
    lists = {str(v.sqref)[0]: v.formula1 for v in data.data_validations.dataValidation
             if v.type == "list"}
    assert set(lists) == {"C", "D", "E", "H"}  # street, industry, size, status
    options = book["选项"]
    streets = [c.value for c in options["A"][1:] if c.value]
    assert streets == ["东华门街道"]  # the streets this worker may import into
    guide = [[c.value for c in r] for r in book["填写说明"].iter_rows()]
    assert any(r[0] == "统一社会信用代码" and r[1] == "必填" for r in guide)
    assert guide[-1][0] == "91110101MA01ABCD19"  # the example row


def test_persons_template_has_political_status_dropdown(cast, client, web):
    login(client, cast.worker_a)
    book = load_workbook(io.BytesIO(client.get(reverse("imports:template", args=["persons"])).content))
    options = [[c.value for c in col if c.value is not None] for col in book["选项"].iter_cols()]
    assert ["政治面貌", "中共党员", "中共预备党员", "共青团员", "民主党派成员", "无党派人士", "群众"] in options


def test_export_from_the_import_page_is_scoped(cast, client, web):
    login(client, cast.worker_a)
    response = client.get(reverse("imports:export", args=["enterprises"]) + "?format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert cast.enterprise_a.uscc in text and cast.enterprise_b.uscc not in text
    assert response["Content-Type"].startswith("text/csv")


def test_membership_template_lists_only_the_chambers_she_may_use(cast, client, web):
    login(client, cast.worker_a)
    book = load_workbook(io.BytesIO(client.get(reverse("imports:template", args=["memberships"])).content))
    options = [[c.value for c in col if c.value is not None] for col in book["选项"].iter_cols()]
    assert ["商会", "东华门街道商会"] in options


def test_templates_are_for_those_who_may_import(cast, client, web):
    login(client, cast.enterprise_user_a)
    assert client.get(reverse("imports:template", args=["memberships"])).status_code == 403


def test_abandoned_uploads_are_removed_after_a_day(cast, web):
    import datetime as dt

    from django.utils import timezone

    job = ImportJob.objects.create(user=cast.worker_a, kind="enterprises", filename="a.csv",
                                   status=ImportJob.Status.CHECKED)
    fresh = ImportJob.objects.create(user=cast.worker_a, kind="enterprises", filename="b.csv",
                                     status=ImportJob.Status.CHECKED)
    for j in (job, fresh):
        jobs.upload_path(j).write_bytes(b"x")
    ImportJob.objects.filter(pk=job.pk).update(created=timezone.now() - dt.timedelta(days=2))
    assert jobs.purge_stale() == 1
    job.refresh_from_db()
    assert job.status == "cancelled" and not jobs.upload_path(job).exists()
    assert jobs.upload_path(fresh).exists()


def test_upload_page_lists_kinds_templates_and_recent_jobs(cast, client, web):
    ImportJob.objects.create(user=cast.worker_a, kind="enterprises", filename="上次的名录.xlsx")
    ImportJob.objects.create(user=cast.worker_b, kind="enterprises", filename="别人的.xlsx")
    login(client, cast.worker_a)
    html = client.get(reverse("imports:index")).content.decode()
    for name in ("enterprises", "persons", "memberships"):
        assert reverse("imports:template", args=[name]) in html
    assert "上次的名录.xlsx" in html and "别人的.xlsx" not in html


def test_preview_and_result_say_which_rows_were_skipped(cast, client, web, tmp_path):
    from shanghui.imports import kinds
    from shanghui.imports.exports import export_kind

    login(client, cast.worker_a)
    path = tmp_path / "会员.xlsx"
    path.write_bytes(b"".join(export_kind(by=cast.worker_a, kind=kinds.get("memberships")).streaming_content))
    upload(client, path, kind="memberships")
    job = ImportJob.objects.get()
    # The district association's member in her street: seen, not hers to change, no reason to refuse the file.
    assert job.status == "checked" and job.result["skipped"] == 1 and not job.result["error_rows"]
    row = job.result["skipped_rows"][0]
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "无权修改，已跳过1行" in page and f"第{row}行" in page and "确认导入" in page
    client.post(reverse("imports:job_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done" and job.result["skipped_rows"] == [row]
    assert "无权修改，已跳过1行" in client.get(reverse("imports:job", args=[job.pk])).content.decode()
