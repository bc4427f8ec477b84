"""The loop end to end in a real browser: a street worker invites three enterprises by SMS; one boss
answers 报名 on his phone, another 请假 through the SMS link; the day-before reminder goes out through
the console backend; the boss signs in by the QR page; the activity's funnel and the street's member
participation rate move accordingly.

SHANGHUI_SCREENS=1 also saves the SMS reply page to docs/screens/phone-invitation-reply.png.
"""

import datetime as dt
import os

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from shanghui.activities import kpis, qr
from shanghui.activities import services as activity_services
from shanghui.activities.invitations import reply_token
from shanghui.activities.models import Invitation
from shanghui.core.kpis import Period
from shanghui.core.tests.test_browser_phone import CHECK, SCREENS_DIR
from shanghui.directory.models import Enterprise, Membership, Person

pytestmark = pytest.mark.django_db(transaction=True)

MOBILE = "13800138001"


def step(page, name: str) -> int:
    return int(page.inner_text(f'#activity-funnel [data-step="{name}"]'))


def test_invite_reply_remind_sign_in_and_see_it_counted(cast, page, phone, live_server, login, capsys, settings):
    settings.SHANGHUI_SMS_BACKEND = "console"
    # The boss is the enterprise's login (his display name is his person's: the sign-in page knows him).
    cast.person_a.set_mobile(MOBILE)
    cast.person_a.save()
    cast.enterprise_user_a.display_name = cast.person_a.name
    cast.enterprise_user_a.save()
    others = []
    for n, name in enumerate(("东华门餐饮管理有限公司", "东华门信息科技有限公司")):
        enterprise = Enterprise.objects.create(uscc=f"91110101MA000000{n}X", name=name, region=cast.street_a)
        enterprise.principal = Person.objects.create(name=f"负责人{n}", region=cast.street_a, enterprise=enterprise)
        enterprise.principal.set_mobile(f"1390000000{n}")
        enterprise.principal.save()
        enterprise.save()
        Membership.objects.create(chamber=cast.chamber_a, enterprise=enterprise, joined=dt.date(2010, 1, 1))
        others.append(enterprise)
    # In an hour: invitations and answers are still taken, the reminder is due and sign-in is open.
    start = timezone.now() + dt.timedelta(hours=1)
    activity = activity_services.activity_create(
        by=cast.admin, title="东华门街道理想信念教育分享会", kind="education", region=cast.street_a, start=start,
        end=start + dt.timedelta(hours=2), place="东华门街道商会活动室", organisers=[cast.chamber_a])
    period = Period.year(timezone.localtime(start).year)
    before = kpis.member_participation(cast.street_a, period)

    # 1. The worker invites the three member enterprises by SMS.
    login(page, cast.worker_a)
    page.goto(live_server.url + reverse("activities:invite", args=[activity.pk]))
    page.check("#check-all")
    assert page.locator('input[name=enterprise]:checked').count() == 3
    page.check("#ch-sms")
    page.get_by_role("button", name="发送邀请").click()
    page.wait_for_selector(".alert-success")
    assert "已邀请 3 家企业" in page.inner_text(".alert-success")
    assert step(page, "invited") == 3 and step(page, "yes") == 0
    capsys.readouterr()
    call_command("deliver_outbox")
    sent = capsys.readouterr().out
    assert sent.count("[短信 → ") == 3 and "[短信 → 138****8001] 【东华门街道商会】王东华您好" in sent
    assert MOBILE not in sent

    # 2. The boss answers 报名 on his phone, from his home page.
    login(phone, cast.enterprise_user_a)
    phone.goto(live_server.url + reverse("home"))
    phone.locator("#invitations").get_by_role("button", name="报名").first.click()
    phone.wait_for_selector(".alert-success")
    assert "已报名" in phone.inner_text(".alert-success")
    assert phone.evaluate(CHECK) == []

    # Another answers 请假 through the link in his SMS, without an account.
    declined = Invitation.objects.get(enterprise=others[0])
    phone.context.clear_cookies()
    phone.goto(live_server.url + reverse("activities:reply_link", args=[reply_token(declined)]))
    phone.locator("details summary").click()
    phone.fill("input[name=note]", "当天外地出差")
    if os.environ.get("SHANGHUI_SCREENS"):
        phone.screenshot(path=SCREENS_DIR / "phone-invitation-reply.png", full_page=True)
    assert phone.evaluate(CHECK) == []
    phone.get_by_role("button", name="确认请假").click()
    phone.wait_for_selector("#reply-result")
    assert "已请假" in phone.inner_text("#reply-result")

    # 3. The daily reminder: those who did not decline, through the console backend.
    capsys.readouterr()
    call_command("remind_invitations")
    out = capsys.readouterr().out
    assert "已生成 2 条活动提醒" in out and "[短信 → 138****8001] 【东华门街道商会】提醒" in out
    assert "1390****0000" not in out  # the one who declined is not reminded

    # 4. The boss signs in by the QR page, recognised as himself.
    login(phone, cast.enterprise_user_a)
    phone.goto(live_server.url + reverse("activities:signin", args=[qr.make_token(activity)]))
    phone.get_by_role("button", name="以本人身份签到").click()
    phone.wait_for_selector("#signin-result")
    assert "签到成功" in phone.inner_text("#signin-result")

    # 5. The funnel and the street's member participation rate moved.
    page.goto(live_server.url + reverse("activities:activity_detail", args=[activity.pk]))
    assert [step(page, s) for s in ("invited", "yes", "no", "unanswered", "signed_in")] == [3, 1, 1, 1, 1]
    after = kpis.member_participation(cast.street_a, period)
    assert after.numerator == before.numerator + 1 and after.rate != before.rate
    page.goto(live_server.url + reverse("activities:funnel") + f"?year={period.start.year}")
    row = page.locator(f'#funnel-table tr[data-street="{cast.street_a.code}"]')
    cells = row.locator("td").all_inner_texts()
    assert cells[1:6] == ["3", "1", "1", "1", "1"]
    assert cells[-1] == f"{after.rate}%" and cells[-3] == str(after.numerator)
