from django import forms
from django.urls import reverse_lazy

from shanghui.core.crud import DateInput, ListFilter, ServiceForm, style_field
from shanghui.directory.forms import (
    autocomplete_field,
    enterprise_label,
    person_label,
    visible_enterprises,
    visible_persons,
)
from shanghui.orgs.models import Chamber, Region
from shanghui.orgs.scope import writable_regions

from .models import Campaign, CategoryKind, Honor, Level, Nomination, RecipientKind

FILE_HELP = "PDF、Word 或图片（jpg/png），不超过 10 MB。"


def _chambers(user):
    return Chamber.objects.visible_to(user).select_related("region")


def _party_orgs(form):
    # The foreign key's own choices (party organisations), cut down to those the user sees.
    return form.fields["party_organization"].queryset.visible_to(form.user)


class HonorForm(ServiceForm):
    model = Honor
    field_names = ("title", "level", "issuer", "year", "category", "recipient_kind", "federation", "chamber",
                   "party_organization", "enterprise", "person", "evidence", "note")
    widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def setup(self):
        user = self.user
        self.fields["federation"].queryset = writable_regions(user).filter(level=Region.Level.DISTRICT)
        self.fields["federation"].help_text = "获得者为区工商联时选择所在的区。"
        self.fields["chamber"].queryset = _chambers(user)
        self.fields["party_organization"].queryset = _party_orgs(self)
        autocomplete_field(self, "enterprise", visible_enterprises(user), reverse_lazy("directory:enterprise_autocomplete"),
                      enterprise_label)
        autocomplete_field(self, "person", visible_persons(user), reverse_lazy("directory:person_autocomplete"),
                      person_label)
        self.fields["evidence"].help_text = FILE_HELP
        self.fields["recipient_kind"].help_text = "按类型在下方选择一个获得者，其余留空。"


class HonorFilter(ListFilter):
    lookups = {"level": "level", "year": "year", "recipient_kind": "recipient_kind"}

    level = forms.ChoiceField(label="级别", choices=[("", "全部级别"), *Level.choices])
    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100)
    recipient_kind = forms.ChoiceField(label="获得者类型", choices=[("", "全部"), *RecipientKind.choices])
    source = forms.ChoiceField(label="来源", choices=[("", "全部"), ("campaign", "评选表彰"), ("other", "其他")])

    def filter_source(self, queryset, value):
        return queryset.filter(nomination__isnull=(value != "campaign"))


class CampaignForm(forms.Form):
    """A campaign with its categories: one quota field per category kind (0 or empty: not awarded)."""

    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100)
    title = forms.CharField(label="名称", max_length=200)
    description = forms.CharField(label="说明", required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for kind in CategoryKind:
            self.fields[f"quota_{kind.value}"] = forms.IntegerField(label=f"名额：{kind.label}", required=False,
                                                                    min_value=0, max_value=1000)
        for field in self.fields.values():
            style_field(field)

    def categories(self) -> list[tuple[str, int]]:
        return [(kind.value, self.cleaned_data[f"quota_{kind.value}"]) for kind in CategoryKind
                if self.cleaned_data.get(f"quota_{kind.value}")]

    def apply_errors(self, error) -> None:
        """A service's refusal on top: its "categories" are spread over the quota fields, not one field."""
        self.add_error(None, error.messages)


class NoticeForm(forms.Form):
    start = forms.DateField(label="公示开始日期", widget=DateInput)
    end = forms.DateField(label="公示结束日期", widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_field(field)


class NominationForm(ServiceForm):
    model = Nomination
    field_names = ("category", "chamber", "nominee_chamber", "party_organization", "enterprise", "person",
                   "reasons", "attachment")
    widgets = {"reasons": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, campaign: Campaign, **kwargs):
        self.campaign = campaign
        super().__init__(*args, **kwargs)

    def setup(self):
        user = self.user
        self.fields["category"] = forms.ModelChoiceField(label="评选类别", queryset=self.campaign.categories.all())
        self.fields["chamber"].queryset = _chambers(user).filter(region__in=writable_regions(user), is_active=True)
        self.fields["nominee_chamber"].queryset = _chambers(user)
        self.fields["party_organization"].queryset = _party_orgs(self)
        autocomplete_field(self, "enterprise", visible_enterprises(user), reverse_lazy("directory:enterprise_autocomplete"),
                      enterprise_label)
        autocomplete_field(self, "person", visible_persons(user), reverse_lazy("directory:person_autocomplete"),
                      person_label)
        for name in ("nominee_chamber", "party_organization", "enterprise", "person"):
            self.fields[name].required = False
        self.fields["party_organization"].help_text = "先进基层党组织：选择党组织。"
        self.fields["person"].help_text = "优秀共产党员、优秀非公经济人士：选择人员。"
        self.fields["attachment"].help_text = FILE_HELP
        self.order_fields(self.field_names)


class RejectForm(forms.Form):
    reason = forms.CharField(label="未通过原因", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_field(self.fields["reason"])


class ObjectionForm(forms.Form):
    text = forms.CharField(label="异议内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_field(self.fields["text"])


class ResolveForm(forms.Form):
    resolution = forms.CharField(label="处理结果", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    reject_nomination = forms.BooleanField(label="异议成立，撤销该推荐", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_field(field)
