"""A person's data rights (PIPL): export for the person, anonymise or delete on request.

Kept apart from views.py: these pages hand out plain personal data or destroy it,
so they are few, POST-only where they act, and every one goes through an audited service.
"""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from shanghui.core.crud import require, style_field

from . import services
from .models import Person


class ExportForm(forms.Form):
    reference = forms.CharField(label="申请编号", max_length=50, help_text="本人查阅、复制申请的登记号或来函编号。")


class EraseForm(forms.Form):
    reference = forms.CharField(label="申请编号", max_length=50, help_text="本人删除申请的登记号或来函编号。")
    reason = forms.ChoiceField(label="依据", choices=list(services.ERASURE_REASONS.items()))
    mode = forms.ChoiceField(label="处理方式", widget=forms.RadioSelect(attrs={"class": "form-check-input"}), initial="anonymise", choices=[
        ("anonymise", "匿名化（推荐）：清除姓名、身份证号码（含其中的出生日期）、手机号码和职务，保留会员、参加活动等记录用于统计"),
        ("delete", "彻底删除：删除该人员及其个人会员关系等全部记录，统计数据随之减少"),
    ])
    confirm = forms.BooleanField(label="我已核实申请人身份，确认处理；此操作不可撤销")


def _forms(data=None, which=""):
    export_form = ExportForm(data if which == "export" else None, prefix="export")
    erase_form = EraseForm(data if which == "erase" else None, prefix="erase")
    for form in (export_form, erase_form):
        for name, field in form.fields.items():
            if name != "mode":
                style_field(field)
    return export_form, erase_form


def _person(request, pk, action: str = "") -> Person:
    """The person, or 404 outside the scope; 403 for a user who may not handle the request, and
    a refused request (`action`) is an audit event."""
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("region"), pk=pk)
    if action:
        services.require_personal_rights(by=request.user, person=person, action=action)
    require(services.may_handle_personal_rights(request.user, person), services.PERSONAL_RIGHTS_REFUSED)
    return person


def _page(request, person, export_form, erase_form, status=200):
    return render(request, "directory/person_rights.html",
                  {"person": person, "export_form": export_form, "erase_form": erase_form}, status=status)


def _show_errors(form, error: ValidationError) -> None:
    for key, msgs in getattr(error, "message_dict", {None: error.messages}).items():
        form.add_error(key if key in form.fields else None, msgs)


@login_required
@require_GET
def person_rights(request, pk):
    person = _person(request, pk)
    return _page(request, person, *_forms())


@login_required
@require_POST
def person_rights_export(request, pk):
    person = _person(request, pk, "personal_data_export")
    export_form, erase_form = _forms(request.POST, "export")
    if export_form.is_valid():
        try:
            data = services.person_export_data(by=request.user, person=person,
                                               reference=export_form.cleaned_data["reference"])
        except ValidationError as e:
            _show_errors(export_form, e)
        else:
            body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="person-{person.pk}-personal-data.json"'
            add_never_cache_headers(response)
            return response
    return _page(request, person, export_form, erase_form)


@login_required
@require_POST
def person_rights_erase(request, pk):
    mode = request.POST.get("erase-mode")
    person = _person(request, pk, "personal_data_delete" if mode == "delete" else "personal_data_anonymise")
    export_form, erase_form = _forms(request.POST, "erase")
    if erase_form.is_valid():
        data = erase_form.cleaned_data
        try:
            if data["mode"] == "delete":
                services.person_erase(by=request.user, person=person, reference=data["reference"],
                                      reason=data["reason"])
                messages.success(request, "已删除该人员的全部信息，处理记录已存入审计日志。")
                return redirect("directory:person_list")
            services.person_anonymise(by=request.user, person=person, reference=data["reference"],
                                      reason=data["reason"])
            messages.success(request, "已完成匿名化，处理记录已存入审计日志。")
            return redirect("directory:person_detail", pk=person.pk)
        except ValidationError as e:
            _show_errors(erase_form, e)
    return _page(request, person, export_form, erase_form)
