"""Writes to the enterprise register. Each checks scope, validates, saves and audits."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shanghui.accounts.roles import Role
from shanghui.accounts.scope import require_enterprise, require_region
from shanghui.audit import record
from shanghui.core import services as base
from shanghui.orgs.models import Chamber, Region

from .models import Enterprise, Membership, Person

# What an enterprise's own user may correct in its profile; the rest is the register's.
ENTERPRISE_SELF_EDITABLE = {"address", "employees", "size", "industry"}


def _require_visible(by, obj, label: str) -> None:
    if obj is not None and not type(obj).objects.visible_to(by).filter(pk=obj.pk).exists():
        raise PermissionDenied(f"{label}不在您的管辖范围内。")


@transaction.atomic
def enterprise_create(*, by, uscc: str, name: str, region: Region, **fields) -> Enterprise:
    require_region(by, region)
    _require_visible(by, fields.get("principal"), "主要负责人")
    return base.save_new(by=by, obj=Enterprise(uscc=uscc, name=name, region=region, **fields))


@transaction.atomic
def enterprise_update(*, by, enterprise: Enterprise, **changes) -> Enterprise:
    require_enterprise(by, enterprise)
    if by.role == Role.ENTERPRISE_USER and set(changes) - ENTERPRISE_SELF_EDITABLE:
        changes = {k: v for k, v in changes.items() if getattr(enterprise, k) != v}
        if set(changes) - ENTERPRISE_SELF_EDITABLE:
            raise PermissionDenied("企业用户只能修改地址、从业人数、规模和行业，其他信息请联系商会。")
    if "region" in changes:
        require_region(by, changes["region"])
    _require_visible(by, changes.get("principal"), "主要负责人")
    base.save_changes(by=by, obj=enterprise, changes=changes)
    return enterprise


@transaction.atomic
def enterprise_delete(*, by, enterprise: Enterprise) -> None:
    require_region(by, enterprise.region)
    base.delete(by=by, obj=enterprise)


def _set_personal(person: Person, id_number: str | None, mobile: str | None) -> list[str]:
    """Validate and set the encrypted fields; returns the names of those that changed."""
    errors, changed = {}, []
    if id_number is not None:
        try:
            if (id_number or "") != (person.id_number if person.id_number_cipher else ""):
                person.set_id_number(id_number)
                changed += ["id_number", "birth_date", "gender"] if id_number else ["id_number"]
        except ValidationError as e:
            errors["id_number"] = e.messages
    if mobile is not None:
        try:
            if (mobile or "") != (person.mobile if person.mobile_cipher else ""):
                person.set_mobile(mobile)
                changed.append("mobile")
        except ValidationError as e:
            errors["mobile"] = e.messages
    if errors:
        raise ValidationError(errors)
    return changed


_PERSONAL_COLUMNS = {
    "id_number": ["id_number_cipher", "id_number_digest"],
    "mobile": ["mobile_cipher", "mobile_digest"],
}


@transaction.atomic
def person_create(*, by, name: str, region: Region, id_number: str = "", mobile: str = "", **fields) -> Person:
    require_region(by, region)
    _require_visible(by, fields.get("enterprise"), "所在企业")
    person = Person(name=name, region=region, **fields)
    _set_personal(person, id_number, mobile)
    return base.save_new(by=by, obj=person)


@transaction.atomic
def person_update(*, by, person: Person, id_number: str | None = None, mobile: str | None = None,
                  **changes) -> Person:
    require_region(by, person.region)
    if "region" in changes:
        require_region(by, changes["region"])
    _require_visible(by, changes.get("enterprise"), "所在企业")
    personal = _set_personal(person, id_number, mobile)
    names = base.changed_fields(person, changes)
    for name in names:
        setattr(person, name, changes[name])
    if names or personal:
        person.full_clean()
        columns = {*names, *(c for p in personal for c in _PERSONAL_COLUMNS.get(p, [p]))}
        person.save(update_fields=columns)
        record(by=by, action="update", obj=person, fields=sorted({*names, *personal}))
    return person


def person_find_or_create(*, by, name: str, region: Region, id_number: str, **fields) -> tuple[Person, bool]:
    """A known ID number finds the existing person (imports, sign-in); otherwise a new one is made."""
    existing = Person.objects.by_id_number(id_number).first()
    if existing is not None:
        if not Person.objects.visible_to(by).filter(pk=existing.pk).exists():
            raise PermissionDenied("该身份证号码对应的人员不在您的管辖范围内，请联系工商联。")
        return existing, False
    return person_create(by=by, name=name, region=region, id_number=id_number, **fields), True


@transaction.atomic
def person_delete(*, by, person: Person) -> None:
    require_region(by, person.region)
    base.delete(by=by, obj=person)


def person_unmask(*, by, person: Person) -> dict[str, str]:
    """The plain ID and mobile numbers, for users allowed to see them; every call is audited."""
    if not by.can_unmask or not Person.objects.visible_to(by).filter(pk=person.pk).exists():
        raise PermissionDenied("您无权查看完整的个人信息。")
    record(by=by, action="unmask", obj=person, fields=["id_number", "mobile"])
    return {"id_number": person.id_number, "mobile": person.mobile}


@transaction.atomic
def membership_create(*, by, chamber: Chamber, joined: dt.date, enterprise: Enterprise | None = None,
                      person: Person | None = None, **fields) -> Membership:
    require_region(by, chamber.region)
    _require_visible(by, enterprise, "会员企业")
    _require_visible(by, person, "个人会员")
    return base.save_new(by=by, obj=Membership(chamber=chamber, enterprise=enterprise, person=person,
                                               joined=joined, **fields))


@transaction.atomic
def membership_update(*, by, membership: Membership, **changes) -> Membership:
    require_region(by, membership.chamber.region)
    if "chamber" in changes:
        require_region(by, changes["chamber"].region)
    base.save_changes(by=by, obj=membership, changes=changes)
    return membership


@transaction.atomic
def membership_delete(*, by, membership: Membership) -> None:
    require_region(by, membership.chamber.region)
    base.delete(by=by, obj=membership)
