"""发展党员 figures (docs/design.md §5 Recruitment): candidates per stage at a date, new probationary and full
members in a year, mean days spent in each stage. Every figure takes a scope (a Region, or a user: what he may
see) through `in_scope`, so a dashboard tile never counts a candidate its reader may not see.

A stage's day of entry is kept on the candidate (recruitment_services sets it from the steps): applicant —
the application; activist — the determination; development object — its determination; probationary — the
branch meeting (the probation counts from it) once the higher committee approved; full — the end of probation.
"Mean days in a stage" is over the candidates who left that stage in the year (entered the next one).
"""

import datetime as dt
from dataclasses import dataclass, field

from shanghui.orgs.models import Region

from . import recruitment as rules
from .models import RecruitmentCandidate

# The stages a candidate leaves (full membership is the last one).
LEAVING = [key for key, _ in rules.STAGES[:-1]]


def as_of(year: int, today: dt.date | None = None) -> dt.date:
    """The year's end, or today while the year runs (the label says which)."""
    return min(dt.date(year, 12, 31), today or dt.date.today())


@dataclass
class Figures:
    year: int
    day: dt.date
    per_stage: dict[str, int] = field(default_factory=dict)
    new_probationary: int = 0
    new_full: int = 0
    mean_days: dict[str, float | None] = field(default_factory=dict)

    @property
    def in_process(self) -> int:
        """Candidates on the way (applicant to probationary), full members excluded."""
        return sum(n for key, n in self.per_stage.items() if key != rules.Stage.FULL)

    def as_dict(self) -> dict:
        return {"year": self.year, "day": self.day.isoformat(),
                "per_stage": [{"stage": k, "label": rules.STAGE_LABELS[k], "count": self.per_stage[k]}
                              for k, _ in rules.STAGES],
                "new_probationary": self.new_probationary, "new_full": self.new_full,
                "mean_days": [{"stage": k, "label": rules.STAGE_LABELS[k], "days": self.mean_days[k]}
                              for k in LEAVING],
                "in_process": self.in_process}


def figures(scope, year: int, today: dt.date | None = None) -> Figures:
    day = as_of(year, today)
    qs = RecruitmentCandidate.objects.in_scope(scope)
    out = Figures(year=year, day=day)
    for key, _ in rules.STAGES:
        out.per_stage[key] = qs.at_stage(key, day).count()
    out.new_probationary = qs.filter(probationary_on__year=year).count()
    out.new_full = qs.filter(full_on__year=year).count()
    keys = [k for k, _ in rules.STAGES]
    for i, key in enumerate(LEAVING):
        start, end = rules.STAGE_FIELDS[key], rules.STAGE_FIELDS[keys[i + 1]]
        pairs = qs.filter(**{f"{end}__year": year, f"{start}__isnull": False}).values_list(start, end)
        days = [(b - a).days for a, b in pairs]
        out.mean_days[key] = round(sum(days) / len(days), 1) if days else None
    return out


def by_street(region: Region, year: int, today: dt.date | None = None) -> list[tuple[Region, Figures]]:
    """The figures of every street under `region` (a street: itself)."""
    streets = Region.objects.filter(path__startswith=region.path).streets().order_by("code")
    return [(street, figures(street, year, today)) for street in streets]
