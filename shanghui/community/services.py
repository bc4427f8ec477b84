"""Writes to community projects, contributions and aid records: scope, validation, save, audit.

A project is written by whoever may write its region (a street's worker, the federation admin;
district projects and counterpart assistance outside the district: district-level writers).
Its contributions and aid records are written by whoever may write the project. A contributor
(enterprise, chamber, person) must be one the writer can see.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from shanghui.accounts.scope import can_write_region, require_region, require_region_change, require_visible
from shanghui.core import services as base

from .models import AidRecord, Contribution, Project, mask_name


def can_write_project(user, project: Project) -> bool:
    return can_write_region(user, project.region)


# --- projects ----------------------------------------------------------------------------


@transaction.atomic
def project_create(*, by, kind: str, title: str, region, start, **fields) -> Project:
    require_region(by, region)
    require_visible(by, fields.get("organiser"), "牵头商会")
    return base.save_new(by=by, obj=Project(kind=kind, title=title, region=region, start=start, **fields))


@transaction.atomic
def project_update(*, by, project: Project, **changes) -> Project:
    require_region_change(by, project.region, changes)
    require_visible(by, changes.get("organiser"), "牵头商会")
    base.save_changes(by=by, obj=project, changes=changes)
    return project


@transaction.atomic
def project_delete(*, by, project: Project) -> None:
    require_region(by, project.region)
    if project.contributions.exists() or project.aid_records.exists():
        raise ValidationError(f"“{project}”已有贡献或助学记录，不能删除。")
    base.delete(by=by, obj=project)


# --- contributions ---------------------------------------------------------------------------


def _require_projects(by, row, changes: dict) -> None:
    """A contribution or aid record is written by whoever writes its project's region: the one it
    belongs to and, when it moves, the one it moves to."""
    require_region(by, row.project.region)
    if "project" in changes:
        require_visible(by, changes["project"], "项目")
        require_region(by, changes["project"].region)


def _delete_from_project(by, row) -> None:
    require_region(by, row.project.region)
    base.delete(by=by, obj=row)


def _check_contributor(by, fields: dict) -> None:
    require_visible(by, fields.get("enterprise"), "捐助企业")
    require_visible(by, fields.get("chamber"), "捐助商会")
    require_visible(by, fields.get("person"), "捐助个人")


@transaction.atomic
def contribution_create(*, by, project: Project, kind: str, amount, date, enterprise=None, chamber=None,
                        person=None, note: str = "") -> Contribution:
    require_region(by, project.region)
    _check_contributor(by, {"enterprise": enterprise, "chamber": chamber, "person": person})
    row = Contribution(project=project, kind=kind, amount=amount, date=date, enterprise=enterprise,
                       chamber=chamber, person=person, note=note)
    return base.save_new(by=by, obj=row)


@transaction.atomic
def contribution_update(*, by, contribution: Contribution, **changes) -> Contribution:
    _require_projects(by, contribution, changes)
    _check_contributor(by, changes)
    base.save_changes(by=by, obj=contribution, changes=changes)
    return contribution


@transaction.atomic
def contribution_delete(*, by, contribution: Contribution) -> None:
    _delete_from_project(by, contribution)


# --- aid records ---------------------------------------------------------------------------


def _masked(fields: dict) -> dict:
    """The form and the API take the student's name; only the masked form is ever stored."""
    if "name" in fields:
        fields["masked_name"] = mask_name(fields.pop("name"))
    elif "masked_name" in fields:
        fields["masked_name"] = mask_name(fields["masked_name"])
    return fields


@transaction.atomic
def aid_create(*, by, project: Project, code: str, name: str, school: str, grade: str, amount, date,
               region=None, partner_area: str = "") -> AidRecord:
    require_region(by, project.region)
    if region is not None:
        require_region(by, region)
    row = AidRecord(project=project, code=code.strip(), school=school, grade=grade, amount=amount, date=date,
                    region=region, partner_area=partner_area, masked_name=mask_name(name))
    return base.save_new(by=by, obj=row)


@transaction.atomic
def aid_update(*, by, record: AidRecord, **changes) -> AidRecord:
    _require_projects(by, record, changes)
    if changes.get("region") is not None:
        require_region(by, changes["region"])
    if not changes.get("name"):  # an edit form leaves the name blank to keep the stored one
        changes.pop("name", None)
    changes = _masked(changes)
    base.save_changes(by=by, obj=record, changes=changes)
    return record


@transaction.atomic
def aid_delete(*, by, record: AidRecord) -> None:
    _delete_from_project(by, record)
