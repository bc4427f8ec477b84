"""Who is calling: a bearer token, or the browser's logged-in session.

Both set `request.auth_user`, the user every endpoint scopes its reads and writes to.
Anything else is refused with 401 (see errors.py); a user who must change the password
first gets 403 whichever way he calls.

An enterprise user may call only the operations marked `enterprise_operation` (his enterprise, its
persons and memberships, his service requests, the activities open to him, his honours, the library,
the reference data):
every other operation is a staff operation and answers him 403 before its parameters are read, the
API's twin of the web's StaffPagesMiddleware (accounts/pages.py), so a new endpoint is staff-only
unless marked. `api/tests/test_enterprise_api.py` walks every operation of the schema.
"""

import datetime as dt
import functools
import inspect

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from shanghui.accounts.models import ApiToken
from shanghui.accounts.pages import is_enterprise_user
from shanghui.accounts.policy import password_change_due
from shanghui.accounts.sessions import second_factor_pending
from shanghui.audit import record
from shanghui.core.busy import is_locked, no_wait
from shanghui.core.faults import best_effort

PASSWORD_CHANGE_DUE = "须先修改密码：{reason}请登录网页修改密码后再调用接口。"
STAFF_ONLY_MESSAGE = "该接口仅对工作人员开放。"
UNKNOWN_QUERY = "不支持此查询参数（请查看接口文档中的参数名）。"


def enterprise_operation(view):
    """Mark an operation an enterprise user may call (put it under the @router line; its scoping still applies)."""
    view.enterprise_operation = True
    return view


def note_operation(run):
    """A view-mode decorator (urls.py): tells the authentication below which operation is called.

    ninja's auth callbacks see only the request, and the refusal must come before the parameters are
    validated (a staff operation answers 403, not 422, to a bad body), so the operation's mark
    travels on the request."""
    operation = inspect.unwrap(run).__self__
    # The query parameters the operation declares (its filters and pagination), by their names in the URL.
    known = frozenset(name for model in operation.signature.models if model.__ninja_param_source__ == "query"
                      for name in getattr(model, "__ninja_flatten_map__", {}))

    @functools.wraps(run)
    def wrapper(request, *args, **kwargs):
        request.enterprise_operation = getattr(operation.view_func, "enterprise_operation", False)
        request.operation_name = operation.view_func.__name__
        request.known_query = known
        return run(request, *args, **kwargs)

    return wrapper


def _refuse_staff_only(request, user) -> None:
    # Deny by default: an operation reached without note_operation is a staff one too.
    if is_enterprise_user(user) and not getattr(request, "enterprise_operation", False):
        # Audited like a refused staff page (accounts/middleware.py): a user trying staff URLs shows in the log.
        record(by=user, action="page_refused", success=False,
               extra={"page": f"api:{getattr(request, 'operation_name', '')}", "method": request.method})
        raise HttpError(403, STAFF_ONLY_MESSAGE)


def _refuse_unknown_query(request) -> None:
    """A misspelt filter (`?staus=`) must not silently return every row: an unknown query parameter
    is a 422 naming it, after the caller is known (401 and 403 come first)."""
    unknown = sorted(set(request.GET) - getattr(request, "known_query", frozenset()))
    if unknown:
        raise ValidationError({name: [UNKNOWN_QUERY] for name in unknown})


def _refuse_until_password_changed(user) -> None:
    """An initial, reset or expired password holds on the API as on the pages, for sessions and tokens."""
    if reason := password_change_due(user):
        raise HttpError(403, PASSWORD_CHANGE_DUE.format(reason=reason.removesuffix("请先修改密码。")))


def _touch(token_pk: int, now) -> None:
    # Bookkeeping, not the caller's request: while another writer holds SQLite's lock it is
    # skipped (the next call a minute on stores it) rather than waited for.
    # A storage fault (full disk, read-only database) is ignored the same way (best_effort).
    try:
        with no_wait():
            best_effort(lambda: ApiToken.objects.filter(pk=token_pk).update(last_used=now))
    except OperationalError as e:
        if not is_locked(e):
            raise


# last_used is for spotting stale tokens, not an access log: one UPDATE a minute is enough.
TOUCH_EVERY = dt.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`; only the key's SHA-256 is stored, so look it up by digest."""

    def authenticate(self, request, token: str):
        if not token:
            return None
        api_token = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        if api_token is None or not api_token.user.is_active:
            return None
        _refuse_until_password_changed(api_token.user)
        _refuse_staff_only(request, api_token.user)
        _refuse_unknown_query(request)
        now = timezone.now()
        if api_token.last_used is None or now - api_token.last_used >= TOUCH_EVERY:
            _touch(api_token.pk, now)
        request.auth_user = api_token.user
        return api_token.user


class SessionAuth(APIKeyCookie):
    """The Django session, so pages can call the API. Writes must carry the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request):
        user = getattr(request, "user", None)
        # Check who it is before CSRF: a request without a session should get 401, not a CSRF 403.
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if second_factor_pending(request):  # password checked, TOTP code still owed: not logged in yet
            return None
        _refuse_until_password_changed(user)
        # Django's CSRF check passes safe methods (GET, HEAD, OPTIONS) by itself.
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF 校验失败：请刷新页面后重试。")
        _refuse_staff_only(request, user)
        _refuse_unknown_query(request)
        request.auth_user = user
        return user

    def authenticate(self, request, key):  # required by the base class; __call__ does the work
        return self(request)


token_auth = TokenAuth()
session_auth = SessionAuth()
