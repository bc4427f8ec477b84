import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shanghui.audit.models import AuditEvent
from shanghui.orgs import workdays
from shanghui.orgs.models import Holiday
from shanghui.servicedesk import services
from shanghui.servicedesk.models import Attachment, Channel, Notification, ServiceRequest, State


def test_an_enterprise_user_files_for_his_enterprise_only(desk):
    c = desk.cast
    req = desk.file()
    assert (req.state, req.channel, req.filed_by, req.department) == (State.SUBMITTED, Channel.ONLINE,
                                                                       c.enterprise_user_a, None)
    assert req.deadline == workdays.deadline(timezone.localdate(), desk.category.time_limit)
    with pytest.raises(PermissionDenied):
        services.request_file(by=c.enterprise_user_a, enterprise=c.enterprise_b, category=desk.category,
                              title="越界", description="越界")
    assert ServiceRequest.objects.count() == 1


def test_staff_file_on_an_enterprises_behalf_in_their_street(desk):
    c = desk.cast
    req = services.request_file(by=c.worker_a, enterprise=c.enterprise_a, category=desk.category, title="来电",
                                description="企业来电反映", channel=Channel.VISIT)
    assert req.channel == Channel.VISIT and req.filed_by == c.worker_a
    for by in (c.worker_b, c.leader, c.handler_a, c.auditor):
        with pytest.raises(PermissionDenied):
            services.request_file(by=by, enterprise=c.enterprise_a, category=desk.category, title="x",
                                  description="x")


def test_a_request_filed_before_the_spring_festival_is_due_after_it(desk, monkeypatch):
    # Filed Friday 2026-02-13: Saturday Feb 14 is an adjusted working day, Feb 15–23 are off, Saturday
    # Feb 28 is worked again (State Council notice for 2026, read from chinese-calendar).
    filed = dt.datetime(2026, 2, 13, 10, tzinfo=timezone.get_current_timezone())
    monkeypatch.setattr(timezone, "now", lambda: filed)
    limit = desk.category.time_limit
    counted = [dt.date(2026, 2, 14), *(dt.date(2026, 2, d) for d in range(24, 29)),
               *(dt.date(2026, 3, d) for d in range(2, 7)), *(dt.date(2026, 3, d) for d in range(9, 14))]
    assert desk.file().deadline == counted[limit - 1]


def test_a_district_closure_pushes_the_deadline_back(desk):
    today = timezone.localdate()
    plain = workdays.deadline(today, desk.category.time_limit)
    services.holiday_create(by=desk.cast.admin, date=plain, kind=Holiday.Kind.CLOSURE, note="区政府通知停止办公")
    req = desk.file()
    assert req.deadline > plain


def test_bad_input_is_refused_in_chinese_and_writes_nothing(desk):
    c = desk.cast
    with pytest.raises(ValidationError) as e:
        services.request_file(by=c.enterprise_user_a, enterprise=c.enterprise_a, category=desk.category, title="",
                              description="")
    assert {"title", "description"} <= set(e.value.message_dict)
    assert not ServiceRequest.objects.exists()
    req, resolved = desk.in_state("assigned"), desk.in_state("resolved")
    events, audits = req.events.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="办理结果"):
        services.request_resolve(by=c.handler_a, service_request=req, resolution="  ")
    with pytest.raises(ValidationError, match="当前状态为“办理中”，不能受理"):
        services.request_accept(by=c.worker_a, service_request=req)
    with pytest.raises(ValidationError, match="1至5分"):
        services.request_rate(by=c.enterprise_user_a, service_request=resolved, satisfaction=9)
    with pytest.raises(ValidationError, match="承办人"):
        services.request_assign(by=c.worker_a, service_request=req, department=desk.justice, handler=c.handler_a)
    assert req.events.count() == events and AuditEvent.objects.count() == audits
    assert ServiceRequest.objects.get(pk=req.pk).department == c.market


def test_one_transition_service_dispatches_every_action(desk):
    c = desk.cast
    req = desk.in_state("submitted")
    # Data another action takes is ignored, so one form or payload serves every action.
    services.request_transition(by=c.worker_a, service_request=req, action="accept", note="已受理", resolution="x")
    assert ServiceRequest.objects.get(pk=req.pk).state == State.ACCEPTED
    assert AuditEvent.objects.filter(extra__transition="accept").count() == 1
    with pytest.raises(PermissionDenied, match="您无权办结该诉求"):
        services.request_transition(by=c.worker_a, service_request=req, action="resolve", resolution="已办理")
    assert set(services.TRANSITIONS) == set(services.RULES)


def test_an_unknown_action_is_refused_in_chinese(desk):
    req = desk.in_state("submitted")
    with pytest.raises(ValidationError, match="未知的操作“fly”") as e:
        services.request_transition(by=desk.cast.worker_a, service_request=req, action="fly")
    assert list(e.value.message_dict) == ["action"]
    assert req.events.count() == 1


def test_the_people_involved_are_notified(desk):
    c = desk.cast
    req = desk.file()
    # Filed: street A's worker hears of it, not street B's, not the filer himself.
    assert Notification.objects.filter(user=c.worker_a, request=req).count() == 1
    assert not Notification.objects.filter(user__in=[c.worker_b, c.enterprise_user_a]).exists()
    services.request_assign(by=c.worker_a, service_request=req, department=c.market)
    # Assigned to the department without a handler: its handlers for the street and the enterprise hear.
    assert Notification.objects.filter(user=c.handler_a, request=req).exists()
    assert not Notification.objects.filter(user=desk.handler_other).exists()
    assert Notification.objects.filter(user=c.enterprise_user_a, request=req).count() == 1
    services.request_resolve(by=c.handler_a, service_request=req, resolution="已办理")
    assert Notification.objects.filter(user=c.enterprise_user_a, request=req).count() == 2
    assert "已办结" in Notification.objects.filter(user=c.enterprise_user_a).first().text
    assert services.notifications_mark_read(by=c.enterprise_user_a) == 2
    assert not Notification.objects.visible_to(c.enterprise_user_a).unread().exists()


def test_attachments_are_limited_by_type_and_size(desk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SHANGHUI_SERVICEDESK_MAX_ATTACHMENT_BYTES = 100
    c = desk.cast
    req = desk.file(attachments=[SimpleUploadedFile("营业执照.jpg", b"\xff\xd8\xff" + b"0" * 49, "image/jpeg")])
    attachment = req.attachments.get()
    assert attachment.name == "营业执照.jpg" and attachment.size == 52
    assert (tmp_path / attachment.file.name).exists() and "营业执照" not in attachment.file.name
    with pytest.raises(ValidationError, match="类型不支持"):
        services.attachment_add(by=c.enterprise_user_a, service_request=req, upload=SimpleUploadedFile("x.exe", b"MZ"))
    with pytest.raises(ValidationError, match="超过"):
        services.attachment_add(by=c.enterprise_user_a, service_request=req, upload=SimpleUploadedFile("大.pdf", b"0" * 101))
    with pytest.raises(PermissionDenied):
        services.attachment_add(by=desk.enterprise_user_b, service_request=req, upload=SimpleUploadedFile("a.pdf", b"1"))
    # A bad file while filing: no request at all.
    before = ServiceRequest.objects.count()
    with pytest.raises(ValidationError):
        desk.file(attachments=[SimpleUploadedFile("病毒.exe", b"MZ")])
    assert ServiceRequest.objects.count() == before and Attachment.objects.count() == 1

    # Downloaded through the scoped view only, and every download is on record.
    client = Client()
    client.force_login(c.enterprise_user_a)
    response = client.get(reverse("servicedesk:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"\xff\xd8\xff" + b"0" * 49
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.filter(action="export", object_type="servicedesk.attachment").get()
    assert (event.actor, event.object_id, event.fields) == (c.enterprise_user_a, str(attachment.pk), ["file"])
    other = Client()
    other.force_login(desk.enterprise_user_b)
    assert other.get(reverse("servicedesk:attachment", args=[attachment.pk])).status_code == 404


def test_overdue_and_due_soon_lists(desk):
    today = timezone.localdate()
    late, soon, later, done = (desk.file(title=t) for t in ("超期的", "快到期的", "还早的", "已办结的"))
    ServiceRequest.objects.filter(pk=late.pk).update(deadline=today - dt.timedelta(days=1))
    ServiceRequest.objects.filter(pk=soon.pk).update(deadline=today + dt.timedelta(days=2))
    ServiceRequest.objects.filter(pk=later.pk).update(deadline=today + dt.timedelta(days=20))
    ServiceRequest.objects.filter(pk=done.pk).update(deadline=today - dt.timedelta(days=5), state=State.RESOLVED)
    qs = ServiceRequest.objects.all()
    assert [r.title for r in qs.overdue(today)] == ["超期的"]
    assert [r.title for r in qs.due_soon(today, 3)] == ["快到期的"]
    client = Client()
    client.force_login(desk.cast.worker_a)
    page = client.get(reverse("servicedesk:index"), {"view": "overdue"}).content.decode()
    assert "超期的" in page and "快到期的" not in page and "已办结的" not in page


def test_the_file_page_files_and_shows_errors(desk):
    client = Client()
    client.force_login(desk.cast.enterprise_user_a)
    response = client.post(reverse("servicedesk:file"), {"category": desk.category.pk, "title": "",
                                                         "description": "", "contact_preference": "phone"})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert not ServiceRequest.objects.exists()
    response = client.post(reverse("servicedesk:file"), {"category": desk.category.pk, "title": "场地租金减免",
                                                         "description": "想了解租金减免政策",
                                                         "contact_preference": "online"})
    req = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("servicedesk:detail", args=[req.pk])
    assert req.enterprise == desk.cast.enterprise_a and req.contact_preference == "online"


def test_the_detail_page_offers_only_the_users_actions(desk):
    req = desk.in_state("submitted")
    pages = {}
    for who in ("worker_a", "leader", "enterprise_user_a"):
        client = Client()
        client.force_login(getattr(desk.cast, who))
        pages[who] = client.get(reverse("servicedesk:detail", args=[req.pk])).content.decode()
    assert 'id="action-accept"' in pages["worker_a"] and 'id="action-reject"' in pages["worker_a"]
    assert "action-" not in pages["leader"].replace("page-actions", "")
    assert 'id="action-accept"' not in pages["enterprise_user_a"]
    assert "营业执照变更咨询" in pages["leader"]
