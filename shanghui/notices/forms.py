from django import forms

from shanghui.core.crud import ListFilter, ServiceForm
from shanghui.directory.models import Enterprise
from shanghui.orgs.models import Chamber, Region
from shanghui.orgs.scope import writable_regions

from .models import Audience, Notice


class NoticeForm(ServiceForm):
    model = Notice
    field_names = ("title", "body", "region", "issuer_chamber", "audience", "street", "chamber", "enterprises",
                   "attachment")
    widgets = {"body": forms.Textarea(attrs={"rows": 8}), "enterprises": forms.SelectMultiple(attrs={"size": 8})}

    blank_on_edit = ("attachment",)
    attachment = forms.FileField(label="附件", required=False,
                                 help_text="可选。PDF、Word（.docx）、PNG 或 JPEG，不超过 20 MB。")

    def setup(self):
        # Only what the user may publish to: the regions he writes and what lies inside them.
        regions = writable_regions(self.user)
        self.fields["region"].queryset = regions.exclude(level=Region.Level.CITY)
        self.fields["street"].queryset = regions.filter(level=Region.Level.STREET)
        chambers = Chamber.objects.visible_to(self.user).filter(region__in=regions, is_active=True)
        self.fields["chamber"].queryset = chambers
        self.fields["issuer_chamber"].queryset = chambers
        self.fields["enterprises"].queryset = Enterprise.objects.visible_to(self.user).filter(region__in=regions)
        self.fields["audience"].help_text = "按发送范围在下方选择街道、商会或企业，其余留空。"
        if self.instance is not None and self.instance.attachment_name:
            self.fields["attachment"].help_text = f"现为“{self.instance.attachment_name}”；不选则不更换。"

    def clean(self):
        data = super().clean()
        if not data.get("attachment"):
            data.pop("attachment", None)
        return data


class NoticeFilter(ListFilter):
    lookups = {"audience": "audience", "year": "published__year"}
    staff_fields = ("audience",)  # whom a notice went to is the sender's business

    audience = forms.ChoiceField(label="发送范围", choices=[("", "全部范围"), *Audience.choices])
    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100)
