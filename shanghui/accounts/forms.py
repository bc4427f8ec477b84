from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from shanghui.core.crud import AutocompleteSelect, ListFilter, ServiceForm, limit_widget_choices, style_field

from . import lockout
from .models import User
from .scope import writable_among
from .services import assignable_roles


class LoginForm(AuthenticationForm):
    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            lock = getattr(self.request, "login_lock", None)
            if lock is not None:
                raise ValidationError(lockout.message(lock), code="locked") from None
            raise


class PasswordForm(forms.Form):
    """Old password and the new one twice; the policy itself is checked by the service."""

    old_password = forms.CharField(label="原密码", strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password1 = forms.CharField(label="新密码", strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                    help_text="至少 8 位，包含大写字母、小写字母、数字、符号中的至少 3 类；"
                                              "不能与最近 5 次的密码相同。")
    new_password2 = forms.CharField(label="确认新密码", strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_field(field)

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password2") and data["new_password1"] != data["new_password2"]:
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data


class CodeForm(forms.Form):
    code = forms.CharField(label="验证码", max_length=10, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*", "autofocus": True}),
        help_text="手机身份验证器应用中显示的 6 位数字。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_field(self.fields["code"])


class UserForm(ServiceForm):
    """Role and scope of a business account (and, when creating, its user name)."""

    model = User
    field_names = ("username", "display_name", "role", "region", "enterprise", "department")

    def setup(self):
        if self.instance is not None:
            del self.fields["username"]
        else:
            self.fields["username"].help_text = "登录用的账号名：字母、数字和 @/./+/-/_。"
        self.fields["display_name"].required = True
        roles = assignable_roles(self.user)
        self.fields["role"] = forms.ChoiceField(label="角色", choices=[(r.value, r.label) for r in roles])
        regions = writable_among(self.user, self.fields["region"].queryset)
        self.fields["region"].queryset = regions.exclude(level="city")
        self.fields["region"].help_text = "工商联管理员、领导为全区；街道人员为所在街道。企业用户不填。"
        field = self.fields["enterprise"]
        # The foreign key's own choices, cut down to the enterprises the user sees.
        field.queryset = field.queryset.visible_to(self.user)
        field.label_from_instance = lambda e: f"{e.name}（{e.uscc}）"
        field.widget = AutocompleteSelect(url=reverse_lazy("directory:enterprise_autocomplete"))
        field.help_text = "仅企业用户填写。"
        selected = self.data.get("enterprise") if self.is_bound else self.initial.get("enterprise")
        limit_widget_choices(field, field.queryset, selected=selected or None)
        self.fields["department"].help_text = "仅职能部门人员填写。"


class UserFilter(ListFilter):
    STATES = {
        "active": ("启用", lambda qs: qs.filter(is_active=True)),
        "inactive": ("已停用", lambda qs: qs.filter(is_active=False)),
        "locked": ("已锁定", lambda qs: qs.filter(locked=True)),  # lockout.with_lock_state
        "must_change": ("待改密码", lambda qs: qs.filter(must_change_password=True)),
        "totp_required": ("须启用双因素", lambda qs: qs.filter(totp_required=True)),
        "totp_enabled": ("已启用双因素", lambda qs: qs.filter(totp_enabled=True)),
    }
    role = forms.ChoiceField(label="角色")
    state = forms.ChoiceField(label="状态", choices=[("", "全部"), *((k, v[0]) for k, v in STATES.items())])
    lookups = {"role": "role"}

    def setup(self):
        # Only the roles of the accounts he manages: a federation admin never sees auditors listed.
        self.fields["role"].choices = [("", "全部角色"), *((r.value, r.label) for r in assignable_roles(self.user))]

    def filter_state(self, queryset, value):
        return self.STATES[value][1](queryset)
