"""Community projects (docs/design.md §3 `community`): projects, contributions and student-aid records.

- `Project`: a city-governance, environment, counterpart-assistance or charity project. It belongs
  to a region: a street, or the district itself for district-wide projects and for counterpart
  assistance outside the district (whose place is `partner_area`, free text). A district
  project is seen by district-level users only, like every other district row.
- `Contribution`: money, goods, volunteer hours or jobs given to a project by exactly one
  contributor (an enterprise, a chamber or a person). The unit follows from the kind. It is
  seen with its project (the project's region decides), never on its own.
- `AidRecord`: one student aided by the student-aid programme 手拉手共成长. The students are
  minors, so the record is minimal and pseudonymous: a code, the surname with the given name
  masked (张**; the full name is never stored), school, grade, where they live, the aid. No ID
  number, no birth date, no contact. Only federation admins and street workers (and the
  superuser) see the rows; leaders see totals only (kpis.aid_totals).
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from shanghui.core.constraints import ends_after
from shanghui.core.roles import REGION_WRITERS
from shanghui.core.scoping import ScopedQuerySet
from shanghui.directory.models import Enterprise, Person
from shanghui.orgs.models import Chamber, Region


class ProjectKind(models.TextChoices):
    GOVERNANCE = "governance", "城市治理"
    ENVIRONMENT = "environment", "环境整治"
    ASSISTANCE = "assistance", "对口帮扶"
    CHARITY = "charity", "公益"


class ContributionKind(models.TextChoices):
    MONEY = "money", "资金"
    GOODS = "goods", "物资"
    VOLUNTEER = "volunteer", "志愿服务时长"
    JOBS = "jobs", "就业岗位"


# The unit each kind's amount is counted in (the amount column carries no unit of its own).
UNITS = {
    ContributionKind.MONEY: "万元",
    ContributionKind.GOODS: "万元（折价）",
    ContributionKind.VOLUNTEER: "小时",
    ContributionKind.JOBS: "个",
}


def unit_of(kind: str) -> str:
    return UNITS.get(kind, "")


# --- projects ----------------------------------------------------------------------------


class ProjectQuerySet(ScopedQuerySet):
    region_paths = ("region",)

    def search(self, q: str):
        q = (q or "").strip()
        return self.filter(Q(title__icontains=q) | Q(partner_area__icontains=q) | Q(description__icontains=q)) \
            if q else self


class Project(models.Model):
    kind = models.CharField("项目类型", max_length=20, choices=ProjectKind.choices, db_index=True)
    title = models.CharField("项目名称", max_length=200)
    region = models.ForeignKey(Region, verbose_name="所属区域", on_delete=models.PROTECT, related_name="+",
                               help_text="街道项目选街道；全区项目和区外对口帮扶项目选东城区。")
    partner_area = models.CharField("帮扶地区", max_length=100, blank=True,
                                    help_text="区外对口帮扶项目填写受援地区，如“内蒙古自治区科尔沁右翼前旗”。")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True, help_text="长期项目可不填。")
    organiser = models.ForeignKey(Chamber, verbose_name="牵头商会", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="community_projects")
    description = models.TextField("项目简介", blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "社会服务项目"
        ordering = ["-start", "title"]
        constraints = [
            ends_after("end", "start", name="community_project_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "结束日期不能早于开始日期。"})
        if self.region_id and self.region.level == Region.Level.CITY:
            raise ValidationError({"region": "所属区域应为全区或某个街道。"})
        if self.kind == ProjectKind.ASSISTANCE and self.region_id and self.region.level != Region.Level.STREET \
                and not self.partner_area.strip():
            raise ValidationError({"partner_area": "区外对口帮扶项目须填写帮扶地区。"})
        if self.organiser_id and self.region_id and not self.organiser.region.path.startswith(self.region.path) \
                and not self.region.path.startswith(self.organiser.region.path):
            raise ValidationError({"organiser": f"牵头商会“{self.organiser}”与项目所属区域“{self.region}”不符。"})

    @property
    def place(self) -> str:
        return self.partner_area or self.region.name


# --- contributions ---------------------------------------------------------------------------


class ContributionQuerySet(ScopedQuerySet):
    # A contribution is part of its project: whoever sees the project sees what it received.
    region_paths = ("project__region",)

    def search(self, q: str):
        q = (q or "").strip()
        if not q:
            return self
        return self.filter(Q(project__title__icontains=q) | Q(enterprise__name__icontains=q)
                           | Q(chamber__name__icontains=q) | Q(person__name__icontains=q) | Q(note__icontains=q))


class Contribution(models.Model):
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="contributions")
    enterprise = models.ForeignKey(Enterprise, verbose_name="捐助企业", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="contributions")
    chamber = models.ForeignKey(Chamber, verbose_name="捐助商会", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="contributions")
    person = models.ForeignKey(Person, verbose_name="捐助个人", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="contributions")
    kind = models.CharField("贡献类型", max_length=20, choices=ContributionKind.choices, db_index=True)
    amount = models.DecimalField("数量", max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))],
                                 help_text="资金、物资以万元计，志愿服务以小时计，就业岗位以个计。")
    date = models.DateField("日期", db_index=True)
    note = models.CharField("说明", max_length=200, blank=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "项目贡献"
        ordering = ["-date", "-id"]
        constraints = [
            # Exactly one contributor: an enterprise, a chamber or a person.
            models.CheckConstraint(
                condition=(Q(enterprise__isnull=False, chamber__isnull=True, person__isnull=True)
                           | Q(enterprise__isnull=True, chamber__isnull=False, person__isnull=True)
                           | Q(enterprise__isnull=True, chamber__isnull=True, person__isnull=False)),
                name="community_contribution_one_contributor"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="community_contribution_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.contributor} {self.get_kind_display()} {self.amount}{self.unit}" if self.pk else "项目贡献"

    @property
    def contributor(self):
        return self.enterprise or self.chamber or self.person

    @property
    def contributor_kind(self) -> str:
        return "企业" if self.enterprise_id else "商会" if self.chamber_id else "个人" if self.person_id else ""

    @property
    def unit(self) -> str:
        return unit_of(self.kind)

    def clean(self):
        given = [x for x in (self.enterprise_id, self.chamber_id, self.person_id) if x]
        if len(given) != 1:
            raise ValidationError("捐助方须且只能是一家企业、一个商会或一个人（三选一）。")
        if self.date and self.project_id:
            p = self.project
            if self.date < p.start or (p.end and self.date > p.end):
                raise ValidationError({"date": f"日期应在项目期间内（{p.start:%Y-%m-%d}起"
                                               f"{f'至{p.end:%Y-%m-%d}' if p.end else ''}）。"})


# --- student aid ---------------------------------------------------------------------------

# A two-character surname is kept whole (欧阳**); everything after the surname is masked.
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒", "夏侯")
MASKED_RE = re.compile(r"^[\u4e00-\u9fff]{1,2}\*{1,3}$")


def mask_name(name: str) -> str:
    """张小明 → 张**, 欧阳娜娜 → 欧阳**; an already masked name is returned as it is."""
    name = re.sub(r"\s+", "", name or "")
    if MASKED_RE.match(name):
        return name
    if not name or not re.fullmatch(r"[\u4e00-\u9fff·]{2,12}", name):
        raise ValidationError({"name": "请填写学生的中文姓名（系统只保存姓氏，名字自动隐去）。"})
    surname = name[:2] if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else name[:1]
    return surname + "*" * min(max(len(name) - len(surname), 1), 3)


def sees_aid_records(user) -> bool:
    """Minors' data: staff who run the programme only. Leaders see totals (kpis.aid_totals);
    instructors, department handlers, enterprise users and auditors nothing."""
    return user is not None and user.is_authenticated and (user.is_superuser or user.role in REGION_WRITERS)


class AidRecordQuerySet(ScopedQuerySet):
    # The programme's project, or the street the student lives in.
    region_paths = ("project__region", "region")

    def visibility(self, user):
        return super().visibility(user) if sees_aid_records(user) else None

    def search(self, q: str):
        q = (q or "").strip()
        return self.filter(Q(code__icontains=q) | Q(school__icontains=q) | Q(masked_name__startswith=q)) if q else self


class AidRecord(models.Model):
    project = models.ForeignKey(Project, verbose_name="帮扶项目", on_delete=models.PROTECT, related_name="aid_records")
    code = models.CharField("学生编号", max_length=20, unique=True, help_text="化名编号，如 SZ2018-001。")
    masked_name = models.CharField("姓名（隐去名字）", max_length=5, help_text="只保存姓氏，如“张**”。")
    school = models.CharField("学校", max_length=100)
    grade = models.CharField("年级", max_length=20)
    region = models.ForeignKey(Region, verbose_name="所在街道", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", help_text="区内学生填写所在街道；区外学生填写所在地区。")
    partner_area = models.CharField("所在地区（区外）", max_length=100, blank=True)
    amount = models.DecimalField("资助金额（元）", max_digits=10, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    date = models.DateField("资助日期", db_index=True)

    objects = AidRecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "助学记录"
        ordering = ["-date", "code"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="community_aid_amount_positive")]

    def __str__(self) -> str:
        return f"{self.code} {self.masked_name}"

    def clean(self):
        if self.masked_name and not MASKED_RE.match(self.masked_name):
            raise ValidationError({"masked_name": "姓名只能保存姓氏加星号（如“张**”），不得保存全名。"})
        if self.project_id and self.project.kind not in (ProjectKind.CHARITY, ProjectKind.ASSISTANCE):
            raise ValidationError({"project": "助学记录只能属于公益或对口帮扶项目。"})
        if not self.region_id and not self.partner_area.strip():
            raise ValidationError({"region": "请填写学生所在街道，区外学生填写所在地区。"})
        if self.region_id and self.region.level != Region.Level.STREET:
            raise ValidationError({"region": "所在街道应为一个街道。"})
        if self.code and not re.fullmatch(r"[A-Za-z0-9\-]{2,20}", self.code):
            raise ValidationError({"code": "学生编号只能由字母、数字和短横线组成。"})

    @property
    def place(self) -> str:
        return self.region.name if self.region_id else self.partner_area
