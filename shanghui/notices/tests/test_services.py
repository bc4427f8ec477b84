"""Publishing within one's scope, the audience rule, the read receipt kept once, deletion before reading."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shanghui.audit.models import AuditEvent
from shanghui.notices import services
from shanghui.notices.models import Audience, Notice, NoticeReceipt, unread_count


def _create(by, region, audience, **fields):
    return services.notice_create(by=by, title="通知", body="正文", region=region, audience=audience, **fields)


# --- who may publish what --------------------------------------------------------------------


def test_a_street_worker_publishes_to_her_street_and_is_audited(cast):
    notice = _create(cast.worker_a, cast.street_a, Audience.STREET, street=cast.street_a)
    assert notice.created_by == cast.worker_a and notice.published is not None
    assert AuditEvent.objects.filter(action="create", object_type="notices.notice", object_id=str(notice.pk)).exists()


def test_a_street_worker_may_not_publish_district_wide(cast):
    with pytest.raises(PermissionDenied):
        _create(cast.worker_a, cast.district, Audience.DISTRICT)
    with pytest.raises(ValidationError, match="只有区级发布的通知可以发送给全区企业"):
        _create(cast.worker_a, cast.street_a, Audience.DISTRICT)
    assert not Notice.objects.exists()


def test_a_street_worker_may_not_reach_another_street(cast):
    with pytest.raises(ValidationError, match="不在“东华门街道”范围内"):
        _create(cast.worker_a, cast.street_a, Audience.STREET, street=cast.street_b)
    with pytest.raises(PermissionDenied):
        _create(cast.worker_a, cast.street_a, Audience.CHAMBER, chamber=cast.chamber_b)
    with pytest.raises(PermissionDenied):
        _create(cast.worker_a, cast.street_a, Audience.ENTERPRISES, enterprises=[cast.enterprise_b])
    with pytest.raises(PermissionDenied):
        _create(cast.worker_b, cast.street_a, Audience.STREET, street=cast.street_a)
    assert not Notice.objects.exists()


def test_a_district_notice_may_not_name_a_target_outside_its_issuing_region(cast):
    with pytest.raises(ValidationError, match="范围内"):
        _create(cast.admin, cast.street_a, Audience.ENTERPRISES, enterprises=[cast.enterprise_b])


@pytest.mark.parametrize("who", ["leader", "instructor_a", "handler_a", "enterprise_user_a", "auditor"])
def test_readers_may_not_publish(cast, who):
    with pytest.raises(PermissionDenied):
        _create(cast.user(who), cast.street_a, Audience.STREET, street=cast.street_a)


def test_the_federation_admin_reaches_any_audience_of_the_district(cast):
    assert _create(cast.admin, cast.district, Audience.DISTRICT).audience == Audience.DISTRICT
    assert _create(cast.admin, cast.district, Audience.CHAMBER, chamber=cast.chamber_b).chamber == cast.chamber_b
    chosen = _create(cast.admin, cast.district, Audience.ENTERPRISES, enterprises=[cast.enterprise_a, cast.enterprise_b])
    assert set(chosen.enterprises.all()) == {cast.enterprise_a, cast.enterprise_b}


def test_chosen_enterprises_need_at_least_one(cast):
    with pytest.raises(ValidationError, match="请至少选择一家企业"):
        _create(cast.worker_a, cast.street_a, Audience.ENTERPRISES, enterprises=[])


def test_only_the_audiences_own_target_is_kept(cast):
    notice = _create(cast.worker_a, cast.street_a, Audience.CHAMBER, chamber=cast.chamber_a, street=cast.street_a)
    assert notice.street is None and notice.chamber == cast.chamber_a
    services.notice_update(by=cast.worker_a, notice=notice, audience=Audience.ENTERPRISES,
                           enterprises=[cast.enterprise_a])
    notice.refresh_from_db()
    assert notice.chamber is None and list(notice.enterprises.all()) == [cast.enterprise_a]


def test_an_attachment_is_judged_by_its_content(cast):
    page = SimpleUploadedFile("通知.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError, match="已拒绝"):
        _create(cast.worker_a, cast.street_a, Audience.STREET, street=cast.street_a, attachment=page)
    assert not Notice.objects.exists()


# --- the audience rule -----------------------------------------------------------------------


def test_an_enterprise_user_receives_what_his_enterprise_falls_into(cast, notices):
    seen = set(Notice.objects.visible_to(cast.enterprise_user_a))
    assert seen == {notices["district"], notices["street_a"], notices["chosen_a"]}


def test_chamber_notices_reach_the_members_active_today(cast):
    notice = _create(cast.admin, cast.district, Audience.CHAMBER, chamber=cast.chamber_a)
    assert notice in Notice.objects.visible_to(cast.enterprise_user_a)
    cast.membership_a.left = dt.date.today() - dt.timedelta(days=1)
    cast.membership_a.save()
    assert notice not in Notice.objects.visible_to(cast.enterprise_user_a)
    assert not notice.audience_enterprises().exists()


def test_the_audience_of_a_notice_and_the_notices_of_an_enterprise_agree(cast, notices):
    for notice in notices.values():
        for enterprise in (cast.enterprise_a, cast.enterprise_b):
            receives = Notice.objects.filter(Notice.objects.for_enterprise(enterprise), pk=notice.pk).exists()
            assert receives == notice.audience_enterprises().filter(pk=enterprise.pk).exists(), (notice, enterprise)


def test_staff_see_the_notices_issued_in_their_region(cast, notices):
    assert set(Notice.objects.visible_to(cast.worker_a)) == {notices["street_a"], notices["chosen_a"]}
    assert Notice.objects.visible_to(cast.leader).count() == 5
    assert not Notice.objects.visible_to(cast.auditor).exists()


# --- receipts and deletion -------------------------------------------------------------------


def test_a_notice_is_read_once(cast, notices):
    first = services.notice_read(by=cast.enterprise_user_a, notice=notices["district"])
    again = services.notice_read(by=cast.enterprise_user_a, notice=notices["district"])
    assert first.pk == again.pk and first.read_at == again.read_at
    assert NoticeReceipt.objects.count() == 1
    assert notices["district"].audience_users().count() == 1


def test_only_the_audience_leaves_a_receipt(cast, notices):
    with pytest.raises(PermissionDenied):
        services.notice_read(by=cast.enterprise_user_a, notice=notices["chamber_b"])
    with pytest.raises(PermissionDenied):
        services.notice_read(by=cast.admin, notice=notices["district"])
    assert not NoticeReceipt.objects.exists()


def test_unread_count_falls_as_he_reads(cast, notices):
    assert unread_count(cast.enterprise_user_a) == 3
    services.notice_read(by=cast.enterprise_user_a, notice=notices["chosen_a"])
    assert unread_count(cast.enterprise_user_a) == 2
    assert unread_count(cast.admin) == 0


def test_a_notice_is_deleted_only_before_anyone_reads_it(cast, notices):
    services.notice_delete(by=cast.worker_b, notice=notices["chamber_b"])
    assert not Notice.objects.filter(pk=notices["chamber_b"].pk).exists()
    services.notice_read(by=cast.enterprise_user_a, notice=notices["street_a"])
    with pytest.raises(ValidationError, match="已有 1 人阅读，不能删除"):
        services.notice_delete(by=cast.worker_a, notice=notices["street_a"])
    assert Notice.objects.filter(pk=notices["street_a"].pk).exists()


def test_deleting_needs_the_issuing_region(cast, notices):
    with pytest.raises(PermissionDenied):
        services.notice_delete(by=cast.worker_a, notice=notices["chamber_b"])
