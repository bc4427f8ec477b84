"""The enterprise user's home page: each section with and without data, nothing of another enterprise,
and answering an invitation from it."""

import datetime as dt
import random

import pytest
from django.contrib.messages import get_messages
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from shanghui.activities import invitations
from shanghui.activities import services as activity_services
from shanghui.activities.models import Invitation
from shanghui.directory.models import Enterprise, Person
from shanghui.notices import services as notice_services
from shanghui.servicedesk import services as desk_services
from shanghui.servicedesk.seed import load_categories
from shanghui.testing import client_for, make_mobile, make_uscc

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _activity(cast, title, *, days=3, region=None, kind="meeting", by=None, **fields):
    start = timezone.now() + dt.timedelta(days=days)
    return activity_services.activity_create(by=by or cast.admin, title=title, kind=kind,
                                             region=region or cast.street_a, start=start,
                                             end=start + dt.timedelta(hours=2), **fields)


@pytest.fixture
def neighbour(cast):
    """Another enterprise of street A (so the same street's staff reach both), with a person."""
    rng = random.Random(5)
    other = Enterprise.objects.create(uscc=make_uscc(rng), name="东华门隔壁贸易有限公司", region=cast.street_a)
    person = Person(name="隔壁老周", region=cast.street_a, enterprise=other)
    person.set_mobile(make_mobile(rng))
    person.save()
    other.principal = person
    other.save()
    return other


def _section(page: str, name: str) -> str:
    return page.split(f'id="{name}"')[1].split("</section>")[0]


def _home(cast, **params):
    response = client_for(cast, "enterprise_user_a").get(reverse("home"), params)
    assert response.status_code == 200
    return response, response.content.decode()


# --- landing -------------------------------------------------------------------------------


def test_the_enterprise_user_lands_on_his_own_page_with_every_section_empty(cast, settings):
    settings.SHANGHUI_DEFAULT_YEAR = None  # this year: nothing attended yet
    response, page = _home(cast)
    assert response.templates[0].name == "reports/enterprise_home.html"
    for sentence in ("暂无活动邀请。", "暂无向本企业开放的活动。", "没有未读通知。", "没有办理中的诉求。",
                     "本企业暂无出席活动的记录。", "尚未参加理想信念教育活动，暂未计入参与率"):
        assert sentence in page, sentence
    assert reverse("directory:enterprise_detail", args=[cast.enterprise_a.pk]) in page
    assert reverse("servicedesk:file") in page and reverse("notices:inbox") in page
    # A strict Content-Security-Policy: no inline scripts, handlers or styles.
    assert "<script>" not in page and " style=" not in page and " onclick=" not in page


def test_staff_still_land_where_they_did(cast):
    for who in ("worker_a", "leader", "admin", "instructor_a"):
        assert client_for(cast, who).get(reverse("home"))["Location"] == reverse("reports:dashboard"), who
    assert client_for(cast, "handler_a").get(reverse("home"))["Location"] == reverse("servicedesk:index")
    assert client_for(cast, "auditor").get(reverse("home"))["Location"] == reverse("audit:event_list")


def test_his_menu_starts_with_home_and_counts_his_unanswered_invitations(cast):
    activity = _activity(cast, "东华门座谈会")
    invitations.invite(by=cast.worker_a, activity=activity, enterprises=[cast.enterprise_a], channel="inapp")
    _, page = _home(cast)
    nav = page.split('id="nav-main"')[1].split("</ul>")[0]
    first = nav.split("<li")[1]
    assert "首页" in first and 'text-bg-danger ms-1">1<' in first
    assert "本企业" in nav


# --- invitations -----------------------------------------------------------------------------


def test_his_invitations_awaiting_an_answer_show_and_another_enterprises_do_not(cast, neighbour):
    mine = _activity(cast, "东华门企业家座谈会", place="东华门街道会议室", organisers=[cast.chamber_a])
    theirs = _activity(cast, "隔壁专场恳谈会")
    invitations.invite(by=cast.worker_a, activity=mine, enterprises=[cast.enterprise_a], channel="inapp")
    invitations.invite(by=cast.worker_a, activity=theirs, enterprises=[neighbour], channel="inapp")
    response, page = _home(cast)
    invitation = Invitation.objects.get(activity=mine)
    assert response.context["awaiting"] == [invitation]
    assert "东华门企业家座谈会" in page and "东华门街道会议室" in page and "邀请方：东华门街道商会" in page
    assert reverse("activities:invitation_reply", args=[invitation.pk]) in page
    assert "报名" in page and "请假说明（选填）" in page
    section = _section(page, "invitations")
    assert "隔壁专场恳谈会" not in section and "隔壁专场恳谈会" in _section(page, "upcoming")  # open to him, not invited
    assert "暂无活动邀请。" not in section


def test_he_signs_up_then_asks_for_leave_with_a_reason(cast):
    activity = _activity(cast, "东华门座谈会")
    invitation = invitations.invite(by=cast.worker_a, activity=activity, enterprises=[cast.enterprise_a],
                                    channel="inapp").created[0]
    client = client_for(cast, "enterprise_user_a")
    url = reverse("activities:invitation_reply", args=[invitation.pk])
    response = client.post(url, {"answer": "yes", "next": reverse("home")})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert _messages(response) == ["已报名"]
    invitation.refresh_from_db()
    assert (invitation.reply, invitation.replied_by) == ("yes", cast.enterprise_user_a)
    page = client.get(reverse("home")).content.decode()
    assert "已报名" in page and "改为请假" in page and "暂无活动邀请。" not in page

    response = client.post(url, {"answer": "no", "note": "  当天外地出差  ", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")  # not off the site
    assert _messages(response) == ["已请假"]
    invitation.refresh_from_db()
    assert (invitation.reply, invitation.reply_note) == ("no", "当天外地出差")
    page = client.get(reverse("home")).content.decode()
    assert "请假说明：当天外地出差" in page and "改为报名" in page


def test_a_reply_after_the_start_is_refused_with_a_message(cast):
    activity = _activity(cast, "东华门座谈会")
    invitation = invitations.invite(by=cast.worker_a, activity=activity, enterprises=[cast.enterprise_a],
                                    channel="inapp").created[0]
    activity.start = timezone.now() - dt.timedelta(minutes=5)
    activity.save(update_fields=["start"])
    response = client_for(cast, "enterprise_user_a").post(
        reverse("activities:invitation_reply", args=[invitation.pk]), {"answer": "yes"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert _messages(response) == [invitations.STARTED]
    invitation.refresh_from_db()
    assert invitation.reply == ""
    # Started: no longer awaiting, nor among the answered ones he could change.
    _, page = _home(cast)
    assert "东华门座谈会" not in _section(page, "invitations")


def test_a_bad_answer_is_refused_and_changes_nothing(cast):
    activity = _activity(cast, "东华门座谈会")
    invitation = invitations.invite(by=cast.worker_a, activity=activity, enterprises=[cast.enterprise_a],
                                    channel="inapp").created[0]
    response = client_for(cast, "enterprise_user_a").post(
        reverse("activities:invitation_reply", args=[invitation.pk]), {"answer": "maybe"})
    assert response.status_code == 302 and _messages(response) == ["请选择报名或请假。"]
    invitation.refresh_from_db()
    assert invitation.reply == ""


def test_a_reply_to_another_enterprises_invitation_is_404(cast, neighbour):
    activity = _activity(cast, "隔壁专场恳谈会")
    invitation = invitations.invite(by=cast.worker_a, activity=activity, enterprises=[neighbour],
                                    channel="inapp").created[0]
    response = client_for(cast, "enterprise_user_a").post(
        reverse("activities:invitation_reply", args=[invitation.pk]), {"answer": "yes"})
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.reply == ""


# --- upcoming activities ----------------------------------------------------------------------


def test_upcoming_activities_open_to_his_enterprise_only_the_next_60_days(cast):
    _activity(cast, "全区企业家大会", region=cast.district)
    _activity(cast, "东华门街道沙龙")
    _activity(cast, "景山街道沙龙", region=cast.street_b)
    _activity(cast, "景山商会会员日", region=cast.street_b, organisers=[cast.chamber_a])  # his chamber organises
    _activity(cast, "很久以后的活动", days=90)
    _activity(cast, "已经结束的活动", days=-2)
    cancelled = _activity(cast, "取消了的活动")
    activity_services.activity_update(by=cast.admin, activity=cancelled, status="cancelled")
    response, page = _home(cast)
    titles = {a.title for a in response.context["upcoming"]}
    assert titles == {"全区企业家大会", "东华门街道沙龙", "景山商会会员日"}
    assert "景山街道沙龙" not in page


def test_at_most_ten_upcoming_activities_soonest_first(cast):
    for n in range(12):
        _activity(cast, f"沙龙{n:02d}", days=n + 1)
    response, _ = _home(cast)
    assert [a.title for a in response.context["upcoming"]] == [f"沙龙{n:02d}" for n in range(10)]


def test_the_calendar_link_shows_only_when_the_calendar_exists(cast):
    _, page = _home(cast)
    try:
        calendar = reverse("activities:calendar")
    except NoReverseMatch:
        assert "查看日历" not in page
    else:
        assert "查看日历" in page and calendar in page


# --- notices ---------------------------------------------------------------------------------


def test_unread_notices_are_listed_and_a_read_one_or_another_enterprises_is_not(cast, neighbour):
    unread = notice_services.notice_create(by=cast.worker_a, title="座谈会通知", body="请参加。", region=cast.street_a,
                                           audience="enterprises", enterprises=[cast.enterprise_a])
    read = notice_services.notice_create(by=cast.worker_a, title="已读过的通知", body="。", region=cast.street_a,
                                         audience="enterprises", enterprises=[cast.enterprise_a])
    notice_services.notice_create(by=cast.worker_a, title="隔壁的通知", body="。", region=cast.street_a,
                                  audience="enterprises", enterprises=[neighbour])
    notice_services.notice_read(by=cast.enterprise_user_a, notice=read)
    response, page = _home(cast)
    assert list(response.context["unread"]) == [unread]
    assert reverse("notices:inbox_detail", args=[unread.pk]) in page
    assert "已读过的通知" not in page and "隔壁的通知" not in page and "没有未读通知。" not in page


# --- service requests --------------------------------------------------------------------------


def test_his_open_requests_are_listed_not_closed_ones_nor_another_enterprises(cast, neighbour):
    category = load_categories()[0]
    open_one = desk_services.request_file(by=cast.enterprise_user_a, enterprise=cast.enterprise_a, category=category,
                                          title="营业执照变更咨询", description="地址如何变更？")
    rejected = desk_services.request_file(by=cast.enterprise_user_a, enterprise=cast.enterprise_a, category=category,
                                          title="已不予受理的诉求", description="。")
    desk_services.request_reject(by=cast.worker_a, service_request=rejected, reason="不属于受理范围。")
    desk_services.request_file(by=cast.worker_a, enterprise=neighbour, category=category, title="隔壁的诉求",
                               description="。")
    response, page = _home(cast)
    assert list(response.context["requests"]) == [open_one]
    assert reverse("servicedesk:detail", args=[open_one.pk]) in page and "已提交" in page
    assert "已不予受理的诉求" not in page and "隔壁的诉求" not in page and "没有办理中的诉求。" not in page


# --- participation -------------------------------------------------------------------------------


def _past(cast, title, year, kind="education"):
    start = timezone.make_aware(dt.datetime(year, 5, 10, 9), timezone.get_default_timezone())
    return activity_services.activity_create(by=cast.admin, title=title, kind=kind, region=cast.street_a,
                                             start=start, end=start + dt.timedelta(hours=2))


def test_participation_of_a_member_who_attended_education_that_year(cast, neighbour):
    edu = _past(cast, "东华门理想信念教育日", 2018)
    meeting = _past(cast, "东华门会员大会", 2018, kind="meeting")
    activity_services.attendance_add(by=cast.admin, activity=edu, person=cast.person_a)
    activity_services.attendance_add(by=cast.admin, activity=meeting, person=cast.person_a)
    activity_services.attendance_add(by=cast.admin, activity=edu, person=neighbour.principal)
    response, page = _home(cast, year=2018)
    assert response.context["year"] == 2018 and 2018 in response.context["years"]
    assert "2018年：已计入全区企业参与率。" in page
    assert "已计入会员企业参与率（会员：东华门街道商会）。" in page
    assert [item["activity"].title for item in response.context["attended"]] == ["东华门理想信念教育日", "东华门会员大会"]
    assert [item["people"] for item in response.context["attended"]] == [["王东华"], ["王东华"]]
    assert "隔壁老周" not in page  # another enterprise's attendance at the same activity


def test_participation_of_a_non_member_and_a_year_without_education(cast, neighbour):
    meeting = _past(cast, "东华门会员大会", 2019, kind="meeting")
    activity_services.attendance_add(by=cast.admin, activity=meeting, person=cast.person_a)
    _, page = _home(cast, year=2019)
    assert "2019年：未参加理想信念教育活动，未计入参与率。" in page
    assert "东华门会员大会" in page
    # Before joining (his membership starts in 2018), he is no member.
    edu = _past(cast, "东华门理想信念教育日", 2017)
    activity_services.attendance_add(by=cast.admin, activity=edu, person=cast.person_a)
    _, page = _home(cast, year=2017)
    assert "2017年：已计入全区企业参与率。" in page and "非商会会员，不计入会员企业参与率。" in page


def test_a_bad_year_falls_back_to_his_statistics_year(cast, settings):
    settings.SHANGHUI_DEFAULT_YEAR = 2018
    response, _ = _home(cast, year="abc")
    assert response.context["year"] == 2018
