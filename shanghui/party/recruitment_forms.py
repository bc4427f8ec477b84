"""Forms of the recruitment pages (发展党员): the candidate register, a dossier step, the list filter."""

from django import forms
from django.urls import reverse_lazy

from shanghui.core.crud import DateInput, ListFilter, ServiceForm
from shanghui.directory.forms import autocomplete_field, person_label, visible_persons

from . import recruitment as rules
from .forms import visible_organizations, writable_organizations
from .models import PartyOrganization, RecruitmentCandidate, RecruitmentStep

UPLOAD_HELP = "PDF、Word 或图片，不超过 10 MB。"


class CandidateForm(ServiceForm):
    model = RecruitmentCandidate
    field_names = ("person", "organization", "birth_date", "applied", "note")
    document = forms.FileField(label="入党申请书扫描件", required=False, help_text=UPLOAD_HELP)

    def setup(self):
        self.fields["organization"].queryset = writable_organizations(self.user)
        autocomplete_field(self, "person", visible_persons(self.user), reverse_lazy("directory:person_autocomplete"),
                           person_label)
        self.fields["birth_date"].required = False
        self.fields["birth_date"].help_text = "已登记身份证号码的，可不填，按身份证号码计算。"
        self.order_fields([*self.field_names, "document"])


class CandidateEditForm(ServiceForm):
    model = RecruitmentCandidate
    field_names = ("note", "stopped")

    def setup(self):
        self.fields["stopped"].help_text = "本人撤回申请或经研究不再列为培养对象的，填写终止日期；记录保留。"


class CandidateFilter(ListFilter):
    lookups = {"organization": "organization"}
    staff_fields = ("organization",)

    organization = forms.ModelChoiceField(label="党组织", queryset=PartyOrganization.objects.none(),
                                          empty_label="全部党组织")
    stage = forms.ChoiceField(label="阶段", choices=[("", "全部阶段"), *rules.STAGES, ("stopped", "已终止")])
    year = forms.IntegerField(label="申请年度", min_value=1949, max_value=2100)

    def setup(self):
        self.fields["organization"].queryset = visible_organizations(self.user)

    def filter_stage(self, queryset, stage: str):
        if stage == "stopped":
            return queryset.filter(stopped__isnull=False)
        keys = [k for k, _ in rules.STAGES]
        queryset = queryset.filter(stopped__isnull=True, **{f"{rules.STAGE_FIELDS[stage]}__isnull": False})
        i = keys.index(stage)
        if i + 1 < len(keys):
            queryset = queryset.filter(**{f"{rules.STAGE_FIELDS[keys[i + 1]]}__isnull": True})
        return queryset

    def filter_year(self, queryset, year: int):
        return queryset.filter(applied__year=year)


class StepForm(forms.ModelForm):
    class Meta:
        model = RecruitmentStep
        fields = ("kind", "date", "end", "hours", "people", "overdue_reason", "note", "document")
        widgets = {"date": DateInput, "end": DateInput}
        help_texts = {"document": UPLOAD_HELP, "overdue_reason": "超过规定期限办理的，须说明原因。"}

    def __init__(self, *args, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        from shanghui.core.crud import style_field

        self.fields["kind"].choices = [(s.key, f"{s.label}（{s.article}）") for s in rules.STEPS
                                       if s.key != "application"]
        for field in self.fields.values():
            style_field(field)

    def _post_clean(self):
        # The model is saved by the service (which validates it); here only the form's own fields.
        pass


class DocumentForm(forms.Form):
    document = forms.FileField(label="附件", help_text=UPLOAD_HELP)
