"""Writes to service requests: filing, every state transition, ratings, attachments, reference data.

Who may do what (checked here, whatever the caller: page, API or import):
- staff (federation admin, street worker; `can_write_region` on the enterprise's street):
  file on an enterprise's behalf, accept, assign, reject; close a resolved request the
  enterprise has not rated once the waiting period has passed;
- the department handler of the request's department (within his region): resolve;
- the enterprise's own users: file, confirm (close) or rate a resolved request, reopen it
  within the reopening window after it was resolved.

Every transition locks the row, checks visibility (else PermissionDenied), the actor's right
(PermissionDenied), the current state (ValidationError), then writes the new state, a timeline
`RequestEvent`, an audit event, notifications to the others involved and, when the webhook is
configured, an `OutboxMessage` — all in one transaction, so a refusal writes nothing.
"""

import datetime as dt
import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shanghui.accounts.models import User
from shanghui.accounts.scope import can_write_region
from shanghui.audit import record
from shanghui.core import services as base
from shanghui.core.files import check_upload
from shanghui.core.redact import scrub, scrub_filename
from shanghui.core.roles import Role
from shanghui.core.scoping import ancestor_paths
from shanghui.directory.models import Enterprise
from shanghui.messaging import conf as messaging_conf
from shanghui.messaging.models import Channel as MessageChannel
from shanghui.messaging.outbox import enqueue
from shanghui.orgs import workdays
from shanghui.orgs.models import Department, Holiday

from . import conf
from .models import (
    ATTACHMENT_TYPES,
    Attachment,
    Category,
    Channel,
    ContactPreference,
    Notification,
    RequestEvent,
    ServiceRequest,
    State,
)

# --- who may act ----------------------------------------------------------------------


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_staff_for(user, req: ServiceRequest) -> bool:
    return can_write_region(user, req.enterprise.region)


def is_handler_for(user, req: ServiceRequest) -> bool:
    if not _active(user) or user.role != Role.DEPARTMENT_HANDLER or not user.department_id:
        return False
    return (user.department_id == req.department_id and bool(user.region_path)
            and req.enterprise.region.path.startswith(user.region_path))


def is_owner(user, req: ServiceRequest) -> bool:
    return (_active(user) and user.role == Role.ENTERPRISE_USER and bool(user.enterprise_id)
            and user.enterprise_id == req.enterprise_id)


# action → (who may, states it may start from). Extra conditions (windows, waiting period,
# an existing rating) are checked in the service itself.
RULES = {
    "accept": (is_staff_for, {State.SUBMITTED, State.REOPENED}),
    "assign": (is_staff_for, {State.SUBMITTED, State.ACCEPTED, State.ASSIGNED, State.REOPENED}),
    "reject": (is_staff_for, {State.SUBMITTED, State.ACCEPTED, State.REOPENED}),
    "resolve": (is_handler_for, {State.ASSIGNED}),
    # The enterprise's most common step first: the detail page lists actions in this order.
    "rate": (is_owner, {State.RESOLVED, State.CLOSED}),
    "close": (lambda u, r: is_staff_for(u, r) or is_owner(u, r), {State.RESOLVED}),
    "reopen": (is_owner, {State.RESOLVED, State.CLOSED}),
}
ACTION_LABELS = {"file": "提交", "accept": "受理", "assign": "交办", "reject": "不予受理", "resolve": "办结",
                 "close": "关闭", "reopen": "重新打开", "rate": "评价"}


def _window_error(user, req: ServiceRequest, action: str, now: dt.datetime) -> str:
    """Why `action` is refused by a time window or a rating, or '' when it is not."""
    if action == "close" and not is_owner(user, req):
        wait = dt.timedelta(days=conf.close_after_days())
        if req.resolved_at and now < req.resolved_at + wait:
            return f"办结后{conf.close_after_days()}天内企业尚未评价的诉求不能由工作人员关闭，请等待企业确认。"
    if action == "reopen":
        window = dt.timedelta(days=conf.reopen_days())
        if not req.resolved_at or now > req.resolved_at + window:
            return f"诉求办结超过{conf.reopen_days()}天，不能重新打开；如有新问题请重新提交诉求。"
    if action == "rate" and req.satisfaction is not None:
        return "该诉求已评价过。"
    return ""


def may(user, req: ServiceRequest, action: str, now: dt.datetime | None = None) -> bool:
    """May `user` do `action` on `req` right now? (Which buttons a page shows; the services decide.)"""
    who, states = RULES[action]
    return who(user, req) and req.state in states and not _window_error(user, req, action, now or timezone.now())


def allowed_actions(user, req: ServiceRequest) -> list[str]:
    now = timezone.now()
    return [action for action in RULES if may(user, req, action, now)]


def require_actor(by, service_request: ServiceRequest, action: str) -> None:
    """PermissionDenied unless `by`'s role lets him do `action` on this request at all (whatever its state)."""
    who, _ = RULES[action]
    if not who(by, service_request):
        raise PermissionDenied(f"您无权{ACTION_LABELS[action]}该诉求。")


def _check(by, req: ServiceRequest, action: str) -> ServiceRequest:
    # Lock the row so two people acting at once do not both move it.
    locked = ServiceRequest.objects.select_for_update().filter(pk=req.pk)
    if not locked.exists():
        raise ValidationError("诉求不存在。")
    req.refresh_from_db()
    if not ServiceRequest.objects.visible_to(by).filter(pk=req.pk).exists():
        raise PermissionDenied("该诉求不在您的管辖范围内。")
    require_actor(by, req, action)
    _, states = RULES[action]
    if req.state not in states:
        raise ValidationError(f"诉求当前状态为“{req.get_state_display()}”，不能{ACTION_LABELS[action]}。")
    error = _window_error(by, req, action, timezone.now())
    if error:
        raise ValidationError(error)
    return req


# --- notices ------------------------------------------------------------------------------


def involved(req: ServiceRequest) -> list[User]:
    """The people a request concerns: its enterprise's users, its street's workers, its handler
    (or, while no handler is named, the department's handlers for that street)."""
    users = list(User.objects.filter(is_active=True, role=Role.ENTERPRISE_USER, enterprise_id=req.enterprise_id))
    street = req.enterprise.region
    users += User.objects.filter(is_active=True, role=Role.STREET_WORKER, region__path=street.path)
    if req.handler_id:
        users.append(req.handler)
    elif req.department_id:
        users += User.objects.filter(is_active=True, role=Role.DEPARTMENT_HANDLER, department_id=req.department_id,
                                     region__path__in=ancestor_paths(street.path))
    seen, out = set(), []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            out.append(user)
    return out


def _notify(by, req: ServiceRequest, text: str) -> None:
    # Copies of what was typed (the title) that leave the record, one to a group chat: numbers masked.
    text = scrub(text)
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(user=user, request=req, text=text[:300], created=now)
        for user in involved(req) if user.pk != getattr(by, "pk", None))
    if messaging_conf.webhook_url():
        enqueue(channel=MessageChannel.WEBHOOK, text=text)


def _event(*, by, req: ServiceRequest, action: str, from_state: str, note: str = "", fields=()) -> RequestEvent:
    event = RequestEvent.objects.create(request=req, by=by if _active(by) else None, action=action,
                                        from_state=from_state, to_state=req.state, note=note)
    record(by=by, action="create" if action == "file" else "update", obj=req,
           fields=sorted({"state", *fields}), extra={"transition": action, "from": from_state, "to": req.state})
    label = ACTION_LABELS[action]
    actor = str(by) if _active(by) else "系统"
    _notify(by, req, f"诉求#{req.pk}“{req.title}”（{req.enterprise}）已{label}：{req.get_state_display()}。"
                     f"操作人：{actor}。" + (f"说明：{note}" if note else ""))
    return event


def _move(*, by, req: ServiceRequest, action: str, to_state: str, note: str = "", **changes) -> ServiceRequest:
    from_state = req.state
    for name, value in changes.items():
        setattr(req, name, value)
    req.state = to_state
    req.full_clean()
    req.save(update_fields=["state", *changes])
    _event(by=by, req=req, action=action, from_state=from_state, note=note, fields=changes)
    return req


def _text(value: str, label: str, *, required: bool, max_length: int = 500) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"请填写{label}。")
    if len(value) > max_length:
        raise ValidationError(f"{label}不能超过{max_length}字。")
    return value


# --- filing ----------------------------------------------------------------------------------


@transaction.atomic
def request_file(*, by, enterprise: Enterprise, category: Category, title: str, description: str,
                 contact_preference: str = ContactPreference.PHONE, channel: str | None = None,
                 attachments=()) -> ServiceRequest:
    """An enterprise user files for his enterprise (online); staff file on an enterprise's behalf (phone, visit)."""
    if _active(by) and by.role == Role.ENTERPRISE_USER:
        if by.enterprise_id != enterprise.pk:
            raise PermissionDenied("企业用户只能为本企业提交诉求。")
        channel = Channel.ONLINE
    elif can_write_region(by, enterprise.region):
        channel = channel or Channel.PHONE
    else:
        raise PermissionDenied("您无权提交诉求。")
    if not category.active:
        raise ValidationError({"category": "该诉求类别已停用，请选择其他类别。"})
    now = timezone.now()
    req = ServiceRequest(enterprise=enterprise, category=category, title=(title or "").strip(),
                         description=(description or "").strip(), contact_preference=contact_preference,
                         channel=channel, filed_by=by, filed_at=now, state=State.SUBMITTED,
                         deadline=workdays.deadline(timezone.localtime(now).date(), category.time_limit))
    req.full_clean()
    req.save()
    for upload in attachments:
        _attach(by=by, req=req, upload=upload)
    _event(by=by, req=req, action="file", from_state="", fields=["enterprise", "category", "title", "description"])
    return req


# --- transitions ---------------------------------------------------------------------------


@transaction.atomic
def request_accept(*, by, service_request: ServiceRequest, note: str = "") -> ServiceRequest:
    req = _check(by, service_request, "accept")
    return _move(by=by, req=req, action="accept", to_state=State.ACCEPTED, note=_text(note, "说明", required=False),
                 accepted_at=req.accepted_at or timezone.now())


@transaction.atomic
def request_assign(*, by, service_request: ServiceRequest, department: Department, handler: User | None = None,
                   note: str = "") -> ServiceRequest:
    """Hand the request to a department (and, optionally, one of its handlers for the request's street)."""
    req = _check(by, service_request, "assign")
    if department is None:
        raise ValidationError({"department": "请选择承办部门。"})
    if handler is not None:
        street = req.enterprise.region.path
        if not (handler.is_active and handler.role == Role.DEPARTMENT_HANDLER
                and handler.department_id == department.pk and handler.region_path
                and street.startswith(handler.region_path)):
            raise ValidationError({"handler": f"承办人应是“{department}”负责该街道的职能部门人员。"})
    return _move(by=by, req=req, action="assign", to_state=State.ASSIGNED, note=_text(note, "说明", required=False),
                 department=department, handler=handler, accepted_at=req.accepted_at or timezone.now())


@transaction.atomic
def request_reject(*, by, service_request: ServiceRequest, reason: str) -> ServiceRequest:
    req = _check(by, service_request, "reject")
    reason = _text(reason, "不予受理的理由", required=True)
    return _move(by=by, req=req, action="reject", to_state=State.REJECTED, note=reason, reject_reason=reason,
                 closed_at=timezone.now())


@transaction.atomic
def request_resolve(*, by, service_request: ServiceRequest, resolution: str) -> ServiceRequest:
    req = _check(by, service_request, "resolve")
    resolution = _text(resolution, "办理结果", required=True, max_length=5000)
    return _move(by=by, req=req, action="resolve", to_state=State.RESOLVED, note=resolution, resolution=resolution,
                 resolved_at=timezone.now(), handler=req.handler or by)


@transaction.atomic
def request_close(*, by, service_request: ServiceRequest, note: str = "") -> ServiceRequest:
    """The enterprise confirms a resolved request; staff close one left unrated past the waiting period."""
    req = _check(by, service_request, "close")
    if not note and not is_owner(by, req):
        note = "企业逾期未评价，由工作人员关闭。"
    return _move(by=by, req=req, action="close", to_state=State.CLOSED, note=_text(note, "说明", required=False),
                 closed_at=timezone.now())


@transaction.atomic
def request_reopen(*, by, service_request: ServiceRequest, reason: str) -> ServiceRequest:
    req = _check(by, service_request, "reopen")
    reason = _text(reason, "重新打开的理由", required=True)
    today = timezone.localdate()
    return _move(by=by, req=req, action="reopen", to_state=State.REOPENED, note=reason, resolved_at=None,
                 closed_at=None, satisfaction=None, satisfaction_comment="",
                 deadline=workdays.deadline(today, req.category.time_limit))


@transaction.atomic
def request_rate(*, by, service_request: ServiceRequest, satisfaction: int, comment: str = "") -> ServiceRequest:
    """The enterprise rates (1–5) a resolved request, which closes it, or a closed one not yet rated."""
    req = _check(by, service_request, "rate")
    try:
        score = int(satisfaction)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"satisfaction": "满意度应为1至5分。"})
    comment = _text(comment, "评价", required=False)
    changes = {"satisfaction": score, "satisfaction_comment": comment}
    if req.state == State.RESOLVED:
        changes["closed_at"] = timezone.now()
    return _move(by=by, req=req, action="rate", to_state=State.CLOSED, note=f"满意度{score}分。{comment}".strip(),
                 **changes)


# action → (its service, the data it takes). Pages and the API both go through `request_transition`.
TRANSITIONS = {
    "accept": (request_accept, ("note",)),
    "assign": (request_assign, ("department", "handler", "note")),
    "reject": (request_reject, ("reason",)),
    "resolve": (request_resolve, ("resolution",)),
    "close": (request_close, ("note",)),
    "reopen": (request_reopen, ("reason",)),
    "rate": (request_rate, ("satisfaction", "comment")),
}


def request_transition(*, by, service_request: ServiceRequest, action: str, **data) -> ServiceRequest:
    """Do `action` on the request with the part of `data` that action takes (the rest is ignored,
    so a caller may pass one form or payload for every action)."""
    if action not in TRANSITIONS:
        choices = "、".join(f"{a}（{ACTION_LABELS[a]}）" for a in TRANSITIONS)
        raise ValidationError({"action": f"未知的操作“{action}”，可选：{choices}。"})
    service, names = TRANSITIONS[action]
    return service(by=by, service_request=service_request, **{name: data[name] for name in names if name in data})


# --- attachments --------------------------------------------------------------------------


def _attach(*, by, req: ServiceRequest, upload) -> Attachment:
    name = scrub_filename(os.path.basename(getattr(upload, "name", "") or ""))[:200]
    try:
        check_upload(upload, ATTACHMENT_TYPES, max_bytes=conf.max_attachment_bytes())
    except ValidationError as e:
        raise ValidationError({"attachments": [f"附件“{name}”：{m}" for m in e.messages]}) from None
    attachment = Attachment(request=req, name=name, size=upload.size, uploaded_by=by if _active(by) else None)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    record(by=by, action="create", obj=attachment, fields=["request", "file", "name"])
    return attachment


def can_attach(user, req: ServiceRequest) -> bool:
    if req.state in (State.CLOSED, State.REJECTED):
        return False
    return is_owner(user, req) or is_staff_for(user, req) or is_handler_for(user, req)


@transaction.atomic
def attachment_add(*, by, service_request: ServiceRequest, upload) -> Attachment:
    if not ServiceRequest.objects.visible_to(by).filter(pk=service_request.pk).exists():
        raise PermissionDenied("该诉求不在您的管辖范围内。")
    if not can_attach(by, service_request):
        raise PermissionDenied("您无权为该诉求上传附件（已关闭或不予受理的诉求不能再上传）。")
    return _attach(by=by, req=service_request, upload=upload)


# --- notifications ---------------------------------------------------------------------------


def notifications_mark_read(*, by, pks=None) -> int:
    """Mark the user's own notifications read (all unread ones when `pks` is None)."""
    qs = Notification.objects.visible_to(by).unread()
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    return qs.update(read_at=timezone.now())


# --- reference data (the federation admin) ------------------------------------------------------


def can_configure(user) -> bool:
    return _active(user) and (user.is_superuser or (user.role == Role.FEDERATION_ADMIN and bool(user.region_id)))


def _require_configure(by) -> None:
    if not can_configure(by):
        raise PermissionDenied("只有工商联管理员可以维护诉求类别和节假日。")


@transaction.atomic
def category_create(*, by, **fields) -> Category:
    _require_configure(by)
    return base.save_new(by=by, obj=Category(**fields))


@transaction.atomic
def category_update(*, by, category: Category, **changes) -> Category:
    _require_configure(by)
    base.save_changes(by=by, obj=category, changes=changes)
    return category


@transaction.atomic
def holiday_create(*, by, **fields) -> Holiday:
    """A district override of the official calendar; one that would change nothing is refused."""
    _require_configure(by)
    holiday = Holiday(**fields)
    if holiday.date and holiday.kind and workdays.officially_working(holiday.date) == (
            holiday.kind == Holiday.Kind.WORKDAY):
        said = "上班" if holiday.kind == Holiday.Kind.WORKDAY else "休息"
        raise ValidationError({"kind": f"{holiday.date:%Y年%-m月%-d日}按官方安排本就{said}，无需本区设置。"})
    return base.save_new(by=by, obj=holiday)


@transaction.atomic
def holiday_delete(*, by, holiday: Holiday) -> None:
    _require_configure(by)
    base.delete(by=by, obj=holiday)

