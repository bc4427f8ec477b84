from django import forms
from django.urls import reverse_lazy

from shanghui.core.crud import ListFilter, ServiceForm, today
from shanghui.directory.forms import (
    autocomplete_field,
    enterprise_label,
    person_label,
    visible_enterprises,
    visible_persons,
)
from shanghui.orgs.models import Chamber, Region
from shanghui.orgs.scope import writable_regions

from .models import AidRecord, Contribution, ContributionKind, Project, ProjectKind


def writable_projects(user):
    return Project.objects.visible_to(user).filter(region__in=writable_regions(user)).select_related("region")


class ProjectForm(ServiceForm):
    model = Project
    field_names = ("kind", "title", "region", "partner_area", "start", "end", "organiser", "description")
    widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def setup(self):
        self.fields["region"].queryset = writable_regions(self.user).exclude(level=Region.Level.CITY)
        self.fields["organiser"].queryset = Chamber.objects.visible_to(self.user).filter(is_active=True)


class ContributionForm(ServiceForm):
    model = Contribution
    field_names = ("project", "enterprise", "chamber", "person", "kind", "amount", "date", "note")

    def setup(self):
        self.fields["project"].queryset = writable_projects(self.user)
        self.fields["chamber"].queryset = Chamber.objects.visible_to(self.user)
        autocomplete_field(self, "enterprise", visible_enterprises(self.user),
                      reverse_lazy("directory:enterprise_autocomplete"), enterprise_label)
        autocomplete_field(self, "person", visible_persons(self.user), reverse_lazy("directory:person_autocomplete"),
                      person_label)
        for name in ("enterprise", "chamber", "person"):
            self.fields[name].required = False
        self.fields["enterprise"].help_text = "捐助方填写企业、商会、个人三者之一。"
        self.fields["date"].initial = today


class AidForm(ServiceForm):
    model = AidRecord
    field_names = ("project", "code", "name", "school", "grade", "region", "partner_area", "amount", "date")

    blank_on_edit = ("name",)
    name = forms.CharField(label="学生姓名", max_length=12,
                           help_text="系统只保存姓氏（如“张**”），名字不会保存。")

    def setup(self):
        self.fields["project"].queryset = writable_projects(self.user).filter(
            kind__in=[ProjectKind.CHARITY, ProjectKind.ASSISTANCE])
        self.fields["region"].queryset = writable_regions(self.user).filter(level=Region.Level.STREET)
        self.fields["date"].initial = today
        if self.instance is not None:
            self.fields["name"].required = False
            self.fields["name"].help_text = f"现为“{self.instance.masked_name}”；留空不改。"


class ProjectFilter(ListFilter):
    lookups = {"kind": "kind", "region": "region"}

    kind = forms.ChoiceField(label="类型", choices=[("", "全部类型"), *ProjectKind.choices])
    region = forms.ModelChoiceField(label="区域", queryset=Region.objects.none(), empty_label="全部区域")

    def setup(self):
        self.fields["region"].queryset = Region.objects.visible_to(self.user).exclude(level=Region.Level.CITY)


class ContributionFilter(ListFilter):
    lookups = {"kind": "kind", "project": "project", "year": "date__year"}

    kind = forms.ChoiceField(label="类型", choices=[("", "全部类型"), *ContributionKind.choices])
    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100)
    project = forms.ModelChoiceField(label="项目", queryset=Project.objects.none(), empty_label="全部项目")

    def setup(self):
        self.fields["project"].queryset = Project.objects.visible_to(self.user)


class AidFilter(ListFilter):
    lookups = {"project": "project", "year": "date__year"}

    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100)
    project = forms.ModelChoiceField(label="项目", queryset=Project.objects.none(), empty_label="全部项目")

    def setup(self):
        self.fields["project"].queryset = Project.objects.visible_to(self.user).filter(aid_records__isnull=False) \
            .distinct()


class YearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100, required=False)
