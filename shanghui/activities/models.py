"""Activities (docs/design.md §3 `activities`): series, activities, attendance and QR sign-in.

- `ActivitySeries`: a chamber's flagship series (品牌活动) or the district's yearly training
  class (培训班), held year after year.
- `Activity`: one event, or one session of a training class (each session's attendance is one
  person-time). A cancelled activity counts for nothing in any figure.
- `Attendance`: one person at one activity (unique), with the enterprise the person represented
  at that time and the street the attendance counts for (that enterprise's, else the person's),
  so a person who moves to another enterprise keeps his history where it happened.
- `PendingAttendee`: someone who signed in (QR or a spreadsheet) but matched no person yet;
  staff confirm him as an existing or a new person, which turns him into an Attendance.
- `SignInAttempt`: the public sign-in page's rate limit per source address.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from shanghui.core import crypto, search
from shanghui.core.roles import Role
from shanghui.core.scoping import ScopedQuerySet, ancestor_paths
from shanghui.core.validators import mask_mobile, normalize_mobile
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.orgs.models import Chamber, InitialsMixin, Region


class Kind(models.TextChoices):
    EDUCATION = "education", "理想信念教育"
    TRAINING = "training", "培训"
    MEETING = "meeting", "会议"
    YOUTH = "youth", "青年活动"
    CHARITY = "charity", "公益活动"
    GOVERNANCE = "governance", "社会治理"


class Theme(models.TextChoices):
    """The four beliefs of the ideal-and-belief education (“四信”)."""

    BELIEF = "belief", "信念"
    CONFIDENCE = "confidence", "信心"
    TRUST = "trust", "信任"
    CREDIBILITY = "credibility", "信誉"


class Status(models.TextChoices):
    NORMAL = "normal", "正常"
    CANCELLED = "cancelled", "已取消"


class Source(models.TextChoices):
    QR = "qr", "扫码签到"
    MANUAL = "manual", "手工登记"
    IMPORT = "import", "表格导入"


# --- series ----------------------------------------------------------------------


class SeriesQuerySet(ScopedQuerySet):
    region_paths = ("region",)

    def search(self, q: str):
        q = (q or "").strip()
        return self.filter(Q(name__icontains=q) | Q(name_initials__contains=q.lower())) if q else self


class ActivitySeries(InitialsMixin):
    class SeriesKind(models.TextChoices):
        FLAGSHIP = "flagship", "品牌活动"
        TRAINING_CLASS = "training_class", "培训班"

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=20, choices=SeriesKind.choices)
    chamber = models.ForeignKey(Chamber, verbose_name="主办商会", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="activity_series", help_text="区工商联主办的（如全区培训班）不填。")
    region = models.ForeignKey(Region, verbose_name="所属区域", on_delete=models.PROTECT, related_name="+")
    first_year = models.PositiveSmallIntegerField("首次举办年份", null=True, blank=True)
    description = models.TextField("简介", blank=True)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "活动系列"
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.chamber_id and self.region_id and not self.chamber.region.path.startswith(self.region.path):
            raise ValidationError({"region": f"主办商会“{self.chamber}”不在“{self.region}”范围内。"})
        if self.first_year and not 1949 <= self.first_year <= 2100:
            raise ValidationError({"first_year": "首次举办年份应在1949至2100之间。"})


# --- activities --------------------------------------------------------------------


class ActivityQuerySet(ScopedQuerySet):
    region_paths = ("region",)

    def visibility(self, user):
        # An enterprise user sees the activities open to his enterprise (its home page and calendar).
        if user.role == Role.ENTERPRISE_USER:
            return self.open_to(user.enterprise) if user.enterprise_id else None
        return super().visibility(user)

    def invitable_by(self, user):
        """What `user` sees, and for street staff also the district-wide activities above his street:
        he invites his street's enterprises to them (and sees only his own invitations there)."""
        seen = self.visible_to(user)
        if seen.query.is_empty() or user.is_superuser or user.role == Role.ENTERPRISE_USER or not user.region_path:
            return seen
        return self.filter(Q(pk__in=seen.values("pk")) | Q(region__path__in=ancestor_paths(user.region_path)))

    @staticmethod
    def open_to(enterprise: Enterprise) -> Q:
        """Activities open to `enterprise`: district-wide ones above it, its street's, and those organised
        by a chamber it is a member of today."""
        chambers = Membership.objects.filter(enterprise=enterprise).active_on(timezone.localdate()).values("chamber_id")
        by_chamber = Activity.organisers.through.objects.filter(chamber_id__in=chambers).values("activity_id")
        return Q(region__path__in=ancestor_paths(enterprise.region.path)) | Q(pk__in=by_chamber)

    def search(self, q: str):
        # The full-text index (core/search.py) over title, place, partner and description.
        return search.filter_queryset(self, "activity", q) if (q or "").strip() else self

    def held(self):
        """What the figures count: everything not cancelled."""
        return self.exclude(status=Status.CANCELLED)


class Activity(models.Model):
    title = models.CharField("活动名称", max_length=200)
    kind = models.CharField("活动类型", max_length=20, choices=Kind.choices, db_index=True)
    # Comma-separated Theme codes ("belief,trust"): four fixed tags, searched with `contains`.
    themes = models.CharField("主题（四信）", max_length=60, blank=True)
    series = models.ForeignKey(ActivitySeries, verbose_name="所属系列", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="activities")
    session = models.PositiveSmallIntegerField("期次/讲次", null=True, blank=True,
                                               help_text="培训班分多次授课时填写第几讲；每讲的每人出席计一人次。")
    organisers = models.ManyToManyField(Chamber, verbose_name="主办商会", blank=True, related_name="activities")
    region = models.ForeignKey(Region, verbose_name="所属区域", on_delete=models.PROTECT, related_name="+",
                               help_text="全区活动选东城区，街道活动选街道。")
    start = models.DateTimeField("开始时间", db_index=True)
    end = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=200, blank=True)
    capacity = models.PositiveIntegerField("容量（人）", null=True, blank=True)
    partner = models.CharField("合作院校/机构", max_length=100, blank=True, help_text="如北京大学、清华大学。")
    description = models.TextField("活动简介", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.NORMAL)
    signin_minutes = models.PositiveIntegerField(
        "签到开放时长（分钟）", default=120,
        help_text="活动结束后还可扫码签到的分钟数；扫码签到自开始前2小时开放。")
    created = models.DateTimeField("登记时间", default=timezone.now, editable=False)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "活动"
        ordering = ["-start", "id"]
        indexes = [models.Index(fields=["kind", "start"]), models.Index(fields=["series", "start"])]

    def __str__(self) -> str:
        return self.title

    SIGNIN_OPENS_BEFORE = dt.timedelta(hours=2)

    @property
    def signin_opens(self) -> dt.datetime:
        return self.start - self.SIGNIN_OPENS_BEFORE

    @property
    def signin_closes(self) -> dt.datetime:
        return self.end + dt.timedelta(minutes=self.signin_minutes)

    def signin_state(self, now: dt.datetime | None = None) -> str:
        """'' when sign-in is open; otherwise why not: 'cancelled', 'early' or 'closed'."""
        now = now or timezone.now()
        if self.status == Status.CANCELLED:
            return "cancelled"
        if now < self.signin_opens:
            return "early"
        if now > self.signin_closes:
            return "closed"
        return ""

    @property
    def theme_list(self) -> list[str]:
        return [c for c in self.themes.split(",") if c]

    @property
    def theme_labels(self) -> str:
        labels = dict(Theme.choices)
        return "、".join(str(labels.get(c, c)) for c in self.theme_list)

    def clean(self):
        errors: dict[str, list[str]] = {}
        if self.start and self.end and self.end < self.start:
            errors.setdefault("end", []).append("结束时间不能早于开始时间。")
        if self.region_id and self.region.level == Region.Level.CITY:
            errors.setdefault("region", []).append("活动应属于全区或某个街道。")
        if self.series_id and self.region_id and not self.region.path.startswith(self.series.region.path):
            errors.setdefault("region", []).append(f"活动所属区域应在系列“{self.series}”的范围（{self.series.region}）内。")
        unknown = set(self.theme_list) - set(Theme.values)
        if unknown:
            errors.setdefault("themes", []).append("主题只能是信念、信心、信任、信誉。")
        if errors:
            raise ValidationError(errors)


# --- attendance ---------------------------------------------------------------------


class AttendanceQuerySet(ScopedQuerySet):
    # The street it counts for, or the activity's region (organisers see their activities' lists).
    region_paths = ("region", "activity__region")
    enterprise_paths = ("enterprise",)

    def counted(self):
        return self.exclude(activity__status=Status.CANCELLED)


class Attendance(models.Model):
    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="attendances")
    # CASCADE: erasing a person (PIPL art. 47) takes his attendance with him; anonymising keeps it.
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE, related_name="attendances")
    enterprise = models.ForeignKey(Enterprise, verbose_name="代表企业", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="attendances",
                                   help_text="出席时所代表的企业（人员日后换了企业，这条记录不变）。")
    region = models.ForeignKey(Region, verbose_name="计入街道", on_delete=models.PROTECT, related_name="+",
                               editable=False)
    source = models.CharField("登记方式", max_length=10, choices=Source.choices, default=Source.MANUAL)
    created = models.DateTimeField("登记时间", default=timezone.now, editable=False)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "出席记录"
        ordering = ["activity", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="attendance_once_per_person")]
        indexes = [models.Index(fields=["enterprise", "activity"]), models.Index(fields=["region", "activity"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.activity}"

    @staticmethod
    def street_of(person: Person, enterprise: Enterprise | None) -> int:
        """The street an attendance counts for: the represented enterprise's, else the person's."""
        return enterprise.region_id if enterprise is not None else person.region_id

    def clean(self):
        if self.activity_id and self.person_id:
            clash = Attendance.objects.filter(activity_id=self.activity_id, person_id=self.person_id)
            if clash.exclude(pk=self.pk).exists():
                raise ValidationError(f"{self.person}已签到（{self.activity}），不能重复登记。")


class PendingQuerySet(ScopedQuerySet):
    region_paths = ("activity__region",)


class PendingAttendee(models.Model):
    """A sign-in that matched no person: kept (not a Person) until staff confirm or reject it."""

    class State(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已确认"
        REJECTED = "rejected", "已驳回"

    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="pending")
    name = models.CharField("姓名", max_length=50)
    mobile_cipher = crypto.CipherField(blank=True, editable=False)
    mobile_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    enterprise_name = models.CharField("所在单位（自填）", max_length=200, blank=True)
    source = models.CharField("登记方式", max_length=10, choices=Source.choices, default=Source.QR)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    person = models.ForeignKey(Person, verbose_name="确认为", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created = models.DateTimeField("签到时间", default=timezone.now, editable=False)
    decided = models.DateTimeField("处理时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = PendingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "待确认签到"
        ordering = ["activity", "created", "id"]
        constraints = [
            # Signing in twice with the same mobile number adds nothing.
            models.UniqueConstraint(fields=["activity", "mobile_digest"], condition=~Q(mobile_digest=""),
                                    name="pending_once_per_mobile"),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.activity}"

    def clean(self):
        # Under every configured key: during a key rotation, older rows carry the old key's digest.
        if self.mobile_digest and self.activity_id and PendingAttendee.objects.filter(
                activity_id=self.activity_id, mobile_digest__in=crypto.digests(self.mobile)).exclude(pk=self.pk).exists():
            raise ValidationError("该手机号码已在本活动登记过待确认签到。")

    def validate_constraints(self, exclude=None):
        # clean() says it in terms of the mobile number; Django's own message would name the
        # internal constraint ("Constraint “pending_once_per_mobile” is violated.").
        super().validate_constraints(exclude={*(exclude or ()), "mobile_digest"})

    def set_mobile(self, value: str) -> None:
        mobile = normalize_mobile(value) if value else ""
        self.mobile_cipher = crypto.encrypt(mobile)
        self.mobile_digest = crypto.digest(mobile)

    @property
    def mobile(self) -> str:
        return crypto.decrypt(self.mobile_cipher)

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile) if self.mobile_cipher else ""


class SignInAttempt(models.Model):
    """One POST to the public sign-in page, counted per source address for the rate limit."""

    address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "公开签到提交记录"

    def __str__(self) -> str:
        return f"{self.address} {self.at:%Y-%m-%d %H:%M}"


# --- invitations --------------------------------------------------------------------------------


class Channel(models.TextChoices):
    # In-app: the invitation shows on the enterprise's home page (always); the others also send a message.
    INAPP = "inapp", "仅站内"
    SMS = "sms", "短信"
    WECOM = "wecom", "企业微信群"
    DINGTALK = "dingtalk", "钉钉群"


class Reply(models.TextChoices):
    YES = "yes", "报名"
    NO = "no", "请假"


class InvitationQuerySet(ScopedQuerySet):
    region_paths = ("enterprise__region",)
    enterprise_paths = ("enterprise",)

    def with_signed_in(self):
        """Annotate `signed_in`: someone of the enterprise attended the activity (computed, never stored)."""
        attended = Attendance.objects.filter(activity_id=models.OuterRef("activity_id"),
                                             enterprise_id=models.OuterRef("enterprise_id"))
        return self.annotate(signed_in=models.Exists(attended))

    def awaiting_reply(self, now: dt.datetime | None = None):
        """Unanswered invitations to activities that have not started and are not cancelled."""
        return self.filter(reply="", activity__start__gt=now or timezone.now()).exclude(
            activity__status=Status.CANCELLED)


class Invitation(models.Model):
    """One enterprise invited to one activity: who invited whom, by which channel, what became of the
    message, the reply and the reminder. Whether it signed in is read from the attendance."""

    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="invitations")
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE,
                                   related_name="invitations")
    person = models.ForeignKey(Person, verbose_name="联系人", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    channel = models.CharField("邀请方式", max_length=10, choices=Channel.choices, default=Channel.INAPP)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="邀请人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    sent = models.DateTimeField("邀请时间", default=timezone.now)
    message = models.ForeignKey("messaging.OutboxMessage", verbose_name="邀请消息", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    reply = models.CharField("回复", max_length=3, choices=Reply.choices, blank=True)
    reply_note = models.CharField("请假说明", max_length=200, blank=True)
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回复登记人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   help_text="空：由联系人通过短信链接回复。")
    reminded_at = models.DateTimeField("提醒时间", null=True, blank=True)
    reminder = models.ForeignKey("messaging.OutboxMessage", verbose_name="提醒消息", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "活动邀请"
        ordering = ["activity", "enterprise__region__code", "enterprise__name", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "enterprise"], name="invitation_once_per_enterprise")]
        indexes = [models.Index(fields=["enterprise", "activity"])]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.activity}"

    @property
    def delivery_label(self) -> str:
        if self.channel == Channel.INAPP:
            return "站内已送达"
        return self.message.state_label if self.message_id else "未发送"


# --- the personal calendar feed ------------------------------------------------------


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A user's subscription address for phone calendars (/activities/calendar/<token>.ics).

    Phones fetch the feed without a session, so the token in the URL is the whole key: random,
    unique (looked up through its index, never compared by hand) and replaced on request.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="calendar_feed")
    token = models.CharField("订阅令牌", max_length=64, unique=True, default=new_feed_token, editable=False)
    created = models.DateTimeField("生成时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "活动日历订阅"

    def __str__(self) -> str:
        # Never the token: this text goes into the audit log.
        return f"{self.user}的活动日历订阅"


search.register(search.Kind("activity", Activity, fields=("title", "place", "partner", "description")))
