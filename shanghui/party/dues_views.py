"""Party dues pages (党费): collection figures, an organisation's and a member's dues, the arrears list,
and the staff forms (declare a base, record a payment or a hand-up, note an arrears reason).

Enterprise pages (the branch secretary of an enterprise reads his own organisation's dues; visible_to
decides which rows): the overview, the organisation page and the member page. Everything that writes,
exports or lists arrears across organisations is a staff page.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanghui.accounts.pages import enterprise_page
from shanghui.accounts.scope import can_write_region
from shanghui.core.crud import DateInput, post_data, require, style_field, today
from shanghui.core.exporting import Column, export_format, export_response
from shanghui.orgs.scope import streets_in_scope

from . import dues, dues_services
from .models import (
    DuesBase,
    DuesCategory,
    DuesHandUp,
    DuesMember,
    DuesMethod,
    DuesOrganization,
    DuesPayment,
)

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d", "%Y/%m"]


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, dt.date) else value


def _style(form):
    for f in form.fields.values():
        style_field(f)


class PeriodForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)
    month = forms.TypedChoiceField(label="月份", required=False, coerce=int, empty_value=None,
                                   choices=[("", "全年")] + [(m, f"{m}月") for m in range(1, 13)])
    street = forms.ModelChoiceField(label="街道", queryset=None, required=False, empty_label="全部街道")

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["street"].queryset = streets_in_scope(user)
        if not self.fields["street"].queryset.exists():
            del self.fields["street"]
        _style(self)

    def values(self, day: dt.date):
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("year") or last_year_with_ended_month(day), data.get("month"), data.get("street")


def last_year_with_ended_month(day: dt.date) -> int:
    return dues.last_ended_month(day).year


class BaseForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2008, max_value=2100)
    category = forms.ChoiceField(label="缴费类别", choices=DuesCategory.choices)
    base = forms.DecimalField(label="月缴费基数（元）", required=False, min_value=0, max_digits=10, decimal_places=2,
                              help_text="在岗职工：税后工资扣除社保和公积金个人缴纳部分；离退休：养老金。")
    fixed_amount = forms.DecimalField(label="每月固定金额（元）", required=False, max_digits=6, decimal_places=2,
                                      help_text="仅农民党员填写（0.2至1元）。")

    def __init__(self, data, **kw):
        super().__init__(data, **kw)
        _style(self)


class PaymentForm(forms.Form):
    first_month = forms.DateField(label="起始月份", input_formats=MONTH_FORMATS, widget=MonthInput)
    months = forms.IntegerField(label="缴纳月数", min_value=1, max_value=24, initial=1)
    amount = forms.DecimalField(label="应缴党费（元）", required=False, min_value=0, max_digits=10, decimal_places=2,
                                help_text="留空则按申报的基数自动计算。")
    extra = forms.DecimalField(label="自愿多交（元）", required=False, min_value=0, max_digits=10, decimal_places=2)
    method = forms.ChoiceField(label="缴纳方式", choices=DuesMethod.choices)
    paid_on = forms.DateField(label="缴纳日期", widget=DateInput)
    note = forms.CharField(label="备注", required=False, max_length=200)

    def __init__(self, data, **kw):
        super().__init__(data, **kw)
        _style(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="欠缴原因", required=False, max_length=200,
                             help_text="如因病、出国等正当理由暂未交纳；留空则删除已登记的原因。")

    def __init__(self, data, **kw):
        super().__init__(data, **kw)
        _style(self)


class HandUpForm(forms.Form):
    organization = forms.ModelChoiceField(label="党组织", queryset=None)
    month = forms.DateField(label="所属月份", input_formats=MONTH_FORMATS, widget=MonthInput)
    amount = forms.DecimalField(label="上缴金额（元）", min_value=0, max_digits=12, decimal_places=2)
    handed_on = forms.DateField(label="上缴日期", widget=DateInput)

    def __init__(self, data, *, user, **kw):
        super().__init__(data, **kw)
        self.fields["organization"].queryset = DuesOrganization.objects.visible_to(user)
        _style(self)


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errs in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, error)


def _crumbs():
    return [("党建", reverse("party:dashboard")), ("党费", reverse("party:dues_index"))]


def _form_page(request, form, title, intro, cancel_url):
    return render(request, "shanghui/form.html", {"crumbs": _crumbs(), "form": form, "title": title,
                                                  "intro": intro, "cancel_url": cancel_url})


# --- reading pages (also the branch secretary's) ------------------------------------


@enterprise_page
@login_required
@require_GET
def dues_index(request):
    """Collection rate and amounts per organisation (and street) for a year or one month of it."""
    user, day = request.user, today()
    form = PeriodForm(request.GET or None, user=user)
    year, month, street = form.values(day)
    first, last = dues.period_months(year, month, day)
    members = DuesMember.objects.visible_to(user)
    hand_ups = DuesHandUp.objects.visible_to(user)
    payments = DuesPayment.objects.visible_to(user)
    if street is not None:
        members, hand_ups, payments = members.in_scope(street), hand_ups.in_scope(street), payments.in_scope(street)
    data = dues.figures(members, first, last, hand_ups=hand_ups, payments=payments)
    return render(request, "party/dues_index.html", {
        "form": form, "year": year, "month": month, "first": first, "last": last, "data": data,
        "ended": first <= last, "can_write": can_write_region(user, street) if street else _writes(user),
        "query": request.GET.urlencode()})


def _writes(user) -> bool:
    from shanghui.accounts.scope import writes_some_region

    return writes_some_region(user)


@enterprise_page
@login_required
@require_GET
def dues_organization(request, pk):
    user, day = request.user, today()
    org = get_object_or_404(DuesOrganization.objects.visible_to(user), pk=pk)
    form = PeriodForm(request.GET or None, user=user)
    year, month, _street = form.values(day)
    first, last = dues.period_months(year, month, day)
    rows = dues.member_dues(DuesMember.objects.visible_to(user).filter(organization=org), first, last)
    # The flag looks at the whole record, not just the period shown.
    history = {d.member.pk: d for d in dues.member_dues(DuesMember.objects.visible_to(user).filter(organization=org),
                                                        dues.dues_from(), dues.last_ended_month(day))}
    return render(request, "party/dues_organization.html", {
        "org": org, "form": form, "year": year, "month": month, "first": first, "last": last,
        "rows": [(d, history[d.member.pk]) for d in rows if d.owed or d.member.left is None],
        "can_write": can_write_region(user, org.region)})


@enterprise_page
@login_required
@require_GET
def dues_member(request, pk):
    user, day = request.user, today()
    member = get_object_or_404(DuesMember.objects.visible_to(user).select_related("person", "organization"), pk=pk)
    status = dues.member_dues(DuesMember.objects.filter(pk=member.pk), dues.dues_from(), dues.last_ended_month(day))[0]
    return render(request, "party/dues_member.html", {
        "member": member, "status": status,
        "bases": DuesBase.objects.visible_to(user).filter(member__person=member.person).order_by("-year"),
        "payments": DuesPayment.objects.visible_to(user).filter(member__person=member.person)
        .select_related("recorded_by"),
        "unpaid_recent": status.unpaid[-24:],
        "can_write": can_write_region(user, member.organization.region)})


# --- staff pages ----------------------------------------------------------------------


def _arrears_rows(user, day):
    rows = dues.member_dues(DuesMember.objects.visible_to(user).filter(left__isnull=True),
                            dues.dues_from(), dues.last_ended_month(day))
    return [d for d in rows if d.run >= dues.SIX_MONTHS]


@login_required
@require_GET
def dues_arrears(request):
    """Members with six or more consecutive unpaid months: flagged for their branch unless a reason is recorded."""
    day = today()
    return render(request, "party/dues_arrears.html", {"rows": _arrears_rows(request.user, day),
                                                       "last": dues.last_ended_month(day)})


def _month_list(months) -> str:
    return "、".join(f"{m:%Y-%m}" for m in months)


ARREARS_COLUMNS = [
    Column("党员", lambda d: d.member.person.name, 12),
    Column("身份证号", lambda d: d.member.person.id_number_masked, 22, personal="id_number"),
    Column("党组织", lambda d: d.member.organization.name, 28),
    Column("应缴月数", lambda d: len(d.owed), 10),
    Column("欠缴月数", lambda d: len(d.unpaid), 10),
    Column("最长连续欠缴月数", lambda d: d.run, 14),
    Column("欠缴原因", lambda d: d.reason or "（未登记）", 24),
    Column("欠缴月份", lambda d: _month_list(d.unpaid), 40),
]


@login_required
@require_GET
def dues_arrears_export(request):
    day = today()
    return export_response(by=request.user, title="党费连续欠缴六个月以上党员", rows=_arrears_rows(request.user, day),
                           columns=ARREARS_COLUMNS, fmt=export_format(request),
                           object_type="party.duespayment", filters={"as_of": f"{day:%Y-%m-%d}"})


def _writable_member(request, pk):
    member = get_object_or_404(DuesMember.objects.visible_to(request.user).select_related("person", "organization"),
                               pk=pk)
    require(can_write_region(request.user, member.organization.region), "您无权登记该党员的党费。")
    return member


@login_required
@require_http_methods(["GET", "POST"])
def dues_base_declare(request, pk):
    member = _writable_member(request, pk)
    form = BaseForm(post_data(request), initial={"year": today().year})
    if request.method == "POST" and form.is_valid():
        try:
            dues_services.base_declare(by=request.user, member=member, **form.cleaned_data)
        except ValidationError as e:
            _form_errors(form, e)
        else:
            messages.success(request, f"已保存{member.person}{form.cleaned_data['year']}年的党费基数。")
            return redirect("party:dues_member", pk=member.pk)
    return _form_page(request, form, f"申报党费基数：{member.person}",
                      "同一年度重复申报将更新该年度的基数。", reverse("party:dues_member", args=[member.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def dues_payment_create(request, pk):
    member = _writable_member(request, pk)
    form = PaymentForm(post_data(request), initial={"paid_on": today(), "first_month": dues.month_of(today())})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["extra"] = data.get("extra") or 0
        try:
            dues_services.payment_record(by=request.user, member=member, **data)
        except ValidationError as e:
            _form_errors(form, e)
        else:
            messages.success(request, f"已登记{member.person}的党费。")
            return redirect("party:dues_member", pk=member.pk)
    return _form_page(request, form, f"登记党费：{member.person}", "可一次预交多个月；已缴月份不能重复登记。",
                      reverse("party:dues_member", args=[member.pk]))


@login_required
@require_POST
def dues_payment_delete(request, pk):
    payment = get_object_or_404(DuesPayment.objects.visible_to(request.user).select_related("member"), pk=pk)
    require(can_write_region(request.user, payment.member.organization.region), "您无权删除该缴费记录。")
    dues_services.payment_delete(by=request.user, payment=payment)
    messages.success(request, "已删除该缴费记录。")
    return redirect("party:dues_member", pk=payment.member_id)


@login_required
@require_http_methods(["GET", "POST"])
def dues_reason(request, pk):
    member = _writable_member(request, pk)
    current = getattr(member, "dues_arrears_reason", None)
    form = ReasonForm(post_data(request), initial={"reason": current.reason if current else ""})
    if request.method == "POST" and form.is_valid():
        dues_services.arrears_reason_set(by=request.user, member=member, reason=form.cleaned_data["reason"])
        messages.success(request, "已保存欠缴原因。")
        return redirect("party:dues_member", pk=member.pk)
    return _form_page(request, form, f"欠缴原因：{member.person}", "登记了正当理由的党员不再列为连续欠缴提醒。",
                      reverse("party:dues_member", args=[member.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def dues_handup_create(request):
    user = request.user
    require(_writes(user), "您无权登记党费上缴。")
    form = HandUpForm(post_data(request), user=user, initial={"handed_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            dues_services.hand_up_record(by=user, **form.cleaned_data)
        except ValidationError as e:
            _form_errors(form, e)
        except PermissionDenied as e:
            form.add_error("organization", str(e))
        else:
            messages.success(request, "已登记党费上缴。")
            return redirect("party:dues_index")
    return _form_page(request, form, "登记党费上缴", "每个党组织每月登记一条上缴记录。", reverse("party:dues_index"))
