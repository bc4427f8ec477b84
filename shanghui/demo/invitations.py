"""Invitation demo data, added by generator.py after the logins and notices.

- 2018: each street's education day was preceded by invitations to the street's member enterprises a
  week before, with the day-before reminder; the replies follow the attendance (most who came had
  answered 报名, some had not answered; of those who stayed away about half had answered 请假), so
  the 邀请情况 page for 2018 shows a funnel beside the article's participation rates. The figures
  themselves come from the attendance and do not change.
- Now: two activities ahead of the wall clock (a 东华门 chamber session in two days, a district report
  in nine), so that `make run` shows the live loop: dhm_worker's invitations by SMS (queued in the
  outbox; `shanghui deliver_outbox` prints them on the console), some replies, and an unanswered
  invitation with 报名 / 请假 on dhm_enterprise's home page. These dates follow the day the demo is
  built, so they are left out of the fingerprint's dates.
"""

import datetime as dt
import random

from django.utils import timezone

from shanghui.accounts.models import User
from shanghui.activities import invitations
from shanghui.activities.models import Activity, Attendance, Channel, Invitation, Kind, Reply
from shanghui.directory.models import Enterprise, Membership
from shanghui.messaging.outbox import enqueue

INVITED_DAYS_BEFORE = 7


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _history(gen, rng: random.Random, worker) -> int:
    """Invitations to the 2018 street education days, their replies and reminders."""
    from .activities import PARTICIPATION_YEAR
    from .generator import DEMO_STREET

    rows = []
    days = (Activity.objects.filter(kind=Kind.EDUCATION, region__level="street", start__year=PARTICIPATION_YEAR)
            .select_related("region").order_by("region__code", "start"))
    for activity in days:
        street_day = timezone.localtime(activity.start).date()
        members = list(Membership.objects.filter(enterprise__region=activity.region, chamber__region=activity.region)
                       .active_on(street_day).order_by("enterprise__uscc").values_list("enterprise_id", "enterprise__principal_id")
                       .distinct())
        came = set(Attendance.objects.filter(activity=activity).values_list("enterprise_id", flat=True))
        sent = activity.start - dt.timedelta(days=INVITED_DAYS_BEFORE)
        for enterprise_id, principal_id in members:
            if enterprise_id in came:
                reply = Reply.YES if rng.random() < 0.85 else ""
            else:
                reply = Reply.NO if rng.random() < 0.5 else ""
            rows.append(Invitation(
                activity=activity, enterprise_id=enterprise_id, person_id=principal_id, channel=Channel.INAPP,
                invited_by=worker if activity.region.code == DEMO_STREET else None, sent=sent, reply=reply,
                reply_note="另有公务安排" if reply == Reply.NO else "",
                replied_at=sent + dt.timedelta(days=rng.randint(1, 5)) if reply else None,
                reminded_at=activity.start - dt.timedelta(days=1) if reply != Reply.NO else None))
    Invitation.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _upcoming(gen, worker, reader) -> int:
    """Two activities ahead of the wall clock, with dhm_worker's invitations and some replies."""
    from .generator import DEMO_STREET

    chamber = next(c for c in gen.street_chambers if c.region.code == DEMO_STREET)
    street = chamber.region
    today = timezone.localdate()
    session = Activity.objects.create(
        title="东华门街道商会理想信念教育分享会", kind=Kind.EDUCATION, themes="belief,trust", region=street,
        start=_at(today + dt.timedelta(days=2), 14), end=_at(today + dt.timedelta(days=2), 16),
        place="东华门街道商会活动室", description="会员企业负责人交流守法经营、诚信发展的做法。")
    session.organisers.set([chamber])
    report = Activity.objects.create(
        title="全区非公经济人士形势政策报告会", kind=Kind.EDUCATION, themes="belief,confidence", region=gen.district,
        start=_at(today + dt.timedelta(days=9), 9), end=_at(today + dt.timedelta(days=9), 11), place="区政府礼堂")
    members = list(Enterprise.objects.filter(region=street, memberships__chamber=chamber,
                                             memberships__left__isnull=True)
                   .select_related("principal").order_by("uscc").distinct()[:12])
    if reader is not None and reader.enterprise_id not in {e.pk for e in members}:
        members.append(reader.enterprise)
    # Written directly (the demo writes one audit event in all), as invitations.invite would.
    now = timezone.now()
    rows = []
    for activity, chosen in ((session, members), (report, members[:6])):
        for enterprise in chosen:
            person = enterprise.principal
            by_sms = person is not None and bool(person.mobile_cipher)
            message = enqueue(channel=Channel.SMS, recipient=person.mobile,
                              text=invitations.invitation_text(activity, enterprise, person, "")) if by_sms else None
            rows.append(Invitation(activity=activity, enterprise=enterprise, person=person, invited_by=worker,
                                   channel=Channel.SMS if by_sms else Channel.INAPP, sent=now, message=message))
    # Some have answered; the demo enterprise user's invitations wait for him on his home page.
    answered = [i for i in rows if i.activity == session and (reader is None or i.enterprise_id != reader.enterprise_id)]
    for n, invitation in enumerate(answered[:6]):
        invitation.reply = Reply.NO if n == 5 else Reply.YES
        invitation.reply_note = "外出考察" if n == 5 else ""
        invitation.replied_at, invitation.replied_by = now, worker
    Invitation.objects.bulk_create(rows)
    return len(rows)


def generate(gen, batch_size: int) -> None:
    rng = gen.rng("invitations")
    worker = User.objects.filter(username="dhm_worker").first()
    reader = User.objects.filter(username="dhm_enterprise").select_related("enterprise").first()
    count = _history(gen, rng, worker)
    if worker is not None:
        count += _upcoming(gen, worker, reader)
    gen.count("invitations", count)


def fingerprint_rows():
    return [Invitation.objects.order_by("activity__title", "enterprise__uscc").values_list(
        "activity__title", "enterprise__uscc", "person__id_number_digest", "channel", "reply", "reply_note")]
