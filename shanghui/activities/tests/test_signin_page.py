"""The public sign-in page: signed, expiring URL; CSRF-protected form; rate limit; no register oracle; a
visitor's sign-in waits for staff."""

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shanghui.activities import qr, services
from shanghui.activities.models import Attendance, PendingAttendee
from shanghui.core.tests.test_security_headers import _InlineFinder


def url(activity) -> str:
    return reverse("activities:signin", args=[qr.make_token(activity)])


def test_the_reply_is_the_same_whatever_was_typed_and_nothing_counts_until_confirmed(cast, live):
    client = Client()
    page = client.get(url(live))
    assert page.status_code == 200 and "东华门“四信”讲堂" in page.content.decode()
    typed = [
        {"name": "王东华", "mobile": cast.person_a.mobile},  # registered, this street
        {"name": "李景山", "mobile": cast.person_b.mobile},  # registered, another street
        {"name": "王东华", "mobile": cast.person_b.mobile},  # a registered mobile with another's name
        {"name": "陈新人", "mobile": "13912345678"},  # unknown
        {"name": "王东华", "mobile": cast.person_a.mobile},  # again
    ]
    replies = [client.post(url(live), data) for data in typed]
    first = replies[0]
    assert first.status_code == 200 and "签到信息已提交" in first.content.decode()
    assert "王东华" not in first.content.decode()  # nothing typed is echoed
    for reply in replies[1:]:
        assert (reply.status_code, reply.content) == (first.status_code, first.content)
    assert not Attendance.objects.exists()
    # One waiting sign-in per mobile number (the third shares the second's).
    assert PendingAttendee.objects.filter(activity=live, state="pending").count() == 3


def test_a_logged_in_user_of_the_enterprise_counts_its_person_in_at_once(cast, live):
    client = Client()
    client.force_login(cast.enterprise_user_a)
    reply = client.post(url(live), {"name": "王东华", "mobile": cast.person_a.mobile}).content.decode()
    assert "签到成功" in reply
    assert "已签到" in client.post(url(live), {"name": "王东华", "mobile": cast.person_a.mobile}).content.decode()
    assert Attendance.objects.get(activity=live).person == cast.person_a
    # Another enterprise's person, from the same login: pending, with the visitors' reply.
    other = client.post(url(live), {"name": "李景山", "mobile": cast.person_b.mobile}).content.decode()
    assert "签到信息已提交" in other and Attendance.objects.count() == 1 and PendingAttendee.objects.count() == 1


def test_the_form_needs_its_csrf_token(cast, live):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(live), {"name": "王东华", "mobile": cast.person_a.mobile})
    assert response.status_code == 403
    assert not Attendance.objects.exists()
    page = client.get(url(live))
    token = page.cookies["csrftoken"].value
    ok = client.post(url(live), {"name": "王东华", "mobile": cast.person_a.mobile, "csrfmiddlewaretoken": token})
    assert ok.status_code == 200 and PendingAttendee.objects.count() == 1


def test_bad_input_is_explained_and_writes_nothing(live):
    response = Client().post(url(live), {"name": "张三", "mobile": "1234"})
    assert response.status_code == 200
    assert "格式不正确" in response.content.decode()
    assert not Attendance.objects.exists() and not PendingAttendee.objects.exists()


def test_an_expired_or_tampered_url_or_a_closed_window_is_refused(cast, live, settings):
    token = qr.make_token(live)
    settings.SHANGHUI_SIGNIN_MAX_AGE = -1  # every token is now older than allowed
    expired = Client().get(reverse("activities:signin", args=[token]))
    assert expired.status_code == 403 and "已过期" in expired.content.decode()
    settings.SHANGHUI_SIGNIN_MAX_AGE = 3600
    tampered = token.replace(token.split(":")[0], qr.make_token(cast.superuser).split(":")[0])
    response = Client().post(reverse("activities:signin", args=[tampered]),
                             {"name": "王东华", "mobile": cast.person_a.mobile})
    assert response.status_code == 403 and "无效" in response.content.decode()
    services.activity_update(by=cast.admin, activity=live, start=timezone.now() - dt.timedelta(hours=6),
                             end=timezone.now() - dt.timedelta(hours=4), signin_minutes=30)
    closed = Client().post(url(live), {"name": "王东华", "mobile": cast.person_a.mobile})
    assert closed.status_code == 403 and "已截止" in closed.content.decode()
    assert not Attendance.objects.exists()


def test_posts_from_one_address_are_rate_limited(cast, live, settings):
    settings.SHANGHUI_SIGNIN_RATE_LIMIT = 2
    client = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(2):
        assert client.post(url(live), {"name": f"路人{i}", "mobile": f"1391234500{i}"}).status_code == 200
    refused = client.post(url(live), {"name": "路人9", "mobile": "13912345009"})
    assert refused.status_code == 429 and "过于频繁" in refused.content.decode()
    assert PendingAttendee.objects.count() == 2
    assert Client(REMOTE_ADDR="203.0.113.8").post(url(live), {"name": "路人8", "mobile": "13912345008"}).status_code == 200


def test_a_logged_in_enterprise_user_is_recognised(cast, live):
    cast.enterprise_user_a.display_name = cast.person_a.name
    cast.enterprise_user_a.save()
    client = Client()
    client.force_login(cast.enterprise_user_a)
    page = client.get(url(live)).content.decode()
    assert "以本人身份签到" in page
    assert "签到成功" in client.post(url(live), {"me": "1"}).content.decode()
    assert Attendance.objects.get(activity=live).person == cast.person_a


def test_pages_have_no_inline_script_or_style(cast, live, client):
    services.signin(activity=live, name="陈新人", mobile="13912345678")
    pages = [url(live), reverse("activities:activity_poster", args=[live.pk])]
    client.force_login(cast.admin)
    pages += [reverse("activities:dashboard"), reverse("activities:activity_list"),
              reverse("activities:activity_detail", args=[live.pk]), reverse("activities:activity_create"),
              reverse("activities:activity_edit", args=[live.pk]), reverse("activities:series_list"),
              reverse("activities:invitations"), reverse("activities:kpi_list", args=["member", "missing"]),
              reverse("activities:attendance_add", args=[live.pk]),
              reverse("activities:pending_confirm", args=[PendingAttendee.objects.get().pk])]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        finder = _InlineFinder()
        finder.feed(response.content.decode())
        assert not finder.problems, (page, finder.problems)


def test_staff_confirm_a_pending_sign_in_on_the_web(cast, live):
    services.signin(activity=live, name="陈新人", mobile="13912345678")
    pending = PendingAttendee.objects.get()
    client = Client()
    client.force_login(cast.worker_a)
    response = client.post(reverse("activities:pending_confirm", args=[pending.pk]), {})
    assert "请选择已登记的人员" in response.content.decode()
    response = client.post(reverse("activities:pending_confirm", args=[pending.pk]),
                           {"enterprise": cast.enterprise_a.pk})
    assert response.status_code == 302
    attendance = Attendance.objects.get(activity=live)
    assert (attendance.person.name, attendance.enterprise) == ("陈新人", cast.enterprise_a)


def test_the_qr_code_encodes_a_working_signin_url(cast, live):
    client = Client()
    client.force_login(cast.worker_a)
    png = client.get(reverse("activities:activity_qr", args=[live.pk, "png"]))
    assert png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get(reverse("activities:activity_qr", args=[live.pk, "svg"]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    detail = client.get(reverse("activities:activity_detail", args=[live.pk])).content.decode()
    signin_url = detail.split('readonly value="')[1].split('"')[0]
    assert signin_url.startswith("http://testserver/activities/s/")
    assert Client().get(signin_url.removeprefix("http://testserver")).status_code == 200
