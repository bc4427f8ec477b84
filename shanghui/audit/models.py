from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from shanghui.core.roles import Role

APPEND_ONLY = "审计事件只能追加，不能修改或删除。"


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AuditEventQuerySet":
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.role in (Role.FEDERATION_ADMIN, Role.AUDITOR):
            return self.all()
        return self.none()

    # Append-only: the bulk paths that would skip the hash chain or rewrite history are closed.
    # (The retention purge in chain.purge() is the one documented way rows leave the table.)
    def update(self, **kwargs):
        raise PermissionDenied(APPEND_ONLY)

    def delete(self):
        raise PermissionDenied(APPEND_ONLY)

    def bulk_create(self, objs, *args, **kwargs):
        raise PermissionDenied("审计事件只能逐条写入（哈希链）。")

    def bulk_update(self, objs, *args, **kwargs):
        raise PermissionDenied(APPEND_ONLY)


class AuditEvent(models.Model):
    """One thing somebody did. Written only by `audit.record`; never updated.

    Rows form a hash chain (see chain.py): `seq` numbers them without gaps, `prev_hash`
    is the previous row's `hash`, and `hash` is the SHA-256 of this row's content.
    """

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
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
    seq = models.PositiveBigIntegerField("序号", unique=True, editable=False)
    prev_hash = models.CharField("前一条哈希", max_length=64, blank=True, editable=False)
    hash = models.CharField("哈希", max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计事件"
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied(APPEND_ONLY)
        from .chain import append

        append(self)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(APPEND_ONLY)


class AuditChainHead(models.Model):
    """The one row (id=1) that says where the chain ends and where it starts after purges.

    Appending locks it (select_for_update; on SQLite the IMMEDIATE transaction does the
    same), so concurrent writers get consecutive `seq` numbers and the right `prev_hash`.
    `floor_seq`/`floor_hash`: the last purged row; the first kept row must link to it.
    """

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
    floor_seq = models.PositiveBigIntegerField(default=0)
    floor_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计哈希链头"

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
