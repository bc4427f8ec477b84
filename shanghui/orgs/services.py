"""Writes to the organisation tree. Each checks scope, validates, saves and audits."""

import datetime as dt

from django.db import transaction

from shanghui.accounts.scope import require_region
from shanghui.core import services as base

from .models import Chamber, ChamberDepartment, Department, Region, StaffAssignment


@transaction.atomic
def chamber_create(*, by, name: str, kind: str, region: Region, **fields) -> Chamber:
    require_region(by, region)
    return base.save_new(by=by, obj=Chamber(name=name, kind=kind, region=region, **fields))


@transaction.atomic
def chamber_update(*, by, chamber: Chamber, **changes) -> Chamber:
    require_region(by, chamber.region)
    if "region" in changes:
        require_region(by, changes["region"])
    base.save_changes(by=by, obj=chamber, changes=changes)
    return chamber


@transaction.atomic
def chamber_delete(*, by, chamber: Chamber) -> None:
    from django.core.exceptions import ValidationError

    require_region(by, chamber.region)
    if chamber.memberships.exists():
        raise ValidationError(f"“{chamber}”还有会员记录，不能删除；如已撤销请将其设为无效。")
    base.delete(by=by, obj=chamber)


@transaction.atomic
def chamber_station_department(*, by, chamber: Chamber, department: Department,
                               since: dt.date | None = None) -> ChamberDepartment:
    require_region(by, chamber.region)
    return base.save_new(by=by, obj=ChamberDepartment(chamber=chamber, department=department, since=since))


@transaction.atomic
def staff_assign(*, by, chamber: Chamber, kind: str, name: str, start: dt.date, user=None,
                 end: dt.date | None = None) -> StaffAssignment:
    require_region(by, chamber.region)
    return base.save_new(by=by, obj=StaffAssignment(chamber=chamber, kind=kind, name=name, user=user,
                                                    start=start, end=end))
