"""Writes to accounts: user management by the federation admin, passwords, second factor.

Each checks who may do it, validates, saves and writes the audit event. Role and
scope changes are audited as "role_change" with the before and after (codes only).
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from shanghui.audit import record
from shanghui.audit.context import source_address
from shanghui.core import crypto
from shanghui.core.roles import REGION_ROLES, Role

from . import lockout, totp
from .models import User
from .policy import generate_password
from .sessions import second_factor_required

# What a federation admin may hand out. The auditor is appointed by the system
# administrator, never by the business side it audits.
BUSINESS_ROLES = [r for r in Role if r != Role.AUDITOR]
SCOPE_FIELDS = ("role", "region", "enterprise", "department")


def can_manage_users(user) -> bool:
    return user.is_authenticated and user.can_manage_users


def assignable_roles(by) -> list[Role]:
    return list(Role) if by.is_superuser else BUSINESS_ROLES if can_manage_users(by) else []


def _require_manager(by, user: User | None = None) -> None:
    if not can_manage_users(by):
        raise PermissionDenied("只有工商联管理员可以管理用户账号。")
    if user is not None:
        if user.pk == by.pk:
            raise PermissionDenied("不能在此修改自己的账号。")
        if not User.objects.visible_to(by).filter(pk=user.pk).exists():
            raise PermissionDenied("该账号不在您的管理范围内。")


def _scope_of(user: User) -> dict:
    return {"role": user.role, "region": user.region.code if user.region_id else "",
            "enterprise": user.enterprise_id, "department": user.department_id}


def _check_scope(by, *, role, region, enterprise, department) -> dict:
    """Validate and tidy a role with its scope; the scope must lie inside the manager's own."""
    if role not in assignable_roles(by):
        raise ValidationError({"role": "您不能分配该角色。"})
    if role in REGION_ROLES:
        enterprise = None
    elif role == Role.ENTERPRISE_USER:
        region = None
    else:
        region = enterprise = None
    if role != Role.DEPARTMENT_HANDLER:
        department = None
    if not by.is_superuser:
        inside = by.region_path
        if region is not None and not region.path.startswith(inside):
            raise ValidationError({"region": "管辖范围须在您自己的范围之内。"})
        if enterprise is not None and not enterprise.region.path.startswith(inside):
            raise ValidationError({"enterprise": "所属企业须在您的管辖范围之内。"})
    return {"role": role, "region": region, "enterprise": enterprise, "department": department}


@transaction.atomic
def user_create(*, by, username: str, role: str, display_name: str = "", region=None, enterprise=None,
                department=None) -> tuple[User, str]:
    """A new business account with a random initial password, to be changed at first login.

    Returns the user and the initial password (shown once to the administrator, never stored).
    """
    _require_manager(by)
    scope = _check_scope(by, role=role, region=region, enterprise=enterprise, department=department)
    user = User(username=(username or "").strip(), display_name=display_name, must_change_password=True, **scope)
    password = generate_password()
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    record(by=by, action="create", obj=user, fields=["username", "display_name", *SCOPE_FIELDS],
           extra={"to": _scope_of(user)})
    return user, password


@transaction.atomic
def user_update(*, by, user: User, display_name: str | None = None, **scope_changes) -> User:
    """Change a user's name, role or scope. A change of role or scope is a "role_change" event."""
    _require_manager(by, user)
    unknown = set(scope_changes) - set(SCOPE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    before = _scope_of(user)
    wanted = {name: scope_changes.get(name, getattr(user, name)) for name in SCOPE_FIELDS}
    scope = _check_scope(by, **wanted)
    for name, value in scope.items():
        setattr(user, name, value)
    if display_name is not None:
        user.display_name = display_name
    user.full_clean(exclude=["password"])
    user.save()
    after = _scope_of(user)
    if after != before:
        record(by=by, action="role_change", obj=user, fields=[k for k in SCOPE_FIELDS if before[k] != after[k]],
               extra={"from": before, "to": after})
    return user


@transaction.atomic
def user_set_active(*, by, user: User, active: bool) -> User:
    """Deactivate (or reactivate) an account. An inactive user's sessions and API tokens stop working."""
    _require_manager(by, user)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        record(by=by, action="activate" if active else "deactivate", obj=user, fields=["is_active"])
    return user


@transaction.atomic
def user_reset_password(*, by, user: User) -> str:
    """A new random password that must be changed at the next login; also lifts a lockout."""
    _require_manager(by, user)
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    lockout.clear(user.username)
    record(by=by, action="password_reset", obj=user, fields=["password"])
    return password


@transaction.atomic
def user_reset_second_factor(*, by, user: User) -> User:
    """For a user who lost the phone: the next login enrols a new authenticator (if required)."""
    _require_manager(by, user)
    user.totp_cipher, user.totp_enabled, user.totp_last_step = "", False, None
    user.save(update_fields=["totp_cipher", "totp_enabled", "totp_last_step"])
    record(by=by, action="2fa_reset", obj=user, fields=["totp"])
    return user


@transaction.atomic
def user_set_stats_year(*, by, year: int) -> User:
    """The user's own 统计年度: every statistics page starts from it (core.kpis.stats_year)."""
    if not 1949 <= year <= 2100:
        raise ValidationError({"stats_year": ["请选择1949—2100之间的年度。"]})
    if by.stats_year != year:
        by.stats_year = year
        by.save(update_fields=["stats_year"])
        record(by=by, action="update", obj=by, fields=["stats_year"])
    return by


def password_change(*, by, old_password: str, new_password: str) -> None:
    """The user's own change: old password, the policy (complexity, history), then clear the forced change.

    A wrong old password is a failed login like any other: it counts towards the lockout and is
    audited, outside the change's transaction so that refusing the change does not undo them.
    """
    if not by.check_password(old_password):
        record(by=by, action="password_change_failed", obj=by, success=False, extra={"reason": "old_password"})
        lockout.note_failure(by.username, source_address.get())
        raise ValidationError({"old_password": "原密码不正确。"})
    _password_set(by, new_password)


@transaction.atomic
def _password_set(by, new_password: str) -> None:
    validate_password(new_password, by)  # ValidationError with the policy's Chinese messages
    by.set_password(new_password)
    by.must_change_password = False
    by.save(update_fields=["password", "password_changed_at", "must_change_password"])
    record(by=by, action="password_change", obj=by, fields=["password"])


@transaction.atomic
def totp_enable(*, by, secret: str, code: str) -> None:
    """Turn the second factor on once the user has shown a code from the new authenticator."""
    step = totp.matching_step(secret, code)
    if step is None:
        raise ValidationError({"code": "验证码不正确，请核对手机时间后重新输入。"})
    by.totp_cipher, by.totp_enabled, by.totp_last_step = crypto.encrypt(secret), True, step
    by.save(update_fields=["totp_cipher", "totp_enabled", "totp_last_step"])
    record(by=by, action="2fa_enable", obj=by, fields=["totp"])


@transaction.atomic
def totp_disable(*, by, code: str) -> None:
    if not by.totp_enabled:
        return
    if second_factor_required(by):
        raise ValidationError("您的角色必须启用双因素认证，不能关闭。")
    if not totp_check(user=by, code=code):
        raise ValidationError({"code": "验证码不正确。"})
    by.totp_cipher, by.totp_enabled, by.totp_last_step = "", False, None
    by.save(update_fields=["totp_cipher", "totp_enabled", "totp_last_step"])
    record(by=by, action="2fa_disable", obj=by, fields=["totp"])


def totp_check(*, user: User, code: str) -> bool:
    """Is `code` a fresh, valid code of the user's authenticator? A used code is not accepted again.

    The step is consumed by one conditional UPDATE whose row count decides: of two requests
    racing with the same code, the database lets exactly one move `totp_last_step` forward.
    """
    if not user.totp_enabled:
        return False
    step = totp.matching_step(totp.user_secret(user), code, after=user.totp_last_step)
    if step is None:
        return False
    fresh = Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step)
    if not User.objects.filter(fresh, pk=user.pk, totp_enabled=True).update(totp_last_step=step):
        return False
    user.totp_last_step = step
    return True
