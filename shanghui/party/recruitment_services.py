"""Writes to the recruitment records (发展党员). Each checks scope, applies the time rules of
recruitment.py (refusing a step that breaks one, quoting the article), saves and audits.

Admission (上级党委审批) creates the PartyMember row (预备党员) and conversion (转正审批) switches it to
正式党员, both through party/services.py, so the member register stays the one source of membership.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shanghui.accounts.scope import can_write_region, require_visible
from shanghui.core import services as base
from shanghui.core.files import delete_after_commit
from shanghui.core.validators import id_birth_date
from shanghui.directory.models import Person
from shanghui.orgs import workdays

from . import recruitment as rules
from . import services as party_services
from .models import PartyMember, PartyOrganization, RecruitmentCandidate, RecruitmentStep


def can_write_candidate(user, candidate: RecruitmentCandidate) -> bool:
    return can_write_region(user, candidate.organization.region)


def _require(by, organization: PartyOrganization) -> None:
    if not can_write_region(by, organization.region):
        raise PermissionDenied("您无权办理该党组织的发展党员工作。")


def facts_of(candidate: RecruitmentCandidate, exclude: RecruitmentStep | None = None) -> rules.Facts:
    facts = rules.Facts(birth_date=candidate.birth_date, applied=candidate.applied)
    for step in candidate.steps.all():
        if exclude is not None and step.pk == exclude.pk:
            continue
        facts.steps.setdefault(step.kind, []).append(
            rules.StepFact(step.date, step.end, step.hours, step.overdue_reason))
    return facts


def calendar_for(start: dt.date, end: dt.date | None = None) -> rules.Calendar:
    """The official working-day calendar (with the district's overrides) around these days."""
    holidays, makeup = workdays.calendar(start - dt.timedelta(days=1), (end or start) + dt.timedelta(days=60))
    return rules.Calendar(holidays, makeup)


def _facts_calendar(facts: rules.Facts, day: dt.date) -> rules.Calendar:
    publicity = facts.first("publicity")
    start = min(day, publicity.date) if publicity else day
    return calendar_for(start, max(day, publicity.date) if publicity else day)


def _sync_stages(*, by, candidate: RecruitmentCandidate) -> None:
    """Set the stage dates from the steps on record (the one place that derives them)."""
    dates = rules.stage_dates(facts_of(candidate))
    changes = {rules.STAGE_FIELDS[s]: d for s, d in dates.items() if s != rules.Stage.APPLICANT}
    base.save_changes(by=by, obj=candidate, changes=changes)


@transaction.atomic
def candidate_create(*, by, person: Person, organization: PartyOrganization, applied: dt.date,
                     birth_date: dt.date | None = None, note: str = "", document=None) -> RecruitmentCandidate:
    """Register an application (递交入党申请书): the candidate and the dossier's first step."""
    _require(by, organization)
    require_visible(by, person, "人员")
    require_visible(by, organization, "党组织")
    if PartyMember.objects.filter(person=person, left__isnull=True).exists():
        raise ValidationError({"person": f"{person}已是党员，无需登记入党申请。"})
    if birth_date is None and person.id_number:
        birth_date = id_birth_date(person.id_number)
    facts = rules.Facts(birth_date=birth_date, applied=applied)
    refusal = rules.check_step(facts, "application", rules.StepFact(applied), rules.Calendar())
    if refusal:
        raise ValidationError({"birth_date" if birth_date is None else "applied": refusal})
    candidate = base.save_new(by=by, obj=RecruitmentCandidate(person=person, organization=organization,
                                                              birth_date=birth_date, applied=applied, note=note))
    base.save_new(by=by, obj=RecruitmentStep(candidate=candidate, kind="application", date=applied,
                                             document=document or ""))
    return candidate


@transaction.atomic
def candidate_update(*, by, candidate: RecruitmentCandidate, note: str | None = None,
                     stopped: dt.date | None = None) -> RecruitmentCandidate:
    """The note, and 终止培养 (a candidate who leaves the process; his dossier stays)."""
    _require(by, candidate.organization)
    changes = {}
    if note is not None:
        changes["note"] = note
    if stopped is not None or candidate.stopped is not None:
        if stopped is not None and candidate.full_on is not None:
            raise ValidationError({"stopped": "已转为正式党员，不能终止培养。"})
        changes["stopped"] = stopped
    base.save_changes(by=by, obj=candidate, changes=changes)
    return candidate


@transaction.atomic
def candidate_delete(*, by, candidate: RecruitmentCandidate) -> None:
    _require(by, candidate.organization)
    if candidate.member_id is not None:
        raise ValidationError("已接收为预备党员的记录不能删除；如有误，请先核对党员记录。")
    for step in candidate.steps.all():
        step_delete(by=by, step=step, force=True)
    base.delete(by=by, obj=candidate)


@transaction.atomic
def step_add(*, by, candidate: RecruitmentCandidate, kind: str, date: dt.date, end: dt.date | None = None,
             hours: int | None = None, people: str = "", overdue_reason: str = "", note: str = "",
             document=None) -> RecruitmentStep:
    """Record one step of the dossier. A step that breaks a time rule is refused with the rule quoted."""
    _require(by, candidate.organization)
    candidate = RecruitmentCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.stopped is not None:
        raise ValidationError(f"已于{candidate.stopped:%Y-%m-%d}终止培养，不能继续登记。")
    if kind == "application":
        raise ValidationError({"kind": "入党申请在新建发展党员记录时登记。"})
    facts = facts_of(candidate)
    fact = rules.StepFact(date, end, hours, overdue_reason.strip())
    refusal = rules.check_step(facts, kind, fact, _facts_calendar(facts, date))
    if refusal:
        raise ValidationError({"date": refusal})
    step = base.save_new(by=by, obj=RecruitmentStep(
        candidate=candidate, kind=kind, date=date, end=end, hours=hours, people=people.strip(),
        overdue_reason=overdue_reason.strip(), note=note, document=document or ""))
    _sync_stages(by=by, candidate=candidate)
    if kind == "approval":
        _admit(by=by, candidate=candidate)
    elif kind == "conversion_approval":
        _convert(by=by, candidate=candidate)
    return step


def _admit(*, by, candidate: RecruitmentCandidate) -> None:
    """接收为预备党员: the member row, probationary, in the candidate's organisation from the branch meeting."""
    day = candidate.probationary_on
    member = party_services.member_create(by=by, person=candidate.person, organization=candidate.organization,
                                          joined_party=day, joined_org=day,
                                          category=PartyMember.Category.PROBATIONARY)
    base.save_changes(by=by, obj=candidate, changes={"member": member})


def _convert(*, by, candidate: RecruitmentCandidate) -> None:
    """转为正式党员: the member's current row switches to 正式党员 (a transfer meanwhile made a new row)."""
    member = (PartyMember.objects.filter(person=candidate.person, left__isnull=True).first()
              or candidate.member)
    if member is None:
        raise ValidationError("没有找到该预备党员的党员记录，请先核对党员名册。")
    party_services.member_update(by=by, member=member, category=PartyMember.Category.FULL)


@transaction.atomic
def step_update(*, by, step: RecruitmentStep, people: str | None = None, note: str | None = None,
                document=None) -> RecruitmentStep:
    """Who and what of a step, and its scan; its dates are fixed (delete and record it again)."""
    _require(by, step.candidate.organization)
    changes = {}
    if people is not None:
        changes["people"] = people.strip()
    if note is not None:
        changes["note"] = note
    old = step.document
    if document:
        changes["document"] = document
    base.save_changes(by=by, obj=step, changes=changes)
    if document and old:
        delete_after_commit(old.storage, old.name)
    return step


@transaction.atomic
def step_delete(*, by, step: RecruitmentStep, force: bool = False) -> None:
    """Remove a step recorded by mistake: only the last one of the dossier, never the application or an
    admission/conversion that changed the member register."""
    candidate = step.candidate
    _require(by, candidate.organization)
    if not force:
        if step.kind in ("application", "approval", "conversion_approval"):
            raise ValidationError(f"“{step.kind_label}”不能删除；如有误，请联系区工商联管理员。")
        later = candidate.steps.exclude(pk=step.pk).filter(date__gt=step.date).exists()
        if later:
            raise ValidationError("只能删除最后登记的步骤。")
        if step.kind != "assessment" and step.kind != "probation_assessment":
            facts = facts_of(candidate, exclude=step)
            for key, needs in rules.PREREQUISITES.items():
                if step.kind in needs and facts.first(key) is not None:
                    raise ValidationError(f"“{rules.STEP_BY_KEY[key].label}”依据该步骤，不能删除。")
    document = step.document
    base.delete(by=by, obj=step)
    if document:
        delete_after_commit(document.storage, document.name)
    if not force:
        _sync_stages(by=by, candidate=candidate)


def todo_of(candidate: RecruitmentCandidate, today: dt.date) -> list[rules.Todo]:
    if candidate.stopped is not None or candidate.full_on is not None:
        return []
    facts = facts_of(candidate)
    return rules.todo(facts, today)
