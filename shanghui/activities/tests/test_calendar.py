"""The activity calendar (month grid, upcoming list) and the personal iCalendar feed (activities/calendar.py)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from shanghui.activities import services
from shanghui.activities.calendar import BAD_MONTH, FEED_NAME
from shanghui.activities.models import CalendarFeed
from shanghui.audit.models import AuditEvent
from shanghui.testing import client_for


def at(y, m, d, hh=9, mm=0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(y, m, d, hh, mm))


def make(cast, title, region, start, hours=2, **fields):
    return services.activity_create(by=cast.admin, title=title, kind="education", region=region, start=start,
                                    end=start + dt.timedelta(hours=hours), **fields)


@pytest.fixture
def june(cast):
    """June 2018: a district lecture on the 15th (Friday), street A's and street B's days, a cancelled one; July's."""
    return {
        "district": make(cast, "全区民营经济大讲堂", cast.district, at(2018, 6, 15, 14, 30), place="区政务中心"),
        "a": make(cast, "东华门理想信念教育日", cast.street_a, at(2018, 6, 20), place="东华门商会二楼"),
        "b": make(cast, "景山理想信念教育日", cast.street_b, at(2018, 6, 21)),
        "cancelled": make(cast, "东华门企业座谈会", cast.street_a, at(2018, 6, 22), status="cancelled"),
        "july": make(cast, "七月青年沙龙", cast.district, at(2018, 7, 3)),
    }


def cell(response, day: dt.date) -> list:
    return next(c for week in response.context["weeks"] for c in week if c["date"] == day)["activities"]


def test_the_month_grid_shows_an_activity_on_its_day_and_not_in_another_month(cast, june):
    worker = client_for(cast, "admin")
    response = worker.get(reverse("activities:calendar"), {"month": "2018-06"})
    page = response.content.decode()
    assert response.status_code == 200
    assert cell(response, dt.date(2018, 6, 15)) == [june["district"]]
    assert cell(response, dt.date(2018, 6, 14)) == []
    weeks = response.context["weeks"]
    # Monday-first: June 2018 begins on a Friday, so the grid opens on Monday 28 May.
    assert weeks[0][0]["date"] == dt.date(2018, 5, 28) and all(len(w) == 7 for w in weeks)
    assert ">一</th>" in page and ">日</th>" in page
    assert "全区民营经济大讲堂" in page and "14:30" in page and "七月青年沙龙" not in page
    assert reverse("activities:activity_detail", args=[june["district"].pk]) in page
    assert "?month=2018-05" in page and "?month=2018-07" in page
    july = worker.get(reverse("activities:calendar"), {"month": "2018-07"})
    assert "七月青年沙龙" in july.content.decode() and "全区民营经济大讲堂" not in july.content.decode()
    assert "?month=2018-08" in july.content.decode()


def test_a_street_worker_sees_his_streets_and_the_districts_activities(cast, june):
    # His street's rows, and the district-wide ones his enterprises go to (their page is the federation's).
    page = client_for(cast, "worker_a").get(reverse("activities:calendar"), {"month": "2018-06"}).content.decode()
    assert "东华门理想信念教育日" in page and "景山理想信念教育日" not in page
    assert "全区民营经济大讲堂" in page
    assert reverse("activities:activity_detail", args=[june["a"].pk]) in page
    assert reverse("activities:activity_detail", args=[june["district"].pk]) not in page


def test_a_cancelled_activity_is_struck_through_and_marked(cast, june):
    response = client_for(cast, "admin").get(reverse("activities:calendar"), {"month": "2018-06"})
    item = response.content.decode().split("东华门企业座谈会")
    assert len(item) > 1 and "calendar-item cancelled" in item[0][-400:] and "已取消" in item[1][:200]
    assert "calendar-item cancelled" not in response.content.decode().split("全区民营经济大讲堂")[0][-400:]


def test_the_list_view_groups_upcoming_activities_by_date(cast):
    today = timezone.localdate()
    soon = at(today.year, today.month, today.day, 23) + dt.timedelta(days=2)
    first = make(cast, "近期讲座甲", cast.street_a, soon.replace(hour=9))
    second = make(cast, "近期讲座乙", cast.street_a, soon.replace(hour=15))
    later = make(cast, "下周座谈会", cast.street_a, soon + dt.timedelta(days=5))
    make(cast, "上月旧活动", cast.street_a, soon - dt.timedelta(days=40))
    response = client_for(cast, "worker_a").get(reverse("activities:calendar"), {"view": "list"})
    assert response.status_code == 200
    days = response.context["days"]
    assert days == [(timezone.localdate(first.start), [first, second]), (timezone.localdate(later.start), [later])]
    assert "上月旧活动" not in response.content.decode()


@pytest.mark.parametrize("month", ["2018-13", "abc", "2018-06-01", "0000-01", "2018/06", "2018-0"])
def test_a_bad_month_shows_a_message_and_this_month(cast, month):
    response = client_for(cast, "worker_a").get(reverse("activities:calendar"), {"month": month})
    assert response.status_code == 200
    assert BAD_MONTH in response.content.decode()
    assert response.context["month"] == timezone.localdate().replace(day=1)


def test_anonymous_is_sent_to_login(cast):
    response = client_for(cast, "anonymous").get(reverse("activities:calendar"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_an_enterprise_user_sees_the_activities_open_to_his_enterprise_without_staff_links(cast, june):
    response = client_for(cast, "enterprise_user_a").get(reverse("activities:calendar"), {"month": "2018-06"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "全区民营经济大讲堂" in page and "东华门理想信念教育日" in page and "景山理想信念教育日" not in page
    assert "东华门商会二楼" in page and "区政务中心" in page  # the place inline, since the detail page is staff-only
    for activity in june.values():
        assert reverse("activities:activity_detail", args=[activity.pk]) not in page


def test_every_user_has_the_calendar_in_his_menu(cast):
    for who in ("enterprise_user_a", "worker_a", "auditor"):
        page = client_for(cast, who).get(reverse("activities:calendar")).content.decode()
        assert f'href="{reverse("activities:calendar")}"' in page.split("</nav>")[0], who


# --- the feed ------------------------------------------------------------------------------------


@pytest.fixture
def around_now(cast):
    now = timezone.now().replace(microsecond=0, second=0)
    return {
        "district": make(cast, "全区政策宣讲会", cast.district, now + dt.timedelta(days=3), place="区政务中心",
                         description="请携带营业执照复印件; 准时到场, 谢谢"),
        "a": make(cast, "东华门沙龙", cast.street_a, now - dt.timedelta(days=10)),
        "b": make(cast, "景山沙龙", cast.street_b, now + dt.timedelta(days=5)),
        "cancelled": make(cast, "东华门取消的座谈会", cast.street_a, now + dt.timedelta(days=7), status="cancelled"),
        "too_old": make(cast, "很久以前的活动", cast.district, now - dt.timedelta(days=200)),
        "too_far": make(cast, "两年后的活动", cast.district, now + dt.timedelta(days=700)),
    }


def fetch(client, token):
    return client.get(reverse("activities:calendar_feed", args=[token]))


def events(response) -> dict:
    cal = Calendar.from_ical(response.content)
    assert str(cal.get("x-wr-calname")) == FEED_NAME
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def uid(activity) -> str:
    return f"activity-{activity.pk}@shanghui"


def test_the_feed_parses_back_with_the_right_events_times_and_status(cast, around_now, client):
    response = fetch(client, services.calendar_feed_token(by=cast.admin))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=900"
    found = events(response)
    assert set(found) == {uid(around_now[k]) for k in ("district", "a", "b", "cancelled")}  # not too_old, too_far
    lecture = found[uid(around_now["district"])]
    assert lecture["dtstart"].dt == around_now["district"].start and lecture["dtstart"].dt.utcoffset() == dt.timedelta(0)
    assert lecture["dtend"].dt == around_now["district"].end
    assert str(lecture["summary"]) == "全区政策宣讲会" and str(lecture["location"]) == "区政务中心"
    assert "请携带营业执照复印件; 准时到场, 谢谢" in str(lecture["description"])
    assert b"DTSTART:" in response.content and b"Z\r\n" in response.content  # UTC, not a floating time
    assert str(found[uid(around_now["cancelled"])]["status"]) == "CANCELLED"
    assert "status" not in lecture


def test_an_enterprise_users_feed_has_only_what_is_open_to_his_enterprise(cast, around_now, client):
    found = events(fetch(client, services.calendar_feed_token(by=cast.enterprise_user_a)))
    assert uid(around_now["district"]) in found and uid(around_now["a"]) in found
    assert uid(around_now["b"]) not in found


def test_each_user_gets_his_own_feed(cast, around_now, client):
    token_a, token_b = (services.calendar_feed_token(by=u) for u in (cast.worker_a, cast.worker_b))
    assert token_a != token_b and services.calendar_feed_token(by=cast.worker_a) == token_a
    found_b = events(fetch(client, token_b))
    assert uid(around_now["b"]) in found_b and uid(around_now["a"]) not in found_b
    assert events(fetch(client, token_a)).keys().isdisjoint({uid(around_now["b"])})


def test_fetching_the_feed_writes_no_audit_event(cast, around_now, client):
    token = services.calendar_feed_token(by=cast.worker_a)
    before = AuditEvent.objects.count()
    for _ in range(3):
        assert fetch(client, token).status_code == 200
    assert AuditEvent.objects.count() == before


def test_the_calendar_page_shows_the_subscription_address(cast):
    response = client_for(cast, "worker_a").get(reverse("activities:calendar"))
    token = CalendarFeed.objects.get(user=cast.worker_a).token
    page = response.content.decode()
    url = "http://testserver" + reverse("activities:calendar_feed", args=[token])
    assert url in page and "webcal://testserver" + reverse("activities:calendar_feed", args=[token]) in page
    assert "添加已订阅的日历" in page and reverse("activities:calendar_feed_reset") in page


def test_reset_makes_the_old_address_404_and_the_new_one_work_and_is_audited(cast, around_now, client):
    old = services.calendar_feed_token(by=cast.worker_a)
    other = services.calendar_feed_token(by=cast.worker_b)
    worker = client_for(cast, "worker_a")
    response = worker.post(reverse("activities:calendar_feed_reset"), follow=True)
    assert response.status_code == 200 and "旧地址已失效" in response.content.decode()
    new = CalendarFeed.objects.get(user=cast.worker_a).token
    assert new != old
    assert fetch(client, old).status_code == 404
    assert fetch(client, new).status_code == 200
    assert services.calendar_feed_token(by=cast.worker_b) == other  # nobody else's address changes
    event = AuditEvent.objects.get(action="calendar_feed_reset")
    assert event.actor == cast.worker_a and event.object_id == str(CalendarFeed.objects.get(user=cast.worker_a).pk)
    assert old not in event.object_repr and new not in event.object_repr


def test_reset_before_any_feed_makes_one(cast):
    token = services.calendar_feed_reset(by=cast.enterprise_user_a)
    assert CalendarFeed.objects.get(user=cast.enterprise_user_a).token == token
    assert AuditEvent.objects.filter(action="calendar_feed_reset", actor=cast.enterprise_user_a).count() == 1
