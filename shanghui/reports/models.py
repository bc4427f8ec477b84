"""Counters the dashboard reads instead of scanning ten million attendance rows.

They are maintained by database triggers (see counters.py), so every way attendance gets
written — the services, QR sign-in, the attendance import, the demo generator's bulk_create,
raw SQL — is counted without any of that code knowing. `shanghui rebuild_counters` recomputes
them from the records; the tests compare them with a recount after random writes.

- `EnterpriseYear`: per enterprise and year, the attendances (by anyone representing it) at
  held education and training activities. Participation = education > 0.
- `AttendanceTally`: per street the attendance counts for, year and activity kind, the
  attendances at held activities. Training person-times = the training rows.
- `DataVersion`: one row whose number the triggers bump on any write to a table the
  dashboard reads; the dashboard's cached figure set is keyed by it.

The year is the activity's local (Asia/Shanghai) year, like activities/kpis.py. Rows are
never deleted by the triggers; a row that falls to zero stays at zero.
"""

from django.db import models

from shanghui.core.scoping import ScopedQuerySet
from shanghui.directory.models import Enterprise
from shanghui.orgs.models import Region


class EnterpriseYear(models.Model):
    # No database FK and no cascade: the triggers own these rows (an enterprise's deletion sets its
    # attendances' enterprise to NULL, and the UPDATE trigger moves the counts away).
    enterprise = models.ForeignKey(Enterprise, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    year = models.SmallIntegerField()
    education = models.IntegerField(default=0)
    training = models.IntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "企业年度出席计数"
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="reports_enterprise_year_once")]
        indexes = [models.Index(fields=["year", "enterprise"], name="reports_ey_year_ent")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.year}: {self.education}+{self.training}"


class AttendanceTally(models.Model):
    region = models.ForeignKey(Region, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    year = models.SmallIntegerField()
    kind = models.CharField(max_length=20)
    attendances = models.IntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "街道年度出席计数"
        constraints = [models.UniqueConstraint(fields=["region", "year", "kind"], name="reports_tally_once")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.year}/{self.kind}: {self.attendances}"


class DataVersion(models.Model):
    """Row 1 only: bumped by the triggers on any write the dashboard can see."""

    version = models.BigIntegerField(default=0)
    # The highest enterprise id `streetyears.settle()` has counted: on SQLite newer enterprises
    # need no trigger to be found (ids are AUTOINCREMENT, never reused; one writer at a time).
    enterprises_seen = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = verbose_name_plural = "数据版本"

    def __str__(self) -> str:
        return str(self.version)


class EnterpriseMark(models.Model):
    """An enterprise whose street-year figures may have changed (written by the triggers).

    Append-only, no uniqueness: `settle()` deletes exactly the marks it has read, so a mark
    written meanwhile by another transaction is never lost.
    """

    enterprise_id = models.BigIntegerField()

    class Meta:
        verbose_name = verbose_name_plural = "待重算企业"

    def __str__(self) -> str:
        return str(self.enterprise_id)


class EnterpriseState(models.Model):
    """Per enterprise, the years (bit year - BASE_YEAR) in which it counts in each street-year figure.

    What `settle()` last added to `StreetYear` for this enterprise, so that a change is applied
    as a difference. Enterprises that count nowhere have no row.
    """

    enterprise_id = models.BigIntegerField(primary_key=True)
    region_id = models.BigIntegerField()
    active = models.BigIntegerField(default=0)
    member = models.BigIntegerField(default=0)
    member_participating = models.BigIntegerField(default=0)
    participating = models.BigIntegerField(default=0)
    organisation = models.BigIntegerField(default=0)
    own = models.BigIntegerField(default=0)
    work = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "企业年度状态"

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.active:b}"


class StreetYear(models.Model):
    """Per region (street) and year, the enterprise counts behind the rate KPIs (docs/design.md §5):
    active enterprises, members, members and all with an education attendance, and those covered
    by an organisation, their own organisation, or party work. Kept by `streetyears.settle()`."""

    region = models.ForeignKey(Region, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    year = models.SmallIntegerField()
    active = models.IntegerField(default=0)
    member = models.IntegerField(default=0)
    member_participating = models.IntegerField(default=0)
    participating = models.IntegerField(default=0)
    organisation = models.IntegerField(default=0)
    own = models.IntegerField(default=0)
    work = models.IntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "街道年度企业计数"
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="reports_street_year_once")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.year}: {self.active}"


class NarrativeQuerySet(ScopedQuerySet):
    """A narrative is seen by those who may produce its report: the region's staff (REGION_ROLES) and above."""

    region_paths = ("region",)

    def visibility(self, user):
        from shanghui.core.roles import REGION_ROLES

        return super().visibility(user) if user.role in REGION_ROLES else None


class Narrative(models.Model):
    """A written section of the annual work report (主要做法, 存在问题, 下一步工作) for a region and year.

    The figures of the report are computed; these paragraphs are the staff's own words, kept here
    (not in a Word file on someone's desk) so the next download has them, with who wrote them last.
    """

    class Section(models.TextChoices):
        PRACTICE = "practice", "主要做法"
        PROBLEMS = "problems", "存在问题"
        NEXT = "next", "下一步工作"

    region = models.ForeignKey(Region, verbose_name="工商联或街道", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    section = models.CharField("部分", max_length=20, choices=Section.choices)
    text = models.TextField("内容", max_length=20000)
    author = models.ForeignKey("accounts.User", verbose_name="撰写人", null=True, on_delete=models.SET_NULL,
                               related_name="+")
    updated = models.DateTimeField("更新时间", auto_now=True)

    objects = NarrativeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "工作纪实文字部分"
        constraints = [models.UniqueConstraint(fields=["region", "year", "section"], name="reports_narrative_once")]

    def __str__(self) -> str:
        return f"{self.region}{self.year}年{self.get_section_display()}"
