"""Invitations: invite (channels, contacts, scope), reply (in the app, by staff, by the SMS link), the
day-before reminder, the funnel per activity and per street, and the pages with their access."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from shanghui.activities import invitations, kpis, services
from shanghui.activities.models import Activity, Invitation, Reply
from shanghui.audit.models import AuditEvent
from shanghui.core import config
from shanghui.core.kpis import Period
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.messaging.models import OutboxMessage
from shanghui.messaging.outbox import deliver_pending
from shanghui.testing import access_params, assert_access, by_role, client_for, fill_url

MOBILE = "13800138001"


@pytest.fixture
def trip(cast):
    """An education activity in street A the day after tomorrow, three enterprises of street A (two members)."""
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + dt.timedelta(days=2)
    activity = services.activity_create(by=cast.admin, title="理想信念教育报告会", kind="education",
                                        region=cast.street_a, start=start, end=start + dt.timedelta(hours=2),
                                        place="东华门街道会议室")
    cast.person_a.set_mobile(MOBILE)
    cast.person_a.save()
    second = Enterprise.objects.create(uscc="91110101MA0000002X", name="东华门餐饮有限公司", region=cast.street_a)
    boss = Person.objects.create(name="李二", region=cast.street_a, enterprise=second)  # no mobile
    second.principal = boss
    second.save()
    Membership.objects.create(chamber=cast.chamber_a, enterprise=second, joined=dt.date(2010, 1, 1))
    third = Enterprise.objects.create(uscc="91110101MA0000003X", name="东华门科技有限公司", region=cast.street_a)
    return cast, activity, [cast.enterprise_a, second, third]


def test_invite_by_sms_queues_one_message_per_contact_with_a_reply_link(trip):
    cast, activity, enterprises = trip
    result = invitations.invite(by=cast.worker_a, activity=activity, enterprises=enterprises, channel="sms",
                                link=lambda i: f"https://x/r/{invitations.reply_token(i)}/")
    assert len(result.created) == 3 and [e.name for e in result.no_mobile] == ["东华门餐饮有限公司", "东华门科技有限公司"]
    assert "2 家联系人无手机号码，仅站内邀请" in result.summary
    sms = Invitation.objects.get(enterprise=cast.enterprise_a)
    assert sms.channel == "sms" and sms.person == cast.person_a and sms.message.recipient == MOBILE
    assert "王东华您好" in sms.message.text and "理想信念教育报告会" in sms.message.text and "/r/" in sms.message.text
    assert set(Invitation.objects.exclude(pk=sms.pk).values_list("channel", flat=True)) == {"inapp"}
    assert OutboxMessage.objects.count() == 1
    event = AuditEvent.objects.filter(action="invite").get()
    assert event.extra["invited"] == 3 and MOBILE not in str(event.extra)

    again = invitations.invite(by=cast.worker_a, activity=activity, enterprises=enterprises[:1], channel="sms")
    assert not again.created and again.already == [cast.enterprise_a] and OutboxMessage.objects.count() == 1


def test_a_group_robot_gets_one_message_naming_the_enterprises(trip, capsys):
    cast, activity, enterprises = trip
    invitations.invite(by=cast.worker_a, activity=activity, enterprises=enterprises[:2], channel="wecom")
    message = OutboxMessage.objects.get()
    assert set(Invitation.objects.values_list("message", flat=True)) == {message.pk}
    assert "东华门文化传媒有限公司、东华门餐饮有限公司" in message.text
    assert deliver_pending() == (1, 0) and "[企业微信群]" in capsys.readouterr().out
    assert {i.delivery_label for i in Invitation.objects.select_related("message")} == {"已送达"}


def test_invite_holds_scope_and_refuses_bad_input_writing_nothing(trip):
    cast, activity, enterprises = trip
    for by, chosen, channel in ((cast.worker_b, enterprises, "sms"),  # another street's worker
                                (cast.worker_a, [cast.enterprise_b], "sms"),  # another street's enterprise
                                (cast.leader, enterprises, "sms"),  # reads, never writes
                                (cast.worker_a, enterprises, "fax"),
                                (cast.worker_a, [], "sms")):
        with pytest.raises(Exception) as refused:
            invitations.invite(by=by, activity=activity, enterprises=chosen, channel=channel)
        assert type(refused.value).__name__ in ("PermissionDenied", "ValidationError")
    past = services.activity_create(by=cast.admin, title="已结束", kind="education", region=cast.street_a,
                                    start=timezone.now() - dt.timedelta(days=1), end=timezone.now())
    with pytest.raises(Exception, match="已开始"):
        invitations.invite(by=cast.worker_a, activity=past, enterprises=enterprises, channel="inapp")
    assert not Invitation.objects.exists() and not OutboxMessage.objects.exists()


def test_replies_in_the_app_by_staff_and_by_link_and_not_after_the_start(trip):
    cast, activity, enterprises = trip
    invitations.invite(by=cast.worker_a, activity=activity, enterprises=enterprises, channel="inapp")
    own = Invitation.objects.get(enterprise=cast.enterprise_a)
    invitations.invitation_reply(by=cast.enterprise_user_a, invitation=own, answer="yes")
    other = Invitation.objects.get(enterprise=enterprises[1])
    with pytest.raises(Exception, match="无权"):
        invitations.invitation_reply(by=cast.enterprise_user_a, invitation=other, answer="yes")
    invitations.invitation_reply(by=cast.worker_a, invitation=other, answer="no", note="出差 13912345678")
    other.refresh_from_db()
    assert other.reply == "no" and other.replied_by == cast.worker_a and "出差" in other.reply_note
    assert "139****5678" in other.reply_note and "13912345678" not in other.reply_note
    third = Invitation.objects.get(enterprise=enterprises[2])
    token = invitations.reply_token(third)
    assert invitations.by_token(token) == third and invitations.by_token(token + "x") is None
    invitations.invitation_reply_by_link(invitation=third, answer="yes")
    third.refresh_from_db()
    assert third.reply == "yes" and third.replied_by is None
    assert AuditEvent.objects.filter(action="invitation_reply").count() == 3
    activity.start = timezone.now() - dt.timedelta(minutes=1)
    activity.save()
    own = Invitation.objects.get(pk=own.pk)
    with pytest.raises(Exception, match="已开始"):
        invitations.invitation_reply(by=cast.enterprise_user_a, invitation=own, answer="no")
    own.refresh_from_db()
    assert own.reply == "yes"


def test_the_reminder_goes_once_the_day_before_and_not_to_those_who_declined(trip, capsys):
    cast, activity, enterprises = trip
    invitations.invite(by=cast.worker_a, activity=activity, enterprises=enterprises, channel="sms")
    declined = Invitation.objects.get(enterprise=enterprises[2])
    invitations.invitation_reply(by=cast.worker_a, invitation=declined, answer="no")
    assert invitations.send_reminders() == 0  # two days ahead: not yet
    tomorrow_morning = activity.start - dt.timedelta(days=1)
    assert invitations.send_reminders(now=tomorrow_morning) == 2
    assert invitations.send_reminders(now=tomorrow_morning + dt.timedelta(hours=1)) == 0
    sms = Invitation.objects.get(enterprise=cast.enterprise_a)
    assert sms.reminded_at and "提醒" in sms.reminder.text and sms.reminder.recipient == MOBILE
    assert Invitation.objects.get(enterprise=enterprises[1]).reminded_at  # in-app: marked, nothing sent
    assert not Invitation.objects.get(pk=declined.pk).reminded_at
    capsys.readouterr()
    call_command("deliver_outbox")
    assert "提醒：“理想信念教育报告会”" in capsys.readouterr().out


def test_the_reminder_goes_as_many_days_ahead_as_the_settings_page_says(trip):
    cast, activity, enterprises = trip  # the activity starts the day after tomorrow
    invitations.invite(by=cast.worker_a, activity=activity, enterprises=enterprises, channel="inapp")
    assert invitations.send_reminders() == 0
    config.setting_update(by=cast.admin, key="reminder_days_before", value=2)
    assert invitations.send_reminders() == 3


def test_remind_command_reminds_and_delivers(trip, capsys):
    cast, activity, enterprises = trip
    invitations.invite(by=cast.worker_a, activity=activity, enterprises=enterprises[:1], channel="sms")
    deliver_pending()
    activity.start = timezone.now() + dt.timedelta(hours=20)
    activity.end = activity.start + dt.timedelta(hours=2)
    activity.save()
    capsys.readouterr()
    call_command("remind_invitations")
    out = capsys.readouterr().out
    assert "已生成 1 条活动提醒" in out and "[短信 → 138****8001] 【" in out and "已送达 1 条" in out


def test_the_funnel_and_the_participation_rate_move_with_replies_and_sign_ins(trip):
    cast, activity, enterprises = trip
    invitations.invite(by=cast.worker_a, activity=activity, enterprises=enterprises, channel="inapp")
    invitations.invitation_reply(by=cast.enterprise_user_a, invitation=Invitation.objects.get(
        enterprise=cast.enterprise_a), answer="yes")
    invitations.invitation_reply(by=cast.worker_a, invitation=Invitation.objects.get(enterprise=enterprises[2]),
                                 answer="no")
    funnel = invitations.activity_funnel(activity, cast.worker_a)
    assert funnel.as_dict() == {"invited": 3, "yes": 1, "no": 1, "unanswered": 1, "signed_in": 0, "attended": 0}
    year = timezone.localtime(activity.start).year
    rate_before = kpis.member_participation(cast.street_a, Period.year(year))

    services.attendance_add(by=cast.admin, activity=activity, person=cast.person_a)
    funnel = invitations.activity_funnel(activity, cast.worker_a)
    assert (funnel.signed_in, funnel.attended) == (1, 1)
    assert invitations.counted_only_by(activity, cast.worker_a) == (1, 1)
    rows = {r.street.pk: r for r in invitations.street_funnels(cast.admin, year)}
    street = rows[cast.street_a.pk]
    rate_after = kpis.member_participation(cast.street_a, Period.year(year))
    assert rate_after.numerator == rate_before.numerator + 1
    assert (street.members, street.covered, street.covered_invited) == (rate_after.denominator,
                                                                        rate_after.numerator, 1)
    assert street.funnel.invited == 3 and rows[cast.street_b.pk].funnel.invited == 0
    # A street worker's figures stop at his street.
    assert {r.street.pk for r in invitations.street_funnels(cast.worker_a, year)} == {cast.street_a.pk}


# --- pages --------------------------------------------------------------------------------------


@pytest.fixture
def invited(trip):
    cast, activity, enterprises = trip
    invitations.invite(by=cast.worker_a, activity=activity, enterprises=enterprises[:1], channel="inapp")
    return cast, {"activity": activity, "invitation": Invitation.objects.get()}


INVITATION_CASES = {
    "activities:invite": [
        *by_role("activity", anonymous=302, worker_a=200, admin=200, worker_b=404, leader=403,
                 enterprise_user_a=403, auditor=404),
    ],
    "activities:invitation_export": by_role("activity", anonymous=302, worker_a=200, worker_b=404,
                                            enterprise_user_a=403),
    "activities:invite_pick": by_role(anonymous=302, worker_a=200, leader=200, enterprise_user_a=403),
    "activities:funnel": by_role(anonymous=302, worker_a=200, leader=200, auditor=200, enterprise_user_a=403),
}
INVITATION_URL_NAMES = set(INVITATION_CASES) | {"activities:reply_link"}


@pytest.mark.parametrize(("name", "case"), access_params(INVITATION_CASES))
def test_invitation_page_access(invited, name, case):
    cast, rows = invited
    who, method, target, expected = case
    assert_access(cast, who, method, fill_url(name, target, rows), expected)


def test_the_worker_invites_from_the_page_and_sees_the_funnel(trip):
    cast, activity, enterprises = trip
    worker = client_for(cast, "worker_a")
    url = reverse("activities:invite", args=[activity.pk])
    page = worker.get(url).content.decode()
    # Members not yet taking part (the default list): two; the non-member is under 全部可邀请企业.
    assert "东华门文化传媒有限公司" in page and "东华门餐饮有限公司" in page and "东华门科技有限公司" not in page
    assert "138****8001" in page and MOBILE not in page
    assert "东华门科技有限公司" in worker.get(url, {"which": "all"}).content.decode()
    response = worker.post(url, {"enterprise": [e.pk for e in enterprises[:2]], "channel": "sms",
                                 f"contact_{cast.enterprise_a.pk}": cast.person_a.pk})
    assert response.status_code == 302 and response["Location"].endswith("#invitations")
    assert Invitation.objects.count() == 2
    link = Invitation.objects.get(enterprise=cast.enterprise_a).message.text
    assert "http://testserver/activities/r/" in link
    detail = worker.get(reverse("activities:activity_detail", args=[activity.pk])).content.decode()
    assert 'data-step="invited">2<' in detail and "未回复" in detail
    csv = b"".join(worker.get(reverse("activities:invitation_export", args=[activity.pk]),
                              {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "东华门餐饮有限公司" in csv and "未回复" in csv and MOBILE not in csv
    funnel = worker.get(reverse("activities:funnel"), {"year": timezone.localtime(activity.start).year})
    assert f'data-street="{cast.street_a.code}"' in funnel.content.decode()


def test_a_refused_invitation_post_says_why_and_writes_nothing(trip):
    cast, activity, enterprises = trip
    worker = client_for(cast, "worker_a")
    url = reverse("activities:invite", args=[activity.pk])
    response = worker.post(url, {"enterprise": [cast.enterprise_a.pk], "channel": "fax"}, follow=True)
    assert "请选择邀请方式" in response.content.decode()
    response = worker.post(url, {"enterprise": [cast.enterprise_a.pk], "channel": "sms",
                                 f"contact_{cast.enterprise_a.pk}": cast.person_b.pk}, follow=True)
    assert "不在您的管辖范围内" in response.content.decode()
    assert worker.post(url, {"channel": "sms"}, follow=True).status_code == 200
    assert not Invitation.objects.exists()


def test_the_public_reply_link(invited):
    cast, rows = invited
    invitation = rows["invitation"]
    anonymous = client_for(cast, "anonymous")
    url = reverse("activities:reply_link", args=[invitations.reply_token(invitation)])
    page = anonymous.get(url).content.decode()
    assert "报名参加" in page and invitation.enterprise.name in page
    assert anonymous.get(url[:-3] + "x/").status_code == 404
    response = anonymous.post(url, {"answer": "no", "note": "出差"})
    assert response.status_code == 200 and "已请假" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.reply == Reply.NO and invitation.reply_note == "出差"
    assert anonymous.post(url, {"answer": "maybe"}).status_code == 400
    rows["activity"].start = timezone.now() - dt.timedelta(minutes=5)
    rows["activity"].save()
    assert "不能再回复" in anonymous.get(url).content.decode()
    assert anonymous.post(url, {"answer": "yes"}).status_code == 400
    invitation.refresh_from_db()
    assert invitation.reply == Reply.NO


def test_the_drilldowns_lead_to_inviting(invited):
    cast, rows = invited
    worker = client_for(cast, "worker_a")
    missing = worker.get(reverse("activities:kpi_list", args=["member", "missing"])).content.decode()
    assert reverse("activities:invite_pick") + "?which=member" in missing
    pick = worker.get(reverse("activities:invite_pick"), {"which": "district"}).content.decode()
    assert reverse("activities:invite", args=[rows["activity"].pk]) + "?which=district" in pick
    waiting = worker.get(reverse("activities:invitations"), {"activity": rows["activity"].pk}).content.decode()
    assert reverse("activities:invite", args=[rows["activity"].pk]) in waiting


def test_a_street_worker_invites_his_enterprises_to_a_district_wide_activity(trip):
    cast, _, enterprises = trip
    start = timezone.now() + dt.timedelta(days=3)
    district = services.activity_create(by=cast.admin, title="全区理想信念教育大会", kind="education",
                                        region=cast.district, start=start, end=start + dt.timedelta(hours=2))
    worker = client_for(cast, "worker_a")
    url = reverse("activities:invite", args=[district.pk])
    assert worker.get(reverse("activities:activity_detail", args=[district.pk])).status_code == 404
    page = worker.get(url).content.decode()
    assert "东华门文化传媒有限公司" in page and cast.enterprise_b.name not in page  # his street only
    response = worker.post(url, {"enterprise": [cast.enterprise_a.pk, cast.enterprise_b.pk], "channel": "inapp"},
                           follow=True)
    assert "已邀请 1 家企业" in response.content.decode() and Invitation.objects.count() == 1
    assert Activity.objects.invitable_by(cast.worker_a).filter(pk=district.pk).exists()
    assert not Activity.objects.visible_to(cast.worker_a).filter(pk=district.pk).exists()
    assert client_for(cast, "worker_b").get(url).status_code == 200  # street B's worker invites his own
    assert client_for(cast, "auditor").get(url).status_code == 404


def test_staff_record_an_answer_given_by_phone_from_the_activity_page(invited):
    cast, rows = invited
    worker = client_for(cast, "worker_a")
    detail = reverse("activities:activity_detail", args=[rows["activity"].pk])
    assert "登记报名" in worker.get(detail).content.decode()
    response = worker.post(reverse("activities:invitation_reply", args=[rows["invitation"].pk]),
                           {"answer": "yes", "next": detail + "#invitations"})
    assert response.status_code == 302 and response["Location"] == detail + "#invitations"
    rows["invitation"].refresh_from_db()
    assert rows["invitation"].reply == "yes" and rows["invitation"].replied_by == cast.worker_a
    assert "登记报名" not in client_for(cast, "leader").get(detail).content.decode()  # reads, never writes
