"""Writes to the enterprise register. Each checks scope, validates, saves and audits."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from shanghui.accounts import unmask
from shanghui.accounts.scope import (
    can_write_region,
    require_enterprise,
    require_region,
    require_region_change,
    require_visible,
)
from shanghui.audit import record
from shanghui.audit.labels import action_label
from shanghui.audit.models import AuditEvent
from shanghui.core import duplicates
from shanghui.core import services as base
from shanghui.core.roles import Role
from shanghui.orgs.models import Chamber, Region

from .models import Enterprise, Membership, Person

# What an enterprise's own user may correct in its profile; the rest is the register's.
ENTERPRISE_SELF_EDITABLE = {"address", "employees", "size", "industry"}


@duplicates.refusals_audited
@transaction.atomic
def enterprise_create(*, by, uscc: str, name: str, region: Region, **fields) -> Enterprise:
    require_region(by, region)
    require_visible(by, fields.get("principal"), "主要负责人")
    return base.save_new(by=by, obj=Enterprise(uscc=uscc, name=name, region=region, **fields))


@duplicates.refusals_audited
@transaction.atomic
def enterprise_update(*, by, enterprise: Enterprise, **changes) -> Enterprise:
    require_enterprise(by, enterprise)
    if by.role == Role.ENTERPRISE_USER and set(changes) - ENTERPRISE_SELF_EDITABLE:
        changes = {k: v for k, v in changes.items() if getattr(enterprise, k) != v}
        if set(changes) - ENTERPRISE_SELF_EDITABLE:
            raise PermissionDenied("企业用户只能修改地址、从业人数、规模和行业，其他信息请联系商会。")
    if "region" in changes:
        require_region(by, changes["region"])
    require_visible(by, changes.get("principal"), "主要负责人")
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
                changed += ["id_number", "gender"] if id_number else ["id_number"]
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


@duplicates.refusals_audited
@transaction.atomic
def person_create(*, by, name: str, region: Region, id_number: str = "", mobile: str = "", **fields) -> Person:
    require_region(by, region)
    require_visible(by, fields.get("enterprise"), "所在企业")
    person = Person(name=name, region=region, **fields)
    _set_personal(person, id_number, mobile)
    return base.save_new(by=by, obj=person)


@duplicates.refusals_audited
@transaction.atomic
def person_update(*, by, person: Person, id_number: str | None = None, mobile: str | None = None,
                  **changes) -> Person:
    require_region_change(by, person.region, changes)
    require_visible(by, changes.get("enterprise"), "所在企业")
    personal = _set_personal(person, id_number, mobile)
    names = base.changed_fields(person, changes)
    for name in names:
        setattr(person, name, changes[name])
    if names or personal:
        duplicates.full_clean(by=by, obj=person)
        columns = {*names, *(c for p in personal for c in _PERSONAL_COLUMNS.get(p, [p]))}
        person.save(update_fields=columns)
        record(by=by, action="update", obj=person, fields=sorted({*names, *personal}))
    return person


@duplicates.refusals_audited
def person_find_or_create(*, by, name: str, region: Region, id_number: str, **fields) -> tuple[Person, bool]:
    """A known ID number finds the existing person (imports, sign-in); otherwise a new one is made."""
    existing = Person.objects.by_id_number(id_number).first()
    if existing is not None:
        if not Person.objects.visible_to(by).filter(pk=existing.pk).exists():
            raise PermissionDenied(duplicates.message(by=by, clash=existing, what="身份证号码", named="",
                                                      field="id_number"))
        return existing, False
    return person_create(by=by, name=name, region=region, id_number=id_number, **fields), True


@transaction.atomic
def person_delete(*, by, person: Person) -> None:
    require_region(by, person.region)
    base.delete(by=by, obj=person)


UNMASK_REFUSED = "您无权查看完整的个人信息。"
# Far past any real primary key; a larger id in a URL would overflow the database's integer.
_MAX_PK = 2**62


def person_unmask(*, by, person: Person) -> dict[str, str]:
    """The plain numbers of the kinds `by` is granted (accounts/unmask.py), for a person in his
    scope, within his daily limit. Every call is an audit event; a refused one too (success=False).

    Not atomic on purpose: the refusal's audit event must survive the exception.
    """
    if not Person.objects.visible_to(by).filter(pk=person.pk).exists():
        unmask.refuse(by=by, message=UNMASK_REFUSED, why="out_of_scope", obj=person)
    kinds = sorted(unmask.unmask_kinds(by))
    if not kinds:
        unmask.refuse(by=by, message=UNMASK_REFUSED, why="not_granted", obj=person)
    if not unmask.record_within_limit(by=by, obj=person, fields=kinds):
        limit = unmask.daily_limit()
        unmask.refuse(by=by, message=f"您今天查看完整个人信息已达 {limit} 次上限，请明天再试；如确有需要，请联系区工商联。",
                      why="daily_limit", obj=person, extra={"limit": limit})
    return {kind: getattr(person, kind) for kind in kinds}


def person_unmask_by_id(*, by, person_id: int) -> tuple[Person, dict[str, str]]:
    """For pages and the API: a person outside the user's scope answers exactly like a missing
    one (404), and the attempt is still an audit event."""
    person = Person.objects.filter(pk=person_id).first() if 0 < person_id < _MAX_PK else None
    if person is None or not Person.objects.visible_to(by).filter(pk=person.pk).exists():
        unmask.refuse(by=by, message="未找到该人员。", why="out_of_scope", object_type=Person._meta.label_lower,
                      extra={"person_id": person_id}, exception=Http404)
    return person, person_unmask(by=by, person=person)


@duplicates.refusals_audited
@transaction.atomic
def membership_create(*, by, chamber: Chamber, joined: dt.date, enterprise: Enterprise | None = None,
                      person: Person | None = None, **fields) -> Membership:
    require_region(by, chamber.region)
    require_visible(by, enterprise, "会员企业")
    require_visible(by, person, "个人会员")
    return base.save_new(by=by, obj=Membership(chamber=chamber, enterprise=enterprise, person=person,
                                               joined=joined, **fields))


@duplicates.refusals_audited
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


# --- personal data rights (PIPL arts. 45 and 47) --------------------------------

ANONYMOUS_NAME = "已匿名"
# Why a person's data is erased (PIPL art. 47). A fixed list: free text could carry personal data into the log.
ERASURE_REASONS = {
    "request": "本人申请删除",
    "purpose": "处理目的已实现或不再必要",
    "consent": "本人撤回同意",
    "other": "其他法定情形",
}


PERSONAL_RIGHTS_REFUSED = "只有可查看完整身份证号码的工商联管理员可以处理个人信息权利请求。"


def may_handle_personal_rights(user, person: Person) -> bool:
    return unmask.may_unmask(user, unmask.ID_NUMBER) and can_write_region(user, person.region)


def require_personal_rights(*, by, person: Person, action: str) -> None:
    """Only users granted the ID-number unmask, with write access to the person's street, act on
    such a request: it hands out or destroys every number the platform holds. A refusal is an
    audit event of `action` with success=False and the reason, like a refused unmask; so this
    runs before, not inside, the transaction that the refusal would roll back."""
    if not Person.objects.visible_to(by).filter(pk=person.pk).exists():
        unmask.refuse(by=by, message="该人员不在您的管辖范围内。", why="out_of_scope", action=action, obj=person)
    if not unmask.may_unmask(by, unmask.ID_NUMBER):
        unmask.refuse(by=by, message=PERSONAL_RIGHTS_REFUSED, why="not_granted", action=action, obj=person)
    if not can_write_region(by, person.region):
        unmask.refuse(by=by, message=PERSONAL_RIGHTS_REFUSED, why="read_only", action=action, obj=person)


def _reference(reference: str) -> str:
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": "请填写申请编号（如来函编号或登记号）。"})
    if len(reference) > 50:
        raise ValidationError({"reference": "申请编号不能超过 50 个字符。"})
    return reference


def _as_text(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _row(obj) -> dict:
    """A row's own fields, labelled in Chinese, without the encrypted columns."""
    out = {"编号": obj.pk}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name.endswith(("_cipher", "_digest")) or field.name == "name_initials":
            continue
        if field.is_relation:
            value = getattr(obj, field.name)
            value = str(value) if value is not None else None
        elif field.choices:
            value = getattr(obj, f"get_{field.name}_display")() or None
        else:
            value = _as_text(getattr(obj, field.attname))
        out[str(field.verbose_name)] = value
    return out


def _related_rows(person: Person) -> dict[str, list[dict]]:
    """Every row of every model that points at the person: today memberships and enterprises
    (as principal); the apps added later (party members, attendances…) are found the same way."""
    related = {}
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        model = rel.related_model
        rows = model._default_manager.filter(**{rel.field.name: person})
        label = f"{model._meta.verbose_name}（{rel.field.verbose_name}）"
        related[label] = [_row(r) for r in rows]
    return related


def person_export_data(*, by, person: Person, reference: str) -> dict:
    """Everything the platform holds about a person, in plain text, for the person (PIPL art. 45).

    Only users granted the ID-number unmask may do it; the export is an audit event with the request reference.
    """
    require_personal_rights(by=by, person=person, action="personal_data_export")
    reference = _reference(reference)

    events = AuditEvent.objects.filter(object_type="directory.person", object_id=str(person.pk)).order_by("at", "id")
    data = {
        "说明": "本文件为平台保存的该人员全部个人信息，依《个人信息保护法》第四十五条提供给本人。",
        "申请编号": reference,
        "导出时间": timezone.localtime().isoformat(timespec="seconds"),
        "人员": {**_row(person), "身份证号码": person.id_number or None, "手机号码": person.mobile or None},
        "关联记录": _related_rows(person),
        # Who processed the data and how (PIPL art. 44: the right to know).
        "处理记录": [{"时间": timezone.localtime(e.at).isoformat(timespec="seconds"), "操作": action_label(e.action),
                   "操作人": e.actor_name, "字段": e.fields} for e in events],
    }
    rows = 1 + sum(len(v) for v in data["关联记录"].values())
    record(by=by, action="personal_data_export", obj=person, fields=["id_number", "mobile"],
           extra={"reference": reference, "rows": rows})
    return data


def _erase_reason(reason: str) -> str:
    if reason not in ERASURE_REASONS:
        raise ValidationError({"reason": "请选择删除或匿名化的依据。"})
    return reason


def person_anonymise(*, by, person: Person, reference: str, reason: str) -> Person:
    """Remove what identifies the person, keep the row (and its memberships, attendances…) for statistics.

    Cleared: name (→ “已匿名”), ID number (and with it the birth date), mobile number, position. Kept: gender,
    political status, street and enterprise, which the statistics count by.
    """
    require_personal_rights(by=by, person=person, action="personal_data_anonymise")
    reference, reason = _reference(reference), _erase_reason(reason)
    with transaction.atomic():
        require_region(by, person.region)
        person.name = ANONYMOUS_NAME
        person.set_id_number("")
        person.set_mobile("")
        person.position = ""
        person.full_clean()
        person.save()
        record(by=by, action="personal_data_anonymise", obj=person,
               fields=["name", "id_number", "mobile", "position"],
               extra={"reference": reference, "reason": reason})
    return person


def person_erase(*, by, person: Person, reference: str, reason: str) -> None:
    """Delete the person altogether (memberships go with it); the audit event keeps the request on record."""
    require_personal_rights(by=by, person=person, action="personal_data_delete")
    reference, reason = _reference(reference), _erase_reason(reason)
    with transaction.atomic():
        require_region(by, person.region)
        person.name = ANONYMOUS_NAME  # not saved: only so that the event's object text carries no name
        record(by=by, action="personal_data_delete", obj=person, extra={"reference": reference, "reason": reason})
        person.delete()
