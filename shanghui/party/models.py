"""Party building (docs/design.md §3 `party`): organisations, what they cover, members, instructors, meetings.

Dates are inclusive ranges: a coverage, membership or assignment with `end` (or `left`)
set runs up to and including that day; an open end means "to this day". A party
organisation's `dissolved` date and an enterprise's `status_changed` date are the first
day it no longer exists. "At most one at a time" rules are checked in `clean()` (with a
clear message) and, for the open row, backed by a partial unique constraint.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from shanghui.core import files
from shanghui.core.constraints import ends_after
from shanghui.core.duplicates import Clash
from shanghui.core.scoping import ScopedQuerySet
from shanghui.directory.models import Enterprise, Person
from shanghui.orgs.models import Chamber, InitialsMixin, StaffAssignment

FAR_FUTURE = dt.date.max
# What a party-membership overlap outside the user's scope is called in the neutral message.
MEMBER_CLASH = "党员"


def overlaps(start_field: str, end_field: str, start: dt.date, end: dt.date | None) -> Q:
    """Rows whose [start_field, end_field] (open end = forever) meets [start, end]."""
    cond = Q(**{f"{start_field}__lte": end or FAR_FUTURE})
    return cond & (Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": start}))


def _check_range(errors: dict, start, end, end_field: str, message: str) -> None:
    if start and end and end < start:
        errors.setdefault(end_field, []).append(message)


# --- organisations -------------------------------------------------------------


class Level(models.TextChoices):
    COMMITTEE = "committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"


class Form(models.TextChoices):
    OWN = "own", "单独组建"
    JOINT = "joint", "联合组建"


LEVEL_RANK = {Level.COMMITTEE: 3, Level.GENERAL_BRANCH: 2, Level.BRANCH: 1}


class PartyOrganizationQuerySet(ScopedQuerySet):
    # A joint organisation belongs to its host chamber's region, an own one to its enterprise's street.
    region_paths = ("host_chamber__region", "enterprise__region")

    def search(self, q: str):
        q = (q or "").strip()
        return self.filter(Q(name__icontains=q) | Q(name_initials__contains=q.lower())) if q else self

    def active_between(self, start: dt.date, end: dt.date):
        return self.filter(Q(founded__lte=end) & (Q(dissolved__isnull=True) | Q(dissolved__gt=start)))

    def active_on(self, day: dt.date):
        return self.active_between(day, day)

    def joint_committees(self):
        """Joint party committees hosted by a street chamber (商会联合党委)."""
        return self.filter(form=Form.JOINT, level=Level.COMMITTEE, host_chamber__kind=Chamber.Kind.STREET)

    def term_due(self, day: dt.date, within_days: int = 90):
        """Organisations (still existing) whose term has ended or ends within `within_days` of `day`."""
        return self.active_on(day).filter(term_end__lte=day + dt.timedelta(days=within_days))


class PartyOrganization(InitialsMixin):
    """A party committee, general branch or branch, formed in one enterprise (own) or jointly (joint)."""

    name = models.CharField("名称", max_length=100, unique=True)
    level = models.CharField("层级", max_length=20, choices=Level.choices)
    form = models.CharField("组建方式", max_length=10, choices=Form.choices)
    parent = models.ForeignKey("self", verbose_name="上级党组织", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    host_chamber = models.ForeignKey(Chamber, verbose_name="依托商会", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="party_organizations",
                                     help_text="联合组建的党组织依托的商会（如街道商会联合党委）。")
    enterprise = models.ForeignKey(Enterprise, verbose_name="所在企业", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="own_party_organizations",
                                   help_text="单独组建的党组织所在的企业。")
    secretary = models.CharField("书记", max_length=50, blank=True)
    founded = models.DateField("成立日期")
    term_years = models.PositiveSmallIntegerField("每届任期（年）", default=3,
                                                  validators=[MinValueValidator(1), MaxValueValidator(5)])
    term_end = models.DateField("本届届满日期", null=True, blank=True)
    dissolved = models.DateField("撤销日期", null=True, blank=True)

    objects = PartyOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党组织"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(form="joint", host_chamber__isnull=False, enterprise__isnull=True)
                | Q(form="own", enterprise__isnull=False),
                name="party_org_form_fields",
            ),
            ends_after("term_end", "founded", name="party_org_term_after_founding"),
            ends_after("dissolved", "founded", name="party_org_dissolved_after_founding", strictly=True),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region(self):
        if self.form == Form.JOINT and self.host_chamber_id:
            return self.host_chamber.region
        return self.enterprise.region if self.enterprise_id else None

    def is_active_on(self, day: dt.date) -> bool:
        return self.founded <= day and (self.dissolved is None or day < self.dissolved)

    def term_state(self, day: dt.date) -> str:
        """'' (fine), 'due' (ends within 90 days) or 'overdue' (换届提醒)."""
        if not self.term_end or not self.is_active_on(day):
            return ""
        if self.term_end < day:
            return "overdue"
        return "due" if self.term_end <= day + dt.timedelta(days=90) else ""

    def clean(self):
        errors: dict[str, list[str]] = {}
        if self.form == Form.JOINT:
            if not self.host_chamber_id:
                errors.setdefault("host_chamber", []).append("联合组建的党组织须填写依托商会。")
            if self.enterprise_id:
                errors.setdefault("enterprise", []).append("联合组建的党组织不填写所在企业；覆盖的企业请在“覆盖企业”中登记。")
        elif self.form == Form.OWN:
            if not self.enterprise_id:
                errors.setdefault("enterprise", []).append("单独组建的党组织须填写所在企业。")
            if self.host_chamber_id:
                errors.setdefault("host_chamber", []).append("单独组建的党组织不填写依托商会。")
        _check_range(errors, self.founded, self.term_end, "term_end", "本届届满日期不能早于成立日期。")
        if self.founded and self.dissolved and self.dissolved <= self.founded:
            errors.setdefault("dissolved", []).append("撤销日期应晚于成立日期。")
        if self.founded and self.founded > dt.date.today():
            errors.setdefault("founded", []).append("成立日期不能晚于今天。")
        if self.parent_id:
            self._clean_parent(errors)
        if self.pk and self.dissolved:
            self._clean_dissolved(errors)
        if errors:
            raise ValidationError(errors)

    def _clean_parent(self, errors: dict) -> None:
        parent = self.parent
        node, seen = parent, set()
        while node is not None and node.pk not in seen:
            if self.pk and node.pk == self.pk:
                errors.setdefault("parent", []).append("上级党组织不能是本组织或其下级组织。")
                return
            seen.add(node.pk)
            node = node.parent
        if self.level and parent.level != Level.COMMITTEE and LEVEL_RANK[parent.level] <= LEVEL_RANK[self.level]:
            errors.setdefault("parent", []).append(
                f"{parent.get_level_display()}“{parent}”不能作为{self.get_level_display()}的上级。")

    def _clean_dissolved(self, errors: dict) -> None:
        open_cov = self.coverages.filter(Q(end__isnull=True) | Q(end__gte=self.dissolved)).exists()
        open_mem = self.members.filter(Q(left__isnull=True) | Q(left__gte=self.dissolved)).exists()
        if open_cov or open_mem:
            errors.setdefault("dissolved", []).append(
                "撤销前请先结束该组织的覆盖企业记录并转出全部党员（截止日期应早于撤销日期）。")


# --- coverage ------------------------------------------------------------------


class PartyCoverageQuerySet(ScopedQuerySet):
    region_paths = ("enterprise__region",)

    def overlapping(self, start: dt.date, end: dt.date | None):
        return self.filter(overlaps("start", "end", start, end))

    def active_on(self, day: dt.date):
        return self.overlapping(day, day)


class PartyCoverage(models.Model):
    """One enterprise covered by one party organisation from `start` to `end` (组织覆盖的历史)."""

    organization = models.ForeignKey(PartyOrganization, verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="coverages")
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE,
                                   related_name="party_coverages")
    start = models.DateField("覆盖起始日期")
    end = models.DateField("覆盖截止日期", null=True, blank=True)

    objects = PartyCoverageQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党组织覆盖"
        ordering = ["enterprise", "-start"]
        constraints = [
            ends_after("end", "start", name="party_coverage_end_after_start"),
            # At most one current coverage per enterprise; clean() checks the whole history.
            models.UniqueConstraint(fields=["enterprise"], condition=Q(end__isnull=True),
                                    name="party_coverage_one_open_per_enterprise"),
        ]
        indexes = [models.Index(fields=["enterprise", "start"]), models.Index(fields=["organization", "start"])]

    def __str__(self) -> str:
        return f"{self.enterprise} ← {self.organization}"

    def clean(self):
        errors: dict[str, list[str]] = {}
        _check_range(errors, self.start, self.end, "end", "覆盖截止日期不能早于起始日期。")
        if not (self.organization_id and self.enterprise_id and self.start):
            if errors:
                raise ValidationError(errors)
            return
        org, ent = self.organization, self.enterprise
        region = org.region
        if region is not None and not ent.region.path.startswith(region.path):
            errors.setdefault("enterprise", []).append(
                f"企业“{ent}”位于{ent.region}，不在党组织“{org}”所在的{region}范围内，不能由其覆盖。")
        if org.form == Form.OWN and org.enterprise_id != ent.pk:
            errors.setdefault("enterprise", []).append(f"单独组建的党组织“{org}”只能覆盖其所在企业“{org.enterprise}”。")
        if self.start < org.founded:
            errors.setdefault("start", []).append(f"覆盖起始日期不能早于党组织成立日期（{org.founded:%Y-%m-%d}）。")
        if org.dissolved and (self.end is None or self.end >= org.dissolved):
            errors.setdefault("end", []).append(f"党组织已于{org.dissolved:%Y-%m-%d}撤销，覆盖截止日期应早于撤销日期。")
        if not errors:
            clash = (PartyCoverage.objects.filter(enterprise=ent).exclude(pk=self.pk)
                     .overlapping(self.start, self.end).select_related("organization").first())
            if clash:
                until = f"{clash.end:%Y-%m-%d}" if clash.end else "今"
                errors.setdefault("__all__", []).append(
                    f"企业“{ent}”在{clash.start:%Y-%m-%d}至{until}已由“{clash.organization}”覆盖，"
                    "同一时间只能由一个党组织覆盖；如需转由其他组织覆盖，请使用“转移覆盖”。")
        if errors:
            raise ValidationError(errors)


# --- members -------------------------------------------------------------------


class PartyMemberQuerySet(ScopedQuerySet):
    region_paths = ("organization__host_chamber__region", "organization__enterprise__region")

    def search(self, q: str):
        q = (q or "").strip()
        if not q:
            return self
        return self.filter(Q(person__name__icontains=q) | Q(person__name_initials__contains=q.lower())
                           | Q(organization__name__icontains=q))

    def active_on(self, day: dt.date):
        return self.filter(overlaps("joined_org", "left", day, day))


class PartyMember(models.Model):
    """A person's membership of one party organisation (a transfer ends one row and starts the next)."""

    class Category(models.TextChoices):
        FULL = "full", "正式党员"
        PROBATIONARY = "probationary", "预备党员"

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE, related_name="party_records")
    organization = models.ForeignKey(PartyOrganization, verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="members")
    category = models.CharField("党员类别", max_length=20, choices=Category.choices, default=Category.FULL)
    joined_party = models.DateField("入党日期")
    joined_org = models.DateField("转入本组织日期")
    left = models.DateField("转出日期", null=True, blank=True)
    flowing = models.BooleanField("流动党员", default=False)

    objects = PartyMemberQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党员"
        ordering = ["organization", "person__name_initials", "-joined_org"]
        constraints = [
            ends_after("left", "joined_org", name="party_member_left_after_joined"),
            models.UniqueConstraint(fields=["person"], condition=Q(left__isnull=True),
                                    name="party_member_one_open_per_person"),
        ]
        indexes = [models.Index(fields=["organization", "joined_org"]), models.Index(fields=["person", "joined_org"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.organization}"

    def clean(self):
        errors: dict[str, list[str]] = {}
        _check_range(errors, self.joined_org, self.left, "left", "转出日期不能早于转入本组织日期。")
        if self.joined_party and self.joined_party > dt.date.today():
            errors.setdefault("joined_party", []).append("入党日期不能晚于今天。")
        if self.joined_party and self.joined_org and self.joined_org < self.joined_party:
            errors.setdefault("joined_org", []).append("转入本组织日期不能早于入党日期。")
        if self.organization_id and self.joined_org:
            org = self.organization
            if self.joined_org < org.founded:
                errors.setdefault("joined_org", []).append(f"转入日期不能早于党组织成立日期（{org.founded:%Y-%m-%d}）。")
            if org.dissolved and (self.left is None or self.left >= org.dissolved):
                errors.setdefault("left", []).append(f"党组织已于{org.dissolved:%Y-%m-%d}撤销，转出日期应早于撤销日期。")
        if self.person_id and self.joined_org and not errors:
            clash = (PartyMember.objects.filter(person_id=self.person_id).exclude(pk=self.pk)
                     .filter(overlaps("joined_org", "left", self.joined_org, self.left))
                     .select_related("organization").first())
            if clash:
                until = f"{clash.left:%Y-%m-%d}" if clash.left else "今"
                errors.setdefault("__all__", []).append(Clash(
                    clash=clash, what=MEMBER_CLASH,
                    named=f"{self.person}在{clash.joined_org:%Y-%m-%d}至{until}已是“{clash.organization}”的党员，"
                          "同一时间只能属于一个党组织；如需转接组织关系，请使用“转接”。"))
        if errors:
            raise ValidationError(errors)


# --- instructors ---------------------------------------------------------------


class InstructorAssignmentQuerySet(ScopedQuerySet):
    region_paths = ("enterprise__region",)

    def overlapping(self, start: dt.date, end: dt.date | None):
        return self.filter(overlaps("start", "end", start, end))


class InstructorAssignment(models.Model):
    """A party-building instructor assigned to an enterprise without its own party organisation."""

    instructor = models.ForeignKey(StaffAssignment, verbose_name="党建指导员", on_delete=models.PROTECT,
                                   related_name="party_assignments",
                                   limit_choices_to={"kind": StaffAssignment.Kind.INSTRUCTOR})
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE,
                                   related_name="instructor_assignments")
    start = models.DateField("指导起始日期")
    end = models.DateField("指导截止日期", null=True, blank=True)

    objects = InstructorAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党建指导员联系企业"
        ordering = ["enterprise", "-start"]
        constraints = [
            ends_after("end", "start", name="instructor_assignment_end_after_start"),
        ]
        indexes = [models.Index(fields=["enterprise", "start"])]

    def __str__(self) -> str:
        return f"{self.instructor.name} → {self.enterprise}"

    def clean(self):
        errors: dict[str, list[str]] = {}
        _check_range(errors, self.start, self.end, "end", "指导截止日期不能早于起始日期。")
        if self.instructor_id and self.instructor.kind != StaffAssignment.Kind.INSTRUCTOR:
            errors.setdefault("instructor", []).append(f"“{self.instructor.name}”不是专职党建指导员。")
        if self.instructor_id and self.enterprise_id and not errors:
            region = self.instructor.chamber.region
            if not self.enterprise.region.path.startswith(region.path):
                errors.setdefault("enterprise", []).append(
                    f"企业“{self.enterprise}”不在指导员所在商会的范围（{region}）内。")
            own = (PartyCoverage.objects.filter(enterprise=self.enterprise, organization__form=Form.OWN)
                   .overlapping(self.start, self.start).first())
            if own:
                errors.setdefault("enterprise", []).append(
                    f"企业“{self.enterprise}”在{self.start:%Y-%m-%d}已有单独组建的党组织“{own.organization}”，无需派驻指导员。")
            clash = (InstructorAssignment.objects.filter(enterprise=self.enterprise, instructor=self.instructor)
                     .exclude(pk=self.pk).overlapping(self.start, self.end).exists())
            if clash:
                errors.setdefault("__all__", []).append("该指导员在这一时段已联系该企业，时段不能重叠。")
        if errors:
            raise ValidationError(errors)


class InstructorVisitQuerySet(ScopedQuerySet):
    region_paths = ("assignment__enterprise__region",)


class InstructorVisit(models.Model):
    """A visit by an instructor to an enterprise he is assigned to."""

    assignment = models.ForeignKey(InstructorAssignment, verbose_name="联系关系", on_delete=models.CASCADE,
                                   related_name="visits")
    date = models.DateField("走访日期")
    topics = models.TextField("走访内容", max_length=2000)
    follow_ups = models.TextField("后续事项", max_length=2000, blank=True)

    objects = InstructorVisitQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "指导员走访记录"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.assignment.enterprise} {self.date:%Y-%m-%d}" if self.date else "走访记录"

    def clean(self):
        if not (self.assignment_id and self.date):
            return
        a = self.assignment
        if self.date < a.start or (a.end and self.date > a.end):
            until = f"{a.end:%Y-%m-%d}" if a.end else "今"
            raise ValidationError({"date": f"走访日期应在指导期间（{a.start:%Y-%m-%d}至{until}）内。"})
        if self.date > dt.date.today():
            raise ValidationError({"date": "走访日期不能晚于今天。"})


# --- organisational life --------------------------------------------------------


class OrgLifeKind(models.TextChoices):
    COMMITTEE_MEETING = "committee_meeting", "支部委员会"
    MEMBER_MEETING = "member_meeting", "党员大会"
    LECTURE = "lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    LIFE_MEETING = "life_meeting", "组织生活会"
    APPRAISAL = "appraisal", "民主评议党员"


MINUTES_EXTENSIONS = ["pdf", "doc", "docx", "jpg", "jpeg", "png"]
MINUTES_MAX_BYTES = 10 * 1024 * 1024
# What minutes may be, judged by their content (shanghui/core/files.py).
MINUTES_TYPES = (files.PDF, files.DOC, files.DOCX, files.JPEG, files.PNG)


def validate_minutes_size(f) -> None:
    if f and f.size > MINUTES_MAX_BYTES:
        raise ValidationError("会议记录文件不能超过 10 MB。")


class OrgLifeRecordQuerySet(ScopedQuerySet):
    region_paths = ("organization__host_chamber__region", "organization__enterprise__region")


class OrgLifeRecord(models.Model):
    """One meeting of 三会一课, a 主题党日, an 组织生活会 or a 民主评议 held by an organisation."""

    organization = models.ForeignKey(PartyOrganization, verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="life_records")
    kind = models.CharField("类型", max_length=20, choices=OrgLifeKind.choices)
    date = models.DateField("日期")
    topic = models.CharField("主题", max_length=200)
    attendance = models.PositiveIntegerField("出席人数", validators=[MaxValueValidator(100_000)])
    minutes = models.FileField("会议记录", upload_to="party/minutes/%Y/", blank=True,
                               validators=[FileExtensionValidator(MINUTES_EXTENSIONS), validate_minutes_size])

    objects = OrgLifeRecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "组织生活记录"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["organization", "date"])]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_kind_display()} {self.date:%Y-%m-%d}" if self.date else "组织生活记录"

    def clean(self):
        try:
            files.check_new_upload(self.minutes, MINUTES_TYPES, max_bytes=MINUTES_MAX_BYTES)
        except ValidationError as e:
            raise ValidationError({"minutes": e.messages}) from None
        if not (self.organization_id and self.date):
            return
        org = self.organization
        if not org.is_active_on(self.date):
            raise ValidationError({"date": f"“{org}”在{self.date:%Y-%m-%d}尚未成立或已撤销。"})
        if self.date > dt.date.today():
            raise ValidationError({"date": "日期不能晚于今天。"})


# --- 发展党员 (recruitment) ---------------------------------------------------------------------------
# The stages, steps and time rules are in recruitment.py; the writes in recruitment_services.py.
from .recruitment import STEP_CHOICES  # noqa: E402  (kept in this section so the dues section merges cleanly)

RECRUITMENT_DOC_EXTENSIONS = ["pdf", "doc", "docx", "jpg", "jpeg", "png"]
RECRUITMENT_DOC_MAX_BYTES = 10 * 1024 * 1024
RECRUITMENT_DOC_TYPES = (files.PDF, files.DOC, files.DOCX, files.JPEG, files.PNG)


def validate_recruitment_doc_size(f) -> None:
    if f and f.size > RECRUITMENT_DOC_MAX_BYTES:
        raise ValidationError("附件不能超过 10 MB。")


class CandidateQuerySet(ScopedQuerySet):
    region_paths = ("organization__host_chamber__region", "organization__enterprise__region")
    # An enterprise user (the branch secretary) sees the candidates of his enterprise's own organisation.
    enterprise_paths = ("organization__enterprise",)

    def search(self, q: str):
        q = (q or "").strip()
        if not q:
            return self
        return self.filter(Q(person__name__icontains=q) | Q(person__name_initials__contains=q.lower())
                           | Q(organization__name__icontains=q))

    def at_stage(self, stage: str, day: dt.date):
        """Candidates whose stage on `day` is `stage` (entered it on or before `day`, not the next one)."""
        from .recruitment import STAGE_FIELDS, STAGES

        keys = [k for k, _ in STAGES]
        i = keys.index(stage)
        qs = self.filter(**{f"{STAGE_FIELDS[stage]}__lte": day})
        if i + 1 < len(keys):
            nxt = STAGE_FIELDS[keys[i + 1]]
            qs = qs.filter(Q(**{f"{nxt}__isnull": True}) | Q(**{f"{nxt}__gt": day}))
        return qs.filter(Q(stopped__isnull=True) | Q(stopped__gt=day))


class RecruitmentCandidate(models.Model):
    """One person on the way into the party through one organisation (入党申请人 … 正式党员).

    The day each stage was entered is kept on the row (set by the services from the steps), so that the
    figures "candidates per stage at a date" and "days in each stage" are plain queries.
    """

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT,
                               related_name="recruitment_records")
    organization = models.ForeignKey(PartyOrganization, verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="candidates")
    birth_date = models.DateField("出生日期")
    applied = models.DateField("递交入党申请书日期")
    activist_on = models.DateField("确定为入党积极分子日期", null=True, blank=True, editable=False)
    development_on = models.DateField("列为发展对象日期", null=True, blank=True, editable=False)
    probationary_on = models.DateField("接收为预备党员日期", null=True, blank=True, editable=False)
    full_on = models.DateField("转为正式党员日期", null=True, blank=True, editable=False)
    stopped = models.DateField("终止培养日期", null=True, blank=True)
    member = models.OneToOneField(PartyMember, verbose_name="党员记录", null=True, blank=True, editable=False,
                                  on_delete=models.SET_NULL, related_name="recruitment")
    note = models.TextField("备注", max_length=2000, blank=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "发展党员"
        ordering = ["organization", "-applied", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(stopped__isnull=True, full_on__isnull=True),
                                    name="recruitment_one_open_per_person"),
        ]
        indexes = [models.Index(fields=["organization", "applied"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.organization}"

    @property
    def stage(self) -> str:
        from .recruitment import STAGE_FIELDS, STAGES

        current = STAGES[0][0]
        for key, _ in STAGES:
            if getattr(self, STAGE_FIELDS[key]) is not None:
                current = key
        return current

    @property
    def stage_label(self) -> str:
        from .recruitment import STAGE_LABELS

        label = STAGE_LABELS[self.stage]
        return f"{label}（已终止）" if self.stopped else label

    @property
    def age_at_application(self) -> int | None:
        """Whole years on the application day. Pages show this, never the birth date: a birth date beside
        the masked ID number (110101********1234) would give back the digits the mask hides."""
        born, applied = self.birth_date, self.applied
        if not (born and applied):
            return None
        return applied.year - born.year - ((applied.month, applied.day) < (born.month, born.day))

    def clean(self):
        errors: dict[str, list[str]] = {}
        if self.applied and self.applied > dt.date.today():
            errors.setdefault("applied", []).append("递交入党申请书日期不能晚于今天。")
        if self.birth_date and self.applied and self.birth_date >= self.applied:
            errors.setdefault("birth_date", []).append("出生日期应早于申请日期。")
        if self.organization_id and self.applied:
            org = self.organization
            if not org.is_active_on(self.applied):
                errors.setdefault("organization", []).append(f"“{org}”在{self.applied:%Y-%m-%d}尚未成立或已撤销。")
        _check_range(errors, self.applied, self.stopped, "stopped", "终止培养日期不能早于申请日期。")
        if self.person_id and not errors:
            open_rows = RecruitmentCandidate.objects.filter(person_id=self.person_id, stopped__isnull=True,
                                                            full_on__isnull=True).exclude(pk=self.pk)
            if self.stopped is None and self.full_on is None and open_rows.exists():
                errors.setdefault("person", []).append(f"{self.person}已有正在进行的发展党员记录。")
        if errors:
            raise ValidationError(errors)


class RecruitmentStepQuerySet(ScopedQuerySet):
    region_paths = ("candidate__organization__host_chamber__region", "candidate__organization__enterprise__region")
    enterprise_paths = ("candidate__organization__enterprise",)


class RecruitmentStep(models.Model):
    """One dated step of a candidate's dossier (谈话, 考察, 公示, 支部大会…), with who and an attached scan."""

    candidate = models.ForeignKey(RecruitmentCandidate, verbose_name="发展对象", on_delete=models.CASCADE,
                                  related_name="steps")
    kind = models.CharField("步骤", max_length=30, choices=STEP_CHOICES)
    date = models.DateField("日期")
    end = models.DateField("截止日期", null=True, blank=True, help_text="集中培训、公示填写截止日期。")
    hours = models.PositiveSmallIntegerField("学时", null=True, blank=True, validators=[MaxValueValidator(500)])
    people = models.CharField("相关人员", max_length=200, blank=True,
                              help_text="谈话人、培养联系人、入党介绍人等。")
    overdue_reason = models.CharField("逾期原因", max_length=500, blank=True)
    note = models.TextField("情况记录", max_length=4000, blank=True)
    document = models.FileField("附件", upload_to="party/recruitment/%Y/", blank=True,
                                validators=[FileExtensionValidator(RECRUITMENT_DOC_EXTENSIONS),
                                            validate_recruitment_doc_size])

    objects = RecruitmentStepQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "发展党员步骤"
        ordering = ["candidate", "date", "id"]
        indexes = [models.Index(fields=["candidate", "kind"])]

    def __str__(self) -> str:
        return f"{self.candidate.person} {self.kind_label} {self.date:%Y-%m-%d}" if self.date else "发展党员步骤"

    @property
    def kind_label(self) -> str:
        from .recruitment import STEP_BY_KEY

        spec = STEP_BY_KEY.get(self.kind)
        return spec.label if spec else self.kind

    def clean(self):
        try:
            files.check_new_upload(self.document, RECRUITMENT_DOC_TYPES, max_bytes=RECRUITMENT_DOC_MAX_BYTES)
        except ValidationError as e:
            raise ValidationError({"document": e.messages}) from None
        if self.date and self.date > dt.date.today():
            raise ValidationError({"date": "日期不能晚于今天。"})


# --- 党费 (dues) ------------------------------------------------------------------
# The rules and the choices made are in docs/party-dues.md; the rates table is party/dues.py.
# A month is written as the date of its first day everywhere below.


class DuesCategory(models.TextChoices):
    EMPLOYED = "employed", "在岗职工"
    RETIRED = "retired", "离退休"
    STUDENT = "student", "学生"
    UNEMPLOYED = "unemployed", "下岗失业"
    RELIEF = "relief", "依靠救济或低保"
    RURAL = "rural", "农民"


class DuesQuerySet(ScopedQuerySet):
    # A dues row is seen where its member is; an enterprise user (the branch secretary) sees the rows
    # of his enterprise's own organisation.
    region_paths = ("member__organization__host_chamber__region", "member__organization__enterprise__region")
    enterprise_paths = ("member__organization__enterprise",)


class DuesMemberQuerySet(PartyMemberQuerySet):
    enterprise_paths = ("organization__enterprise",)


class DuesMember(PartyMember):
    """The party-member register as the dues pages see it: the same rows, also visible to the branch
    secretary of an enterprise's own organisation (PartyMember itself stays staff-only)."""

    objects = DuesMemberQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "党员（党费）"


class DuesOrganizationQuerySet(PartyOrganizationQuerySet):
    enterprise_paths = ("enterprise",)


class DuesOrganization(PartyOrganization):
    """The organisations as the dues pages see them: also the enterprise's own one to its branch secretary."""

    objects = DuesOrganizationQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "党组织（党费）"


class DuesBase(models.Model):
    """A member's declared monthly base for one year (or, for the fixed-amount categories, the amount)."""

    member = models.ForeignKey(PartyMember, verbose_name="党员", on_delete=models.CASCADE, related_name="dues_bases")
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2008), MaxValueValidator(2100)])
    category = models.CharField("缴费类别", max_length=20, choices=DuesCategory.choices, default=DuesCategory.EMPLOYED)
    base = models.DecimalField("月缴费基数（元）", max_digits=10, decimal_places=2, null=True, blank=True,
                               validators=[MinValueValidator(0)],
                               help_text="在岗职工：税后工资扣除社保和公积金个人缴纳部分；离退休：养老金。")
    fixed_amount = models.DecimalField("每月固定金额（元）", max_digits=6, decimal_places=2, null=True, blank=True,
                                       help_text="农民党员每月0.2至1元，由支部确定。")

    objects = DuesQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党费基数"
        ordering = ["-year", "member"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="dues_base_one_per_member_year"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}年" if self.member_id else f"{self.year}年"

    def monthly(self):
        from .dues import monthly_amount

        return monthly_amount(self.category, self.base, self.fixed_amount)

    def clean(self):
        from .dues import base_errors

        errors = base_errors(self.category, self.base, self.fixed_amount)
        if errors:
            raise ValidationError(errors)


class DuesMethod(models.TextChoices):
    CASH = "cash", "现金"
    TRANSFER = "transfer", "银行转账"
    ONLINE = "online", "线上缴纳"


class DuesPayment(models.Model):
    """One payment covering `months` consecutive months from `first_month`; its months are spelled out
    in DuesPaymentMonth, where a unique constraint keeps one person's paid months from overlapping."""

    member = models.ForeignKey(PartyMember, verbose_name="党员", on_delete=models.CASCADE,
                               related_name="dues_payments")
    first_month = models.DateField("起始月份")
    months = models.PositiveSmallIntegerField("缴纳月数", validators=[MinValueValidator(1), MaxValueValidator(24)])
    amount = models.DecimalField("应缴党费（元）", max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    extra = models.DecimalField("自愿多交（元）", max_digits=10, decimal_places=2, default=0,
                                validators=[MinValueValidator(0)])
    method = models.CharField("缴纳方式", max_length=20, choices=DuesMethod.choices, default=DuesMethod.CASH)
    paid_on = models.DateField("缴纳日期")
    recorded_by = models.ForeignKey("accounts.User", verbose_name="登记人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("备注", max_length=200, blank=True)

    objects = DuesQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党费缴纳记录"
        ordering = ["-first_month", "-id"]
        indexes = [models.Index(fields=["member", "first_month"])]

    def __str__(self) -> str:
        return f"{self.member} {self.first_month:%Y-%m} 起 {self.months} 个月" if self.first_month else "党费缴纳"

    @property
    def last_month(self) -> dt.date:
        from .dues import add_months

        return add_months(self.first_month, self.months - 1)


class DuesPaymentMonth(models.Model):
    """One month a payment covers, with its share of the amount (the month's computed dues)."""

    payment = models.ForeignKey(DuesPayment, on_delete=models.CASCADE, related_name="covered")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="+")
    month = models.DateField("月份")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "党费已缴月份"
        ordering = ["month"]
        constraints = [
            # The database's own guard against two payments for one person's month (the service says it first).
            models.UniqueConstraint(fields=["person", "month"], name="dues_month_paid_once_per_person"),
        ]
        indexes = [models.Index(fields=["member", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}" if self.month else "党费月份"


class DuesArrearsReason(models.Model):
    """Why a member is behind (sick, abroad, hardship…): a member with a reason is not flagged."""

    member = models.OneToOneField(PartyMember, verbose_name="党员", on_delete=models.CASCADE,
                                  related_name="dues_arrears_reason")
    reason = models.CharField("欠缴原因", max_length=200)
    recorded_on = models.DateField("登记日期")

    objects = DuesQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党费欠缴原因"

    def __str__(self) -> str:
        return f"{self.member}：{self.reason}"


class DuesHandUpQuerySet(ScopedQuerySet):
    region_paths = ("organization__host_chamber__region", "organization__enterprise__region")
    enterprise_paths = ("organization__enterprise",)


class DuesHandUp(models.Model):
    """What one organisation handed up (上缴) to the higher committee for one month: one row per month."""

    organization = models.ForeignKey(PartyOrganization, verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="dues_hand_ups")
    month = models.DateField("所属月份")
    amount = models.DecimalField("上缴金额（元）", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    handed_on = models.DateField("上缴日期")
    recorded_by = models.ForeignKey("accounts.User", verbose_name="登记人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = DuesHandUpQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党费上缴记录"
        ordering = ["-month", "organization"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "month"], name="dues_hand_up_one_per_org_month"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.month:%Y-%m}" if self.month else "党费上缴"

    def clean(self):
        if self.month and self.month.day != 1:
            raise ValidationError({"month": "所属月份应为某月1日。"})
