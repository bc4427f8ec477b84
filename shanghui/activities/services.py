"""Writes to activities and attendance. Each checks scope, validates, saves and audits, in one transaction.

Two callers are not logged-in staff: the public QR sign-in (`signin`), which acts for an
anonymous attendee (whose sign-in waits for staff) or a logged-in user of the attendee's
enterprise (whose sign-in counts at once), and the import kind (importing.py),
which writes in bulk after the engine has checked every row. Everything else goes through
`by=` a user whose write scope is the activity's region.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from shanghui.accounts.scope import can_write_region, require_region, require_region_change, require_visible
from shanghui.audit import record
from shanghui.core import crypto
from shanghui.core import services as base
from shanghui.core.roles import Role
from shanghui.core.validators import clean_text, normalize_mobile
from shanghui.directory import services as directory_services
from shanghui.directory.models import Enterprise, Person
from shanghui.orgs.models import Region

from .models import (
    Activity,
    ActivitySeries,
    Attendance,
    CalendarFeed,
    PendingAttendee,
    SignInAttempt,
    Source,
    Theme,
    new_feed_token,
)


def can_write_activity(user, activity: Activity) -> bool:
    return can_write_region(user, activity.region)


# --- series ---------------------------------------------------------------------


@transaction.atomic
def series_create(*, by, name: str, kind: str, region: Region, **fields) -> ActivitySeries:
    require_region(by, region)
    require_visible(by, fields.get("chamber"), "主办商会")
    return base.save_new(by=by, obj=ActivitySeries(name=name, kind=kind, region=region, **fields))


@transaction.atomic
def series_update(*, by, series: ActivitySeries, **changes) -> ActivitySeries:
    require_region_change(by, series.region, changes)
    require_visible(by, changes.get("chamber"), "主办商会")
    base.save_changes(by=by, obj=series, changes=changes)
    return series


@transaction.atomic
def series_delete(*, by, series: ActivitySeries) -> None:
    require_region(by, series.region)
    if series.activities.exists():
        raise ValidationError(f"“{series}”下还有活动，不能删除；请先把活动移出该系列。")
    base.delete(by=by, obj=series)


# --- activities -------------------------------------------------------------------


def _themes(value) -> str:
    """Theme codes as stored: a list or comma text → "belief,trust" in the fixed order."""
    if value is None:
        return ""
    codes = value.split(",") if isinstance(value, str) else list(value)
    codes = [c.strip() for c in codes if c and c.strip()]
    unknown = [c for c in codes if c not in Theme.values]
    if unknown:
        raise ValidationError({"themes": ["主题只能是信念、信心、信任、信誉。"]})
    return ",".join(c for c in Theme.values if c in codes)


def _check_refs(by, fields: dict) -> None:
    require_visible(by, fields.get("series"), "所属系列")
    for chamber in fields.get("organisers") or ():
        require_visible(by, chamber, "主办商会")


@transaction.atomic
def activity_create(*, by, title: str, kind: str, region: Region, start: dt.datetime, end: dt.datetime,
                    organisers=(), themes=None, **fields) -> Activity:
    require_region(by, region)
    _check_refs(by, {"organisers": organisers, **fields})
    activity = Activity(title=title, kind=kind, region=region, start=start, end=end, themes=_themes(themes), **fields)
    base.save_new(by=by, obj=activity)
    if organisers:
        activity.organisers.set(organisers)
    return activity


@transaction.atomic
def activity_update(*, by, activity: Activity, organisers=None, **changes) -> Activity:
    require_region_change(by, activity.region, changes)
    if "themes" in changes:
        changes["themes"] = _themes(changes["themes"])
    _check_refs(by, {"organisers": organisers, **changes})
    names = base.save_changes(by=by, obj=activity, changes=changes)
    if organisers is not None and set(organisers) != set(activity.organisers.all()):
        activity.organisers.set(organisers)
        if not names:
            record(by=by, action="update", obj=activity, fields=["organisers"])
    return activity


@transaction.atomic
def activity_delete(*, by, activity: Activity) -> None:
    require_region(by, activity.region)
    if activity.attendances.exists():
        raise ValidationError(f"“{activity}”已有出席记录，不能删除；活动取消请把状态改为“已取消”（不计入任何统计）。")
    activity.pending.all().delete()
    base.delete(by=by, obj=activity)


# --- attendance -----------------------------------------------------------------------


def _new_attendance(*, activity: Activity, person: Person, enterprise: Enterprise | None, source: str) -> Attendance:
    attendance = Attendance(activity=activity, person=person, enterprise=enterprise, source=source,
                            region_id=Attendance.street_of(person, enterprise))
    attendance.full_clean()
    try:
        with transaction.atomic():
            attendance.save()
    except IntegrityError:  # a concurrent sign-in of the same person won the race
        raise ValidationError(f"{person}已签到（{activity}），不能重复登记。") from None
    return attendance


@transaction.atomic
def attendance_add(*, by, activity: Activity, person: Person, enterprise: Enterprise | None = None,
                   source: str = Source.MANUAL) -> Attendance:
    """Record that `person` attended, representing `enterprise` (by default the person's current one)."""
    require_region(by, activity.region)
    require_visible(by, person, "人员")
    require_visible(by, enterprise, "代表企业")
    if enterprise is None and person.enterprise_id:
        enterprise = person.enterprise
    attendance = _new_attendance(activity=activity, person=person, enterprise=enterprise, source=source)
    record(by=by, action="create", obj=attendance, fields=["activity", "person", "enterprise", "source"])
    return attendance


@transaction.atomic
def attendance_remove(*, by, attendance: Attendance) -> None:
    require_region(by, attendance.activity.region)
    base.delete(by=by, obj=attendance)


# --- QR self sign-in (public) ---------------------------------------------------------------


SIGNED_IN = "signed_in"  # a new attendance of a known person (a logged-in user of his enterprise)
PENDING = "pending"  # kept for staff to confirm: the one answer a visitor ever gets
ALREADY = "already"  # signed in before: nothing changed (a logged-in user of his enterprise)


def _actor(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _of_users_enterprise(user, person: Person) -> bool:
    """Is `user` a logged-in user of the enterprise `person` works at (who may count him in directly)?"""
    return (getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.ENTERPRISE_USER
            and bool(user.enterprise_id) and user.enterprise_id == person.enterprise_id)


@transaction.atomic
def signin(*, activity: Activity, name: str, mobile: str, enterprise_name: str = "", user=None) -> tuple[str, object]:
    """Sign someone in from the public page.

    Only a logged-in user of the person's enterprise signs him in directly (an Attendance,
    SIGNED_IN or ALREADY). Anyone else (an anonymous phone, or a user of another enterprise)
    leaves a PendingAttendee for staff of the activity to confirm, and is answered PENDING
    whether the name and mobile number are registered, unknown or do not belong together:
    the page tells nothing of the register, and a stranger cannot count an enterprise into
    the participation figures. A second sign-in with the same number adds nothing. Audited
    without the number.
    """
    if activity.signin_state():
        raise ValidationError("该活动当前不在签到时间内。")
    name = clean_text(name)[:50]
    if not name:
        raise ValidationError({"name": ["请填写姓名。"]})
    try:
        mobile = normalize_mobile(mobile)
    except ValidationError as e:
        raise ValidationError({"mobile": e.messages}) from None
    enterprise_name = (enterprise_name or "").strip()[:200]
    person = Person.objects.by_mobile(mobile).filter(name=name).select_related("enterprise").order_by("pk").first()
    if person is not None and _of_users_enterprise(user, person):
        existing = Attendance.objects.filter(activity=activity, person=person).first()
        if existing is not None:
            return ALREADY, existing
        try:
            attendance = _new_attendance(activity=activity, person=person, enterprise=person.enterprise,
                                         source=Source.QR)
        except ValidationError:
            return ALREADY, Attendance.objects.get(activity=activity, person=person)
        record(by=user, action="signin", obj=attendance, extra={"activity": activity.pk, "matched": True})
        return SIGNED_IN, attendance
    if person is not None and Attendance.objects.filter(activity=activity, person=person).exists():
        return PENDING, None  # already counted: nothing to confirm, and the same answer
    pending = PendingAttendee(activity=activity, name=name, enterprise_name=enterprise_name, source=Source.QR)
    pending.set_mobile(mobile)
    existing = PendingAttendee.objects.filter(activity=activity,  # under every key: a rotation window
                                              mobile_digest__in=crypto.digests(mobile)).first()
    if existing is not None:
        return PENDING, existing
    try:
        with transaction.atomic():
            pending.save()
    except IntegrityError:
        return PENDING, PendingAttendee.objects.get(activity=activity, mobile_digest=pending.mobile_digest)
    record(by=_actor(user), action="signin", obj=pending, extra={"activity": activity.pk, "matched": person is not None})
    return PENDING, pending


def recognised_person(user) -> Person | None:
    """The person a logged-in enterprise user is: the one person of his enterprise with his display name."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.ENTERPRISE_USER or not user.enterprise_id:
        return None
    matches = list(Person.objects.filter(enterprise_id=user.enterprise_id, name=user.display_name)[:2])
    return matches[0] if len(matches) == 1 else None


@transaction.atomic
def signin_as_user(*, activity: Activity, user) -> tuple[str, Attendance]:
    person = recognised_person(user)
    if person is None:
        raise ValidationError("未能确认您的身份，请填写姓名和手机号码签到。")
    if activity.signin_state():
        raise ValidationError("该活动当前不在签到时间内。")
    existing = Attendance.objects.filter(activity=activity, person=person).first()
    if existing is not None:
        return ALREADY, existing
    attendance = _new_attendance(activity=activity, person=person, enterprise=person.enterprise, source=Source.QR)
    record(by=user, action="signin", obj=attendance, extra={"activity": activity.pk, "matched": True})
    return SIGNED_IN, attendance


# --- staff confirm pending sign-ins ------------------------------------------------------------


def _require_pending(by, pending: PendingAttendee) -> None:
    require_region(by, pending.activity.region)
    if pending.state != PendingAttendee.State.PENDING:
        raise ValidationError("该签到已处理过。")


@transaction.atomic
def pending_confirm(*, by, pending: PendingAttendee, person: Person | None = None,
                    enterprise: Enterprise | None = None, region: Region | None = None) -> Attendance:
    """Turn a pending sign-in into an attendance: of an existing `person`, or of a new person
    (name and mobile number from the sign-in, in `region`, working at `enterprise`)."""
    _require_pending(by, pending)
    if person is None:
        if region is None and enterprise is not None:
            region = enterprise.region
        if region is None:
            raise ValidationError({"region": ["新建人员请选择所属街道或所在企业。"]})
        person = directory_services.person_create(by=by, name=pending.name, region=region,
                                                  mobile=pending.mobile, enterprise=enterprise)
    else:
        require_visible(by, person, "人员")
    if Attendance.objects.filter(activity=pending.activity, person=person).exists():
        attendance = Attendance.objects.get(activity=pending.activity, person=person)
    else:
        attendance = _new_attendance(activity=pending.activity, person=person,
                                     enterprise=enterprise or person.enterprise, source=pending.source)
    pending.state, pending.person, pending.decided, pending.decided_by = (
        PendingAttendee.State.CONFIRMED, person, timezone.now(), by)
    pending.save(update_fields=["state", "person", "decided", "decided_by"])
    record(by=by, action="signin_confirm", obj=pending, fields=["state", "person"],
           extra={"activity": pending.activity_id, "attendance": attendance.pk})
    return attendance


@transaction.atomic
def pending_reject(*, by, pending: PendingAttendee) -> PendingAttendee:
    _require_pending(by, pending)
    pending.state, pending.decided, pending.decided_by = PendingAttendee.State.REJECTED, timezone.now(), by
    pending.save(update_fields=["state", "decided", "decided_by"])
    record(by=by, action="signin_reject", obj=pending, fields=["state"], extra={"activity": pending.activity_id})
    return pending


# --- the public page's rate limit ---------------------------------------------------------------

RATE_WINDOW = dt.timedelta(minutes=10)


def rate_limit() -> int:
    from django.conf import settings

    return int(getattr(settings, "SHANGHUI_SIGNIN_RATE_LIMIT", 30))


def note_signin_attempt(address: str) -> bool:
    """Count one sign-in POST from `address`; False when it is over the limit for the last ten minutes.

    Counted in the database (not a per-process cache), so every server process shares the count.
    """
    now = timezone.now()
    SignInAttempt.objects.filter(at__lt=now - RATE_WINDOW).delete()
    recent = SignInAttempt.objects.filter(address=address, at__gte=now - RATE_WINDOW).count()
    if recent >= rate_limit():
        return False
    SignInAttempt.objects.create(address=address, at=now)
    return True


# --- the personal calendar feed -----------------------------------------------------------------


def _require_signed_in(by) -> None:
    if not getattr(by, "is_authenticated", False) or not by.is_active:
        raise PermissionDenied("请先登录。")


@transaction.atomic
def calendar_feed_token(*, by) -> str:
    """The token of `by`'s own feed, made on first use. Only ever his own: nobody reads another's token.

    Not audited: showing one's own subscription address changes nothing anyone else can see."""
    _require_signed_in(by)
    feed, _ = CalendarFeed.objects.get_or_create(user=by)
    return feed.token


@transaction.atomic
def calendar_feed_reset(*, by) -> str:
    """A new token for `by`'s feed: the old address stops working at once (a lost phone, a shared link)."""
    _require_signed_in(by)
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=by)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token"])
    record(by=by, action="calendar_feed_reset", obj=feed)
    return feed.token
