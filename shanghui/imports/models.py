import uuid

from django.conf import settings
from django.db import models

from shanghui.core.scoping import PrivateQuerySet

from .kinds import KINDS


class ImportJobQuerySet(PrivateQuerySet):
    # An upload is its uploader's business (it may hold personal data); superusers see all.
    superuser_sees_all = True


class ImportJob(models.Model):
    """One uploaded file on its way in: checked in the background, previewed, then committed.

    The file itself waits in DATA_DIR/imports/ (never under MEDIA_ROOT: it is not
    to be served) until it is committed or abandoned; see jobs.py.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        CHECKING = "checking", "校验中"
        CHECKED = "checked", "校验完成"
        IMPORTING = "importing", "导入中"
        DONE = "done", "已导入"
        FAILED = "failed", "未导入"
        CANCELLED = "cancelled", "已取消"

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.CASCADE,
                             related_name="import_jobs")
    kind = models.CharField("导入类型", max_length=40)
    filename = models.CharField("文件名", max_length=255)
    size = models.PositiveBigIntegerField("文件大小", default=0)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.QUEUED)
    result = models.JSONField("校验结果", default=dict, blank=True)
    created = models.DateTimeField("上传时间", auto_now_add=True)
    updated = models.DateTimeField("更新时间", auto_now=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "导入任务"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind].label if self.kind in KINDS else self.kind

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.CHECKING, self.Status.IMPORTING)
