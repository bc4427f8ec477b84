"""发展党员 demo data, added by generator.py after the party records: candidates in about half the party
organisations, applying from 2021 on, each walked through the steps of the 细则 with realistic gaps, so that
every stage is populated, some became probationary and full members (with their PartyMember rows), a few
stopped, and a few have overdue steps on the to-do list (a talk not held within a month, a missing half-year
assessment, an approval pending beyond three months).

Every generated step is checked with recruitment.check_step on the official working-day calendar, so the demo
data obeys the same time rules as the services; a step that would not pass ends the candidate's path there.
Same rules as generator.py: deterministic, bulk writes without audit events.
"""

import datetime as dt

from shanghui.directory.choices import PoliticalStatus
from shanghui.directory.models import Person
from shanghui.orgs import workdays
from shanghui.party import recruitment as rules
from shanghui.party.models import PartyMember, PartyOrganization, RecruitmentCandidate, RecruitmentStep

FIRST_YEAR = 2021
ORG_SHARE = 0.5
STOP_SHARE = 0.06
# One candidate in FATE_CYCLE is left with each overdue step at the horizon (deterministic, so a small
# demo set has them too): a talk never held, a half-year without assessment, an approval pending.
FATE_CYCLE = 12
NO_TALK, NO_ASSESSMENT, LATE_APPROVAL = 1, 2, 3
D = dt.timedelta


def _days(rng, lo: int, hi: int) -> dt.timedelta:
    return D(days=rng.randint(lo, hi))


def _path(rng, applied: dt.date, cal: rules.Calendar) -> list[tuple]:
    """(kind, date, end, hours, people) of a smooth path through the steps, from the application on."""
    steps = []
    talk = applied + _days(rng, 5, 25)
    steps.append(("talk", talk, None, None, "支部书记"))
    rec = talk + _days(rng, 10, 60)
    steps.append(("recommendation", rec, None, None, "党员推荐"))
    activist = rec + _days(rng, 0, 20)
    steps.append(("activist", activist, None, None, ""))
    steps.append(("contacts", activist, None, None, "两名正式党员"))
    development = rules.add_months(activist, 12) + _days(rng, 0, 120)
    k = 0
    while rules.add_months(activist, 6 * (k + 1)) <= development:
        steps.append(("assessment", rules.add_months(activist, 6 * k + 5), None, None, "培养联系人"))
        k += 1
    steps.append(("development", development, None, None, ""))
    steps.append(("introducers", development + _days(rng, 3, 10), None, None, "两名正式党员"))
    steps.append(("political_review", development + _days(rng, 15, 40), None, None, ""))
    training = development + _days(rng, 41, 70)
    steps.append(("training", training, training + D(days=2), 24, ""))
    review = training + _days(rng, 7, 20)
    steps.append(("branch_review", review, None, None, ""))
    publicity = review + _days(rng, 1, 7)
    last = rules.publicity_last_day(publicity, cal)
    steps.append(("publicity", publicity, last, None, ""))
    prereview = last + _days(rng, 2, 15)
    steps.append(("prereview", prereview, None, None, ""))
    form = prereview + _days(rng, 3, 15)
    steps.append(("form", form, None, None, "入党介绍人"))
    meeting = form + _days(rng, 5, 20)
    steps.append(("branch_meeting", meeting, None, None, ""))
    steps.append(("committee_talk", meeting + _days(rng, 5, 20), None, None, "党委组织委员"))
    steps.append(("approval", meeting + _days(rng, 25, 80), None, None, ""))
    approval = steps[-1][1]
    steps.append(("oath", approval + _days(rng, 5, 30), None, None, ""))
    steps.append(("probation_assessment", rules.add_months(meeting, 6) + _days(rng, 0, 20), None, None, "入党介绍人"))
    steps.append(("conversion_application", rules.add_months(meeting, 11) + _days(rng, 0, 20), None, None, ""))
    conversion = rules.add_years(meeting, 1) + _days(rng, 0, 20)
    steps.append(("conversion_meeting", conversion, None, None, ""))
    steps.append(("conversion_approval", conversion + _days(rng, 10, 60), None, None, ""))
    steps.append(("archive", conversion + _days(rng, 65, 90), None, None, ""))
    return steps


def generate(gen, batch_size: int) -> None:
    rng = gen.rng("recruitment")
    horizon = gen.horizon
    holidays, makeup = workdays.calendar(dt.date(FIRST_YEAR, 1, 1), horizon + D(days=400))
    cal = rules.Calendar(holidays, makeup)
    taken = set(PartyMember.objects.values_list("person_id", flat=True))
    candidates, steps_by_candidate, members = [], [], []
    orgs = list(PartyOrganization.objects.filter(dissolved__isnull=True).order_by("pk"))
    for org in orgs:
        if rng.random() > ORG_SHARE:
            continue
        people = list(Person.objects.filter(enterprise__party_coverages__organization=org,
                                            political_status__in=(PoliticalStatus.MASSES, PoliticalStatus.LEAGUE))
                      .exclude(pk__in=taken).distinct().order_by("pk")[:40])
        rng.shuffle(people)
        for person in people[:rng.randint(1, 3)]:
            taken.add(person.pk)
            number = person.id_number
            birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])) if number else None
            first = max(dt.date(FIRST_YEAR, 1, 1), org.founded, birth.replace(year=birth.year + 18) if birth else org.founded)
            if birth is None or first >= horizon - D(days=20):
                continue
            applied = first + D(days=rng.randrange((horizon - first).days - 15))
            candidate = RecruitmentCandidate(person=person, organization=org, birth_date=birth, applied=applied)
            facts = rules.Facts(birth_date=birth, applied=applied)
            if rules.check_step(facts, "application", rules.StepFact(applied), cal):
                continue
            rows = [("application", applied, None, None, "")]
            path = _path(rng, applied, cal)
            fate = len(candidates) % FATE_CYCLE
            if fate == NO_TALK:
                path = []  # the talk never held: overdue on the to-do list
            elif fate == NO_ASSESSMENT:
                first = next((i for i, s in enumerate(path) if s[0] == "assessment"), None)
                path = [s for i, s in enumerate(path) if s[0] != "assessment" or i == first]
            elif fate == LATE_APPROVAL:
                path = [s for s in path if s[0] not in ("approval", "oath", "probation_assessment",
                                                        "conversion_application", "conversion_meeting",
                                                        "conversion_approval", "archive")]
            stopped = None
            if rng.random() < STOP_SHARE:
                cut = rng.randint(1, 4)
                path = path[:cut]
                stopped = min(horizon, (path[-1][1] if path else applied) + _days(rng, 30, 200))
            for kind, day, end, hours, who in path:
                if day > horizon:
                    break
                if kind == "assessment" and facts.first("development") is not None:
                    continue
                fact = rules.StepFact(day, end, hours)
                if rules.check_step(facts, kind, fact, cal):
                    break
                facts.steps.setdefault(kind, []).append(fact)
                rows.append((kind, day, end, hours, who))
            dates = rules.stage_dates(facts)
            for stage, day in dates.items():
                setattr(candidate, rules.STAGE_FIELDS[stage], day)
            if stopped and candidate.probationary_on is None:
                candidate.stopped = stopped
            candidates.append(candidate)
            steps_by_candidate.append(rows)
            if candidate.probationary_on is not None:
                members.append(PartyMember(
                    person=person, organization=org, joined_party=candidate.probationary_on,
                    joined_org=candidate.probationary_on,
                    category=PartyMember.Category.FULL if candidate.full_on else PartyMember.Category.PROBATIONARY))
    PartyMember.objects.bulk_create(members, batch_size=batch_size)
    by_person = {m.person_id: m for m in members}
    for c in candidates:
        c.member = by_person.get(c.person_id)
    RecruitmentCandidate.objects.bulk_create(candidates, batch_size=batch_size)
    steps = [RecruitmentStep(candidate=c, kind=kind, date=day, end=end, hours=hours, people=who)
             for c, rows in zip(candidates, steps_by_candidate, strict=True) for kind, day, end, hours, who in rows]
    RecruitmentStep.objects.bulk_create(steps, batch_size=batch_size)
    gen.count("recruitment_candidates", len(candidates))
    gen.count("recruitment_steps", len(steps))
    gen.count("recruitment_members", len(members))


def fingerprint_rows():
    return [
        RecruitmentCandidate.objects.order_by("person__id_number_digest").values_list(
            "person__id_number_digest", "organization__name", "birth_date", "applied", "activist_on",
            "development_on", "probationary_on", "full_on", "stopped"),
        RecruitmentStep.objects.order_by("candidate__person__id_number_digest", "date", "kind").values_list(
            "candidate__person__id_number_digest", "kind", "date", "end", "hours", "people"),
    ]
