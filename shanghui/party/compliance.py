"""Organisational-life compliance (三会一课 and the rest): which required meetings are missing.

The cadence is a setting, `SHANGHUI_ORG_LIFE_CADENCE` = {kind: "month" | "quarter" | "year" | None};
None (or leaving a kind out) means the kind is not required. The default follows the usual
rules for a party branch: branch committee monthly, member meeting and party lecture
quarterly, 主题党日 monthly, 组织生活会 and 民主评议 yearly.

A period is required of an organisation when it existed on the period's last day; only
periods that have ended by the as-of date can be missing (the current one is "in progress").
One grouped query per page of organisations gives what was held; the rest is arithmetic.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count

from .models import OrgLifeKind, OrgLifeRecord, PartyOrganization

DEFAULT_CADENCE = {
    OrgLifeKind.COMMITTEE_MEETING: "month",
    OrgLifeKind.MEMBER_MEETING: "quarter",
    OrgLifeKind.LECTURE: "quarter",
    OrgLifeKind.THEME_DAY: "month",
    OrgLifeKind.LIFE_MEETING: "year",
    OrgLifeKind.APPRAISAL: "year",
}
PERIOD_LABELS = {"month": "每月", "quarter": "每季度", "year": "每年"}


def cadence() -> dict[str, str]:
    configured = getattr(settings, "SHANGHUI_ORG_LIFE_CADENCE", None) or DEFAULT_CADENCE
    return {str(k): v for k, v in configured.items() if v in PERIOD_LABELS}


@dataclass(frozen=True)
class Slot:
    """One required period: a month (1–12), a quarter (1–4) or the year (1)."""

    unit: str
    index: int
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return {"month": f"{self.index}月", "quarter": f"第{self.index}季度", "year": "全年"}[self.unit]


def slots(year: int, unit: str) -> list[Slot]:
    if unit == "year":
        return [Slot("year", 1, dt.date(year, 1, 1), dt.date(year, 12, 31))]
    months = 1 if unit == "month" else 3
    out = []
    for i in range(12 // months):
        start = dt.date(year, i * months + 1, 1)
        nxt = dt.date(year + 1, 1, 1) if i == 12 // months - 1 else dt.date(year, (i + 1) * months + 1, 1)
        out.append(Slot(unit, i + 1, start, nxt - dt.timedelta(days=1)))
    return out


def _slot_index(unit: str, day: dt.date) -> int:
    return {"month": day.month, "quarter": (day.month - 1) // 3 + 1, "year": 1}[unit]


@dataclass
class KindStatus:
    kind: str
    label: str
    unit: str
    held: int = 0  # required periods with at least one meeting
    required: int = 0  # periods that have ended (and in which the organisation existed)
    missing: list[Slot] = field(default_factory=list)
    pending: bool = False  # the current period has no meeting yet


@dataclass
class OrgCompliance:
    organization: PartyOrganization
    kinds: list[KindStatus]

    @property
    def missing_count(self) -> int:
        return sum(len(k.missing) for k in self.kinds)

    @property
    def compliant(self) -> bool:
        return self.missing_count == 0


def compliance(organizations, year: int, as_of: dt.date) -> list[OrgCompliance]:
    """Compliance of each organisation (a list or queryset, already scoped) for `year`, as of `as_of`."""
    orgs = list(organizations)
    rules = cadence()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    held_rows = (OrgLifeRecord.objects.filter(organization__in=[o.pk for o in orgs], date__range=(start, end),
                                              kind__in=list(rules))
                 .order_by().values_list("organization", "kind", "date__month").annotate(n=Count("id")))
    held: set[tuple[int, str, str, int]] = set()
    for org_id, kind, month, _n in held_rows:
        day = dt.date(year, month, 1)
        unit = rules[kind]
        held.add((org_id, kind, unit, _slot_index(unit, day)))
    result = []
    for org in orgs:
        statuses = []
        for kind, unit in rules.items():
            status = KindStatus(kind=kind, label=OrgLifeKind(kind).label, unit=unit)
            for slot in slots(year, unit):
                exists = org.founded <= slot.end and (org.dissolved is None or org.dissolved > slot.end)
                if not exists or slot.start > as_of:
                    continue
                done = (org.pk, kind, unit, slot.index) in held
                if slot.end >= as_of:  # the current period: not late yet
                    status.pending = not done
                    continue
                status.required += 1
                if done:
                    status.held += 1
                else:
                    status.missing.append(slot)
            statuses.append(status)
        result.append(OrgCompliance(organization=org, kinds=statuses))
    return result


def rule_descriptions() -> list[tuple[str, str]]:
    return [(OrgLifeKind(k).label, PERIOD_LABELS[u]) for k, u in cadence().items()]
