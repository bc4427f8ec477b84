import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from shanghui.core import crypto
from shanghui.core.roles import REGION_ROLES, Role
from shanghui.core.scoping import PrivateQuerySet

from .unmask import unmask_kinds

# What the lockout tables and the audit log show for a typed name that is no account.
UNKNOWN_ACCOUNT = "（未知账号）"


class UserQuerySet(models.QuerySet):
    def visible_to(self, user) -> "UserQuerySet":
        """The accounts a user may manage: the superuser all, a federation admin the business
        accounts inside his region (never superusers or auditors), everyone else none."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.role != Role.FEDERATION_ADMIN or not user.region_path:
            return self.none()
        inside = models.Q(region__path__startswith=user.region_path) | models.Q(
            enterprise__region__path__startswith=user.region_path)
        return self.filter(inside, is_superuser=False).exclude(role__in=[Role.AUDITOR, ""])

    def search(self, q: str) -> "UserQuerySet":
        q = (q or "").strip()
        return self.filter(models.Q(username__icontains=q) | models.Q(display_name__icontains=q)) if q else self


class ShanghuiUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A login. Its scope is a region (the district or one street) or one enterprise."""

    role = models.CharField("角色", max_length=32, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        "orgs.Region", verbose_name="管辖范围", null=True, blank=True, on_delete=models.PROTECT
    )
    enterprise = models.ForeignKey(
        "directory.Enterprise", verbose_name="所属企业", null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "orgs.Department", verbose_name="所属部门", null=True, blank=True, on_delete=models.PROTECT
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)
    # The year every statistics page starts from; None: settings.SHANGHUI_DEFAULT_YEAR (core.kpis.stats_year).
    stats_year = models.PositiveSmallIntegerField("统计年度", null=True, blank=True)
    # Identity controls (docs/security.md, 身份鉴别).
    must_change_password = models.BooleanField(
        "须修改密码", default=False, help_text="初始密码或管理员重置的密码，登录后须先修改。")
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # The TOTP secret is a credential: kept encrypted with the personal-data key, like ID numbers.
    totp_cipher = crypto.CipherField("双因素密钥（密文）", blank=True, editable=False)
    totp_enabled = models.BooleanField("已启用双因素认证", default=False)
    # Set by an administrator for one account (the role-wide rule is SHANGHUI_REQUIRE_2FA_FOR_ADMINS):
    # the next login enrols an authenticator before any page opens (sessions.second_factor_required).
    totp_required = models.BooleanField(
        "须启用双因素认证", default=False, help_text="下次登录时须先设置手机身份验证器，才能使用平台。")
    # The last accepted TOTP time step: a code cannot be used twice.
    totp_last_step = models.BigIntegerField("双因素最近验证时段", null=True, blank=True, editable=False)

    objects = ShanghuiUserManager()

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self):
        super().clean()
        if self.role in REGION_ROLES and not self.region_id:
            raise ValidationError({"region": "该角色需要指定管辖范围（全区或某个街道）。"})
        if self.role == Role.ENTERPRISE_USER and not self.enterprise_id:
            raise ValidationError({"enterprise": "企业用户需要指定所属企业。"})
        if self.role == Role.DEPARTMENT_HANDLER and not self.department_id:
            raise ValidationError({"department": "职能部门人员需要指定所属部门。"})

    @property
    def region_path(self) -> str:
        # Cached on the instance: visible_to() asks for it on every query.
        if not hasattr(self, "_region_path"):
            self._region_path = self.region.path if self.region_id else ""
        return self._region_path

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ("系统管理员" if self.is_superuser else "")

    @property
    def unmask_kinds(self) -> frozenset[str]:
        """The kinds of personal number this user may see in plain text (accounts/unmask.py)."""
        return unmask_kinds(self)

    @property
    def can_manage_users(self) -> bool:
        """The federation admin manages the business accounts of his region; the superuser all."""
        return self.is_active and (self.is_superuser or (self.role == Role.FEDERATION_ADMIN and bool(self.region_id)))

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def password_expired(self) -> bool:
        from .policy import password_expired

        return password_expired(self)


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords, so that none of the last few is chosen again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = verbose_name_plural = "历史密码"

    def __str__(self) -> str:
        return f"{self.user} {self.created:%Y-%m-%d}"


class LoginFailure(models.Model):
    """One failed login step, counted for the lockout rules.

    The typed account name is kept only as a keyed digest (lockout.account_digest): what
    someone types into the name box may be a mobile or ID number, or a mistyped password.
    A second-factor failure outlives the next correct password, so that knowing the
    password does not buy a fresh set of guesses at the code.
    """

    class Kind(models.TextChoices):
        PASSWORD = "password", "密码"
        SECOND_FACTOR = "second_factor", "双因素验证码"

    account = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PASSWORD)
    address = models.CharField(max_length=64, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录失败记录"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.address} {self.at:%Y-%m-%d %H:%M}"


class LoginLock(models.Model):
    """An account (by the digest of its name) or a source address refused until `until`."""

    class Scope(models.TextChoices):
        USER = "user", "账号"
        ADDRESS = "address", "来源地址"

    scope = models.CharField("锁定对象", max_length=10, choices=Scope.choices)
    # USER: the keyed digest of the typed name, never the name itself; ADDRESS: the address.
    value = models.CharField("账号摘要或地址", max_length=150)
    # The account the name belongs to, when it belongs to one: so an administrator can see
    # whom to unlock without the table keeping names nobody has.
    user = models.ForeignKey(User, verbose_name="账号", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    until = models.DateTimeField("锁定至")

    class Meta:
        verbose_name = verbose_name_plural = "登录锁定"
        constraints = [models.UniqueConstraint(fields=["scope", "value"], name="loginlock_scope_value")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.target}"

    @property
    def target(self) -> str:
        if self.scope == self.Scope.ADDRESS:
            return self.value
        return self.user.username if self.user_id else UNKNOWN_ACCOUNT


class ApiToken(models.Model):
    """A bearer token for /api/v1/. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=60, default="默认")
    digest = models.CharField("摘要", max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=8)
    created = models.DateTimeField("创建时间", auto_now_add=True)
    last_used = models.DateTimeField("最近使用", null=True, blank=True)

    objects = PrivateQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user: User, name: str = "默认") -> tuple["ApiToken", str]:
        key = "sh_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, digest=cls.hash(key), prefix=key[:8]), key
