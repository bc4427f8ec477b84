from django import forms
from django.db.models import Q
from django.urls import reverse_lazy

from shanghui.core.crud import AutocompleteSelect, ListFilter, ServiceForm, limit_widget_choices, today
from shanghui.core.validators import normalize_uscc
from shanghui.imports.forms import clean_like_import
from shanghui.orgs.models import Chamber, Region
from shanghui.orgs.scope import streets_in_scope, writable_regions

from .choices import Industry, MemberRole, PoliticalStatus, Size, Status
from .importing.enterprises import EnterpriseKind
from .importing.persons import PersonKind
from .models import Enterprise, Membership, Person
from .services import ENTERPRISE_SELF_EDITABLE


def enterprise_label(e: Enterprise) -> str:
    return f"{e.name}（{e.uscc}）"


def person_label(p: Person) -> str:
    return f"{p.name}（{p.enterprise.name if p.enterprise_id else p.region.name}）"


def visible_enterprises(user):
    return Enterprise.objects.visible_to(user).select_related("region")


def visible_persons(user):
    return Person.objects.visible_to(user).select_related("region", "enterprise")


def writable_streets(user):
    return writable_regions(user).filter(level=Region.Level.STREET)


def writable_chambers(user):
    return Chamber.objects.visible_to(user).filter(region__in=writable_regions(user))


def autocomplete_field(form, name: str, queryset, url, label, first=None) -> None:
    """Make `name` an htmx search-and-pick field over `queryset` (what the user may see)."""
    field = form.fields[name]
    field.queryset = queryset
    field.label_from_instance = label
    field.widget = AutocompleteSelect(url=url)
    selected = form.data.get(name) if form.is_bound else form.initial.get(name)
    limit_widget_choices(field, first if first is not None else queryset, selected=selected or None)


# --- enterprises -------------------------------------------------------------


class EnterpriseForm(ServiceForm):
    model = Enterprise
    field_names = ("uscc", "name", "region", "industry", "size", "employees", "founded", "status", "status_changed",
                   "address", "principal")
    # Wider than 18: full-width characters and blanks pasted from documents are folded away in clean_uscc.
    uscc = forms.CharField(label="统一社会信用代码", max_length=40)

    def setup(self):
        self.fields["region"].queryset = writable_streets(self.user)
        people = Person.objects.none()
        if self.instance is not None:  # the enterprise's own people first
            people = visible_persons(self.user).filter(enterprise=self.instance)
        autocomplete_field(self, "principal", visible_persons(self.user), reverse_lazy("directory:person_autocomplete"),
                      person_label, first=people if self.instance is not None else None)

    def clean_uscc(self):
        return normalize_uscc(self.cleaned_data["uscc"])

    def clean(self):
        data = super().clean()
        clean_like_import(self, EnterpriseKind)  # so the next import of the register finds nothing changed
        return data


class EnterpriseSelfForm(ServiceForm):
    """What an enterprise's own user may correct (the register keeps the rest)."""

    model = Enterprise
    field_names = tuple(f for f in ("industry", "size", "employees", "address") if f in ENTERPRISE_SELF_EDITABLE)

    def clean(self):
        data = super().clean()
        clean_like_import(self, EnterpriseKind)
        return data


class EnterpriseFilter(ListFilter):
    lookups = {"region": "region", "industry": "industry", "size": "size", "status": "status"}

    region = forms.ModelChoiceField(label="街道", queryset=Region.objects.none(), empty_label="全部街道")
    industry = forms.ChoiceField(label="行业", choices=[("", "全部行业"), *Industry.choices])
    size = forms.ChoiceField(label="规模", choices=[("", "全部规模"), *Size.choices])
    status = forms.ChoiceField(label="状态", choices=[("", "全部状态"), *Status.choices])

    def setup(self):
        self.fields["region"].queryset = streets_in_scope(self.user)


# --- persons -----------------------------------------------------------------


class PersonForm(ServiceForm):
    model = Person
    field_names = ("name", "region", "enterprise", "position", "political_status", "id_number", "mobile",
                   "gender")
    blank_on_edit = ("id_number", "mobile")
    id_number = forms.CharField(label="身份证号码", max_length=30, required=False)
    mobile = forms.CharField(label="手机号码", max_length=30, required=False)

    def setup(self):
        self.fields["region"].queryset = writable_streets(self.user)
        self.fields["gender"].help_text = "填写身份证号码后按号码自动确定。"
        autocomplete_field(self, "enterprise", visible_enterprises(self.user),
                      reverse_lazy("directory:enterprise_autocomplete"), enterprise_label)
        if self.instance is not None:
            # Personal data is never put back into the page: the edit form shows the masked value
            # and an empty box; leaving it empty keeps what is stored.
            for name, masked in (("id_number", self.instance.id_number_masked),
                                 ("mobile", self.instance.mobile_masked)):
                self.fields[name].widget.attrs["placeholder"] = masked or "未登记"
                self.fields[name].help_text = "留空则保持不变。" if masked else ""

    def clean(self):
        """For an update: an empty box means 'unchanged' (None), not 'erase'.

        A new ID number decides gender, so the form's (old) value must not override it.
        """
        data = super().clean()
        clean_like_import(self, PersonKind)
        if self.instance is not None:
            for name in ("id_number", "mobile"):
                if name in data:
                    data[name] = data[name] or None
        if data.get("id_number"):
            data.pop("gender", None)
        return data


class PersonFilter(ListFilter):
    lookups = {"region": "region", "political_status": "political_status", "enterprise": "enterprise"}
    staff_fields = ("region",)

    region = forms.ModelChoiceField(label="街道", queryset=Region.objects.none(), empty_label="全部街道")
    political_status = forms.ChoiceField(label="政治面貌", choices=[("", "全部政治面貌"), *PoliticalStatus.choices])
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none(), widget=forms.HiddenInput)

    def setup(self):
        self.fields["region"].queryset = streets_in_scope(self.user)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(self.user)


# --- memberships -------------------------------------------------------------


class MembershipForm(ServiceForm):
    model = Membership
    field_names = ("chamber", "enterprise", "person", "role", "joined", "left")

    def setup(self):
        self.fields["chamber"].queryset = writable_chambers(self.user).select_related("region")
        autocomplete_field(self, "enterprise", visible_enterprises(self.user),
                      reverse_lazy("directory:enterprise_autocomplete"), enterprise_label)
        autocomplete_field(self, "person", visible_persons(self.user),
                      reverse_lazy("directory:person_autocomplete"), person_label)
        self.fields["enterprise"].help_text = "企业会员制商会选择企业。"
        self.fields["person"].help_text = "个人会员制协会（如青创会）选择个人。"

    def clean(self):
        data = super().clean()
        if bool(data.get("enterprise")) == bool(data.get("person")) and not self.has_error("enterprise") \
                and not self.has_error("person"):
            raise forms.ValidationError("会员应为一家企业或一名个人，二者选其一。")
        return data


class MembershipFilter(ListFilter):
    lookups = {"chamber": "chamber", "role": "role", "enterprise": "enterprise", "person": "person"}
    staff_fields = ("chamber",)  # the chambers are no rows of his: the choice would be empty

    chamber = forms.ModelChoiceField(label="商会", queryset=Chamber.objects.none(), empty_label="全部商会")
    role = forms.ChoiceField(label="会内职务", choices=[("", "全部职务"), *MemberRole.choices])
    active = forms.TypedChoiceField(label="状态", choices=[("", "全部"), ("1", "在会"), ("0", "已退会")],
                                    coerce=lambda v: v == "1", empty_value=None)
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none(), widget=forms.HiddenInput)
    person = forms.ModelChoiceField(label="个人", queryset=Person.objects.none(), widget=forms.HiddenInput)

    def setup(self):
        self.fields["chamber"].queryset = Chamber.objects.visible_to(self.user)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(self.user)
        self.fields["person"].queryset = Person.objects.visible_to(self.user)

    def search(self, queryset, q: str):
        # A member is found by its name, pinyin initials or (enterprises) USCC prefix; or by the chamber's name.
        q = q.strip()
        return queryset.filter(
            Q(enterprise__name__icontains=q) | Q(enterprise__name_initials__contains=q.lower())
            | Q(enterprise__uscc__startswith=q.upper()) | Q(person__name__icontains=q)
            | Q(person__name_initials__contains=q.lower()) | Q(chamber__name__icontains=q)
        )

    def filter_active(self, queryset, active: bool):
        current = queryset.active_on(today()).values("pk")
        return queryset.filter(pk__in=current) if active else queryset.exclude(pk__in=current)
