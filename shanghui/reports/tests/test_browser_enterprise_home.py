"""The enterprise user's home page on a 390 px phone: every section filled, nothing squeezed or on top of
another, and an invitation answered with 请假 and a reason from the phone."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from shanghui.activities import invitations
from shanghui.activities import services as activity_services
from shanghui.activities.models import Invitation
from shanghui.core.tests.test_browser_phone import CHECK
from shanghui.notices import services as notice_services
from shanghui.servicedesk import services as desk_services
from shanghui.servicedesk.seed import load_categories

pytestmark = pytest.mark.django_db(transaction=True)


def test_his_home_page_reads_on_a_phone_and_he_asks_for_leave_from_it(cast, phone, live_server, login, settings):
    settings.SHANGHUI_DEFAULT_YEAR = None
    now = timezone.now()
    for n, title in enumerate(("东华门街道非公经济人士理想信念教育专题报告会", "全区民营企业家新春座谈会")):
        start = now + dt.timedelta(days=n + 2)
        activity = activity_services.activity_create(
            by=cast.admin, title=title, kind="education", region=cast.street_a, start=start,
            end=start + dt.timedelta(hours=2), place="东华门街道办事处三层多功能厅", organisers=[cast.chamber_a])
        invitations.invite(by=cast.worker_a, activity=activity, enterprises=[cast.enterprise_a], channel="inapp")
    answered = Invitation.objects.order_by("pk").last()
    invitations.invitation_reply(by=cast.enterprise_user_a, invitation=answered, answer="yes")
    past = activity_services.activity_create(by=cast.admin, title="东华门街道“四信”讲堂", kind="education",
                                             region=cast.street_a, start=now - dt.timedelta(days=1),
                                             end=now - dt.timedelta(days=1) + dt.timedelta(hours=2))
    activity_services.attendance_add(by=cast.admin, activity=past, person=cast.person_a)
    notice_services.notice_create(by=cast.worker_a, title="关于报送2018年度商会工作总结的通知", body="请按时报送。",
                                  region=cast.street_a, audience="enterprises", enterprises=[cast.enterprise_a])
    desk_services.request_file(by=cast.enterprise_user_a, enterprise=cast.enterprise_a, category=load_categories()[0],
                               title="食品经营许可证延续需要准备哪些材料", description="许可证下月到期。")

    login(phone, cast.enterprise_user_a)
    phone.goto(live_server.url + reverse("home"))
    phone.locator("#invitations summary").first.click()
    assert phone.evaluate(CHECK) == []
    phone.fill("#invitations input[name=note]", "当天外地出差")
    phone.get_by_role("button", name="确认请假").click()
    phone.wait_for_selector(".alert-success")
    assert "已请假" in phone.inner_text(".alert-success")
    first = Invitation.objects.order_by("pk").first()
    assert (first.reply, first.reply_note) == ("no", "当天外地出差")
    assert phone.evaluate(CHECK) == []
