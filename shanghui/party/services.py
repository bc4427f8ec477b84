"""Writes to the party records. Each checks scope, validates, saves and audits, in one transaction.

The two history-keeping actions are here: `coverage_move` (an enterprise passes from one
organisation to another: the old coverage ends the day before, the new one starts) and
`member_transfer` (a member's organisation relation moves the same way).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shanghui.accounts.scope import can_write_region, require_region, require_visible
from shanghui.audit import record
from shanghui.core import duplicates
from shanghui.core import services as base
from shanghui.core.files import delete_after_commit
from shanghui.core.roles import Role
from shanghui.directory.models import Enterprise, Person
from shanghui.orgs.models import StaffAssignment

from .models import (
    Form,
    InstructorAssignment,
    InstructorVisit,
    OrgLifeRecord,
    PartyCoverage,
    PartyMember,
    PartyOrganization,
)

ONE_DAY = dt.timedelta(days=1)


def _require_org(by, org: PartyOrganization) -> None:
    require_region(by, org.region)


def _require_org_change(by, row, changes: dict) -> None:
    """Changing a row of an organisation takes writing it; moving the row to another one takes writing that too."""
    _require_org(by, row.organization)
    if "organization" in changes:
        _require_org(by, changes["organization"])


def can_write_organization(user, org: PartyOrganization) -> bool:
    return can_write_region(user, org.region)


# --- organisations -------------------------------------------------------------


def _org_region_refs(by, fields: dict) -> None:
    """The region a new or changed organisation belongs to must be the user's to write."""
    require_visible(by, fields.get("host_chamber"), "依托商会")
    require_visible(by, fields.get("enterprise"), "所在企业")
    require_visible(by, fields.get("parent"), "上级党组织")
    region = None
    if fields.get("form") == Form.JOINT and fields.get("host_chamber") is not None:
        region = fields["host_chamber"].region
    elif fields.get("enterprise") is not None:
        region = fields["enterprise"].region
    if region is not None:
        require_region(by, region)


def _default_term_end(org: PartyOrganization) -> None:
    if org.term_end is None and org.founded and org.term_years:
        try:
            org.term_end = org.founded.replace(year=org.founded.year + org.term_years) - ONE_DAY
        except ValueError:  # founded on 29 February
            org.term_end = org.founded.replace(year=org.founded.year + org.term_years, day=28)


@transaction.atomic
def organization_create(*, by, name: str, level: str, form: str, founded: dt.date, **fields) -> PartyOrganization:
    """A new organisation. An own organisation covers its enterprise from its founding day:
    a joint organisation's current coverage of that enterprise ends the day before."""
    _org_region_refs(by, {"form": form, **fields})
    org = PartyOrganization(name=name, level=level, form=form, founded=founded, **fields)
    if org.region is None:  # neither a host chamber nor an enterprise: clean() says which is missing
        org.full_clean()
        raise ValidationError("请填写依托商会（联合组建）或所在企业（单独组建）。")
    _default_term_end(org)
    base.save_new(by=by, obj=org)
    if org.form == Form.OWN:
        _cover(by=by, organization=org, enterprise=org.enterprise, start=org.founded)
    return org


@transaction.atomic
def organization_update(*, by, organization: PartyOrganization, **changes) -> PartyOrganization:
    _require_org(by, organization)
    if {"form", "enterprise", "host_chamber"} & set(changes):
        fields = {k: changes.get(k, getattr(organization, k)) for k in ("form", "enterprise", "host_chamber")}
        _org_region_refs(by, fields)
        if fields["enterprise"] != organization.enterprise or fields["form"] != organization.form:
            if organization.coverages.exists():
                raise ValidationError({"form": "已有覆盖记录的党组织不能改变组建方式或所在企业；请新建党组织并转移覆盖。"})
    require_visible(by, changes.get("parent"), "上级党组织")
    base.save_changes(by=by, obj=organization, changes=changes)
    return organization


@transaction.atomic
def organization_delete(*, by, organization: PartyOrganization) -> None:
    _require_org(by, organization)
    if organization.members.exists() or organization.coverages.exists() or organization.children.exists():
        raise ValidationError(f"“{organization}”还有党员、覆盖企业或下级组织的记录，不能删除；如已撤销请填写撤销日期。")
    organization.life_records.all().delete()
    base.delete(by=by, obj=organization)


# --- coverage ------------------------------------------------------------------


def _cover(*, by, organization: PartyOrganization, enterprise: Enterprise, start: dt.date) -> PartyCoverage:
    """Start a coverage on `start`, ending the enterprise's coverage that runs then (if any)."""
    later = PartyCoverage.objects.filter(enterprise=enterprise, start__gte=start).first()
    if later is not None:
        raise ValidationError({"start": f"企业“{enterprise}”在{later.start:%Y-%m-%d}另有覆盖记录（“{later.organization}”），"
                                        "请先核对覆盖历史。"})
    current = PartyCoverage.objects.filter(enterprise=enterprise).active_on(start).select_related("organization").first()
    if current is not None:
        if current.organization_id == organization.pk:
            raise ValidationError({"organization": f"企业“{enterprise}”已由“{organization}”覆盖。"})
        require_visible(by, current, "该企业现有的覆盖记录")
        base.save_changes(by=by, obj=current, changes={"end": start - ONE_DAY}, action="update")
    return base.save_new(by=by, obj=PartyCoverage(organization=organization, enterprise=enterprise, start=start))


@transaction.atomic
def coverage_add(*, by, organization: PartyOrganization, enterprise: Enterprise, start: dt.date,
                 end: dt.date | None = None) -> PartyCoverage:
    """Record that `organization` covers `enterprise` (refused if another organisation covers it then)."""
    _require_org(by, organization)
    require_visible(by, enterprise, "企业")
    return base.save_new(by=by, obj=PartyCoverage(organization=organization, enterprise=enterprise,
                                                  start=start, end=end))


@transaction.atomic
def coverage_move(*, by, enterprise: Enterprise, organization: PartyOrganization, on: dt.date) -> PartyCoverage:
    """The enterprise passes to `organization` on `on`: its current coverage ends the day before.

    One action, one transaction: both rows change or neither does; both are audited.
    """
    _require_org(by, organization)
    require_visible(by, enterprise, "企业")
    return _cover(by=by, organization=organization, enterprise=enterprise, start=on)


@transaction.atomic
def coverage_update(*, by, coverage: PartyCoverage, **changes) -> PartyCoverage:
    _require_org_change(by, coverage, changes)
    require_visible(by, changes.get("enterprise"), "企业")
    base.save_changes(by=by, obj=coverage, changes=changes)
    return coverage


@transaction.atomic
def coverage_delete(*, by, coverage: PartyCoverage) -> None:
    _require_org(by, coverage.organization)
    base.delete(by=by, obj=coverage)


# --- members -------------------------------------------------------------------


@duplicates.refusals_audited
@transaction.atomic
def member_create(*, by, person: Person, organization: PartyOrganization, joined_party: dt.date,
                  joined_org: dt.date, **fields) -> PartyMember:
    _require_org(by, organization)
    require_visible(by, person, "人员")
    return base.save_new(by=by, obj=PartyMember(person=person, organization=organization, joined_party=joined_party,
                                                joined_org=joined_org, **fields))


@duplicates.refusals_audited
@transaction.atomic
def member_update(*, by, member: PartyMember, **changes) -> PartyMember:
    _require_org_change(by, member, changes)
    require_visible(by, changes.get("person"), "人员")
    base.save_changes(by=by, obj=member, changes=changes)
    return member


@transaction.atomic
def member_delete(*, by, member: PartyMember) -> None:
    _require_org(by, member.organization)
    base.delete(by=by, obj=member)


@duplicates.refusals_audited
@transaction.atomic
def member_transfer(*, by, member: PartyMember, to: PartyOrganization, on: dt.date,
                    flowing: bool | None = None) -> PartyMember:
    """Transfer the member's organisation relation (组织关系转接) to `to` on `on`.

    The current row ends the day before; a new row starts on `on` with the same person,
    category and party-joining date. The sending side must be the user's to write, and so
    must the receiving one (a transfer out of the district is recorded as 转出 by editing `left`).
    """
    _require_org(by, member.organization)
    _require_org(by, to)
    if member.left is not None:
        raise ValidationError("该党员已于此前转出该组织，请从其当前的组织关系办理转接。")
    if to.pk == member.organization_id:
        raise ValidationError({"to": "转入组织与当前组织相同。"})
    if on <= member.joined_org:
        raise ValidationError({"on": f"转接日期应晚于转入当前组织的日期（{member.joined_org:%Y-%m-%d}）。"})
    base.save_changes(by=by, obj=member, changes={"left": on - ONE_DAY}, action="update")
    new = PartyMember(person=member.person, organization=to, category=member.category,
                      joined_party=member.joined_party, joined_org=on,
                      flowing=member.flowing if flowing is None else flowing)
    base.save_new(by=by, obj=new)
    record(by=by, action="update", obj=member, fields=["organization"],
           extra={"operation": "member_transfer", "to_member": new.pk, "to_organization": to.pk})
    return new


# --- instructors ---------------------------------------------------------------


@transaction.atomic
def assignment_create(*, by, instructor: StaffAssignment, enterprise: Enterprise, start: dt.date,
                      end: dt.date | None = None) -> InstructorAssignment:
    require_region(by, enterprise.region)
    require_visible(by, instructor, "党建指导员")
    require_visible(by, enterprise, "企业")
    return base.save_new(by=by, obj=InstructorAssignment(instructor=instructor, enterprise=enterprise,
                                                         start=start, end=end))


@transaction.atomic
def assignment_update(*, by, assignment: InstructorAssignment, **changes) -> InstructorAssignment:
    require_region(by, assignment.enterprise.region)
    if "enterprise" in changes:
        require_region(by, changes["enterprise"].region)
    require_visible(by, changes.get("instructor"), "党建指导员")
    base.save_changes(by=by, obj=assignment, changes=changes)
    return assignment


@transaction.atomic
def assignment_delete(*, by, assignment: InstructorAssignment) -> None:
    require_region(by, assignment.enterprise.region)
    base.delete(by=by, obj=assignment)


def can_record_visit(user, assignment: InstructorAssignment) -> bool:
    """Street writers, and the instructor himself for the enterprises assigned to him."""
    if can_write_region(user, assignment.enterprise.region):
        return True
    return (user.is_authenticated and user.is_active and user.role == Role.PARTY_INSTRUCTOR
            and assignment.instructor.user_id == user.pk)


def _require_visit(by, assignment: InstructorAssignment) -> None:
    if not can_record_visit(by, assignment):
        raise PermissionDenied("您无权为该企业登记走访记录。")


@transaction.atomic
def visit_create(*, by, assignment: InstructorAssignment, date: dt.date, topics: str,
                 follow_ups: str = "") -> InstructorVisit:
    require_visible(by, assignment, "联系关系")
    _require_visit(by, assignment)
    return base.save_new(by=by, obj=InstructorVisit(assignment=assignment, date=date, topics=topics,
                                                    follow_ups=follow_ups))


@transaction.atomic
def visit_update(*, by, visit: InstructorVisit, **changes) -> InstructorVisit:
    _require_visit(by, visit.assignment)
    if "assignment" in changes:
        require_visible(by, changes["assignment"], "联系关系")
        _require_visit(by, changes["assignment"])
    base.save_changes(by=by, obj=visit, changes=changes)
    return visit


@transaction.atomic
def visit_delete(*, by, visit: InstructorVisit) -> None:
    _require_visit(by, visit.assignment)
    base.delete(by=by, obj=visit)


# --- organisational life --------------------------------------------------------


@transaction.atomic
def orglife_create(*, by, organization: PartyOrganization, kind: str, date: dt.date, topic: str,
                   attendance: int, minutes=None) -> OrgLifeRecord:
    _require_org(by, organization)
    return base.save_new(by=by, obj=OrgLifeRecord(organization=organization, kind=kind, date=date, topic=topic,
                                                  attendance=attendance, minutes=minutes or ""))


@transaction.atomic
def orglife_update(*, by, entry: OrgLifeRecord, **changes) -> OrgLifeRecord:
    _require_org_change(by, entry, changes)
    if changes.get("minutes") is None:
        changes.pop("minutes", None)  # no new file uploaded: keep the stored one
    elif changes["minutes"] is False:
        changes["minutes"] = ""  # the form's "clear" box
    base.save_changes(by=by, obj=entry, changes=changes)
    return entry


@transaction.atomic
def orglife_delete(*, by, entry: OrgLifeRecord) -> None:
    _require_org(by, entry.organization)
    minutes = entry.minutes
    base.delete(by=by, obj=entry)
    delete_after_commit(minutes.storage, minutes.name)
