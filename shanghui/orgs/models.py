from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from shanghui.core.pinyin import initials
from shanghui.core.scoping import ReferenceQuerySet, ScopedQuerySet


class InitialsMixin(models.Model):
    """Keeps `name_initials` (pinyin first letters of `name`) in step with the name."""

    name_initials = models.CharField("拼音首字母", max_length=100, blank=True, db_index=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.name_initials = initials(self.name)[:100]
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_initials"}
        super().save(*args, **kwargs)


class RegionQuerySet(ReferenceQuerySet):
    region_paths = ("",)

    def streets(self):
        return self.filter(level=Region.Level.STREET)

    def valid_in(self, year: int):
        """The regions that exist in `year` (区划调整: a merged or split street ends, its successors begin)."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=year),
                           Q(valid_to__isnull=True) | Q(valid_to__gte=year))

    def current(self):
        """The regions not ended by a 区划调整: where new rows may go."""
        return self.filter(valid_to__isnull=True)

    def search(self, q: str):
        q = (q or "").strip()
        return self.filter(Q(name__icontains=q) | Q(name_initials__contains=q.lower()) | Q(code__startswith=q)) if q else self


class Region(InitialsMixin):
    """A node of the administrative division tree: city → district → street."""

    class Level(models.TextChoices):
        CITY = "city", "市"
        DISTRICT = "district", "区"
        STREET = "street", "街道"

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    # "/110101/110101001/": a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    # 区划调整 (orgs/services.py region_merge, region_split): the years a street exists in. A street
    # merged away ends and becomes a child of its successor; a split street ends and its parts are
    # its children. Rows keep pointing at the street they belonged to, so a year before the change
    # reads the old streets and a later year sums each successor's subtree.
    valid_from = models.PositiveSmallIntegerField("起始年度", null=True, blank=True)
    valid_to = models.PositiveSmallIntegerField("截止年度", null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        super().save(*args, **kwargs)

    def clean(self):
        if not self.code.isdigit():
            raise ValidationError({"code": "区划代码只能是数字。"})
        if self.level == self.Level.STREET and len(self.code) != 9:
            raise ValidationError({"code": "街道的区划代码应为9位数字。"})
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "截止年度不能早于起始年度。"})

    @property
    def ended(self) -> bool:
        return self.valid_to is not None


class RegionChange(models.Model):
    """One 区划调整: streets merged into a new one, or a street split into parts, from `year` on."""

    class Kind(models.TextChoices):
        MERGE = "merge", "合并"
        SPLIT = "split", "拆分"

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("生效年度")
    sources = models.ManyToManyField(Region, verbose_name="调整前", related_name="changes_out")
    results = models.ManyToManyField(Region, verbose_name="调整后", related_name="changes_in")
    note = models.CharField("说明", max_length=200, blank=True)
    created = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "区划调整"
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_kind_display()}"


class ChamberQuerySet(ScopedQuerySet):
    region_paths = ("region",)

    def search(self, q: str):
        q = (q or "").strip()
        return self.filter(Q(name__icontains=q) | Q(name_initials__contains=q.lower())) if q else self


class Chamber(InitialsMixin):
    """A chamber of commerce: a street chamber, an industry chamber, or an association."""

    class Kind(models.TextChoices):
        STREET = "street", "街道商会"
        INDUSTRY = "industry", "行业商会"
        ASSOCIATION = "association", "协会"

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name="所在区域", on_delete=models.PROTECT, related_name="chambers")
    founded = models.DateField("成立日期", null=True, blank=True)
    individual_members = models.BooleanField("个人会员制", default=False,
                                             help_text="如青创会：会员是个人而非企业。")
    # The four guarantees (四个保障) a street gives its chamber.
    has_office = models.BooleanField("办公场地保障", default=False)
    has_service_functions = models.BooleanField("服务职能保障", default=False)
    has_staff = models.BooleanField("工作人员保障", default=False)
    has_funding = models.BooleanField("经费保障", default=False)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    is_active = models.BooleanField("有效", default=True)

    objects = ChamberQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "商会"
        ordering = ["region__code", "kind", "name"]
        constraints = [
            # One street chamber per street.
            models.UniqueConstraint(fields=["region"], condition=Q(kind="street"), name="one_street_chamber_per_street"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.kind == self.Kind.STREET and self.region_id and self.region.level != Region.Level.STREET:
            raise ValidationError({"region": "街道商会必须属于一个街道。"})
        if self.individual_members and self.kind != self.Kind.ASSOCIATION:
            raise ValidationError({"individual_members": "只有协会可以实行个人会员制。"})
        if self.kind == self.Kind.STREET and self.region_id:
            clash = Chamber.objects.filter(kind=self.Kind.STREET, region_id=self.region_id).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"region": f"“{self.region}”已有街道商会“{clash.first()}”。"})

    @property
    def guarantees(self) -> int:
        return sum([self.has_office, self.has_service_functions, self.has_staff, self.has_funding])


class Department(models.Model):
    """A functional department whose services are stationed at chambers (市场监管、司法、食药…)."""

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=60, unique=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "职能部门"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ChamberDepartmentQuerySet(ScopedQuerySet):
    region_paths = ("chamber__region",)


class ChamberDepartment(models.Model):
    chamber = models.ForeignKey(Chamber, verbose_name="商会", on_delete=models.CASCADE, related_name="stationed")
    department = models.ForeignKey(Department, verbose_name="职能部门", on_delete=models.PROTECT)
    since = models.DateField("进驻日期", null=True, blank=True)
    # A department that leaves keeps its row (the history of who was stationed when), ended here.
    until = models.DateField("撤出日期", null=True, blank=True)

    objects = ChamberDepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "进驻商会的职能"
        ordering = ["chamber", "department__code", "-since"]
        constraints = [models.UniqueConstraint(fields=["chamber", "department"], condition=Q(until__isnull=True),
                                               name="department_once_per_chamber")]

    def __str__(self) -> str:
        return f"{self.department}@{self.chamber}"

    def clean(self):
        if self.until and self.since and self.until < self.since:
            raise ValidationError({"until": "撤出日期不能早于进驻日期。"})
        if self.until is None and self.chamber_id and self.department_id:
            clash = ChamberDepartment.objects.filter(chamber_id=self.chamber_id, department_id=self.department_id,
                                                     until__isnull=True).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"department": f"“{self.department}”已进驻该商会。"})


class StaffAssignmentQuerySet(ScopedQuerySet):
    region_paths = ("chamber__region",)

    def active_on(self, day):
        return self.filter(Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day)))


class StaffAssignment(models.Model):
    """A full-time chamber worker or party-building instructor serving a chamber."""

    class Kind(models.TextChoices):
        WORKER = "worker", "商会专职工作者"
        INSTRUCTOR = "instructor", "专职党建指导员"

    chamber = models.ForeignKey(Chamber, verbose_name="商会", on_delete=models.CASCADE, related_name="staff")
    kind = models.CharField("岗位", max_length=20, choices=Kind.choices)
    name = models.CharField("姓名", max_length=50)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="系统账号", null=True, blank=True,
                             on_delete=models.SET_NULL)
    start = models.DateField("起始日期")
    end = models.DateField("结束日期", null=True, blank=True)

    objects = StaffAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "人员配备"
        ordering = ["chamber", "kind", "-start"]

    def __str__(self) -> str:
        return f"{self.chamber} {self.get_kind_display()} {self.name}"

    def clean(self):
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": "结束日期不能早于起始日期。"})


class Holiday(models.Model):
    """The district's own changes to the official calendar: a day its offices close although the State
    Council notice has everyone work (a local closure), or a day they work although it is off.

    The official holidays and 调休 working days are not typed here: orgs/workdays.py reads them from the
    `chinese-calendar` package. A row here wins over that calendar for its date.
    """

    class Kind(models.TextChoices):
        CLOSURE = "closure", "本区停止办公"
        WORKDAY = "workday", "本区照常上班"

    date = models.DateField("日期", unique=True, error_messages={"unique": "这一天已有本区设置，请先删除原设置。"})
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.CLOSURE)
    note = models.CharField("说明", max_length=100, help_text="例如：依据区政府某月某日通知。")

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "本区节假日调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"
