import datetime as dt

from django import forms
from django.urls import reverse_lazy

from shanghui.core.crud import DateInput, ListFilter, ServiceForm, style_field, today
from shanghui.core.kpis import Period, stats_period, stats_year
from shanghui.directory.forms import (
    autocomplete_field,
    enterprise_label,
    person_label,
    visible_enterprises,
    visible_persons,
)
from shanghui.imports.forms import clean_like_import
from shanghui.orgs.models import Chamber, Region, StaffAssignment
from shanghui.orgs.scope import streets_in_scope, writable_regions

from .importing import PartyOrganizationKind
from .models import (
    Form,
    InstructorAssignment,
    InstructorVisit,
    Level,
    OrgLifeKind,
    OrgLifeRecord,
    PartyCoverage,
    PartyMember,
    PartyOrganization,
)


def visible_organizations(user):
    return PartyOrganization.objects.visible_to(user).select_related("host_chamber__region", "enterprise__region",
                                                                     "parent")


def writable_organizations(user):
    """Organisations whose region the user may write (joint: the host chamber's, own: the enterprise's)."""
    regions = writable_regions(user)
    from django.db.models import Q

    return visible_organizations(user).filter(Q(host_chamber__region__in=regions) | Q(enterprise__region__in=regions))


def visible_instructors(user):
    return (StaffAssignment.objects.visible_to(user).filter(kind=StaffAssignment.Kind.INSTRUCTOR)
            .select_related("chamber"))


def instructor_label(s: StaffAssignment) -> str:
    return f"{s.name}（{s.chamber.name}）"


def _enterprise_picker(form, name: str = "enterprise") -> None:
    autocomplete_field(form, name, visible_enterprises(form.user), reverse_lazy("directory:enterprise_autocomplete"),
                  enterprise_label)


# --- organisations -------------------------------------------------------------


class OrganizationForm(ServiceForm):
    model = PartyOrganization
    field_names = ("name", "level", "form", "parent", "host_chamber", "enterprise", "secretary", "founded",
                   "term_years", "term_end", "dissolved")

    def setup(self):
        self.fields["parent"].queryset = visible_organizations(self.user)
        self.fields["host_chamber"].queryset = Chamber.objects.visible_to(self.user).filter(
            region__in=writable_regions(self.user)).select_related("region")
        _enterprise_picker(self)
        self.fields["term_end"].help_text = "留空则按成立日期和每届任期计算。"
        if self.instance is not None:
            self.fields["term_end"].help_text = "换届后请更新为新一届的届满日期。"

    def clean(self):
        data = super().clean()
        clean_like_import(self, PartyOrganizationKind)  # so the next import of the register finds nothing changed
        return data


class OrganizationFilter(ListFilter):
    lookups = {"level": "level", "form": "form"}

    level = forms.ChoiceField(label="层级", choices=[("", "全部层级"), *Level.choices])
    form = forms.ChoiceField(label="组建方式", choices=[("", "全部方式"), *Form.choices])
    region = forms.ModelChoiceField(label="街道", queryset=Region.objects.none(), empty_label="全部街道")
    term = forms.ChoiceField(label="换届", choices=[("", "全部"), ("due", "90天内届满或已到期")])

    def setup(self):
        self.fields["region"].queryset = streets_in_scope(self.user)

    def filter_region(self, queryset, region):
        from django.db.models import Q

        return queryset.filter(Q(host_chamber__region__path__startswith=region.path)
                               | Q(enterprise__region__path__startswith=region.path))

    def filter_term(self, queryset, value):
        return queryset.term_due(today()) if value == "due" else queryset


# --- coverage ------------------------------------------------------------------


class CoverageForm(ServiceForm):
    model = PartyCoverage
    field_names = ("organization", "enterprise", "start", "end")

    def setup(self):
        self.fields["organization"].queryset = writable_organizations(self.user)
        _enterprise_picker(self)


class CoverageMoveForm(forms.Form):
    """Hand an enterprise over to another organisation (e.g. its newly formed own branch)."""

    organization = forms.ModelChoiceField(label="转由党组织覆盖", queryset=PartyOrganization.objects.none())
    on = forms.DateField(label="转移日期", widget=DateInput, help_text="新组织自该日起覆盖，原覆盖截至前一日。")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = writable_organizations(user)
        for field in self.fields.values():
            style_field(field)


class CoverageFilter(ListFilter):
    lookups = {"organization": "organization", "enterprise": "enterprise"}

    organization = forms.ModelChoiceField(label="党组织", queryset=PartyOrganization.objects.none(),
                                          empty_label="全部党组织")
    current = forms.TypedChoiceField(label="状态", choices=[("", "全部"), ("1", "当前覆盖"), ("0", "已结束")],
                                     coerce=lambda v: v == "1", empty_value=None)
    enterprise = forms.IntegerField(label="企业", widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)

    def setup(self):
        self.fields["organization"].queryset = visible_organizations(self.user)

    def search(self, queryset, q):
        return queryset.filter(enterprise__name__icontains=q.strip())

    def filter_current(self, queryset, current: bool):
        live = queryset.active_on(today()).values("pk")
        return queryset.filter(pk__in=live) if current else queryset.exclude(pk__in=live)


# --- members -------------------------------------------------------------------


class MemberForm(ServiceForm):
    model = PartyMember
    field_names = ("person", "organization", "category", "joined_party", "joined_org", "left", "flowing")

    def setup(self):
        self.fields["organization"].queryset = writable_organizations(self.user)
        autocomplete_field(self, "person", visible_persons(self.user), reverse_lazy("directory:person_autocomplete"),
                      person_label)
        self.fields["left"].help_text = "转到本区其他党组织请用“转接”，保留转接记录。"


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(label="转入党组织", queryset=PartyOrganization.objects.none())
    on = forms.DateField(label="转接日期", widget=DateInput, help_text="自该日起属于转入组织，原组织关系截至前一日。")
    flowing = forms.BooleanField(label="流动党员", required=False)

    def __init__(self, *args, user, member, **kwargs):
        super().__init__(*args, initial={"flowing": member.flowing, "on": today()}, **kwargs)
        self.fields["to"].queryset = writable_organizations(user).exclude(pk=member.organization_id)
        for field in self.fields.values():
            style_field(field)


class MemberFilter(ListFilter):
    lookups = {"organization": "organization", "category": "category", "flowing": "flowing"}

    organization = forms.ModelChoiceField(label="党组织", queryset=PartyOrganization.objects.none(),
                                          empty_label="全部党组织")
    category = forms.ChoiceField(label="类别", choices=[("", "全部类别"), *PartyMember.Category.choices])
    flowing = forms.TypedChoiceField(label="流动党员", choices=[("", "全部"), ("1", "是"), ("0", "否")],
                                     coerce=lambda v: v == "1", empty_value=None)
    current = forms.TypedChoiceField(label="状态", choices=[("", "全部"), ("1", "在册"), ("0", "已转出")],
                                     coerce=lambda v: v == "1", empty_value=None)

    def setup(self):
        self.fields["organization"].queryset = visible_organizations(self.user)

    def filter_current(self, queryset, current: bool):
        return queryset.filter(left__isnull=current)


# --- instructors ---------------------------------------------------------------


class AssignmentForm(ServiceForm):
    model = InstructorAssignment
    field_names = ("instructor", "enterprise", "start", "end")

    def setup(self):
        self.fields["instructor"].queryset = visible_instructors(self.user).filter(
            chamber__region__in=writable_regions(self.user))
        self.fields["instructor"].label_from_instance = instructor_label
        _enterprise_picker(self)


class AssignmentFilter(ListFilter):
    lookups = {"instructor": "instructor"}

    instructor = forms.ModelChoiceField(label="指导员", queryset=StaffAssignment.objects.none(), empty_label="全部指导员")
    current = forms.TypedChoiceField(label="状态", choices=[("", "全部"), ("1", "当前"), ("0", "已结束")],
                                     coerce=lambda v: v == "1", empty_value=None)

    def setup(self):
        self.fields["instructor"].queryset = visible_instructors(self.user)
        self.fields["instructor"].label_from_instance = instructor_label

    def search(self, queryset, q):
        return queryset.filter(enterprise__name__icontains=q.strip())

    def filter_current(self, queryset, current: bool):
        live = queryset.overlapping(today(), today()).values("pk")
        return queryset.filter(pk__in=live) if current else queryset.exclude(pk__in=live)


class VisitForm(ServiceForm):
    model = InstructorVisit
    field_names = ("assignment", "date", "topics", "follow_ups")
    widgets = {"topics": forms.Textarea(attrs={"rows": 4}), "follow_ups": forms.Textarea(attrs={"rows": 3})}

    def setup(self):
        # Street writers pick any assignment of their streets; an instructor only his own.
        from django.db.models import Q

        mine = Q(enterprise__region__in=writable_regions(self.user))
        if self.user.role == "party_instructor":
            mine |= Q(instructor__user=self.user)
        self.fields["assignment"].queryset = (InstructorAssignment.objects.visible_to(self.user).filter(mine)
                                              .select_related("instructor", "enterprise"))


class VisitFilter(ListFilter):
    lookups = {"assignment": "assignment"}
    assignment = forms.IntegerField(label="联系关系", widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)

    def search(self, queryset, q):
        return queryset.filter(assignment__enterprise__name__icontains=q.strip())


# --- organisational life --------------------------------------------------------


class OrgLifeForm(ServiceForm):
    model = OrgLifeRecord
    field_names = ("organization", "kind", "date", "topic", "attendance", "minutes")

    def setup(self):
        self.fields["organization"].queryset = writable_organizations(self.user)
        self.fields["minutes"].help_text = "PDF、Word 或图片，不超过 10 MB。"


class OrgLifeFilter(ListFilter):
    lookups = {"organization": "organization", "kind": "kind", "year": "date__year"}

    organization = forms.ModelChoiceField(label="党组织", queryset=PartyOrganization.objects.none(),
                                          empty_label="全部党组织")
    kind = forms.ChoiceField(label="类型", choices=[("", "全部类型"), *OrgLifeKind.choices])
    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100)

    def setup(self):
        self.fields["organization"].queryset = visible_organizations(self.user)

    def search(self, queryset, q):
        return queryset.filter(topic__icontains=q.strip())


# --- KPI period -----------------------------------------------------------------


class PeriodForm(forms.Form):
    """截至日期 (as of) and, optionally, the start of a period; without a valid 截至日期 the period is the
    user's 统计年度 (core.kpis.stats_period)."""

    start = forms.DateField(label="统计期起（可选）", required=False, widget=DateInput)
    end = forms.DateField(label="截至日期", required=False, widget=DateInput)
    street = forms.ModelChoiceField(label="街道", queryset=Region.objects.none(), required=False,
                                    empty_label="全部街道")

    def __init__(self, data, *, user):
        super().__init__(data)
        self.default = stats_period(user)
        if data is None:  # show the period the page falls back to, not empty boxes
            self.initial.update(start=self.default.start, end=self.default.end)
        self.fields["street"].queryset = streets_in_scope(user)
        for field in self.fields.values():
            style_field(field)

    def values(self):
        """(Period, street or None), whatever was typed."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        end = data.get("end") or self.default.end
        start = data.get("start") or (end if data.get("end") else self.default.start)
        if start > end:
            start = end
        end = min(end, dt.date(2100, 12, 31))
        return Period(start, end), data.get("street")

    def query(self, with_street: bool = True) -> str:
        period, street = self.values()
        q = f"end={period.end:%Y-%m-%d}"
        if period.start != period.end:
            q += f"&start={period.start:%Y-%m-%d}"
        if street and with_street:
            q += f"&street={street.pk}"
        return q


class YearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100, required=False)
    region = forms.ModelChoiceField(label="街道", queryset=Region.objects.none(), required=False,
                                    empty_label="全部街道")

    def __init__(self, data, *, user):
        super().__init__(data)
        self.user = user
        if data is None:
            self.initial["year"] = stats_year(user)
        self.fields["region"].queryset = streets_in_scope(user)
        for field in self.fields.values():
            style_field(field)

    def values(self):
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("year") or stats_year(self.user), data.get("region")
