"""QR self sign-in in a real browser on a phone-sized screen."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from shanghui.activities import qr, services
from shanghui.activities.models import Attendance, PendingAttendee

pytestmark = pytest.mark.django_db(transaction=True)


def test_phone_signs_in_once_and_a_bad_url_is_refused(cast, phone, live_server, settings):
    now = timezone.now()
    activity = services.activity_create(by=cast.admin, title="东华门“四信”讲堂", kind="education",
                                        region=cast.street_a, start=now - dt.timedelta(minutes=20),
                                        end=now + dt.timedelta(hours=2), place="东华门街道商会活动室")
    url = live_server.url + reverse("activities:signin", args=[qr.make_token(activity)])

    response = phone.goto(url)
    assert response.status == 200
    assert phone.get_by_text("东华门“四信”讲堂").count() == 1
    # Laid out for the phone: nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.fill("input[name=name]", "王东华")
    phone.fill("input[name=mobile]", cast.person_a.mobile)
    phone.get_by_role("button", name="签到", exact=True).click()
    phone.wait_for_selector("#signin-result")
    first = phone.inner_text("#signin-result")
    assert "签到信息已提交" in first

    # Scanning again and submitting again: the same reply, one sign-in waiting for staff.
    phone.goto(url)
    phone.fill("input[name=name]", "王东华")
    phone.fill("input[name=mobile]", cast.person_a.mobile)
    phone.get_by_role("button", name="签到", exact=True).click()
    phone.wait_for_selector("#signin-result")
    assert phone.inner_text("#signin-result") == first
    assert PendingAttendee.objects.filter(activity=activity).count() == 1
    assert not Attendance.objects.filter(activity=activity).exists()

    # A tampered URL, then an expired one.
    token = qr.make_token(activity)
    tampered = live_server.url + reverse("activities:signin", args=[token[:-3] + "xyz"])
    response = phone.goto(tampered)
    assert response.status == 403 and "签到链接无效" in phone.inner_text("#signin-refused")
    assert phone.locator("input[name=mobile]").count() == 0
    settings.SHANGHUI_SIGNIN_MAX_AGE = -1
    response = phone.goto(url)
    assert response.status == 403 and "已过期" in phone.inner_text("#signin-refused")
    assert PendingAttendee.objects.filter(activity=activity).count() == 1
