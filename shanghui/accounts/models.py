import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from .roles import REGION_ROLES, Role


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
    def can_unmask(self) -> bool:
        return self.is_superuser or self.role == Role.FEDERATION_ADMIN


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()


class ApiToken(models.Model):
    """A bearer token for /api/v1/. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=60, default="默认")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=8)
    created = models.DateTimeField("创建时间", auto_now_add=True)
    last_used = models.DateTimeField("最近使用", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

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
