from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from shanghui.audit import record

from . import sessions


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
    # The attempted user name is kept (it is what an auditor needs); the password never is.
    extra = {"username": str(credentials.get("username", ""))[:150]}
    if getattr(request, "login_blocked", False):
        extra["refused_by_lock"] = request.login_lock.scope
    record(by=None, action="login_failed", object_type="accounts.user", extra=extra, success=False)
