"""Import pages: upload → background check → preview → commit, plus templates and exports.

Thin views: permissions come from the engine (can_import) and the querysets
(visible_to); the work is in engine.py and jobs.py.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from shanghui.accounts import unmask
from shanghui.core.crud import style_field
from shanghui.core.exporting import content_disposition
from shanghui.core.redact import scrub_filename
from shanghui.core.sealed import open_plain

from . import engine, jobs, kinds, readers
from .exports import REASON_MAX, clean_reason, export_kind, kind_export_plain, may_export_plain
from .limits import FileRejected, check_size
from .models import ImportJob
from .templates import build_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="导入类型")
    file = forms.FileField(label="表格文件", help_text="支持.xlsx、.xls、.ods和.csv（UTF-8或GBK编码）。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.name, k.label) for k in kinds.KINDS.values()]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
            upload.seek(0)
            readers.sniff_head(upload.read(8192))  # judged by content now; the job reads it all later
            upload.seek(0)
        except FileRejected as e:
            raise forms.ValidationError(e.message) from None
        return upload


def _kind_or_404(name: str):
    try:
        return kinds.get(name)
    except KeyError:
        raise Http404 from None


@login_required
def index(request):
    if not engine.can_import(request.user):
        raise PermissionDenied("您无权导入数据。")
    form = UploadForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        jobs.purge_stale()
        upload = form.cleaned_data["file"]
        jobs.abandon_earlier(user=request.user, kind=form.cleaned_data["kind"])
        job = ImportJob.objects.create(user=request.user, kind=form.cleaned_data["kind"],
                                       filename=scrub_filename(upload.name)[:255], size=upload.size)
        jobs.save_upload(job, upload)
        jobs.start(job, commit=False)
        return redirect("imports:job", pk=job.pk)
    recent = ImportJob.objects.visible_to(request.user)[:10]
    plain_kinds = {k.name for k in kinds.KINDS.values() if may_export_plain(request.user, k)}
    return render(request, "imports/index.html", {"form": form, "kinds": kinds.KINDS.values(), "jobs": recent,
                                                  "plain_kinds": plain_kinds})


def _job(request, pk) -> ImportJob:
    return get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk)


def _job_context(job: ImportJob) -> dict:
    progress = jobs.read_progress(job)
    total = progress.get("total") or 0
    return {"job": job, "kind": kinds.KINDS.get(job.kind), "progress": progress,
            "percent": min(100, int(100 * progress.get("done", 0) / total)) if total else 0,
            "done_text": f"{progress.get('done', 0):,}", "total_text": f"{total:,}" if total else "",
            "stale": jobs.is_stale(job), "result": job.result,
            "has_report": jobs.report_path(job).exists()}


@login_required
def job_detail(request, pk):
    return render(request, "imports/job.html", _job_context(_job(request, pk)))


@login_required
def job_progress(request, pk):
    """The htmx-polled part of the job page: progress while running, the preview when done."""
    return render(request, "imports/_job_state.html", _job_context(_job(request, pk)))


@login_required
@require_POST
def job_commit(request, pk):
    job = _job(request, pk)
    ok = job.status == ImportJob.Status.CHECKED and not job.result.get("error_rows")
    if not ok or not jobs.upload_path(job).exists():
        return render(request, "imports/job.html", _job_context(job) | {
            "refusal": "该文件尚未通过校验或已导入/已取消，不能导入。"}, status=409)
    jobs.start(job, commit=True)
    return redirect("imports:job", pk=job.pk)


@login_required
@require_POST
def job_cancel(request, pk):
    job = _job(request, pk)
    if not job.running:
        jobs.remove_files(job)
        if job.status != ImportJob.Status.DONE:
            job.status = ImportJob.Status.CANCELLED
            job.save(update_fields=["status", "updated"])
    return redirect("imports:index")


@login_required
def job_errors(request, pk):
    job = _job(request, pk)
    path = jobs.report_path(job)
    if not path.exists():
        raise Http404
    response = FileResponse(open_plain(path), content_type=XLSX)
    response["Content-Disposition"] = content_disposition(f"错误报告_{job.filename.rsplit('.', 1)[0]}.xlsx")
    return response


@login_required
def template(request, kind):
    spec = _kind_or_404(kind)
    if not engine.can_import(request.user):
        raise PermissionDenied("您无权导入数据。")
    response = HttpResponse(build_template(spec, request.user), content_type=XLSX)
    response["Content-Disposition"] = content_disposition(f"{spec.label}导入模板.xlsx")
    return response


@login_required
def export(request, kind):
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return export_kind(by=request.user, kind=_kind_or_404(kind), fmt=fmt)


class PlainExportForm(forms.Form):
    reason = forms.CharField(label="导出事由", max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="写明用途和接收人，例如“向区委统战部报送会员企业负责人名单”。事由记入审计日志。")
    format = forms.ChoiceField(label="格式", choices=[("xlsx", "Excel（.xlsx）"), ("csv", "CSV（UTF-8）")],
                               initial="xlsx")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_field(field)

    def clean_reason(self):
        try:
            return clean_reason(self.cleaned_data["reason"])
        except ValidationError as e:
            raise forms.ValidationError(e.message_dict["reason"]) from None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def export_plain(request, kind):
    """The explicit plaintext export: a form asking for the reason, then the audited file."""
    spec = _kind_or_404(kind)
    personal = spec.personal_kinds(request.user)
    if not personal:
        raise Http404
    if request.method == "GET" and not may_export_plain(request.user, spec):
        raise PermissionDenied("只有获授权查看完整身份证号码的工商联管理员可以导出明文。")
    form = PlainExportForm(request.POST or None)
    if request.method == "POST":
        # The service decides (and audits a refusal) before the form is even looked at.
        try:
            return kind_export_plain(by=request.user, kind=spec, reason=form.data.get("reason", ""),
                                     fmt=form.data.get("format", ""))
        except ValidationError:
            form.is_valid()  # fills the field errors with the same message
    return render(request, "imports/export_plain.html", {
        "form": form, "kind": spec, "personal": [unmask.KINDS[k] for k in sorted(personal)]})
