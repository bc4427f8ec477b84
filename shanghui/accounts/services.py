"""Writes to accounts: user management by the federation admin, passwords, second factor.

Each checks who may do it, validates, saves and writes the audit event. Role and
scope changes are audited as "role_change" with the before and after (codes only).
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404

from shanghui.audit import record
from shanghui.audit.context import source_address
from shanghui.core import crypto
from shanghui.core.roles import REGION_ROLES, Role

from . import lockout, totp
from .models import User
from .policy import generate_password
from .sessions import second_factor_required

# What a federation admin may hand out. The auditor (the security/audit administrator) and the
# superuser (the system administrator) are separate duties, appointed by the system administrator in
# the Django admin, never by the business side they audit or administer.
BUSINESS_ROLES = [r for r in Role if r != Role.AUDITOR]
SCOPE_FIELDS = ("role", "region", "enterprise", "department")

NOT_A_MANAGER = "只有工商联管理员可以管理用户账号。"
OWN_ACCOUNT = "不能在此修改自己的账号。"
OUT_OF_SCOPE = "该账号不在您的管理范围内。"
ROLE_REFUSED = "您不能分配该角色：审计员和系统管理员由系统管理员另行设置。"
NOT_FOUND = "未找到该账号。"
# Far past any real primary key; a larger id in a URL would overflow the database's integer.
_MAX_PK = 2**62


def can_manage_users(user) -> bool:
    return user.is_authenticated and user.can_manage_users


def assignable_roles(by) -> list[Role]:
    return list(Role) if by.is_superuser else BUSINESS_ROLES if can_manage_users(by) else []


def _refuse(by, action: str, why: str, message: str, *, user: User | None = None, field: str = "",
            exception: type[Exception] = PermissionDenied):
    """Record a refused user-management action (success=False, field names only), then raise.

    Every caller runs before its service's transaction: the event must outlive the refusal."""
    record(by=by, action=action, obj=user, object_type="" if user is not None else User._meta.label_lower,
           fields=[field] if field else [], success=False, extra={"refused": why})
    if field:
        raise ValidationError({field: message})
    raise exception(message)


def _protected(user: User) -> bool:
    """The system administrator and the auditor, and accounts without a business role: never a
    federation admin's to manage."""
    return user.is_superuser or user.role in (Role.AUDITOR, "")


def _require_manager(by, action: str, user: User | None = None) -> None:
    if not can_manage_users(by):
        _refuse(by, action, "not_a_manager", NOT_A_MANAGER, user=user)
    if user is not None:
        if user.pk == by.pk:
            _refuse(by, action, "own_account", OWN_ACCOUNT, user=user)
        if not User.objects.visible_to(by).filter(pk=user.pk).exists():
            _refuse(by, action, "protected_account" if _protected(user) else "out_of_scope", OUT_OF_SCOPE, user=user)


def managed_user(*, by, pk: int, action: str = "") -> User:
    """The account with id `pk` that `by` manages. Another (or none) answers 404 alike; for an
    attempted change (`action`) the refusal is an audit event, as a refused unmasking is."""
    user = User.objects.filter(pk=pk).first() if 0 < pk < _MAX_PK else None
    if user is not None and User.objects.visible_to(by).filter(pk=pk).exists():
        return user
    if action and can_manage_users(by):
        why = "not_found" if user is None else "protected_account" if _protected(user) else "out_of_scope"
        _refuse(by, action, why, NOT_FOUND, user=user, exception=Http404)
    raise Http404(NOT_FOUND)


def _scope_of(user: User) -> dict:
    return {"role": user.role, "region": user.region.code if user.region_id else "",
            "enterprise": user.enterprise_id, "department": user.department_id}


def _check_scope(by, action: str, *, role, region, enterprise, department, user: User | None = None) -> dict:
    """Validate and tidy a role with its scope; the scope must lie inside the manager's own.
    A role he may not give, or a scope outside his own, is a refusal (audited)."""
    if role not in assignable_roles(by):
        _refuse(by, action, "role_not_assignable", ROLE_REFUSED, user=user, field="role")
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
            _refuse(by, action, "out_of_scope", "管辖范围须在您自己的范围之内。", user=user, field="region")
        if enterprise is not None and not enterprise.region.path.startswith(inside):
            _refuse(by, action, "out_of_scope", "所属企业须在您的管辖范围之内。", user=user, field="enterprise")
    return {"role": role, "region": region, "enterprise": enterprise, "department": department}


def user_create(*, by, username: str, role: str, display_name: str = "", region=None, enterprise=None,
                department=None) -> tuple[User, str]:
    """A new business account with a random initial password, to be changed at first login.

    Returns the user and the initial password (shown once to the administrator, never stored).
    """
    _require_manager(by, "create")
    scope = _check_scope(by, "create", role=role, region=region, enterprise=enterprise, department=department)
    with transaction.atomic():
        user = User(username=(username or "").strip(), display_name=display_name, must_change_password=True,
                    **scope)
        password = generate_password()
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        record(by=by, action="create", obj=user, fields=["username", "display_name", *SCOPE_FIELDS],
               extra={"to": _scope_of(user)})
    return user, password


def user_update(*, by, user: User, display_name: str | None = None, **scope_changes) -> User:
    """Change a user's name, role or scope. A change of role or scope is a "role_change" event."""
    unknown = set(scope_changes) - set(SCOPE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    _require_manager(by, "role_change", user)
    before = _scope_of(user)
    wanted = {name: scope_changes.get(name, getattr(user, name)) for name in SCOPE_FIELDS}
    scope = _check_scope(by, "role_change", user=user, **wanted)
    with transaction.atomic():
        for name, value in scope.items():
            setattr(user, name, value)
        renamed = display_name is not None and display_name != user.display_name
        if renamed:
            user.display_name = display_name
        user.full_clean(exclude=["password"])
        user.save()
        after = _scope_of(user)
        if after != before:
            record(by=by, action="role_change", obj=user, fields=[k for k in SCOPE_FIELDS if before[k] != after[k]],
                   extra={"from": before, "to": after})
        if renamed:
            record(by=by, action="update", obj=user, fields=["display_name"])
    return user


def user_set_active(*, by, user: User, active: bool) -> User:
    """Deactivate (or reactivate) an account. An inactive user's sessions and API tokens stop working."""
    return _set_flag(by=by, user=user, field="is_active", value=active,
                     action="activate" if active else "deactivate")


def _set_flag(*, by, user: User, field: str, value: bool, action: str) -> User:
    """Set one of the account's switches, checked and audited (nothing written when unchanged)."""
    _require_manager(by, action, user)
    with transaction.atomic():
        if getattr(user, field) != value:
            setattr(user, field, value)
            user.save(update_fields=[field])
            record(by=by, action=action, obj=user, fields=[field])
    return user


def user_reset_password(*, by, user: User) -> str:
    """A new random password that must be changed at the next login; also lifts a lockout."""
    _require_manager(by, "password_reset", user)
    with transaction.atomic():
        password = generate_password()
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        lockout.clear_user(user)
        record(by=by, action="password_reset", obj=user, fields=["password", "must_change_password"])
    return password


def user_reset_second_factor(*, by, user: User) -> User:
    """For a user who lost the phone: the next login enrols a new authenticator (if required)."""
    _require_manager(by, "2fa_reset", user)
    with transaction.atomic():
        user.totp_cipher, user.totp_enabled, user.totp_last_step = "", False, None
        user.save(update_fields=["totp_cipher", "totp_enabled", "totp_last_step"])
        record(by=by, action="2fa_reset", obj=user, fields=["totp"])
    return user


def user_unlock(*, by, user: User) -> User:
    """Lift the lockout of an account locked after too many failed logins (its failures are forgiven too).
    Source-address locks are not an account's: the system administrator lifts them in the admin."""
    _require_manager(by, "unlock", user)
    if lockout.user_lock(user) is None:
        raise ValidationError("该账号当前未被锁定。")
    with transaction.atomic():
        lockout.clear_user(user)
        record(by=by, action="unlock", obj=user, fields=["login_lock"])
    return user


def user_require_second_factor(*, by, user: User, required: bool) -> User:
    """Require (or stop requiring) this account to use an authenticator app: at its next login it
    enrols one before any page opens, and cannot turn it off while required."""
    return _set_flag(by=by, user=user, field="totp_required", value=required,
                     action="2fa_require" if required else "2fa_unrequire")


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
