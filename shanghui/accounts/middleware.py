"""Per-request identity rules, after Django's AuthenticationMiddleware:

1. SessionTimeoutMiddleware: idle and absolute session limits (logs out server-side).
2. SecondFactorMiddleware: a session owing a TOTP code reaches only the 2FA pages.
3. PasswordPolicyMiddleware: an initial, reset or expired password must be changed first.
4. StaffPagesMiddleware: an enterprise user reaches only the pages marked for him (accounts/pages.py).

The API (/api/) is left to its own authentication: it answers 401/403 rather than
redirecting; api/auth.py refuses a session that still owes a second factor, a
session or token whose password must be changed (policy.password_change_due), and an
enterprise user calling an operation not marked for him (api/auth.py::enterprise_operation).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from shanghui.audit import record

from . import sessions
from .pages import STAFF_ONLY_MESSAGE, staff_only
from .policy import password_change_due

TIMEOUT_MESSAGES = {
    "idle": "您已长时间未操作，为保护账号安全已自动退出，请重新登录。",
    "absolute": "登录时间已达上限，为保护账号安全已自动退出，请重新登录。",
}


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _is_static(request) -> bool:
    return request.path.startswith((settings.STATIC_URL, settings.MEDIA_URL))


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _is_static(request):
            reason = sessions.expired(request)
            if reason:
                record(by=user, action="session_timeout", obj=user, extra={"reason": reason})
                logout(request)  # flushes the session row: the old cookie is worthless from now on
                if not _is_api(request):
                    messages.info(request, TIMEOUT_MESSAGES[reason])
                    return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            else:
                sessions.touch(request)
        return self.get_response(request)


def _exempt(request, *names: str) -> bool:
    return _is_api(request) or _is_static(request) or request.path in {reverse(n) for n in names}


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and sessions.second_factor_pending(request):
            target = "accounts:totp_verify" if user.totp_enabled else "accounts:totp_setup"
            if not _exempt(request, target, "accounts:logout"):
                if target == "accounts:totp_verify" and request.method == "GET":
                    # Back to the page asked for once the code is in (totp_verify checks it is ours).
                    return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
                return redirect(target)
        return self.get_response(request)


class PasswordPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated
                and not _exempt(request, "accounts:password_change", "accounts:logout")
                and (reason := password_change_due(user))):
            messages.warning(request, reason)
            return redirect("accounts:password_change")
        return self.get_response(request)


class StaffPagesMiddleware:
    # The API keeps its own answers (401/403/404 in JSON), and the admin its own superuser login.
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _is_api(request) or request.resolver_match.namespace == "admin":
            return None
        if staff_only(request.user, view_func):
            # Audited like the refusals of the views it stands in front of (an unmasking, a plaintext
            # export): a user trying staff URLs shows in the log.
            record(by=request.user, action="page_refused", success=False,
                   extra={"page": request.resolver_match.view_name, "method": request.method})
            raise PermissionDenied(STAFF_ONLY_MESSAGE)
        return None
