from django import forms
from django.urls import reverse_lazy

from shanghui.accounts.models import User
from shanghui.core.crud import DateInput, ListFilter, ServiceForm, style_field
from shanghui.core.roles import Role
from shanghui.core.scoping import ancestor_paths
from shanghui.directory.forms import autocomplete_field, enterprise_label, visible_enterprises
from shanghui.orgs.models import Department, Holiday, Region
from shanghui.orgs.scope import streets_in_scope

from .models import Category, Channel, ContactPreference, ServiceRequest, State


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class FileForm(forms.Form):
    """Filing: an enterprise user for his enterprise; staff pick the enterprise and the channel."""

    enterprise = forms.ModelChoiceField(label="企业", queryset=None)
    channel = forms.ChoiceField(label="来源渠道", choices=[(Channel.PHONE, "电话"), (Channel.VISIT, "走访/来访")])
    category = forms.ModelChoiceField(label="诉求类别", queryset=Category.objects.filter(active=True),
                                      empty_label="请选择")
    title = forms.CharField(label="标题", max_length=100, help_text="一句话说明遇到的问题。")
    description = forms.CharField(label="具体情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    contact_preference = forms.ChoiceField(label="希望的联系方式", choices=ContactPreference.choices)
    attachments = MultipleFileField(label="附件", required=False,
                                    help_text="可选，可多选；支持 PDF、图片、Word、Excel、文本，每个不超过10MB。")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.role == Role.ENTERPRISE_USER:
            del self.fields["enterprise"], self.fields["channel"]
        else:
            autocomplete_field(self, "enterprise", visible_enterprises(user),
                          reverse_lazy("directory:enterprise_autocomplete"), enterprise_label)
        for field in self.fields.values():
            style_field(field)


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(label="承办部门", queryset=Department.objects.all(), empty_label="请选择")
    handler = forms.ModelChoiceField(label="承办人", queryset=User.objects.none(), required=False,
                                     empty_label="（由部门安排）")
    note = forms.CharField(label="交办说明", required=False, max_length=500)

    def __init__(self, *args, service_request: ServiceRequest, **kwargs):
        kwargs.setdefault("initial", {"department": service_request.department_id
                                      or service_request.category.department_id,
                                      "handler": service_request.handler_id})
        super().__init__(*args, **kwargs)
        # Handlers of the street's department, or of the district's (a district department serves every street).
        self.fields["handler"].queryset = User.objects.filter(
            is_active=True, role=Role.DEPARTMENT_HANDLER,
            region__path__in=ancestor_paths(service_request.enterprise.region.path)).select_related("department")
        self.fields["handler"].label_from_instance = lambda u: f"{u}（{u.department}）"
        for field in self.fields.values():
            style_field(field)


class ActionForm(forms.Form):
    """The small form of one action on the detail page, styled like every other form."""

    def __init__(self, *args, service_request=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "form-check-input"
            else:
                style_field(field)


class NoteForm(ActionForm):
    note = forms.CharField(label="说明", required=False, max_length=500)


class ReasonForm(ActionForm):
    reason = forms.CharField(label="理由", max_length=500)


class ResolveForm(ActionForm):
    resolution = forms.CharField(label="办理结果", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class RateForm(ActionForm):
    satisfaction = forms.TypedChoiceField(label="满意度", coerce=int,
                                          choices=[(5, "5 非常满意"), (4, "4 满意"), (3, "3 一般"), (2, "2 不满意"),
                                                   (1, "1 非常不满意")], widget=forms.RadioSelect)
    comment = forms.CharField(label="评语（可选）", required=False, max_length=500)


ACTION_FORMS = {"accept": NoteForm, "assign": AssignForm, "reject": ReasonForm, "resolve": ResolveForm,
                "close": NoteForm, "reopen": ReasonForm, "rate": RateForm}


class RequestFilter(ListFilter):
    VIEWS = [("", "全部"), ("open", "待办"), ("overdue", "已超期"), ("due_soon", "即将到期")]

    view = forms.ChoiceField(label="范围", choices=VIEWS)
    state = forms.ChoiceField(label="状态", choices=[("", "全部"), *State.choices])
    category = forms.ModelChoiceField(label="类别", queryset=Category.objects.all(), empty_label="全部")
    department = forms.ModelChoiceField(label="承办部门", queryset=Department.objects.all(), empty_label="全部")
    street = forms.ModelChoiceField(label="街道", queryset=Region.objects.none(), empty_label="全部",
                                    to_field_name="code")

    def setup(self):
        streets = streets_in_scope(self.user)
        if streets.count() > 1:
            self.fields["street"].queryset = streets
        else:
            del self.fields["street"]
        if self.user.role in (Role.ENTERPRISE_USER, Role.DEPARTMENT_HANDLER):
            del self.fields["department"]

    def apply(self, queryset):
        return queryset.matching(**self.values())


class KpiForm(forms.Form):
    start = forms.DateField(label="起始日期", widget=DateInput)
    end = forms.DateField(label="截止日期", widget=DateInput)
    street = forms.ModelChoiceField(label="街道", queryset=Region.objects.none(), required=False, empty_label="全部",
                                    to_field_name="code")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        streets = streets_in_scope(user)
        if streets.count() > 1:
            self.fields["street"].queryset = streets
        else:
            del self.fields["street"]
        for field in self.fields.values():
            style_field(field)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("截止日期不能早于起始日期。")
        return data


class CategoryForm(ServiceForm):
    model = Category
    field_names = ("name", "department", "time_limit", "active", "order")


class HolidayForm(ServiceForm):
    model = Holiday
    field_names = ("date", "kind", "note")
