"""Honours and commendation campaigns (docs/design.md §3 `honors`).

An `Honor` goes to exactly one recipient: the federation itself (a district `Region`), a
chamber, a party organisation, an enterprise or a person; `recipient_kind` names which and a
check constraint keeps kind and the one filled column in step. It belongs to its recipient's
region. The federation's own honours are district-wide: everybody with a region scope inside
that district sees them (docs/access.md).

A commendation `Campaign` (评选表彰) runs open → review → public notice (公示) → decided. Its
categories carry quotas; chambers nominate; the federation approves or rejects; objections
filed during the notice are resolved; the decision turns each approved nomination into one
Honor (`Honor.nomination`), so "commendations" is simply the honours with a nomination.
"""

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from shanghui.core import files
from shanghui.core.constraints import ends_after
from shanghui.core.scoping import ScopedQuerySet
from shanghui.directory.models import Enterprise, Person
from shanghui.orgs.models import Chamber, Region

FILE_EXTENSIONS = ["pdf", "doc", "docx", "jpg", "jpeg", "png"]
FILE_MAX_BYTES = 10 * 1024 * 1024


def validate_file_size(f) -> None:
    if f and f.size > FILE_MAX_BYTES:
        raise ValidationError(f"文件不能超过 10 MB（现为 {f.size / 1024 / 1024:.1f} MB）。")


# What evidence and nomination files may be, judged by their content (shanghui/core/files.py).
FILE_TYPES = (files.PDF, files.DOC, files.DOCX, files.JPEG, files.PNG)


def check_file(errors: dict, name: str, value) -> None:
    try:
        files.check_new_upload(value, FILE_TYPES, max_bytes=FILE_MAX_BYTES)
    except ValidationError as e:
        errors.setdefault(name, []).extend(e.messages)


def file_validators():
    return [FileExtensionValidator(FILE_EXTENSIONS, message="只能上传 PDF、Word（doc/docx）或图片（jpg/png）文件。"),
            validate_file_size]


class Level(models.TextChoices):
    NATIONAL = "national", "国家级"
    MUNICIPAL = "municipal", "市级"
    DISTRICT = "district", "区级"
    STREET = "street", "街道级"


class RecipientKind(models.TextChoices):
    FEDERATION = "federation", "区工商联"
    CHAMBER = "chamber", "商会"
    PARTY_ORGANIZATION = "party_organization", "党组织"
    ENTERPRISE = "enterprise", "企业"
    PERSON = "person", "个人"


# recipient kind → the column that holds the recipient.
RECIPIENT_FIELDS = {
    RecipientKind.FEDERATION: "federation",
    RecipientKind.CHAMBER: "chamber",
    RecipientKind.PARTY_ORGANIZATION: "party_organization",
    RecipientKind.ENTERPRISE: "enterprise",
    RecipientKind.PERSON: "person",
}


def _exactly_one(kind_field: str, fields: dict) -> Q:
    """kind names one column; that column is set and every other is empty."""
    cond = Q()
    for kind, name in fields.items():
        cond |= Q(**{kind_field: kind, f"{name}__isnull": False},
                  **{f"{other}__isnull": True for other in fields.values() if other != name})
    return cond


# --- honours ----------------------------------------------------------------------------


class HonorQuerySet(ScopedQuerySet):
    # The recipient's region, as each recipient's own queryset decides it.
    region_paths = ("federation", "chamber__region", "party_organization__host_chamber__region",
                    "party_organization__enterprise__region", "enterprise__region", "person__region",
                    "person__enterprise__region")
    enterprise_paths = ("enterprise", "person__enterprise", "party_organization__enterprise")
    # The federation's own honours are district-wide: a street user sees his district's too.
    shared_down_paths = ("federation",)

    def commendations(self):
        return self.filter(nomination__isnull=False)

    def search(self, q: str):
        q = (q or "").strip()
        if not q:
            return self
        return self.filter(Q(title__icontains=q) | Q(issuer__icontains=q) | Q(category__icontains=q)
                           | Q(chamber__name__icontains=q) | Q(enterprise__name__icontains=q)
                           | Q(person__name__icontains=q) | Q(party_organization__name__icontains=q))


class Honor(models.Model):
    title = models.CharField("荣誉名称", max_length=200)
    level = models.CharField("级别", max_length=20, choices=Level.choices)
    issuer = models.CharField("授予单位", max_length=100)
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(1949), MaxValueValidator(2100)])
    category = models.CharField("类别", max_length=50, blank=True, help_text="如：先进单位、优秀案例、先进基层党组织。")
    recipient_kind = models.CharField("获得者类型", max_length=20, choices=RecipientKind.choices)
    federation = models.ForeignKey(Region, verbose_name="工商联（所在区）", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="honors",
                                   limit_choices_to={"level": Region.Level.DISTRICT})
    chamber = models.ForeignKey(Chamber, verbose_name="商会", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="honors")
    party_organization = models.ForeignKey("party.PartyOrganization", verbose_name="党组织", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="honors")
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="honors")
    person = models.ForeignKey(Person, verbose_name="个人", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="honors")
    evidence = models.FileField("证明材料", upload_to="honors/evidence/%Y/", blank=True, validators=file_validators())
    nomination = models.OneToOneField("Nomination", verbose_name="来自推荐", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="honor", editable=False)
    note = models.TextField("备注", max_length=2000, blank=True)

    objects = HonorQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "荣誉"
        ordering = ["-year", "level", "title", "id"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one("recipient_kind", RECIPIENT_FIELDS),
                                   name="honor_exactly_one_recipient"),
        ]
        indexes = [models.Index(fields=["year", "level"])]

    def __str__(self) -> str:
        return f"{self.title}（{self.year}）" if self.year else self.title

    @property
    def recipient(self):
        name = RECIPIENT_FIELDS.get(self.recipient_kind)
        return getattr(self, name) if name else None

    @property
    def recipient_name(self) -> str:
        if self.recipient_kind == RecipientKind.FEDERATION and self.federation_id:
            return f"{self.federation.name}工商联"
        return str(self.recipient or "")

    @property
    def region(self):
        return recipient_region(self.recipient_kind, self.recipient)

    def clean(self):
        errors: dict[str, list[str]] = {}
        kind_field = RECIPIENT_FIELDS.get(self.recipient_kind)
        for name in RECIPIENT_FIELDS.values():
            filled = getattr(self, f"{name}_id") is not None
            if name == kind_field and not filled:
                errors.setdefault(name, []).append(f"获得者类型为“{self.get_recipient_kind_display()}”，请选择获得者。")
            elif name != kind_field and filled:
                errors.setdefault(name, []).append("只能填写与获得者类型一致的一个获得者。")
        if self.federation_id and self.federation.level != Region.Level.DISTRICT:
            errors.setdefault("federation", []).append("区工商联的荣誉请选择所在的区。")
        check_file(errors, "evidence", self.evidence)
        if errors:
            raise ValidationError(errors)


def recipient_region(kind: str, recipient) -> Region | None:
    if recipient is None:
        return None
    if kind == RecipientKind.FEDERATION:
        return recipient
    return recipient.region


# --- campaigns -----------------------------------------------------------------------------


class CampaignQuerySet(ScopedQuerySet):
    # A district campaign is open to every street of the district (chambers nominate into it).
    shared_down_paths = ("region",)


class Campaign(models.Model):
    """A yearly commendation (评选表彰) run by the federation of a district."""

    class State(models.TextChoices):
        OPEN = "open", "征集推荐"
        REVIEW = "review", "审核"
        NOTICE = "notice", "公示"
        DECIDED = "decided", "已决定"

    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(1949), MaxValueValidator(2100)])
    title = models.CharField("名称", max_length=200)
    region = models.ForeignKey(Region, verbose_name="主办工商联（所在区）", on_delete=models.PROTECT,
                               related_name="campaigns")
    description = models.TextField("说明", max_length=5000, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN, editable=False)
    notice_start = models.DateField("公示开始日期", null=True, blank=True, editable=False)
    notice_end = models.DateField("公示结束日期", null=True, blank=True, editable=False)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True, editable=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "评选表彰"
        ordering = ["-year", "-id"]
        constraints = [
            ends_after("notice_end", "notice_start", name="campaign_notice_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.region_id and self.region.level != Region.Level.DISTRICT:
            raise ValidationError({"region": "评选表彰由区工商联主办，请选择区。"})


class CategoryKind(models.TextChoices):
    ADVANCED_PARTY_ORG = "advanced_party_org", "先进基层党组织"
    EXCELLENT_PARTY_MEMBER = "excellent_party_member", "优秀共产党员"
    ADVANCED_CHAMBER = "advanced_chamber", "先进商会"
    ADVANCED_ENTERPRISE = "advanced_enterprise", "先进非公企业"
    OUTSTANDING_PERSON = "outstanding_person", "优秀非公经济人士"


# category kind → who may be nominated in it.
CATEGORY_RECIPIENT = {
    CategoryKind.ADVANCED_PARTY_ORG: RecipientKind.PARTY_ORGANIZATION,
    CategoryKind.EXCELLENT_PARTY_MEMBER: RecipientKind.PERSON,
    CategoryKind.ADVANCED_CHAMBER: RecipientKind.CHAMBER,
    CategoryKind.ADVANCED_ENTERPRISE: RecipientKind.ENTERPRISE,
    CategoryKind.OUTSTANDING_PERSON: RecipientKind.PERSON,
}


class CampaignCategory(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name="评选表彰", on_delete=models.CASCADE,
                                 related_name="categories")
    kind = models.CharField("类别", max_length=30, choices=CategoryKind.choices)
    quota = models.PositiveSmallIntegerField("名额", validators=[MinValueValidator(1), MaxValueValidator(1000)])

    class Meta:
        verbose_name = verbose_name_plural = "评选类别"
        ordering = ["campaign", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "kind"], name="campaign_category_unique_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.quota}名）"

    @property
    def recipient_kind(self) -> str:
        return CATEGORY_RECIPIENT[self.kind]


# The columns a nominee can sit in (the federation is never nominated).
NOMINEE_FIELDS = {k: v for k, v in RECIPIENT_FIELDS.items() if k != RecipientKind.FEDERATION}


class NominationQuerySet(ScopedQuerySet):
    # A nomination belongs to the nominating chamber's region: a street worker sees her street's.
    region_paths = ("chamber__region",)


class Nomination(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", "已推荐"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"

    category = models.ForeignKey(CampaignCategory, verbose_name="评选类别", on_delete=models.PROTECT,
                                 related_name="nominations")
    chamber = models.ForeignKey(Chamber, verbose_name="推荐商会", on_delete=models.PROTECT,
                                related_name="nominations_made")
    recipient_kind = models.CharField("被推荐对象类型", max_length=20, choices=RecipientKind.choices, editable=False)
    nominee_chamber = models.ForeignKey(Chamber, verbose_name="被推荐商会", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="nominations")
    party_organization = models.ForeignKey("party.PartyOrganization", verbose_name="被推荐党组织", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="nominations")
    enterprise = models.ForeignKey(Enterprise, verbose_name="被推荐企业", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="nominations")
    person = models.ForeignKey(Person, verbose_name="被推荐人", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="nominations")
    reasons = models.TextField("推荐理由（主要事迹）", max_length=5000)
    attachment = models.FileField("附件", upload_to="honors/nominations/%Y/", blank=True,
                                  validators=file_validators())
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.SUBMITTED, editable=False)
    reject_reason = models.TextField("未通过原因", max_length=2000, blank=True, editable=False)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    created = models.DateTimeField("推荐时间", auto_now_add=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "推荐"
        ordering = ["category", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one("recipient_kind", {**NOMINEE_FIELDS,
                                                          RecipientKind.CHAMBER: "nominee_chamber"}),
                name="nomination_exactly_one_nominee"),
            models.CheckConstraint(condition=~Q(state="rejected") | ~Q(reject_reason=""),
                                   name="nomination_rejection_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.nominee_name}（{self.category.get_kind_display()}）"

    def clean(self):
        errors: dict[str, list[str]] = {}
        check_file(errors, "attachment", self.attachment)
        if errors:
            raise ValidationError(errors)

    @property
    def nominee(self):
        if self.recipient_kind == RecipientKind.CHAMBER:
            return self.nominee_chamber
        name = NOMINEE_FIELDS.get(self.recipient_kind)
        return getattr(self, name) if name else None

    @property
    def nominee_name(self) -> str:
        return str(self.nominee or "")

    @property
    def campaign(self) -> Campaign:
        return self.category.campaign

    @property
    def region(self):
        return self.chamber.region


class ObjectionQuerySet(ScopedQuerySet):
    region_paths = ("nomination__chamber__region",)

    def open(self):
        return self.filter(resolved_at__isnull=True)


class Objection(models.Model):
    """An objection raised during the public notice (公示期间的异议), and how it was resolved."""

    nomination = models.ForeignKey(Nomination, verbose_name="推荐", on_delete=models.CASCADE,
                                   related_name="objections")
    text = models.TextField("异议内容", max_length=5000)
    filed_at = models.DateTimeField("提出时间", auto_now_add=True)
    filed_by = models.ForeignKey("accounts.User", verbose_name="登记人", null=True, on_delete=models.SET_NULL,
                                 related_name="+", editable=False)
    resolution = models.TextField("处理结果", max_length=5000, blank=True, editable=False)
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True, editable=False)
    resolved_by = models.ForeignKey("accounts.User", verbose_name="处理人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "公示异议"
        ordering = ["filed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(resolved_at__isnull=True) | ~Q(resolution=""),
                                   name="objection_resolution_text"),
        ]

    def __str__(self) -> str:
        return f"对“{self.nomination.nominee_name}”的异议"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
