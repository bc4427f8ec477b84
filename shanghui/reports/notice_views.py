"""The 公示 notice of a commendation campaign: a small form (start date, working days, contact) and its downloads.

GET without `format`: the form. GET with `format=docx` or `format=pdf` (and the form's fields): the file,
audited like every export. Only the hosting federation (honors.services.can_run_campaign) may issue it;
a campaign the user cannot see is a 404, one he sees but does not host a 403.
"""

import datetime as dt
import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from shanghui.audit import record
from shanghui.core.crud import today
from shanghui.core.exporting import content_disposition
from shanghui.honors.models import Campaign
from shanghui.honors.services import can_run_campaign

from . import notice
from .annual_views import DOCX

PDF = "application/pdf"


class NoticeForm(forms.Form):
    start = forms.DateField(label="公示开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label="公示期（工作日）", min_value=1, max_value=notice.MAX_DAYS,
                              initial=notice.DEFAULT_DAYS, help_text="通常不少于5个工作日；按本区工作日历计算，含开始当天。")
    contact = forms.CharField(label="异议受理联系人及电话", required=False, max_length=100,
                              help_text="不填则写“（落款单位）办公室”。")

    def clean_start(self):
        start = self.cleaned_data["start"]
        if not dt.date(1949, 1, 1) <= start <= dt.date(2100, 12, 31):
            raise forms.ValidationError("请填写有效的公示开始日期。")
        return start


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message.encode(), status=status, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def campaign_notice(request, pk):
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user).select_related("region"), pk=pk)
    if not can_run_campaign(request.user, campaign):
        raise PermissionDenied("只有主办的区工商联可以出具公示。")
    fmt = request.GET.get("format", "")
    initial = {"start": campaign.notice_start or today(), "days": notice.DEFAULT_DAYS}
    form = NoticeForm(request.GET if fmt else None, initial=initial)
    has_pdf = notice.soffice() is not None
    if fmt:
        if fmt not in ("docx", "pdf"):
            return _text("格式只能是 docx 或 pdf。", 400)
        if not form.is_valid():
            errors = "；".join(e for errs in form.errors.values() for e in errs)
            return _text(f"公示参数有误：{errors}", 400)
        data = notice.gather(campaign, **form.cleaned_data)
        if not data["count"]:
            return _text("该评选表彰尚无审核通过的推荐对象，不能生成公示。", 400)
        if fmt == "pdf":
            try:
                content, content_type = notice.to_pdf(data), PDF
            except notice.ConversionError as e:
                return _text(str(e), 503)
        else:
            buf = io.BytesIO()
            notice.render_docx(data, buf)
            content, content_type = buf.getvalue(), DOCX
        record(by=request.user, action="export", object_type="reports.campaign_notice",
               extra={"format": fmt, "campaign": campaign.pk, "title": data["title"], "start": str(data["start"]),
                      "end": str(data["end"]), "days": data["days"], "rows": data["count"]})
        response = FileResponse(io.BytesIO(content), content_type=content_type)
        response["Content-Disposition"] = content_disposition(notice.filename(data, fmt))
        return response
    start = campaign.notice_start or today()
    preview = {"start": start, "end": notice.period(start, notice.DEFAULT_DAYS)}
    return render(request, "reports/campaign_notice.html", {
        "campaign": campaign, "form": form, "has_pdf": has_pdf, "preview": preview,
        "approved": notice.gather(campaign, start=start, days=notice.DEFAULT_DAYS, contact="")["count"],
    })
