"""Community figures, computed from the records: contribution totals and the youth association.

A scope is a user (his `visible_to` scope) or a Region (a subtree: the reports and tests use
it), as in core/kpis.py. Contributions count for their project's region. A year is the
contribution's calendar year; `year=None` is all years.

Aid totals (`aid_totals`) are counted over the scope's region whatever the role may see row
by row: leaders see how many students were aided and how much, never who.

The youth association (青创会) is every association with individual members (Chamber kind
association, `individual_members`); its members are `Membership` rows with a person. For a
street scope a member counts when the person lives in the street.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from shanghui.core import crypto
from shanghui.core.validators import id_birth_date
from shanghui.directory.models import Membership
from shanghui.orgs.models import Chamber, Region

from .models import AidRecord, Contribution, ContributionKind, unit_of

ZERO = Decimal("0")


def _year(qs, year: int | None):
    return qs.filter(date__year=year) if year else qs


# --- contribution totals ---------------------------------------------------------------------


@dataclass
class Total:
    kind: str
    label: str
    unit: str
    amount: Decimal
    count: int


def totals(scope, year: int | None = None) -> list[Total]:
    """One row per contribution kind (all four, zero when none): amount and number of contributions."""
    return _totals_of(_year(Contribution.objects.in_scope(scope), year))


def project_totals(project) -> list[Total]:
    """The same rows for one project (the caller has already looked the project up in scope)."""
    return _totals_of(Contribution.objects.filter(project=project))


def _totals_of(qs) -> list[Total]:
    rows = {r["kind"]: r for r in qs.order_by().values("kind").annotate(amount=Sum("amount"), n=Count("pk"))}
    return [Total(kind=k, label=label, unit=unit_of(k), amount=rows.get(k, {}).get("amount") or ZERO,
                  count=rows.get(k, {}).get("n", 0)) for k, label in ContributionKind.choices]


def totals_by_kind(scope, year: int | None = None) -> dict[str, Decimal]:
    return {t.kind: t.amount for t in totals(scope, year)}


def _grouped(qs, *keys) -> list[dict]:
    return list(qs.order_by().values(*keys, "kind").annotate(amount=Sum("amount"), n=Count("pk")).order_by(*keys,
                                                                                                           "kind"))


def _pivot(rows: list[dict], key) -> list[dict]:
    """Rows of (key…, kind, amount) → one dict per key with an amount per kind."""
    out: dict = {}
    for r in rows:
        k = key(r)
        entry = out.setdefault(k, {"key": k, **{kind: ZERO for kind in ContributionKind.values}, "count": 0})
        entry[r["kind"]] += r["amount"] or ZERO
        entry["count"] += r["n"]
    return list(out.values())


def by_project(scope, year: int | None = None) -> list[dict]:
    """Per project: {"key": (id, title), money, goods, volunteer, jobs, count}, by project title."""
    rows = _grouped(_year(Contribution.objects.in_scope(scope), year), "project", "project__title")
    return sorted(_pivot(rows, lambda r: (r["project"], r["project__title"])), key=lambda e: e["key"][1])


def by_contributor(scope, year: int | None = None) -> list[dict]:
    """Per contributor: key ("企业"/"商会"/"个人", name), the amounts per kind, the number of contributions."""
    qs = _year(Contribution.objects.in_scope(scope), year)
    rows = _grouped(qs, "enterprise", "enterprise__name", "chamber", "chamber__name", "person", "person__name")

    def key(r):
        if r["enterprise"]:
            return ("企业", r["enterprise__name"], r["enterprise"])
        if r["chamber"]:
            return ("商会", r["chamber__name"], r["chamber"])
        return ("个人", r["person__name"], r["person"])

    return sorted(_pivot(rows, key), key=lambda e: (-e["money"], e["key"][0], e["key"][1]))


def by_year(scope) -> list[dict]:
    """Per year: the amounts per kind and the number of contributions, oldest first."""
    qs = Contribution.objects.in_scope(scope).annotate(y=ExtractYear("date"))
    rows = _grouped(qs, "y")
    return sorted(_pivot(rows, lambda r: r["y"]), key=lambda e: e["key"])


# --- student aid -------------------------------------------------------------------------------


def aid_totals(scope, year: int | None = None) -> dict:
    """{"students": distinct aided students, "records": aid rows, "amount": yuan} in the scope's region.

    Not `in_scope`: a user's scope would be what `visible_to` lets him read row by row, which for
    aid records is narrower than the region whose totals he may see."""
    if isinstance(scope, Region):
        path = scope.path
    elif scope.is_superuser:
        path = "/"
    else:
        path = scope.region_path  # leaders too: totals, not rows; enterprise users and auditors: none
    if not path:
        return {"students": 0, "records": 0, "amount": ZERO}
    qs = _year(AidRecord.objects.filter(Q(project__region__path__startswith=path)
                                        | Q(region__path__startswith=path)), year)
    agg = qs.aggregate(students=Count("code", distinct=True), records=Count("pk"), amount=Sum("amount"))
    return {"students": agg["students"], "records": agg["records"], "amount": agg["amount"] or ZERO}


# --- the youth association -------------------------------------------------------------------


def youth_associations() -> QuerySet:
    return Chamber.objects.filter(kind=Chamber.Kind.ASSOCIATION, individual_members=True)


def youth_memberships(scope) -> QuerySet:
    return Membership.objects.filter(chamber__in=youth_associations(), person__isnull=False).in_scope(scope)


def youth_size(scope, day: dt.date) -> int:
    """Individual members of the youth association on `day` (docs/design.md §5, association size)."""
    return youth_memberships(scope).active_on(day).values("person").distinct().count()


def youth_growth(scope, until: int | None = None) -> list[tuple[int, int, int, int]]:
    """[(year, members at the year's end, joined in the year, left in the year)] from the first join.

    "Members at the year's end" counts memberships active on 31 December (leaving that day still
    counts, as `active_on` does). The last year is `until`, else this year.
    """
    qs = youth_memberships(scope)
    first = qs.order_by("joined").values_list("joined", flat=True).first()
    if first is None:
        return []
    last = until or timezone.localdate().year
    joined = dict(qs.order_by().annotate(y=ExtractYear("joined")).values("y").annotate(n=Count("pk"))
                  .values_list("y", "n"))
    left = dict(qs.filter(left__isnull=False).order_by().annotate(y=ExtractYear("left")).values("y")
                .annotate(n=Count("pk")).values_list("y", "n"))
    rows = []
    for year in range(first.year, last + 1):
        end = dt.date(year, 12, 31)
        members = qs.filter(joined__lte=end).filter(Q(left__isnull=True) | Q(left__gte=end)).count()
        rows.append((year, members, joined.get(year, 0), left.get(year, 0)))
    return rows


AGE_BANDS = [(None, 29, "30岁以下"), (30, 34, "30–34岁"), (35, 39, "35–39岁"), (40, 44, "40–44岁"),
             (45, None, "45岁及以上")]


# Fewer members than this in scope: no bands, only the total (a band of one or two people
# would tell their birth years, and with them most of their masked ID numbers).
AGE_PROFILE_MIN = 10


def youth_age_profile(scope, day: dt.date) -> list[tuple[str, int]]:
    """[(band label, members)] of the members on `day`, by the age they reach in that year (年末周岁);
    unknown birth dates last.

    The birth date is read from the ID number (it is not stored twice). Ages are counted by year,
    not by day, so comparing the profile of two days of one year cannot find a member's birthday;
    and a scope with fewer than AGE_PROFILE_MIN members gets its total only."""
    ciphers = youth_memberships(scope).active_on(day).values_list("person__id_number_cipher", flat=True)
    births = [id_birth_date(crypto.decrypt(c)) if c else None for c in ciphers]
    if len(births) < AGE_PROFILE_MIN:
        return [(f"不足{AGE_PROFILE_MIN}人，不分年龄段", len(births))] if births else []
    counts = {label: 0 for _, _, label in AGE_BANDS}
    unknown = 0
    for birth in births:
        if birth is None:
            unknown += 1
            continue
        age = day.year - birth.year
        for lo, hi, label in AGE_BANDS:
            if (lo is None or age >= lo) and (hi is None or age <= hi):
                counts[label] += 1
                break
    rows = list(counts.items())
    if unknown:
        rows.append(("出生日期不详", unknown))
    return rows
