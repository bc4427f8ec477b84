from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from shanghui.audit import record

from . import lockout, sessions


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(by=user, action="login", obj=user)
    if request is not None and hasattr(request, "session"):
        sessions.start(request, user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(by=user, action="logout", obj=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The account's name when the typed one is an account (what an auditor needs); a typed name
    # that is no account may be a phone or ID number, or a password typed in the wrong box: never kept.
    extra = {"username": lockout.audit_name(str(credentials.get("username", "")))}
    if getattr(request, "login_blocked", False):
        extra["refused_by_lock"] = request.login_lock.scope
    record(by=None, action="login_failed", object_type="accounts.user", extra=extra, success=False)
