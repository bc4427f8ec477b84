from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import lockout


def client_address(request) -> str:
    # REMOTE_ADDR only, as the audit middleware: behind a proxy the deployer sets it.
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


class LockoutBackend(ModelBackend):
    """The model backend, refusing locked names and addresses and counting failures.

    Used by every password login: the login page, the admin's login, the test client.
    A locked name is refused before the password is checked, so the answer tells an
    attacker nothing about the password.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if username is None or password is None:
            return None
        address = client_address(request)
        lock = lockout.locked(username, address)
        if lock is not None:
            if request is not None:
                request.login_lock = lock  # the login form shows why
                request.login_blocked = True  # the failure signal records that the lock refused it
            raise PermissionDenied  # stops Django's backend loop; user_login_failed is still sent
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            lockout.note_failure(username, address)
            if request is not None and (lock := lockout.locked(username, address)) is not None:
                request.login_lock = lock  # this failure was the one that locked it
        else:
            lockout.password_accepted(user)
        return user
