"""Service requests (docs/design.md §3 `servicedesk`): enterprises' problems, routed to departments.

- `Category`: configurable kinds of request, each with a default department and a time limit
  in working days.
- The working-day calendar the time limits count in (official holidays from `chinese-calendar`
  and the district's overrides, `Holiday`) is in orgs (orgs/workdays.py), shared with other apps.
- `ServiceRequest`: one request and where it stands; every change of state is a service
  function (services.py) that writes a `RequestEvent` to its timeline.
- `Attachment`: files the enterprise or staff add to a request.
- `Notification`: in-app notices to the people involved; the same news goes to the optional
  group-robot webhook through the outbox (shanghui.messaging).

A request belongs to its enterprise's street. A department handler sees only the requests
assigned to his department (within his region); an enterprise user only his enterprise's.
"""

import datetime as dt
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from shanghui.core import files
from shanghui.core.roles import Role
from shanghui.core.scoping import PrivateQuerySet, ReferenceQuerySet, ScopedQuerySet
from shanghui.directory.models import Enterprise
from shanghui.orgs.models import Department

from . import conf


class State(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    ACCEPTED = "accepted", "已受理"
    ASSIGNED = "assigned", "办理中"
    RESOLVED = "resolved", "已办结"
    CLOSED = "closed", "已关闭"
    REJECTED = "rejected", "不予受理"
    REOPENED = "reopened", "已重新打开"


# Requests still waiting for someone on the staff side: they have a deadline that can pass.
OPEN_STATES = (State.SUBMITTED, State.ACCEPTED, State.ASSIGNED, State.REOPENED)


class Channel(models.TextChoices):
    ONLINE = "online", "网上提交"
    PHONE = "phone", "电话"
    VISIT = "visit", "走访/来访"


class ContactPreference(models.TextChoices):
    PHONE = "phone", "电话联系"
    ONLINE = "online", "平台内回复"
    VISIT = "visit", "上门沟通"


# --- reference data ------------------------------------------------------------------


class Category(models.Model):
    name = models.CharField("名称", max_length=50, unique=True)
    department = models.ForeignKey(Department, verbose_name="默认承办部门", on_delete=models.PROTECT,
                                   related_name="+")
    time_limit = models.PositiveSmallIntegerField("办理时限（工作日）", default=10)
    active = models.BooleanField("启用", default=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "诉求类别"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.time_limit is not None and not 1 <= self.time_limit <= 365:
            raise ValidationError({"time_limit": "办理时限应在1至365个工作日之间。"})


# --- requests ----------------------------------------------------------------------------


class RequestQuerySet(ScopedQuerySet):
    region_paths = ("enterprise__region",)
    enterprise_paths = ("enterprise",)
    # Path from a row of this queryset to its ServiceRequest ("" for ServiceRequest itself).
    request_prefix = ""

    def visibility(self, user):
        cond = super().visibility(user)
        if cond is None or user.role != Role.DEPARTMENT_HANDLER:
            return cond
        # Within his region, only what is assigned to his department.
        return cond & Q(**{f"{self.request_prefix}department_id": user.department_id}) if user.department_id else None

    def search(self, q: str):
        q = (q or "").strip()
        if not q:
            return self
        cond = Q(title__icontains=q) | Q(enterprise__name__icontains=q) | Q(enterprise__uscc__iexact=q)
        if q.isdigit():
            cond |= Q(pk=int(q))
        return self.filter(cond)

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today: dt.date):
        return self.open().filter(deadline__lt=today)

    def due_soon(self, today: dt.date, days: int):
        return self.open().filter(deadline__gte=today, deadline__lte=today + dt.timedelta(days=days))

    def in_view(self, view: str, today: dt.date | None = None):
        """The list's 范围: "open", "overdue", "due_soon" (as the settings define it), anything else all."""
        today = today or timezone.localdate()
        if view == "open":
            return self.open()
        if view == "overdue":
            return self.overdue(today)
        if view == "due_soon":
            return self.due_soon(today, conf.due_soon_days())
        return self

    def matching(self, *, q: str = "", view: str = "", state: str | None = None, category=None, department=None,
                 street=None):
        """The request list's filters, for the page and the API alike: search text, 范围 (`in_view`), state,
        category and department (rows or ids), and a street (Region) whose requests to keep."""
        qs = self.search(q) if q else self
        for name, value in (("state", state), ("category", category), ("department", department)):
            if value not in (None, ""):
                qs = qs.filter(**{name: value})
        if street is not None:
            qs = qs.in_scope(street)
        return qs.in_view(view) if view else qs


class ServiceRequest(models.Model):
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="service_requests")
    category = models.ForeignKey(Category, verbose_name="诉求类别", on_delete=models.PROTECT, related_name="requests")
    title = models.CharField("标题", max_length=100)
    description = models.TextField("诉求内容", max_length=5000)
    contact_preference = models.CharField("联系方式偏好", max_length=10, choices=ContactPreference.choices,
                                          default=ContactPreference.PHONE)
    channel = models.CharField("提交渠道", max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.SUBMITTED, db_index=True)
    department = models.ForeignKey(Department, verbose_name="承办部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="service_requests")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    deadline = models.DateField("办理期限", null=True, blank=True, db_index=True)
    filed_at = models.DateTimeField("提交时间", default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    resolution = models.TextField("办理结果", blank=True, max_length=5000)
    satisfaction = models.PositiveSmallIntegerField("满意度", null=True, blank=True)
    satisfaction_comment = models.CharField("评价", max_length=500, blank=True)
    reject_reason = models.CharField("不予受理理由", max_length=500, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "诉求"
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                                   name="servicerequest_satisfaction_1_5"),
        ]
        indexes = [models.Index(fields=["state", "deadline"]), models.Index(fields=["department", "state"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}" if self.pk else self.title

    def clean(self):
        if self.satisfaction is not None and not 1 <= self.satisfaction <= 5:
            raise ValidationError({"satisfaction": "满意度应为1至5分。"})

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.is_open and self.deadline is not None and self.deadline < (today or timezone.localdate())

    @property
    def on_time(self) -> bool | None:
        """Resolved by the deadline (in local dates); None while not resolved."""
        if self.resolved_at is None or self.deadline is None:
            return None
        return timezone.localtime(self.resolved_at).date() <= self.deadline


class EventQuerySet(RequestQuerySet):
    region_paths = ("request__enterprise__region",)
    enterprise_paths = ("request__enterprise",)
    request_prefix = "request__"


class RequestEvent(models.Model):
    """One step of a request's timeline: who moved it from which state to which, and why."""

    request = models.ForeignKey(ServiceRequest, verbose_name="诉求", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("操作", max_length=10)
    from_state = models.CharField("原状态", max_length=10, choices=State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=10, choices=State.choices)
    note = models.TextField("说明", blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "办理记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.from_state}→{self.to_state}"


# What an attachment may be, judged by its content (shanghui/core/files.py).
ATTACHMENT_TYPES = (files.PDF, files.JPEG, files.PNG, files.DOC, files.DOCX, files.XLS, files.XLSX, files.TEXT)
ALLOWED_EXTENSIONS = {ext for kind in ATTACHMENT_TYPES for ext in kind.extensions}


class AttachmentQuerySet(EventQuerySet):
    pass


def attachment_path(instance, filename: str) -> str:
    # The original name is kept in `name`; the stored name is not guessable from it.
    ext = os.path.splitext(filename)[1].lower()
    return f"servicedesk/{timezone.localdate():%Y/%m}/{os.urandom(12).hex()}{ext}"


class Attachment(models.Model):
    request = models.ForeignKey(ServiceRequest, verbose_name="诉求", on_delete=models.CASCADE,
                                related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField("上传时间", default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.name


class NotificationQuerySet(PrivateQuerySet):

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                             related_name="servicedesk_notifications")
    request = models.ForeignKey(ServiceRequest, verbose_name="诉求", on_delete=models.CASCADE,
                                related_name="notifications")
    text = models.CharField("内容", max_length=300)
    created = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "诉求通知"
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text
