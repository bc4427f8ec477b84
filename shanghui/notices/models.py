"""Notices (通知公告) from the federation or a chamber to an audience, with read receipts.

Who sees a notice:
- staff: the notices issued in their region (its `region` inside their region subtree);
- enterprise users: the notices whose audience takes in their enterprise (the audience rule below);
- auditors: none.

The audience rule, written twice over the same four kinds: `NoticeQuerySet.for_enterprise` (the
notices an enterprise receives) and `Notice.audience_enterprises` (the enterprises a notice reaches):
- district: every enterprise under the issuing region;
- street: every enterprise of that street;
- chamber members: every enterprise with a membership of that chamber active today;
- chosen enterprises: those named.
The attachment is never served from the media URL: the download view looks the notice up inside
`visible_to()` and writes an audit event.
"""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from shanghui.accounts.models import User
from shanghui.core.roles import Role
from shanghui.core.scoping import ScopedQuerySet, ancestor_paths
from shanghui.directory.models import Enterprise, Membership
from shanghui.orgs.models import Chamber, Region


class Audience(models.TextChoices):
    DISTRICT = "district", "全区企业"
    STREET = "street", "街道企业"
    CHAMBER = "chamber", "商会会员企业"
    ENTERPRISES = "enterprises", "指定企业"


class NoticeQuerySet(ScopedQuerySet):
    region_paths = ("region",)

    def visibility(self, user):
        if user.role == Role.ENTERPRISE_USER:
            return self.for_enterprise(user.enterprise) if user.enterprise_id else None
        return super().visibility(user)

    @staticmethod
    def for_enterprise(enterprise: Enterprise) -> Q:
        """The notices whose audience takes in `enterprise`."""
        chambers = Membership.objects.filter(enterprise=enterprise).active_on(timezone.localdate()).values("chamber_id")
        chosen = Notice.enterprises.through.objects.filter(enterprise=enterprise).values("notice_id")
        return (Q(audience=Audience.DISTRICT, region__path__in=ancestor_paths(enterprise.region.path))
                | Q(audience=Audience.STREET, street_id=enterprise.region_id)
                | Q(audience=Audience.CHAMBER, chamber_id__in=chambers)
                | Q(audience=Audience.ENTERPRISES, pk__in=chosen))

    def unread_by(self, user):
        return self.exclude(receipts__user=user)

    def search(self, q: str):
        q = (q or "").strip()
        return self.filter(Q(title__icontains=q) | Q(body__icontains=q)) if q else self


class Notice(models.Model):
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    region = models.ForeignKey(Region, verbose_name="发布单位所在区域", on_delete=models.PROTECT, related_name="+",
                               help_text="区级发布选择本区；街道发布选择本街道。")
    issuer_chamber = models.ForeignKey(Chamber, verbose_name="发布商会", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", help_text="以商会名义发布时选择；不选则以工商联名义发布。")
    audience = models.CharField("发送范围", max_length=20, choices=Audience.choices)
    street = models.ForeignKey(Region, verbose_name="街道", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", help_text="发送范围为“街道企业”时选择。")
    chamber = models.ForeignKey(Chamber, verbose_name="商会", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="发送范围为“商会会员企业”时选择。")
    enterprises = models.ManyToManyField(Enterprise, verbose_name="指定企业", blank=True, related_name="+",
                                         help_text="发送范围为“指定企业”时选择。")
    attachment = models.FileField("附件", upload_to="notices/%Y/", blank=True)
    attachment_name = models.CharField("附件原文件名", max_length=200, blank=True)
    published = models.DateTimeField("发布时间", default=timezone.now, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "通知公告"
        ordering = ["-published", "-id"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors: dict[str, str] = {}
        region = self.region if self.region_id else None
        if region is not None and region.level == Region.Level.CITY:
            errors["region"] = "请选择区或街道。"
        if self.issuer_chamber_id and region is not None and not _inside(self.issuer_chamber.region, region):
            errors["issuer_chamber"] = f"发布商会不在“{region}”范围内。"
        if self.audience == Audience.DISTRICT and region is not None and region.level != Region.Level.DISTRICT:
            errors["audience"] = "只有区级发布的通知可以发送给全区企业。"
        if self.audience == Audience.STREET:
            if not self.street_id:
                errors["street"] = "发送范围为“街道企业”，请选择街道。"
            elif self.street.level != Region.Level.STREET:
                errors["street"] = "请选择一个街道。"
            elif region is not None and not _inside(self.street, region):
                errors["street"] = f"该街道不在“{region}”范围内。"
        if self.audience == Audience.CHAMBER:
            if not self.chamber_id:
                errors["chamber"] = "发送范围为“商会会员企业”，请选择商会。"
            elif region is not None and not _inside(self.chamber.region, region):
                errors["chamber"] = f"该商会不在“{region}”范围内。"
        if errors:
            raise ValidationError(errors)

    @property
    def issuer_label(self) -> str:
        if self.issuer_chamber_id:
            return str(self.issuer_chamber)
        return f"{self.region}工商联" if self.region.level == Region.Level.DISTRICT else f"{self.region}"

    @property
    def audience_label(self) -> str:
        target = {Audience.STREET: self.street, Audience.CHAMBER: self.chamber}.get(self.audience)
        if self.audience == Audience.DISTRICT:
            target = self.region
        return f"{self.get_audience_display()}（{target}）" if target else self.get_audience_display()

    def audience_enterprises(self):
        """The enterprises this notice reaches (the same rule as NoticeQuerySet.for_enterprise)."""
        if self.audience == Audience.DISTRICT:
            return Enterprise.objects.filter(region__path__startswith=self.region.path)
        if self.audience == Audience.STREET:
            return Enterprise.objects.filter(region_id=self.street_id)
        if self.audience == Audience.CHAMBER:
            members = Membership.objects.filter(chamber_id=self.chamber_id).active_on(timezone.localdate())
            return Enterprise.objects.filter(pk__in=members.values("enterprise_id"))
        return self.enterprises.all()

    def audience_users(self):
        """The active enterprise users this notice reaches: the denominator of its read count."""
        return User.objects.filter(role=Role.ENTERPRISE_USER, is_active=True,
                                   enterprise__in=self.audience_enterprises())


def _inside(region: Region, scope: Region) -> bool:
    return region.path.startswith(scope.path)


class NoticeReceiptQuerySet(ScopedQuerySet):
    # Staff read the receipts of the notices they see; an enterprise user's own are his `read` state.
    region_paths = ("notice__region",)


class NoticeReceipt(models.Model):
    notice = models.ForeignKey(Notice, verbose_name="通知", on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="阅读人", on_delete=models.CASCADE,
                             related_name="+")
    read_at = models.DateTimeField("阅读时间", default=timezone.now)

    objects = NoticeReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "通知阅读回执"
        ordering = ["-read_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_read_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.notice}"


def unread_count(user) -> int:
    """The notices an enterprise user may read and has not (the navigation's badge); 0 for staff."""
    if not (user.is_authenticated and user.role == Role.ENTERPRISE_USER):
        return 0
    return Notice.objects.visible_to(user).unread_by(user).count()
