"""发展党员 pages: the candidate register (list, pipeline export, create, edit, delete), one dossier page per
candidate with every step, date, person and scan, the step form, the to-do list of due and overdue steps, and
the two Word documents (发展党员工作记实, 公示 notice).

The branch secretary (an enterprise user) opens the list, the dossiers, their scans and the to-do list of his
enterprise's own organisation (scoping decides which rows); recording steps is for the street's staff.
"""

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from shanghui.accounts.pages import enterprise_page, is_enterprise_user
from shanghui.core.crud import Register, apply_errors, delete_page, post_data, require, today
from shanghui.core.exporting import Column, content_disposition
from shanghui.core.files import file_download

from . import recruitment as rules
from . import recruitment_docs as docs
from . import recruitment_services as rs
from .models import RecruitmentCandidate, RecruitmentStep
from .recruitment_forms import CandidateEditForm, CandidateFilter, CandidateForm, DocumentForm, StepForm


def candidates(user):
    return RecruitmentCandidate.objects.visible_to(user).select_related(
        "person__enterprise", "organization__host_chamber__region", "organization__enterprise__region")


def _date(value) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def _street(c) -> str:
    region = c.organization.region
    return region.name if region else ""


CANDIDATE = Register(
    app="party", noun="candidate", title="发展党员", icon="bi-person-plus", what="发展党员记录",
    crumbs=lambda: [("党建", reverse("party:dashboard"))],
    queryset=candidates, filter_form=CandidateFilter, form=CandidateForm,
    columns=[
        Column("姓名", lambda c: c.person.name, 12),
        Column("党组织", lambda c: c.organization.name, 30),
        Column("当前阶段", lambda c: c.stage_label, 14),
        Column("递交申请", lambda c: _date(c.applied), 12),
        Column("确定积极分子", lambda c: _date(c.activist_on), 12),
        Column("列为发展对象", lambda c: _date(c.development_on), 12),
        Column("所在街道", lambda c: _street(c), 12),
        Column("所在企业", lambda c: c.person.enterprise.name if c.person.enterprise_id else "", 30),
        Column("接收预备党员", lambda c: _date(c.probationary_on), 12),
        Column("转为正式党员", lambda c: _date(c.full_on), 12),
        Column("终止培养", lambda c: _date(c.stopped), 12),
    ],
    create=rs.candidate_create, update=rs.candidate_update, delete=rs.candidate_delete, row="candidate",
    can_write=rs.can_write_candidate, table_columns=6, has_detail=True, preselect=("organization", "person"),
    enterprise_pages=("list",),
)


def _edit_form(*args, user, instance=None, **kwargs):
    """The register's edit page changes the note and 终止培养 only; the create page has the full form."""
    if instance is not None:
        return CandidateEditForm(*args, user=user, instance=instance, **kwargs)
    return CandidateForm(*args, user=user, **kwargs)


CANDIDATE.form = _edit_form


@enterprise_page
@login_required
@require_GET
def candidate_detail(request, pk):
    user = request.user
    candidate = get_object_or_404(candidates(user), pk=pk)
    steps = RecruitmentStep.objects.visible_to(user).filter(candidate=candidate).order_by("date", "id")
    facts = rs.facts_of(candidate)
    dates = rules.stage_dates(facts)
    stage_rows = [{"label": label, "date": dates[key], "current": key == candidate.stage}
                  for key, label in rules.STAGES]
    done = {s.kind for s in steps}
    return render(request, "party/recruitment_detail.html", {
        "candidate": candidate, "steps": steps, "stages": stage_rows,
        "missing": [s for s in rules.STEPS if s.key not in done and not s.repeatable],
        "todo": rs.todo_of(candidate, today()), "today": today(),
        "can_edit": rs.can_write_candidate(user, candidate) and not is_enterprise_user(user),
        "has_publicity": "publicity" in done,
    })


@login_required
@require_http_methods(["GET", "POST"])
def candidate_step_add(request, pk):
    user = request.user
    candidate = get_object_or_404(candidates(user), pk=pk)
    require(rs.can_write_candidate(user, candidate), "您无权登记该人员的发展党员步骤。")
    form = StepForm(post_data(request), request.FILES or None, candidate=candidate,
                    initial={"kind": request.GET.get("kind", ""), "date": today()})
    if request.method == "POST" and form.is_valid():
        try:
            rs.step_add(by=user, candidate=candidate, **{k: v for k, v in form.cleaned_data.items()
                                                         if v not in (None, "") or k in ("kind", "date")})
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, "已登记。")
            return redirect("party:candidate_detail", pk=candidate.pk)
    return render(request, "shanghui/form.html", {
        "crumbs": [("党建", reverse("party:dashboard")), ("发展党员", reverse("party:candidate_list")),
                   (str(candidate.person), reverse("party:candidate_detail", args=[candidate.pk]))],
        "form": form, "title": f"登记发展党员步骤：{candidate.person}", "submit_label": "登记",
        "intro": f"当前阶段：{candidate.stage_label}。不符合《中国共产党发展党员工作细则》时限要求的步骤将被拒绝并说明依据。",
        "cancel_url": reverse("party:candidate_detail", args=[candidate.pk])})


def _step(user, pk) -> RecruitmentStep:
    return get_object_or_404(RecruitmentStep.objects.visible_to(user).select_related(
        "candidate__organization__host_chamber__region", "candidate__organization__enterprise__region",
        "candidate__person"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def recruitment_step_delete(request, pk):
    user = request.user
    step = _step(user, pk)
    require(rs.can_write_candidate(user, step.candidate), "您无权删除该步骤。")
    back = reverse("party:candidate_detail", args=[step.candidate_id])
    return delete_page(request, obj=step, call=lambda: rs.step_delete(by=user, step=step), success_url=back,
                       cancel_url=back, what="步骤")


@login_required
@require_http_methods(["GET", "POST"])
def recruitment_step_upload(request, pk):
    """Attach (or replace) the scan of a step: the application, an assessment, the 公示 notice…"""
    user = request.user
    step = _step(user, pk)
    require(rs.can_write_candidate(user, step.candidate), "您无权上传该步骤的附件。")
    form = DocumentForm(post_data(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rs.step_update(by=user, step=step, document=form.cleaned_data["document"])
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, "附件已上传。")
            return redirect("party:candidate_detail", pk=step.candidate_id)
    return render(request, "shanghui/form.html", {
        "crumbs": [("党建", reverse("party:dashboard")), ("发展党员", reverse("party:candidate_list"))],
        "form": form, "title": f"上传附件：{step}", "submit_label": "上传",
        "cancel_url": reverse("party:candidate_detail", args=[step.candidate_id])})


@enterprise_page
@login_required
@require_GET
def recruitment_step_document(request, pk):
    step = _step(request.user, pk)
    return file_download(by=request.user, obj=step, field="document", title=f"发展党员材料：{step.kind_label}")


def todo_rows(user, day: dt.date) -> list[dict]:
    """Every due-soon or overdue item of the open candidates the user sees, most urgent first."""
    open_ = candidates(user).filter(stopped__isnull=True, full_on__isnull=True).prefetch_related("steps")
    rows = []
    for c in open_:
        for item in rs.todo_of(c, day):
            rows.append({"candidate": c, "item": item, "state": item.state(day)})
    return sorted(rows, key=lambda r: (r["item"].due, r["candidate"].pk))


def todo_count(user, day: dt.date) -> int:
    return len(todo_rows(user, day))


@enterprise_page
@login_required
@require_GET
def recruitment_todo(request):
    day = today()
    rows = todo_rows(request.user, day)
    return render(request, "party/recruitment_todo.html", {
        "rows": rows, "day": day, "soon": rules.SOON_DAYS, "rules": rules.rule_table(),
        "overdue": sum(r["state"] == "overdue" for r in rows)})


def _docx_response(user, obj, title: str, build) -> HttpResponse:
    buffer = io.BytesIO()
    build(buffer)
    from shanghui.audit import record

    record(by=user, action="export", obj=obj, fields=[], extra={"title": title})
    response = HttpResponse(buffer.getvalue(), content_type=docs.DOCX_TYPE)
    response["Content-Disposition"] = content_disposition(f"{title}.docx")
    return response


@login_required
@require_GET
def candidate_record_docx(request, pk):
    """发展党员工作记实 (the dossier as an official-style Word document)."""
    user = request.user
    candidate = get_object_or_404(candidates(user), pk=pk)
    steps = RecruitmentStep.objects.visible_to(user).filter(candidate=candidate).order_by("date", "id")
    title = f"发展党员工作记实（{candidate.person.name}）"
    return _docx_response(user, candidate, title, lambda out: docs.record_docx(candidate, list(steps), out))


@login_required
@require_GET
def candidate_publicity_docx(request, pk):
    """The 公示 notice of a development object, from the recorded 公示 step (404 before one is recorded)."""
    user = request.user
    candidate = get_object_or_404(candidates(user), pk=pk)
    step = get_object_or_404(RecruitmentStep.objects.visible_to(user), candidate=candidate, kind="publicity")
    cal = rs.calendar_for(step.date)
    last = rules.publicity_last_day(step.date, cal)
    title = f"关于{candidate.person.name}同志拟列为预备党员的公示"
    return _docx_response(user, candidate, title,
                          lambda out: docs.publicity_docx(candidate, step, max(last, step.end or last), title, out))
