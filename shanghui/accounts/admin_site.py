"""The Django admin: the technical superuser's tool only (the system administrator, docs/design.md §1).

Django lets any `is_staff` account into the admin; here only `is_superuser` does, so that a staff flag
set by mistake opens nothing. Business users manage accounts on the platform's own pages
(accounts/views.py user_*), the auditor reads the audit log there.
"""

from django.contrib.admin import AdminSite
from django.core.exceptions import ValidationError

from shanghui.audit import record

from .forms import LoginForm

HEADER = "商会平台管理"
ONLY_SUPERUSER = "请输入系统管理员账号的用户名和密码（区分大小写）。业务账号请从平台首页登录。"


class SuperuserLoginForm(LoginForm):
    """The platform's login form (lockout messages included), refusing every account but a superuser's."""

    required_css_class = "required"
    error_messages = {**LoginForm.error_messages, "invalid_login": ONLY_SUPERUSER}

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            # Right password, wrong door: worth a line in the audit log, like a refused staff page.
            record(by=user, action="page_refused", obj=user, success=False, extra={"page": "admin:login"})
            raise ValidationError(ONLY_SUPERUSER, code="invalid_login")


class ShanghuiAdminSite(AdminSite):
    site_header = HEADER
    site_title = HEADER
    index_title = "系统管理"
    login_form = SuperuserLoginForm

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser
