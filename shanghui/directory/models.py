import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from shanghui.core import crypto, search
from shanghui.core.constraints import ends_after
from shanghui.core.duplicates import Clash
from shanghui.core.scoping import ScopedQuerySet
from shanghui.core.validators import (
    id_birth_date,
    mask_id_number,
    mask_mobile,
    normalize_id_number,
    normalize_mobile,
    normalize_uscc,
)
from shanghui.orgs.models import Chamber, InitialsMixin, Region

from .choices import Gender, Industry, MemberRole, PoliticalStatus, Size, Status


class EnterpriseQuerySet(ScopedQuerySet):
    region_paths = ("region",)
    enterprise_paths = ("pk",)

    def search(self, q: str):
        # The full-text index (core/search.py): name, pinyin initials, USCC (any fragment of four
        # characters or more) and the principal's name.
        return search.filter_queryset(self, "enterprise", q) if (q or "").strip() else self

    def active(self):
        return self.filter(status=Status.ACTIVE)


class Enterprise(InitialsMixin):
    """A non-public enterprise in the district register."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=200)
    region = models.ForeignKey(Region, verbose_name="所在街道", on_delete=models.PROTECT, related_name="enterprises")
    industry = models.CharField("行业门类", max_length=1, choices=Industry.choices, blank=True)
    size = models.CharField("企业规模", max_length=10, choices=Size.choices, blank=True)
    employees = models.PositiveIntegerField("从业人数", null=True, blank=True)
    founded = models.DateField("成立日期", null=True, blank=True)
    status = models.CharField("经营状态", max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    # The day a closure or move took effect: KPIs "as of a date" count the enterprise as active
    # before it. A closed/moved enterprise without this date counts as inactive on every date.
    status_changed = models.DateField("注销/迁出日期", null=True, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    principal = models.ForeignKey("Person", verbose_name="主要负责人（一把手）", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField("登记时间", auto_now_add=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "企业"
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None):
        # Normalise the code first (full-width, blanks, lower case) so the length check
        # and the uniqueness check see the canonical form, and say precisely what is wrong.
        errors, exclude = {}, set(exclude or ())
        try:
            self.uscc = normalize_uscc(self.uscc)
        except ValidationError as e:
            errors["uscc"] = e.messages
            exclude.add("uscc")
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as e:
            errors.update(e.message_dict)
        if errors:
            raise ValidationError(errors)

    def clean(self):
        errors = {}
        if self.region_id and self.region.level != Region.Level.STREET:
            errors["region"] = ["企业应登记到具体街道。"]
        if self.founded and self.founded > dt.date.today():
            errors["founded"] = ["成立日期不能晚于今天。"]
        changed = self.status_changed
        if changed and self.status == Status.ACTIVE:
            errors["status_changed"] = ["存续企业不填注销/迁出日期。"]
        elif changed and changed > dt.date.today():
            errors["status_changed"] = ["注销/迁出日期不能晚于今天。"]
        elif changed and self.founded and changed <= self.founded:
            errors["status_changed"] = ["注销/迁出日期应晚于成立日期。"]
        clash = Enterprise.objects.filter(uscc=self.uscc).exclude(pk=self.pk).first() if self.uscc else None
        if clash is not None:
            errors["uscc"] = [Clash(clash=clash, what="统一社会信用代码",
                                    named=f"该统一社会信用代码已登记为企业“{clash.name}”。")]
        if errors:
            raise ValidationError(errors)

    def validate_unique(self, exclude=None):
        # clean() says who holds the code, or only that another unit does (core.duplicates).
        super().validate_unique(exclude={*(exclude or ()), "uscc"})


class PersonQuerySet(ScopedQuerySet):
    region_paths = ("region", "enterprise__region")
    enterprise_paths = ("enterprise",)

    def search(self, q: str):
        # Name and pinyin initials only: the ID and mobile numbers are never indexed, so no fragment
        # of them finds anyone (exact look-ups go through by_id_number/by_mobile).
        return search.filter_queryset(self, "person", q) if (q or "").strip() else self

    def by_id_number(self, id_number: str):
        return self.filter(id_number_digest__in=crypto.digests(normalize_id_number(id_number)))

    def by_mobile(self, mobile: str):
        return self.filter(mobile_digest__in=crypto.digests(normalize_mobile(mobile)))


class Person(InitialsMixin):
    """A natural person: an enterprise's principal, a member of an association, an attendee.

    ID and mobile numbers are personal data (docs/design.md §6): stored encrypted, with a
    keyed digest beside each for exact lookup, and shown masked.
    """

    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    id_number_cipher = crypto.CipherField(blank=True, editable=False)
    id_number_digest = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    mobile_cipher = crypto.CipherField(blank=True, editable=False)
    mobile_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    political_status = models.CharField("政治面貌", max_length=20, choices=PoliticalStatus.choices, blank=True)
    region = models.ForeignKey(Region, verbose_name="所属街道", on_delete=models.PROTECT, related_name="persons")
    enterprise = models.ForeignKey(Enterprise, verbose_name="所在企业", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="people")
    position = models.CharField("职务", max_length=100, blank=True)
    created = models.DateTimeField("登记时间", auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "人员"
        ordering = ["name_initials", "id"]

    def __str__(self) -> str:
        return self.name

    # Personal data: set through these methods, read through the properties.
    def set_id_number(self, value: str) -> None:
        code = normalize_id_number(value) if value else ""
        self.id_number_cipher = crypto.encrypt(code)
        self.id_number_digest = crypto.digest(code) or None
        if code:
            self.gender = Gender.MALE if int(code[16]) % 2 else Gender.FEMALE

    def set_mobile(self, value: str) -> None:
        mobile = normalize_mobile(value) if value else ""
        self.mobile_cipher = crypto.encrypt(mobile)
        self.mobile_digest = crypto.digest(mobile)

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_cipher)

    @property
    def mobile(self) -> str:
        return crypto.decrypt(self.mobile_cipher)

    @property
    def birth_date(self) -> dt.date | None:
        """Derived from the ID number, never stored twice (docs/design.md §6). For computations such as
        age statistics only: the masked number hides exactly these eight digits, so a birth date,
        a birth year or a narrow age band shown beside it would give the number back."""
        return id_birth_date(self.id_number) if self.id_number_cipher else None

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number) if self.id_number_cipher else ""

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile) if self.mobile_cipher else ""

    def clean(self):
        if self.region_id and self.region.level != Region.Level.STREET:
            raise ValidationError({"region": "人员应归属到具体街道。"})
        if self.id_number_digest:
            # Under every configured key: during a key rotation, older rows carry the old key's digest.
            clash = Person.objects.by_id_number(self.id_number).exclude(pk=self.pk).first()
            if clash:
                raise ValidationError({"id_number": Clash(clash=clash, what="身份证号码",
                                                          named=f"该身份证号码已登记为人员“{clash.name}”（编号{clash.pk}）。")})

    def validate_unique(self, exclude=None):
        # clean() checks the ID number's digest and says so in terms of the ID number; Django's own
        # message would name the internal column ("Id number digest").
        super().validate_unique(exclude={*(exclude or ()), "id_number_digest"})


class MembershipQuerySet(ScopedQuerySet):
    region_paths = ("chamber__region", "enterprise__region", "person__region")
    enterprise_paths = ("enterprise",)

    def active_between(self, start: dt.date, end: dt.date):
        return self.filter(Q(joined__lte=end) & (Q(left__isnull=True) | Q(left__gte=start)))

    def active_on(self, day: dt.date):
        return self.active_between(day, day)


class Membership(models.Model):
    """An enterprise's membership of a chamber, or a person's of an individual-member association."""

    chamber = models.ForeignKey(Chamber, verbose_name="商会", on_delete=models.PROTECT, related_name="memberships")
    enterprise = models.ForeignKey(Enterprise, verbose_name="会员企业", null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, verbose_name="个人会员", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("会内职务", max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined = models.DateField("入会日期")
    left = models.DateField("退会日期", null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "会员关系"
        ordering = ["chamber", "-joined", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False, person__isnull=True) | Q(enterprise__isnull=True, person__isnull=False),
                name="membership_one_member",
            ),
            ends_after("left", "joined", name="membership_left_after_joined"),
        ]
        indexes = [models.Index(fields=["chamber", "joined"]), models.Index(fields=["enterprise", "joined"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.chamber}"

    @property
    def member(self):
        return self.enterprise if self.enterprise_id else self.person

    @property
    def is_active(self) -> bool:
        return self.left is None or self.left >= dt.date.today()

    def clean(self):
        if not self.chamber_id:
            return
        if bool(self.enterprise_id) == bool(self.person_id):
            raise ValidationError("会员应为一家企业或一名个人，二者选其一。")
        if self.person_id and not self.chamber.individual_members:
            raise ValidationError({"person": f"“{self.chamber}”实行企业会员制，不能接收个人会员。"})
        if self.enterprise_id and self.chamber.individual_members:
            raise ValidationError({"enterprise": f"“{self.chamber}”实行个人会员制，不能接收企业会员。"})
        if self.left and self.joined and self.left < self.joined:
            raise ValidationError({"left": "退会日期不能早于入会日期。"})
        if self.joined:
            overlap = Membership.objects.filter(chamber_id=self.chamber_id, enterprise_id=self.enterprise_id,
                                                person_id=self.person_id).exclude(pk=self.pk)
            overlap = overlap.active_between(self.joined, self.left or dt.date.max)
            clash = overlap.first()
            if clash is not None:
                raise Clash(clash=clash, what="会员关系",
                            named=f"{self.member}在该时段已是“{self.chamber}”的会员，会员期不能重叠。")


search.register(search.Kind(
    "enterprise", Enterprise, fields=("name", "name_initials", "uscc", "principal__name"), code_fields=("uscc",),
    # The principal's name is part of the enterprise's text: renaming or deleting him changes it.
    depends={Person: lambda pks: Enterprise.objects.filter(principal__in=pks).values_list("pk", flat=True)},
))
search.register(search.Kind("person", Person, fields=("name", "name_initials")))
