"""Notices demo data, added by generator.py after the logins (receipts need the enterprise login).

Four notices of the federation and the 东华门 street chamber, one to each kind of audience, the last
with a small .docx attachment (written once under notices/demo/, as the library's files are). The
demo enterprise user has read the two oldest, so his 通知公告 badge shows 2 when `make run` starts.
"""

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from shanghui.accounts.models import User
from shanghui.directory.models import Enterprise
from shanghui.library.files import make_docx
from shanghui.notices.models import Audience, Notice, NoticeReceipt


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def generate(gen, batch_size: int) -> None:
    from .generator import DEMO_STREET

    chamber = next(c for c in gen.street_chambers if c.region.code == DEMO_STREET)
    street = chamber.region
    admin = User.objects.filter(username="fic_admin").first()
    worker = User.objects.filter(username="dhm_worker").first()
    reader = User.objects.filter(username="dhm_enterprise").first()
    day = gen.horizon
    name = "notices/demo/policy-briefing.docx"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(make_docx("惠企政策宣讲会议程", [
            "一、区工商联解读年度惠企政策。", "二、职能部门现场答疑。", "三、企业交流发言。"])))
    notices = [
        Notice(title="关于开展年度理想信念教育活动的通知", region=gen.district, audience=Audience.DISTRICT,
               body="各非公企业：\n区工商联将于下月组织理想信念教育活动，请各企业安排负责人参加。",
               published=_at(day - dt.timedelta(days=30), 9), created_by=admin),
        Notice(title="东华门街道营商环境座谈会通知", region=street, audience=Audience.STREET, street=street,
               body="辖区各企业：\n街道将召开营商环境座谈会，听取企业意见建议。",
               published=_at(day - dt.timedelta(days=20), 10), created_by=worker),
        Notice(title="东华门街道商会会员大会通知", region=street, issuer_chamber=chamber, audience=Audience.CHAMBER,
               chamber=chamber, body="各会员企业：\n商会定于本月召开会员大会，审议年度工作报告。",
               published=_at(day - dt.timedelta(days=10), 14), created_by=worker),
        Notice(title="惠企政策宣讲会邀请", region=street, issuer_chamber=chamber, audience=Audience.ENTERPRISES,
               body="受邀企业：\n请按附件议程准时参加惠企政策宣讲会。", attachment=name,
               attachment_name="惠企政策宣讲会议程.docx", published=_at(day - dt.timedelta(days=3), 15),
               created_by=worker),
    ]
    Notice.objects.bulk_create(notices)
    chosen = list(Enterprise.objects.filter(region=street).order_by("uscc").values_list("pk", flat=True)[:5])
    if reader is not None and reader.enterprise_id not in chosen:
        chosen.append(reader.enterprise_id)
    Notice.enterprises.through.objects.bulk_create(
        [Notice.enterprises.through(notice_id=notices[-1].pk, enterprise_id=pk) for pk in chosen])
    receipts = []
    if reader is not None:
        receipts = [NoticeReceipt(notice=n, user=reader, read_at=n.published + dt.timedelta(hours=2))
                    for n in notices[:2]]
        NoticeReceipt.objects.bulk_create(receipts)
    gen.count("notices", len(notices))
    gen.count("notice_receipts", len(receipts))


def fingerprint_rows():
    return [Notice.objects.order_by("title").values_list("title", "region__code", "issuer_chamber__name", "audience",
                                                          "street__code", "chamber__name", "attachment_name",
                                                          "published"),
            NoticeReceipt.objects.order_by("notice__title").values_list("notice__title", "user__username", "read_at")]
