from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from shanghui.audit import record
from shanghui.core.crud import apply_errors, list_page, post_data, refuse, require, save_with, step
from shanghui.core.crud import next_url as _next_url

from . import lockout, services, sessions, totp
from .backends import client_address
from .forms import CodeForm, LoginForm, PasswordForm, UserFilter, UserForm
from .models import User
from .pages import enterprise_page


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _locked_out(request):
    """If the account (or the address) is locked now, end this session too and say why."""
    lock = lockout.locked(request.user.username, client_address(request))
    if lock is None:
        return None
    logout(request)
    messages.error(request, lockout.message(lock))
    return redirect("accounts:login")


@enterprise_page
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    # A locked account guesses no more old passwords, from this session or any other.
    if request.method == "POST" and (locked := _locked_out(request)) is not None:
        return locked
    form = PasswordForm(post_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(by=request.user, old_password=form.cleaned_data["old_password"],
                                     new_password=form.cleaned_data["new_password1"])
        except ValidationError as e:
            if (locked := _locked_out(request)) is not None:
                return locked
            # The policy's messages belong under the new password.
            if hasattr(e, "error_dict"):
                apply_errors(form, e)
            else:
                form.add_error("new_password1", e.messages)
        else:
            update_session_auth_hash(request, request.user)  # stay logged in, other sessions end
            messages.success(request, "密码已修改。")
            return redirect("home")
    return render(request, "accounts/password_change.html", {
        "form": form, "forced": request.user.must_change_password or request.user.password_expired})


# --- second factor -----------------------------------------------------------


def _second_factor_done(request, action: str) -> None:
    request.session.pop(sessions.SECOND_FACTOR_PENDING, None)
    request.session.cycle_key()  # a new session id after the privilege step, as at login
    record(by=request.user, action=action, obj=request.user)


@login_required
@require_POST
def stats_year(request):
    """The site-wide 统计年度 selector: remember the year, then show the page again from it (without its own
    year or period in the address, which would hide the new year)."""
    year = request.POST.get("year", "")
    try:
        services.user_set_stats_year(by=request.user, year=int(year) if year.isdigit() else 0)
    except ValidationError as error:
        refuse(request, error)
    return redirect(_next_url(request).split("?")[0])


@enterprise_page
@login_required
@require_http_methods(["GET", "POST"])
def totp_verify(request):
    """The step after the password for users with a second factor."""
    user = request.user
    if not sessions.second_factor_pending(request) or not user.totp_enabled:
        return redirect("home")
    # A lock taken while this session waited (by its own or another session's failures) ends it:
    # no session, however many were opened with the password, keeps guessing codes.
    if (locked := _locked_out(request)) is not None:
        return locked
    form = CodeForm(post_data(request))
    if request.method == "POST" and form.is_valid():
        if services.totp_check(user=user, code=form.cleaned_data["code"]):
            lockout.clear(user.username)
            _second_factor_done(request, "login_2fa")
            return redirect(_next_url(request))
        record(by=user, action="2fa_failed", obj=user, success=False)
        lockout.note_failure(user.username, client_address(request), kind=lockout.SECOND_FACTOR)
        if (locked := _locked_out(request)) is not None:
            return locked
        form.add_error("code", "验证码不正确或已使用过，请输入手机上最新的验证码。")
    return render(request, "accounts/totp_verify.html", {"form": form, "next": request.GET.get("next", "")})


@enterprise_page
@login_required
@require_http_methods(["GET", "POST"])
def totp_setup(request):
    """Enrol an authenticator app: scan the QR code, confirm with one code. Also where it is turned off."""
    user = request.user
    if user.totp_enabled:
        return render(request, "accounts/totp_setup.html", {
            "form": CodeForm(), "required": sessions.second_factor_required(user)})
    secret = request.session.get(sessions.TOTP_SETUP_SECRET)
    if not secret:
        secret = request.session[sessions.TOTP_SETUP_SECRET] = totp.new_secret()
    form = CodeForm(post_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_enable(by=user, secret=secret, code=form.cleaned_data["code"])
        except ValidationError as e:
            apply_errors(form, e)
        else:
            request.session.pop(sessions.TOTP_SETUP_SECRET, None)
            if sessions.second_factor_pending(request):
                _second_factor_done(request, "login_2fa")
            messages.success(request, "双因素认证已启用，今后登录时需输入手机上的验证码。")
            return redirect("home")
    uri = totp.provisioning_uri(secret, user.username)
    return render(request, "accounts/totp_setup.html", {
        "form": form, "qr_svg": totp.qr_svg(uri), "secret": secret,
        "pending": sessions.second_factor_pending(request)})


@enterprise_page
@login_required
@require_POST
def totp_disable(request):
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            services.totp_disable(by=request.user, code=form.cleaned_data["code"])
        except ValidationError as e:
            refuse(request, e)
        else:
            messages.success(request, "双因素认证已关闭。")
    else:
        messages.error(request, "请输入验证码。")
    return redirect("accounts:totp_setup")


# --- user management (federation admin) --------------------------------------


def _managed(request):
    require(services.can_manage_users(request.user), services.NOT_A_MANAGER)
    return User.objects.visible_to(request.user).select_related("region", "enterprise", "department")


@login_required
def user_list(request):
    users = lockout.with_lock_state(_managed(request)).order_by("-is_active", "role", "username")
    return list_page(request, template="accounts/user_list.html", queryset=users,
                     filter_form=UserFilter(request.GET, user=request.user),
                     policy_2fa=settings.SHANGHUI_REQUIRE_2FA_FOR_ADMINS)


def _password_shown(request, user, password: str, what: str):
    response = render(request, "accounts/user_password.html", {"account": user, "password": password, "what": what})
    add_never_cache_headers(response)  # the password must not linger in a browser or proxy cache
    return response


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    _managed(request)
    form = UserForm(post_data(request), user=request.user)
    if request.method == "POST":
        result = save_with(form, lambda **data: services.user_create(by=request.user, **data))
        if result is not None:
            user, password = result
            return _password_shown(request, user, password, "账号已创建")
    users = reverse("accounts:user_list")
    return render(request, "shanghui/form.html", {
        "form": form, "title": "新增用户", "crumbs": [("用户管理", users)], "cancel_url": users,
        "intro": "系统将生成初始密码并只显示一次；用户首次登录时须修改密码。"})


def _account(request, pk: int, action: str = ""):
    """The account of the URL, if the user manages it (else 403 or 404; an attempted change is audited)."""
    _managed(request)
    account = services.managed_user(by=request.user, pk=pk, action=action)
    require(account.pk != request.user.pk, services.OWN_ACCOUNT)
    return account


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request, pk):
    account = _account(request, pk, "role_change" if request.method == "POST" else "")
    form = UserForm(post_data(request), user=request.user, instance=account)
    if request.method == "POST":
        if save_with(form, lambda **data: services.user_update(by=request.user, user=account, **data)):
            messages.success(request, "已保存")
            return redirect("accounts:user_edit", pk=account.pk)
    return render(request, "accounts/user_edit.html", {
        "form": form, "account": account, "locked": lockout.user_lock(account),
        "policy_2fa": sessions.second_factor_required(account) and not account.totp_required})


def _back(account) -> str:
    return reverse("accounts:user_edit", args=[account.pk])


@login_required
@require_POST
def user_set_active(request, pk):
    active = request.POST.get("active") == "1"
    account = _account(request, pk, "activate" if active else "deactivate")
    return step(request, call=lambda: services.user_set_active(by=request.user, user=account, active=active),
                done=f"账号“{account}”已{'启用' if active else '停用'}。", redirect_to=_back(account))


@login_required
@require_POST
def user_reset_password(request, pk):
    account = _account(request, pk, "password_reset")
    password = services.user_reset_password(by=request.user, user=account)
    return _password_shown(request, account, password, "密码已重置")


@login_required
@require_POST
def user_reset_2fa(request, pk):
    account = _account(request, pk, "2fa_reset")
    return step(request, call=lambda: services.user_reset_second_factor(by=request.user, user=account),
                done=f"已重置“{account}”的双因素认证。", redirect_to=_back(account))


@login_required
@require_POST
def user_unlock(request, pk):
    account = _account(request, pk, "unlock")
    return step(request, call=lambda: services.user_unlock(by=request.user, user=account),
                done=f"已解除“{account}”的登录锁定。", redirect_to=_back(account))


@login_required
@require_POST
def user_require_2fa(request, pk):
    required = request.POST.get("required") == "1"
    account = _account(request, pk, "2fa_require" if required else "2fa_unrequire")
    done = "下次登录时须先设置双因素认证" if required else "不再单独要求双因素认证"
    return step(request, call=lambda: services.user_require_second_factor(by=request.user, user=account,
                                                                         required=required),
                done=f"账号“{account}”{done}。", redirect_to=_back(account))
