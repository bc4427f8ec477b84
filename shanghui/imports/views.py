"""Import pages: upload → background check → preview → commit, plus templates and exports.

Thin views: permissions come from the engine (can_import) and the querysets
(visible_to); the work is in engine.py and jobs.py.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import engine, jobs, kinds, readers
from .exporting import _disposition
from .exports import export_kind
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
        job = ImportJob.objects.create(user=request.user, kind=form.cleaned_data["kind"],
                                       filename=upload.name[:255], size=upload.size)
        jobs.save_upload(job, upload)
        jobs.start(job, commit=False)
        return redirect("imports:job", pk=job.pk)
    recent = ImportJob.objects.visible_to(request.user)[:10]
    return render(request, "imports/index.html", {"form": form, "kinds": kinds.KINDS.values(), "jobs": recent})


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
    response = FileResponse(open(path, "rb"), content_type=XLSX)
    response["Content-Disposition"] = _disposition(f"错误报告_{job.filename.rsplit('.', 1)[0]}.xlsx")
    return response


@login_required
def template(request, kind):
    spec = _kind_or_404(kind)
    if not engine.can_import(request.user):
        raise PermissionDenied("您无权导入数据。")
    response = HttpResponse(build_template(spec, request.user), content_type=XLSX)
    response["Content-Disposition"] = _disposition(f"{spec.label}导入模板.xlsx")
    return response


@login_required
def export(request, kind):
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return export_kind(by=request.user, kind=_kind_or_404(kind), fmt=fmt)
