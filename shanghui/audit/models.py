from django.conf import settings
from django.db import models


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AuditEventQuerySet":
        from shanghui.accounts.roles import Role

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.role in (Role.FEDERATION_ADMIN, Role.AUDITOR):
            return self.all()
        return self.none()


class AuditEvent(models.Model):
    """One thing somebody did. Written only by `audit.record`; never updated."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("操作", max_length=40, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True, db_index=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    fields = models.JSONField("变更字段", default=list, blank=True)
    extra = models.JSONField("附加信息", default=dict, blank=True)
    source_address = models.CharField("来源地址", max_length=64, blank=True)
    success = models.BooleanField("成功", default=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计事件"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"
