"""Invitations (issue 17): staff invite enterprises to an activity, the enterprise replies 报名 or 请假,
a reminder goes the day before, and the funnel invited → replied → signed in shows what it did.

An invitation always shows on the enterprise's home page (in-app); SMS and the group robots also queue
a message in the outbox (shanghui.messaging), sent by `deliver_outbox` through the channel's backend.
The contact person may answer an SMS through a signed link without an account (`reply_token`).
Whether the enterprise signed in is read from the attendance, never stored here.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from shanghui.accounts.scope import can_write_region
from shanghui.audit import record
from shanghui.core import config
from shanghui.core.kpis import Period, local_bounds, percent
from shanghui.core.redact import scrub
from shanghui.core.roles import Role
from shanghui.core.validators import clean_text
from shanghui.directory.kpis import scope_streets
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.messaging.outbox import enqueue

from . import kpis
from .models import Activity, Attendance, Channel, Invitation, Kind, Reply, Status

REPLY_SALT = "shanghui.activities.invitation-reply"
STARTED = "活动已开始或已取消，不能再回复。"


def _when(activity: Activity) -> str:
    return f"{timezone.localtime(activity.start):%m月%d日 %H:%M}"


def sender(activity: Activity) -> str:
    chamber = activity.organisers.order_by("pk").first()
    return chamber.name if chamber else "区工商联"


def accepts_replies(activity: Activity, now: dt.datetime | None = None) -> bool:
    """Invitations and answers are taken until the activity starts (not for a cancelled one)."""
    return activity.status != Status.CANCELLED and activity.start > (now or timezone.now())


def is_inviter(user) -> bool:
    """Staff who write some region (their own) invite its enterprises."""
    return (user.is_authenticated and user.role != Role.ENTERPRISE_USER
            and (user.is_superuser or can_write_region(user, user.region)))


def may_invite(user, activity: Activity) -> bool:
    """An inviter, to an activity he may invite to that has not started."""
    return (is_inviter(user) and accepts_replies(activity)
            and Activity.objects.invitable_by(user).filter(pk=activity.pk).exists())


def candidates(activity: Activity, user):
    """Enterprises `user` may invite to `activity`: open to it, active, and in a region he writes."""
    reach = Enterprise.objects.visible_to(user).active()
    if not user.is_superuser:
        reach = reach.filter(region__path__startswith=user.region_path)
    by_region = Q(region__path__startswith=activity.region.path)
    chambers = activity.organisers.values("pk")
    return reach.filter(by_region | Q(pk__in=Membership.objects.filter(chamber__in=chambers).values("enterprise")))


@dataclass
class Invited:
    created: list[Invitation] = field(default_factory=list)
    already: list[Enterprise] = field(default_factory=list)
    no_mobile: list[Enterprise] = field(default_factory=list)  # invited in-app only: the contact has no mobile

    @property
    def summary(self) -> str:
        parts = [f"已邀请 {len(self.created)} 家企业"]
        if self.already:
            parts.append(f"{len(self.already)} 家此前已邀请，未重复发送")
        if self.no_mobile:
            parts.append(f"{len(self.no_mobile)} 家联系人无手机号码，仅站内邀请："
                         + "、".join(e.name for e in self.no_mobile[:5]) + ("等" if len(self.no_mobile) > 5 else ""))
        return "；".join(parts) + "。"


def invitation_text(activity: Activity, enterprise: Enterprise, person: Person | None, link: str) -> str:
    greeting = f"{person.name}您好，" if person else ""
    place = f"，地点{activity.place}" if activity.place else ""
    reply = f"请点击链接回复报名或请假：{link}" if link else "请登录商会平台回复报名或请假。"
    return f"【{sender(activity)}】{greeting}诚邀{enterprise.name}参加“{activity.title}”，时间{_when(activity)}{place}。{reply}"


def _group_text(activity: Activity, enterprises: Iterable[Enterprise], reminder: bool = False) -> str:
    names = "、".join(e.name for e in enterprises)
    place = f"，地点{activity.place}" if activity.place else ""
    head = "提醒：明天" if reminder else "诚邀以下企业参加"
    return f"【{sender(activity)}】{head}“{activity.title}”（{_when(activity)}{place}）：{names}。请在商会平台回复报名或请假。"


@transaction.atomic
def invite(*, by, activity: Activity, enterprises: Iterable[Enterprise], channel: str,
           contacts: dict[int, Person] | None = None, link: Callable[[Invitation], str] | None = None) -> Invited:
    """Invite each enterprise (its principal unless `contacts` names another of its people) once.

    SMS goes to the contact's mobile; a contact without one is invited in-app only and reported.
    The group robots get one message naming all the newly invited enterprises. Audited as one event.
    """
    if not may_invite(by, activity):
        raise PermissionDenied("活动已开始或已取消，或您无权邀请企业参加该活动。")
    if channel not in Channel.values:
        raise ValidationError({"channel": ["请选择邀请方式。"]})
    enterprises = list(enterprises)
    if not enterprises:
        raise ValidationError("请至少选择一家企业。")
    allowed = set(candidates(activity, by).filter(pk__in=[e.pk for e in enterprises]).values_list("pk", flat=True))
    outside = [e for e in enterprises if e.pk not in allowed]
    if outside:
        raise PermissionDenied(f"“{outside[0].name}”不在该活动的范围或您的管辖范围内，不能邀请。")
    contacts = contacts or {}
    done = set(Invitation.objects.filter(activity=activity, enterprise__in=enterprises).values_list("enterprise_id",
                                                                                                     flat=True))
    result = Invited()
    now = timezone.now()
    for enterprise in enterprises:
        if enterprise.pk in done:
            result.already.append(enterprise)
            continue
        person = contacts.get(enterprise.pk) or enterprise.principal
        if person is not None and person.enterprise_id != enterprise.pk and person.pk != enterprise.principal_id:
            raise ValidationError(f"联系人“{person.name}”不是“{enterprise.name}”的人员。")
        this_channel = channel
        if channel == Channel.SMS and (person is None or not person.mobile_cipher):
            this_channel = Channel.INAPP
            result.no_mobile.append(enterprise)
        invitation = Invitation.objects.create(activity=activity, enterprise=enterprise, person=person,
                                               channel=this_channel, invited_by=by, sent=now)
        if this_channel == Channel.SMS:
            invitation.message = enqueue(channel=this_channel, recipient=person.mobile,
                                         text=invitation_text(activity, enterprise, person, link(invitation) if link else ""))
            invitation.save(update_fields=["message"])
        result.created.append(invitation)
    robots = [i for i in result.created if i.channel in (Channel.WECOM, Channel.DINGTALK)]
    if robots:
        message = enqueue(channel=channel, text=_group_text(activity, [i.enterprise for i in robots]))
        Invitation.objects.filter(pk__in=[i.pk for i in robots]).update(message=message)
    record(by=by, action="invite", obj=activity,
           extra={"channel": channel, "invited": len(result.created), "already": len(result.already),
                  "in_app_only": len(result.no_mobile)})
    return result


# --- replies ------------------------------------------------------------------------------------


def may_reply(user, invitation: Invitation) -> bool:
    """The enterprise's own user, or staff writing its street (recording an answer given by phone)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.ENTERPRISE_USER:
        return user.enterprise_id == invitation.enterprise_id
    return can_write_region(user, invitation.enterprise.region)


def _answer(invitation: Invitation, answer: str, note: str) -> tuple[str, str]:
    if not accepts_replies(invitation.activity):
        raise ValidationError(STARTED)
    if answer not in Reply.values:
        raise ValidationError("请选择报名或请假。")
    # A note is typed text shown on pages and in exports: a number typed into it is masked (core/redact.py).
    return answer, scrub(clean_text(note))[:200] if answer == Reply.NO else ""


@transaction.atomic
def invitation_reply(*, by, invitation: Invitation, answer: str, note: str = "") -> Invitation:
    if not may_reply(by, invitation):
        raise PermissionDenied("您无权回复该邀请。")
    invitation.reply, invitation.reply_note = _answer(invitation, answer, note)
    invitation.replied_at, invitation.replied_by = timezone.now(), by
    invitation.save(update_fields=["reply", "reply_note", "replied_at", "replied_by"])
    record(by=by, action="invitation_reply", obj=invitation, fields=["reply"], extra={"reply": invitation.reply})
    return invitation


def reply_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=REPLY_SALT)


def by_token(token: str) -> Invitation | None:
    """The invitation a reply link names; None for a forged or mangled link (it expires with the activity)."""
    try:
        pk = signing.loads(token, salt=REPLY_SALT)
    except signing.BadSignature:
        return None
    return Invitation.objects.select_related("activity", "enterprise").filter(pk=pk).first()


@transaction.atomic
def invitation_reply_by_link(*, invitation: Invitation, answer: str, note: str = "") -> Invitation:
    """The contact's answer through the signed SMS link: no account, so the link is the authority."""
    invitation.reply, invitation.reply_note = _answer(invitation, answer, note)
    invitation.replied_at, invitation.replied_by = timezone.now(), None
    invitation.save(update_fields=["reply", "reply_note", "replied_at", "replied_by"])
    record(by=None, action="invitation_reply", obj=invitation, fields=["reply"],
           extra={"reply": invitation.reply, "via": "link"})
    return invitation


# --- reminders ----------------------------------------------------------------------------------


@transaction.atomic
def send_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind every invited enterprise that has not declined of an activity starting before the end of
    the day N days ahead (N: 活动提醒提前天数 on the 系统设置 page, 1 by default: tomorrow), once (a missed
    daily run is caught up by the next). Returns how many were reminded."""
    now = now or timezone.now()
    last_day = timezone.localdate(now) + dt.timedelta(days=int(config.get("reminder_days_before")))
    _, horizon = local_bounds(last_day, last_day)
    due = list(Invitation.objects.filter(activity__start__gt=now, activity__start__lt=horizon,
                                         reminded_at__isnull=True)
               .exclude(reply=Reply.NO).exclude(activity__status=Status.CANCELLED)
               .select_related("activity", "enterprise", "person").order_by("activity", "id"))
    groups: dict[tuple[int, str], list[Invitation]] = {}
    for invitation in due:
        invitation.reminded_at = now
        if invitation.channel == Channel.SMS and invitation.person and invitation.person.mobile_cipher:
            place = f"，地点{invitation.activity.place}" if invitation.activity.place else ""
            invitation.reminder = enqueue(
                channel=Channel.SMS, recipient=invitation.person.mobile,
                text=f"【{sender(invitation.activity)}】提醒：“{invitation.activity.title}”将于"
                     f"{_when(invitation.activity)}开始{place}，请准时参加，到场扫码签到。")
        elif invitation.channel in (Channel.WECOM, Channel.DINGTALK):
            groups.setdefault((invitation.activity_id, invitation.channel), []).append(invitation)
    for (_, channel), invitations in groups.items():
        message = enqueue(channel=channel, text=_group_text(invitations[0].activity,
                                                            [i.enterprise for i in invitations], reminder=True))
        for invitation in invitations:
            invitation.reminder = message
    Invitation.objects.bulk_update(due, ["reminded_at", "reminder"])
    if due:
        record(by=None, action="invitation_remind", object_type=Invitation._meta.label_lower,
               extra={"reminded": len(due), "activities": len({i.activity_id for i in due})})
    return len(due)


# --- the funnel ---------------------------------------------------------------------------------


@dataclass
class Funnel:
    invited: int
    yes: int
    no: int
    signed_in: int  # invited enterprises someone of which attended
    attended: int  # all enterprises that attended (invited or not)

    @property
    def unanswered(self) -> int:
        return self.invited - self.yes - self.no

    @property
    def reply_rate(self):
        return percent(self.yes + self.no, self.invited)

    @property
    def turnout(self):
        return percent(self.signed_in, self.invited)

    def as_dict(self) -> dict:
        return {"invited": self.invited, "yes": self.yes, "no": self.no, "unanswered": self.unanswered,
                "signed_in": self.signed_in, "attended": self.attended}


def _funnel(invitations, attendances) -> Funnel:
    # The aggregate may not reuse the annotation's name `signed_in`: it would shadow it in the filter.
    counts = invitations.with_signed_in().aggregate(
        invited=Count("pk"), yes=Count("pk", filter=Q(reply=Reply.YES)), no=Count("pk", filter=Q(reply=Reply.NO)),
        came=Count("pk", filter=Q(signed_in=True)))
    attended = attendances.exclude(enterprise=None).values("enterprise").distinct().count()
    return Funnel(invited=counts["invited"], yes=counts["yes"], no=counts["no"], signed_in=counts["came"],
                  attended=attended)


def activity_funnel(activity: Activity, user) -> Funnel:
    return _funnel(Invitation.objects.visible_to(user).filter(activity=activity),
                   Attendance.objects.visible_to(user).filter(activity=activity))


def counted_only_by(activity: Activity, user) -> tuple[int, int]:
    """(enterprises, of them members) whose only counted education attendance of the year is at this
    activity: what the activity added to the district and member participation rates."""
    if activity.kind != Kind.EDUCATION or activity.status == Status.CANCELLED:
        return 0, 0
    period = Period.year(timezone.localtime(activity.start).year)
    lo, hi = local_bounds(period.start, period.end)
    elsewhere = Attendance.objects.filter(enterprise=OuterRef("pk"), activity__kind=Kind.EDUCATION,
                                          activity__status=Status.NORMAL, activity__start__gte=lo,
                                          activity__start__lt=hi).exclude(activity=activity)
    attended = Attendance.objects.visible_to(user).filter(activity=activity).values("enterprise")
    only_here = Enterprise.objects.filter(~Exists(elsewhere), pk__in=attended)
    return only_here.count(), only_here.filter(kpis.member_in(period)).count()


@dataclass
class StreetFunnel:
    street: object
    funnel: Funnel
    members: int  # member enterprises of the street (the participation rate's denominator)
    covered: int  # of them, taking part in education in the year
    covered_invited: int  # of those, invited to the activity they attended

    @property
    def rate(self):
        return percent(self.covered, self.members)


def street_funnels(scope, year: int) -> list[StreetFunnel]:
    """Per street in scope, for the year's education activities: the funnel and the member participation
    rate, with how many of the participating members came through an invitation they answered by attending."""
    period = Period.year(year)
    lo, hi = local_bounds(period.start, period.end)
    in_year = Q(activity__start__gte=lo, activity__start__lt=hi, activity__kind=Kind.EDUCATION)
    invitations = Invitation.objects.in_scope(scope).filter(in_year)
    attendances = Attendance.objects.in_scope(scope).filter(in_year)
    rows = []
    for street in scope_streets(scope, period):  # the streets of the year, each with its subtree (区划调整)
        fig = kpis.member_participation(street, period)
        here = Q(enterprise__region__path__startswith=street.path)
        through_invitation = Exists(Invitation.objects.filter(
            in_year, enterprise=OuterRef("pk"), activity__attendances__enterprise=OuterRef("pk")))
        rows.append(StreetFunnel(
            street=street, funnel=_funnel(invitations.filter(here), attendances.filter(here)),
            members=fig.denominator, covered=fig.numerator,
            covered_invited=fig.covered.filter(through_invitation).count()))
    return rows


def unreplied_count(user) -> int:
    """The enterprise user's invitations awaiting his answer (the navigation badge)."""
    if not user.is_authenticated or user.role != Role.ENTERPRISE_USER:
        return 0
    return Invitation.objects.visible_to(user).awaiting_reply().count()

