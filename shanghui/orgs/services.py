"""Writes to the organisation tree. Each checks scope, validates, saves and audits.

The chambers' own details may be kept by the street worker of their street (require_region); the
tree itself — regions and their 区划调整, departments, stationing, staff assignments — only by the
federation admin and the superuser (scope.require_org_admin).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from shanghui.accounts.models import User
from shanghui.accounts.scope import require_region, require_region_change, require_visible
from shanghui.audit import record
from shanghui.core import services as base
from shanghui.core.crud import today

from .models import Chamber, ChamberDepartment, Department, Region, RegionChange, StaffAssignment
from .scope import require_org_admin

# --- chambers ---------------------------------------------------------------------------------


@transaction.atomic
def chamber_create(*, by, name: str, kind: str, region: Region, **fields) -> Chamber:
    require_region(by, region)
    return base.save_new(by=by, obj=Chamber(name=name, kind=kind, region=region, **fields))


@transaction.atomic
def chamber_update(*, by, chamber: Chamber, **changes) -> Chamber:
    require_region_change(by, chamber.region, changes)
    base.save_changes(by=by, obj=chamber, changes=changes)
    return chamber


@transaction.atomic
def chamber_delete(*, by, chamber: Chamber) -> None:
    require_region(by, chamber.region)
    # A chamber with a history (members, stationed departments, staff) is ended by 有效 = no, so that
    # past years still read who was there.
    history = [label for label, rows in (("会员", chamber.memberships), ("部门进驻", chamber.stationed),
                                         ("人员配备", chamber.staff)) if rows.exists()]
    if history:
        raise ValidationError(f"“{chamber}”还有{'、'.join(history)}记录，不能删除；如已撤销请将其设为无效。")
    base.delete(by=by, obj=chamber)


# --- departments ------------------------------------------------------------------------------


@transaction.atomic
def department_create(*, by, code: str, name: str) -> Department:
    require_org_admin(by)
    return base.save_new(by=by, obj=Department(code=code, name=name))


@transaction.atomic
def department_update(*, by, department: Department, **changes) -> Department:
    require_org_admin(by)
    base.save_changes(by=by, obj=department, changes=changes)
    return department


def _delete_unreferenced(*, by, obj, message: str) -> None:
    try:
        with transaction.atomic():
            base.delete(by=by, obj=obj)
    except ProtectedError:
        raise ValidationError(message) from None


@transaction.atomic
def department_delete(*, by, department: Department) -> None:
    require_org_admin(by)
    if ChamberDepartment.objects.filter(department=department).exists():
        raise ValidationError(f"“{department}”有进驻记录，不能删除。")
    _delete_unreferenced(by=by, obj=department, message=f"“{department}”仍被其他数据（如用户账号、诉求）引用，不能删除。")


# --- stationing (进驻) ---------------------------------------------------------------------------


def _chamber_in_scope(by, chamber: Chamber) -> None:
    require_visible(by, chamber, "该商会")
    require_org_admin(by, chamber.region)


@transaction.atomic
def stationing_create(*, by, chamber: Chamber, department: Department, since: dt.date | None = None,
                      until: dt.date | None = None) -> ChamberDepartment:
    _chamber_in_scope(by, chamber)
    return base.save_new(by=by, obj=ChamberDepartment(chamber=chamber, department=department, since=since,
                                                      until=until))


@transaction.atomic
def stationing_update(*, by, stationing: ChamberDepartment, **changes) -> ChamberDepartment:
    _chamber_in_scope(by, stationing.chamber)
    if "chamber" in changes:
        _chamber_in_scope(by, changes["chamber"])
    base.save_changes(by=by, obj=stationing, changes=changes)
    return stationing


def _begun(start: dt.date | None) -> bool:
    """A row whose start is unknown or past has history: it is ended, not deleted."""
    return start is None or start <= today()


@transaction.atomic
def stationing_delete(*, by, stationing: ChamberDepartment) -> None:
    _chamber_in_scope(by, stationing.chamber)
    if _begun(stationing.since):
        raise ValidationError("该进驻记录已有历史，不能删除；撤出时请填写撤出日期。")
    base.delete(by=by, obj=stationing)


# --- staff assignments (人员配备) ------------------------------------------------------------------


def _check_user(by, user) -> None:
    if user is not None and not User.objects.visible_to(by).filter(pk=user.pk).exists():
        raise ValidationError({"user": "该系统账号不在您的管辖范围内。"})


@transaction.atomic
def staff_create(*, by, chamber: Chamber, kind: str, name: str, start: dt.date, end: dt.date | None = None,
                 user: User | None = None) -> StaffAssignment:
    _chamber_in_scope(by, chamber)
    _check_user(by, user)
    return base.save_new(by=by, obj=StaffAssignment(chamber=chamber, kind=kind, name=name, user=user, start=start,
                                                    end=end))


@transaction.atomic
def staff_update(*, by, assignment: StaffAssignment, **changes) -> StaffAssignment:
    _chamber_in_scope(by, assignment.chamber)
    if "chamber" in changes:
        _chamber_in_scope(by, changes["chamber"])
    if changes.get("user") is not None and changes["user"] != assignment.user:
        _check_user(by, changes["user"])
    base.save_changes(by=by, obj=assignment, changes=changes)
    return assignment


@transaction.atomic
def staff_end(*, by, assignment: StaffAssignment, end: dt.date) -> StaffAssignment:
    """A worker or instructor leaves: the assignment ends, and stays as the record of who served when."""
    if assignment.end is not None:
        raise ValidationError("该人员配备已结束。")
    return staff_update(by=by, assignment=assignment, end=end)


@transaction.atomic
def staff_delete(*, by, assignment: StaffAssignment) -> None:
    _chamber_in_scope(by, assignment.chamber)
    if _begun(assignment.start):
        raise ValidationError("该人员配备已有任职历史，不能删除；离任时请填写结束日期。")
    base.delete(by=by, obj=assignment)


# --- regions and 区划调整 ----------------------------------------------------------------------------


def _check_street_code(code: str, parent: Region) -> None:
    if not (code.isdigit() and len(code) == 9 and code.startswith(parent.code)):
        raise ValidationError({"code": f"街道的区划代码应为9位数字，并以所属区的代码{parent.code}开头。"})


def _district(by, parent: Region) -> Region:
    require_org_admin(by, parent)
    if parent.level != Region.Level.DISTRICT:
        raise ValidationError({"parent": "街道只能设在区之下。"})
    return parent


def _check_year(year: int) -> None:
    if not 1980 <= year <= today().year + 1:
        raise ValidationError({"year": f"生效年度应在1980年至{today().year + 1}年之间。"})


@transaction.atomic
def region_create(*, by, parent: Region, code: str, name: str, valid_from: int | None = None) -> Region:
    """A new street under the district, with its 9-digit division code."""
    _district(by, parent)
    _check_street_code(code, parent)
    if valid_from is not None:
        _check_year(valid_from)
    return base.save_new(by=by, obj=Region(parent=parent, code=code, name=name.strip(), level=Region.Level.STREET,
                                           valid_from=valid_from))


@transaction.atomic
def region_update(*, by, region: Region, name: str) -> Region:
    """Rename: the code and the place in the tree change only through 区划调整."""
    require_org_admin(by, region)
    if region.level == Region.Level.CITY or (region.level == Region.Level.DISTRICT and not by.is_superuser):
        raise ValidationError("只能修改街道的名称。")
    base.save_changes(by=by, obj=region, changes={"name": name.strip()})
    return region


@transaction.atomic
def region_delete(*, by, region: Region) -> None:
    """Only a street entered by mistake, that nothing refers to; a street that existed ends by 区划调整."""
    require_org_admin(by, region)
    if region.level != Region.Level.STREET:
        raise ValidationError("只能删除街道。")
    if region.children.exists() or region.changes_out.exists() or region.changes_in.exists():
        raise ValidationError(f"“{region}”有区划调整记录，不能删除。")
    _delete_unreferenced(by=by, obj=region, message=f"“{region}”已有数据引用，不能删除；如已撤并请登记区划调整。")


def _repath(region: Region) -> None:
    """Store the paths of `region`'s subtree after `region` moved in the tree (saved already)."""
    for child in region.children.all():
        child.save(update_fields=["path"])
        _repath(child)


def _current_street(by, street: Region, year: int) -> None:
    require_org_admin(by, street)
    if street.level != Region.Level.STREET or street.valid_to is not None:
        raise ValidationError(f"“{street}”不是现有街道。")
    if street.valid_from is not None and street.valid_from >= year:
        raise ValidationError(f"“{street}”自{street.valid_from}年起设立，调整年度须晚于该年。")


def _record_change(*, by, kind: str, year: int, sources, results, note: str) -> RegionChange:
    change = RegionChange.objects.create(kind=kind, year=year, note=note)
    change.sources.set(sources)
    change.results.set(results)
    record(by=by, action="create", obj=change, fields=["kind", "year", "sources", "results", "note"])
    return change


@transaction.atomic
def region_merge(*, by, streets: list[Region], year: int, code: str, name: str, note: str = "") -> RegionChange:
    """合并: `streets` end with `year - 1`; a new street (`code`, `name`) begins in `year` and they
    become its children, and the old streets' staff users move to it. Nothing else moves: every
    enterprise, person, chamber and attendance keeps the street it belonged to, so years before `year` read exactly as before, and from `year` on the
    new street's figures are the sum of its subtree (directory/kpis.py `street_rows`)."""
    _check_year(year)
    streets = list(dict.fromkeys(streets))
    if len(streets) < 2:
        raise ValidationError({"streets": "合并至少需要两个街道。"})
    for street in streets:
        _current_street(by, street, year)
    parent = streets[0].parent
    if any(s.parent_id != parent.pk for s in streets):
        raise ValidationError({"streets": "只能合并同一个区内的街道。"})
    successor = region_create(by=by, parent=parent, code=code, name=name, valid_from=year)
    for street in streets:
        street.parent, street.valid_to = successor, year - 1
        street.save(update_fields=["parent", "path", "valid_to"])
        _repath(street)
        record(by=by, action="update", obj=street, fields=["parent", "valid_to"])
    # The street offices become one: their staff work for the new street (and see its whole subtree).
    for user in User.objects.filter(region__in=streets):
        user.region = successor
        user.save(update_fields=["region"])
        record(by=by, action="update", obj=user, fields=["region"], extra={"reason": "region_merge"})
    return _record_change(by=by, kind=RegionChange.Kind.MERGE, year=year, sources=streets, results=[successor],
                          note=note)


@transaction.atomic
def region_split(*, by, street: Region, year: int, parts: list[tuple[str, str]], note: str = "") -> RegionChange:
    """拆分: `street` ends with `year - 1`; its `parts` ((code, name) each) begin in `year` as its
    children. The rows of the old street are then moved to the part they belong to, one by one
    (an enterprise's ordinary edit): a move inside the old street's subtree changes no figure of
    the years before the split."""
    _check_year(year)
    _current_street(by, street, year)
    if len(parts) < 2:
        raise ValidationError({"parts": "拆分至少需要两个新街道。"})
    district = street.parent
    new = [region_create(by=by, parent=district, code=code, name=name, valid_from=year) for code, name in parts]
    street.valid_to = year - 1
    street.save(update_fields=["valid_to"])
    record(by=by, action="update", obj=street, fields=["valid_to"])
    for part in new:
        part.parent = street
        part.save(update_fields=["parent", "path"])
    return _record_change(by=by, kind=RegionChange.Kind.SPLIT, year=year, sources=[street], results=new, note=note)
