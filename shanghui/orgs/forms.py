from django import forms
from django.db.models import Q

from shanghui.core.crud import ListFilter, ServiceForm, active_choice_field, apply_errors, style_field
from shanghui.orgs.scope import writable_regions

from .models import Chamber, ChamberDepartment, Department, Region, StaffAssignment


class ChamberForm(ServiceForm):
    model = Chamber
    field_names = ("name", "kind", "region", "founded", "individual_members", "has_office",
                   "has_service_functions", "has_staff", "has_funding", "address", "phone", "is_active")

    def setup(self):
        # A chamber sits in the district (industry chambers, associations) or in one street; not in a
        # street ended by 区划调整, unless it is there already.
        kept = Q(pk=self.instance.region_id) if self.instance is not None else Q(pk__in=[])
        self.fields["region"].queryset = writable_regions(self.user).exclude(level=Region.Level.CITY).filter(
            Q(valid_to__isnull=True) | kept)


class ChamberFilter(ListFilter):
    lookups = {"region": "region", "kind": "kind", "active": "is_active"}

    region = forms.ModelChoiceField(label="所在区域", queryset=Region.objects.none(), empty_label="全部区域")
    kind = forms.ChoiceField(label="类型", choices=[("", "全部类型"), *Chamber.Kind.choices])
    active = active_choice_field()

    def setup(self):
        self.fields["region"].queryset = Region.objects.visible_to(self.user).exclude(level=Region.Level.CITY)
        if not self.user.is_superuser:
            self.fields["region"].queryset = self.fields["region"].queryset.filter(
                path__startswith=self.user.region_path or "-")


# --- the organisation tree (federation admin) ----------------------------------------------------


def _search_name(queryset, q: str, field: str = "name"):
    q = (q or "").strip()
    return queryset.filter(**{f"{field}__icontains": q}) if q else queryset


class DepartmentForm(ServiceForm):
    model = Department
    field_names = ("code", "name")


class DepartmentFilter(ListFilter):
    def search(self, queryset, q):
        return queryset.filter(Q(name__icontains=q) | Q(code__icontains=q))


def _chambers(user):
    return Chamber.objects.visible_to(user).filter(is_active=True).order_by("region__code", "kind", "name")


def ended_choice_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=[("", "全部"), ("1", "在任/在岗"), ("0", "已结束")],
                                  coerce=lambda v: v == "1", empty_value=None)


class StationingForm(ServiceForm):
    model = ChamberDepartment
    field_names = ("chamber", "department", "since", "until")

    def setup(self):
        self.fields["chamber"].queryset = _chambers(self.user)
        self.fields["department"].queryset = Department.objects.visible_to(self.user)


class StationingFilter(ListFilter):
    lookups = {"chamber": "chamber", "department": "department"}

    chamber = forms.ModelChoiceField(label="商会", queryset=Chamber.objects.none(), empty_label="全部商会")
    department = forms.ModelChoiceField(label="职能部门", queryset=Department.objects.none(), empty_label="全部部门")
    current = ended_choice_field("状态")

    def setup(self):
        self.fields["chamber"].queryset = Chamber.objects.visible_to(self.user)
        self.fields["department"].queryset = Department.objects.visible_to(self.user)

    def search(self, queryset, q):
        return queryset.filter(Q(chamber__name__icontains=q) | Q(department__name__icontains=q))

    def filter_current(self, queryset, value):
        return queryset.filter(until__isnull=value)


class StaffForm(ServiceForm):
    model = StaffAssignment
    field_names = ("chamber", "kind", "name", "user", "start", "end")

    def setup(self):
        from shanghui.accounts.models import User

        self.fields["chamber"].queryset = _chambers(self.user)
        self.fields["user"].queryset = User.objects.visible_to(self.user).order_by("username")
        self.fields["user"].help_text = "可选：该人员在本系统中的账号。"
        self.fields["end"].help_text = "离任时填写；人员配备不删除，以便查询历年任职情况。"


class StaffFilter(ListFilter):
    lookups = {"chamber": "chamber", "kind": "kind"}

    chamber = forms.ModelChoiceField(label="商会", queryset=Chamber.objects.none(), empty_label="全部商会")
    kind = forms.ChoiceField(label="岗位", choices=[("", "全部岗位"), *StaffAssignment.Kind.choices])
    current = ended_choice_field("状态")

    def setup(self):
        self.fields["chamber"].queryset = Chamber.objects.visible_to(self.user)

    def search(self, queryset, q):
        return queryset.filter(Q(name__icontains=q) | Q(chamber__name__icontains=q))

    def filter_current(self, queryset, value):
        return queryset.filter(end__isnull=value)


class RegionForm(ServiceForm):
    """New street: its district, 9-digit code and name. Edit: the name only (the rest changes by 区划调整)."""

    model = Region
    field_names = ("parent", "code", "name")

    def setup(self):
        if self.instance is not None:
            del self.fields["parent"], self.fields["code"]
            return
        self.fields["parent"].queryset = writable_regions(self.user).filter(level=Region.Level.DISTRICT)
        self.fields["parent"].required = True
        self.fields["parent"].label = "所属区"
        self.fields["code"].help_text = "9位数字，以所属区的6位代码开头。"


class RegionFilter(ListFilter):
    current = forms.TypedChoiceField(label="状态", choices=[("", "全部"), ("1", "现有"), ("0", "已调整撤销")],
                                     coerce=lambda v: v == "1", empty_value=None)

    def filter_current(self, queryset, value):
        return queryset.filter(valid_to__isnull=value)


def _current_streets(user):
    return (writable_regions(user).streets().current().order_by("code"))


class RegionMergeForm(forms.Form):
    streets = forms.ModelMultipleChoiceField(label="合并的街道", queryset=Region.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    year = forms.IntegerField(label="生效年度", help_text="自该年起按新街道统计；此前年度的数据仍按原街道统计。")
    code = forms.CharField(label="新街道区划代码", max_length=9)
    name = forms.CharField(label="新街道名称", max_length=50)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["streets"].queryset = _current_streets(user)
        for field in self.fields.values():
            style_field(field)


class RegionSplitForm(forms.Form):
    street = forms.ModelChoiceField(label="拆分的街道", queryset=Region.objects.none())
    year = forms.IntegerField(label="生效年度", help_text="自该年起按新街道统计；此前年度的数据仍按原街道统计。")
    code_1 = forms.CharField(label="新街道一 区划代码", max_length=9)
    name_1 = forms.CharField(label="新街道一 名称", max_length=50)
    code_2 = forms.CharField(label="新街道二 区划代码", max_length=9)
    name_2 = forms.CharField(label="新街道二 名称", max_length=50)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = _current_streets(user)
        for field in self.fields.values():
            style_field(field)

    def apply_errors(self, error):
        apply_errors(self, error)


RegionMergeForm.apply_errors = RegionSplitForm.apply_errors
