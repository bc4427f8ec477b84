from django import forms
from django.urls import reverse_lazy

from shanghui.core.crud import ListFilter, ServiceForm, style_field
from shanghui.core.kpis import Period, stats_year
from shanghui.directory.forms import (
    autocomplete_field,
    enterprise_label,
    person_label,
    visible_enterprises,
    visible_persons,
)
from shanghui.imports.forms import clean_like_import
from shanghui.orgs.models import Chamber, Region
from shanghui.orgs.scope import streets_in_scope, writable_regions

from .importing import ActivityKind
from .kpis import in_period
from .models import Activity, ActivitySeries, Kind, Status, Theme


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def visible_series(user):
    return ActivitySeries.objects.visible_to(user).select_related("region", "chamber")


def _regions_for_activities(user):
    """Where the user may hold an activity: the district or a street he may write."""
    return writable_regions(user).exclude(level=Region.Level.CITY)


class ActivityForm(ServiceForm):
    model = Activity
    field_names = ("title", "kind", "themes", "series", "session", "region", "organisers", "start", "end", "place",
                   "capacity", "partner", "signin_minutes", "status", "description")
    widgets = {"start": DateTimeLocal, "end": DateTimeLocal, "description": forms.Textarea(attrs={"rows": 3})}

    themes = forms.MultipleChoiceField(label="主题（四信）", choices=Theme.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None:
            kwargs["initial"] = {"themes": instance.theme_list,
                                 "organisers": list(instance.organisers.values_list("pk", flat=True)),
                                 **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)

    def setup(self):
        self.fields["region"].queryset = _regions_for_activities(self.user)
        self.fields["series"].queryset = visible_series(self.user)
        chambers = Chamber.objects.visible_to(self.user).filter(is_active=True)
        self.fields["organisers"].queryset = chambers
        self.fields["organisers"].required = False
        if self.instance is None and not self.is_bound and self.user.region_id and "organisers" not in self.initial:
            # A street worker's activities are her street chamber's; no organiser means 区工商联.
            own = chambers.filter(kind=Chamber.Kind.STREET, region=self.user.region_id)
            self.initial["organisers"] = list(own.values_list("pk", flat=True))

    def clean(self):
        data = super().clean()
        clean_like_import(self, ActivityKind)  # so the next import of the register finds nothing changed
        return data


class SeriesForm(ServiceForm):
    model = ActivitySeries
    field_names = ("name", "kind", "chamber", "region", "first_year", "description")
    widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def setup(self):
        self.fields["region"].queryset = _regions_for_activities(self.user)
        self.fields["chamber"].queryset = Chamber.objects.visible_to(self.user).filter(
            region__in=writable_regions(self.user))


class ActivityFilter(ListFilter):
    lookups = {"kind": "kind", "series": "series", "status": "status"}

    kind = forms.ChoiceField(label="类型", choices=[("", "全部类型"), *Kind.choices])
    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100)
    series = forms.ModelChoiceField(label="系列", queryset=ActivitySeries.objects.none(), empty_label="全部系列")
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *Status.choices])

    def setup(self):
        self.fields["series"].queryset = visible_series(self.user)

    def filter_year(self, queryset, year):
        return queryset.filter(in_period(Period.year(year)))


class SeriesFilter(ListFilter):
    lookups = {"kind": "kind"}
    kind = forms.ChoiceField(label="类型", choices=[("", "全部类型"), *ActivitySeries.SeriesKind.choices])


class AttendanceForm(forms.Form):
    person = forms.ModelChoiceField(label="人员", queryset=None)
    enterprise = forms.ModelChoiceField(label="代表企业", queryset=None, required=False,
                                        help_text="不填则为其当前所在企业。")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        autocomplete_field(self, "person", visible_persons(user), reverse_lazy("directory:person_autocomplete"),
                      person_label)
        autocomplete_field(self, "enterprise", visible_enterprises(user),
                      reverse_lazy("directory:enterprise_autocomplete"), enterprise_label)
        for field in self.fields.values():
            style_field(field)


class ConfirmForm(forms.Form):
    """Confirm a pending sign-in as an existing person, or as a new one (street and/or enterprise)."""

    person = forms.ModelChoiceField(label="已登记的人员", queryset=None, required=False,
                                    help_text="在系统中找到此人时选择；找不到则留空，在下面填写新人员的街道或企业。")
    enterprise = forms.ModelChoiceField(label="所在企业（新人员）", queryset=None, required=False)
    region = forms.ModelChoiceField(label="所属街道（新人员）", queryset=Region.objects.none(), required=False)

    def __init__(self, *args, user, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        autocomplete_field(self, "person", visible_persons(user), reverse_lazy("directory:person_autocomplete"),
                      person_label, first=candidates)
        autocomplete_field(self, "enterprise", visible_enterprises(user),
                      reverse_lazy("directory:enterprise_autocomplete"), enterprise_label)
        self.fields["region"].queryset = writable_regions(user).filter(level=Region.Level.STREET)
        for field in self.fields.values():
            style_field(field)

    def clean(self):
        data = super().clean()
        if not data.get("person") and not data.get("region") and not data.get("enterprise"):
            raise forms.ValidationError("请选择已登记的人员，或为新人员选择所属街道或所在企业。")
        return data


class SignInForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    mobile = forms.CharField(label="手机号码", max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}))
    enterprise_name = forms.CharField(label="所在单位", max_length=200, required=False,
                                      help_text="首次签到的请填写，便于工作人员核对。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_field(field)
            field.widget.attrs["class"] += " form-control-lg"


class KpiForm(forms.Form):
    """年度 and street of the activity KPIs; bad values fall back to the user's 统计年度 and the whole scope."""

    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100, required=False)
    street = forms.ModelChoiceField(label="街道", queryset=Region.objects.none(), required=False,
                                    empty_label="全部街道")

    def __init__(self, data, *, user):
        super().__init__(data)
        self.user = user
        self.fields["street"].queryset = streets_in_scope(user)
        if data is None:  # show the year the page falls back to, not an empty box
            self.initial["year"] = stats_year(user)
        for field in self.fields.values():
            style_field(field)

    def values(self):
        """(year, scope, street or None)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        street = data.get("street")
        scope = street if street is not None else self.user
        return data.get("year") or stats_year(self.user), scope, street

    def query(self, with_street: bool = True) -> str:
        year, _, street = self.values()
        return f"year={year}" + (f"&street={street.pk}" if street and with_street else "")
