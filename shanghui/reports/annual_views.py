"""Downloads of the annual work report (.docx / .xlsx) and of the party-building statistics table.

GET parameters: `year` (default: the latest year with activities in scope), `street` (a street's
region code or primary key; empty: the user's whole region) and, for the report, `format`
(docx or xlsx). A street outside the user's scope is a 404, like any row he may not see.
Every download is an audit event (action "export").
"""

import tempfile

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from shanghui.activities.kpis import default_year
from shanghui.audit import record
from shanghui.core.exporting import content_disposition
from shanghui.core.roles import REGION_ROLES
from shanghui.orgs.models import Region
from shanghui.orgs.scope import streets_in_scope

from . import annual, annual_xlsx, services, statistics
from .models import Narrative

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def user_scope(user) -> Region:
    """The region a user's reports cover: his region (the district for a superuser). Others: 403."""
    if user.is_superuser:
        region = annual.district()
        if region is None:
            raise Http404
        return region
    if user.role not in REGION_ROLES or user.region_id is None:
        raise PermissionDenied
    return user.region


def street_scope(user, value: str) -> Region:
    """The street named by `value` (code or pk) inside the user's scope, else 404."""
    streets = streets_in_scope(user)
    value = (value or "").strip()
    if not value.isdigit():
        raise Http404
    street = streets.filter(code=value).first()
    if street is None and len(value) < 9:  # a primary key (the dashboard's street selector sends those)
        street = streets.filter(pk=int(value)).first()
    if street is None:
        raise Http404
    return street


def _params(request):
    """(scope, year) of the request, or an HttpResponseBadRequest with the reason in Chinese."""
    scope = user_scope(request.user)
    if request.GET.get("street"):
        scope = street_scope(request.user, request.GET["street"])
    raw = (request.GET.get("year") or "").strip()
    if not raw:
        return scope, default_year(scope), None
    if not raw.isdigit() or not 1949 <= int(raw) <= 2100:
        return scope, None, HttpResponseBadRequest("年度应为1949至2100之间的四位数字。".encode(),
                                                   content_type="text/plain; charset=utf-8")
    return scope, int(raw), None


def _download(handle, name: str, content_type: str) -> FileResponse:
    handle.seek(0)
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    return response


@login_required
@require_GET
def annual_report(request):
    fmt = request.GET.get("format") or "docx"
    if fmt not in ("docx", "xlsx"):
        return HttpResponseBadRequest("格式只能是 docx 或 xlsx。".encode(), content_type="text/plain; charset=utf-8")
    scope, year, error = _params(request)
    if error:
        return error
    report = annual.gather(scope, year)
    handle = tempfile.TemporaryFile()  # unlinked at once; the open handle keeps it readable
    if fmt == "docx":
        annual.render_docx(report, handle)
    else:
        annual_xlsx.write(report, handle, scope=scope)
    record(by=request.user, action="export", object_type="reports.annual_report",
           extra={"format": fmt, "year": year, "region": scope.code, "title": report["title"]})
    return _download(handle, annual.filename(scope, year, fmt), DOCX if fmt == "docx" else XLSX)


@login_required
@require_GET
def statistics_table(request):
    scope, year, error = _params(request)
    if error:
        return error
    handle = tempfile.TemporaryFile()
    rows = statistics.write_xlsx(scope, year, handle)
    name = statistics.title(scope, year)
    record(by=request.user, action="export", object_type="reports.statistics_table",
           extra={"format": "xlsx", "year": year, "region": scope.code, "rows": rows, "title": name})
    return _download(handle, f"{name}.xlsx", XLSX)


class NarrativeForm(forms.Form):
    practice = forms.CharField(label="主要做法", required=False, max_length=services.MAX_TEXT,
                               widget=forms.Textarea(attrs={"rows": 8}))
    problems = forms.CharField(label="存在问题", required=False, max_length=services.MAX_TEXT,
                               widget=forms.Textarea(attrs={"rows": 6}))
    next = forms.CharField(label="下一步工作", required=False, max_length=services.MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 6}))


@login_required
@require_http_methods(["GET", "POST"])
def annual_narrative(request):
    """The written sections of the year's report (主要做法, 存在问题, 下一步工作), for whoever may download it."""
    scope, year, error = _params(request)
    if error:
        return error
    rows = {n.section: n for n in Narrative.objects.visible_to(request.user).filter(region=scope, year=year)
            .select_related("author")}
    query = f"year={year}" + (f"&street={scope.code}" if request.GET.get("street") else "")
    form = NarrativeForm(request.POST or None, initial={k: n.text for k, n in rows.items()})
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.save_narratives(by=request.user, region=scope, year=year, texts=form.cleaned_data)
        except ValidationError as e:
            for field, errs in e.message_dict.items() if hasattr(e, "error_dict") else [(None, e.messages)]:
                for err in errs:
                    form.add_error(field if field in form.fields else None, err)
        else:
            messages.success(request, f"已保存{len(changed)}个部分。" if changed else "内容没有变化。")
            return redirect(f"{reverse('reports:annual_narrative')}?{query}")
    authors = [f"{n.get_section_display()}：{n.author.get_full_name() or n.author.username if n.author else '—'}，"
               f"{n.updated:%Y-%m-%d %H:%M}" for n in rows.values()]
    return render(request, "reports/annual_narrative.html", {
        "form": form, "title": f"{annual.title(scope, year)}（文字部分）", "year": year, "scope": scope,
        "authors": authors, "query": query, "cancel_url": reverse("reports:dashboard"),
        "intro": "这三部分写入Word版工作纪实相应标题下；未填写的部分不出现在文件中。",
    })
