"""Who may see, read, download and change notices.

`URL_NAMES` lists the URL names tested here; the site-wide enumeration test
(core/tests/test_url_access.py) fails on any URL without an access case.

Notices (conftest.py): "district" (the federation's, to every enterprise), "street_a" (street A's
enterprises), "chamber_b" (chamber B's members), "chosen_a" / "chosen_b" (one chosen enterprise in
street A / B, with an attachment). Staff see the notices issued in their region; the enterprise user
of enterprise A receives "district", "street_a" and "chosen_a".
"""

import pytest
from django.urls import reverse

from shanghui.audit.models import AuditEvent
from shanghui.notices.models import NoticeReceipt
from shanghui.testing import access_params, assert_access, by_role, client_for, fill_url

WEB_CASES = {
    "notices:notice_list":
        by_role(anonymous=302, worker_a=200, admin=200, leader=200, enterprise_user_a=403, auditor=200),
    "notices:notice_export": by_role(anonymous=302, worker_a=200, leader=200, enterprise_user_a=403),
    "notices:notice_create":
        by_role(anonymous=302, admin=200, worker_a=200, leader=403, instructor_a=403, handler_a=403,
                enterprise_user_a=403, auditor=403),
    "notices:notice_detail": [
        *by_role("street_a", anonymous=302, worker_a=200, worker_b=404, admin=200, instructor_a=200,
                 enterprise_user_a=403, auditor=404),
        *by_role("district", worker_a=404, leader=200, superuser=200),
    ],
    "notices:notice_edit": [
        *by_role("street_a", anonymous=302, worker_a=200, admin=200, worker_b=404, leader=403, instructor_a=403),
        *by_role("district", worker_a=404, admin=200),
    ],
    "notices:notice_delete": [
        *by_role("street_a", anonymous=302, worker_a=200, leader=403),
        *by_role("chamber_b", method="post", worker_a=404),
        *by_role("street_a", method="post", leader=403, worker_a=302),
    ],
    "notices:notice_attachment": [
        *by_role("chosen_a", anonymous=302, enterprise_user_a=200, worker_a=200, worker_b=404, admin=200,
                 auditor=404),
        *by_role("chosen_b", enterprise_user_a=404, worker_b=200),
        *by_role("street_a", worker_a=404),  # no attachment
    ],
    "notices:inbox": by_role(anonymous=302, enterprise_user_a=200, worker_a=302, admin=302),
    "notices:inbox_detail": [
        *by_role("district", anonymous=302, enterprise_user_a=200, admin=302),
        *by_role("chamber_b", enterprise_user_a=404),
        *by_role("chosen_b", enterprise_user_a=404),
    ],
}


@pytest.mark.parametrize(("name", "case"), access_params(WEB_CASES))
def test_web_page_access(cast, notices, name, case):
    who, method, target, expected = case
    assert_access(cast, who, method, fill_url(name, target, notices), expected)


def test_staff_lists_show_the_notices_of_their_region(cast, notices):
    worker = client_for(cast, "worker_a").get(reverse("notices:notice_list")).content.decode()
    assert "东华门座谈会通知" in worker and "景山商会会员大会通知" not in worker and "全区理想信念教育通知" not in worker
    admin = client_for(cast, "admin").get(reverse("notices:notice_list")).content.decode()
    assert all(n.title in admin for n in notices.values())
    csv = b"".join(client_for(cast, "worker_b").get(reverse("notices:notice_export"), {"format": "csv"})
                   .streaming_content).decode()
    assert "景山商会会员大会通知" in csv and "东华门座谈会通知" not in csv


def test_the_enterprise_list_shows_what_his_enterprise_receives(cast, notices):
    page = client_for(cast, "enterprise_user_a").get(reverse("notices:inbox")).content.decode()
    assert "全区理想信念教育通知" in page and "东华门座谈会通知" in page and "东华门政策宣讲邀请" in page
    assert "景山" not in page


def test_opening_a_notice_records_one_receipt_shown_on_the_staff_page(cast, notices):
    client = client_for(cast, "enterprise_user_a")
    url = reverse("notices:inbox_detail", args=[notices["street_a"].pk])
    assert "东华门座谈会通知正文" in client.get(url).content.decode()
    client.get(url)
    assert NoticeReceipt.objects.filter(notice=notices["street_a"]).count() == 1
    page = client_for(cast, "worker_a").get(reverse("notices:notice_detail", args=[notices["street_a"].pk]))
    html = page.content.decode()
    assert "已读 1 / 应读 1 人" in html and cast.enterprise_a.name in html
    assert reverse("notices:notice_delete", args=[notices["street_a"].pk]) not in html  # read: no longer deletable


def test_a_refused_delete_after_reading_keeps_the_notice_and_says_why(cast, notices):
    client_for(cast, "enterprise_user_a").get(reverse("notices:inbox_detail", args=[notices["street_a"].pk]))
    response = client_for(cast, "worker_a").post(reverse("notices:notice_delete", args=[notices["street_a"].pk]),
                                                 follow=True)
    assert "已有 1 人阅读，不能删除" in response.content.decode()
    assert NoticeReceipt.objects.filter(notice=notices["street_a"]).exists()


def test_the_unread_badge_counts_his_unread_notices(cast, notices):
    client = client_for(cast, "enterprise_user_a")
    badge = '<span class="badge rounded-pill text-bg-danger ms-1">{}<span class="visually-hidden">条未读</span></span>'
    assert badge.format(3) in client.get(reverse("notices:inbox")).content.decode()
    client.get(reverse("notices:inbox_detail", args=[notices["district"].pk]))
    assert badge.format(2) in client.get(reverse("notices:inbox")).content.decode()
    for pk in (notices["street_a"].pk, notices["chosen_a"].pk):
        client.get(reverse("notices:inbox_detail", args=[pk]))
    assert "条未读" not in client.get(reverse("notices:inbox")).content.decode()
    assert "条未读" not in client_for(cast, "admin").get(reverse("notices:notice_list")).content.decode()


def test_another_enterprises_attachment_is_not_served_and_nothing_is_audited(cast, notices):
    before = AuditEvent.objects.filter(action="export").count()
    client = client_for(cast, "enterprise_user_a")
    assert client.get(reverse("notices:notice_attachment", args=[notices["chosen_b"].pk])).status_code == 404
    assert AuditEvent.objects.filter(action="export").count() == before
    response = client.get(reverse("notices:notice_attachment", args=[notices["chosen_a"].pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="export").count() == before + 1


URL_NAMES: set[str] = set(WEB_CASES)
