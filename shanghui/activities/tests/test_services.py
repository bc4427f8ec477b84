"""Attendance, the public sign-in and staff confirmation: what they write, refuse and audit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shanghui.activities import kpis, services
from shanghui.activities.models import Attendance, PendingAttendee
from shanghui.audit.models import AuditEvent
from shanghui.core.kpis import Period
from shanghui.directory.models import Person


def test_a_user_of_the_enterprise_signs_its_person_in_once_and_a_second_try_changes_nothing(cast, live):
    mobile = cast.person_a.mobile
    outcome, attendance = services.signin(activity=live, name="王东华", mobile=mobile, user=cast.enterprise_user_a)
    assert outcome == services.SIGNED_IN
    assert (attendance.person, attendance.enterprise, attendance.region, attendance.source) == (
        cast.person_a, cast.enterprise_a, cast.street_a, "qr")
    again, same = services.signin(activity=live, name=" 王东华 ", mobile=f"+86 {mobile}", user=cast.enterprise_user_a)
    assert again == services.ALREADY and same.pk == attendance.pk
    assert Attendance.objects.filter(activity=live).count() == 1 and not PendingAttendee.objects.exists()
    assert AuditEvent.objects.filter(action="signin").count() == 1


def participation(cast, live):
    period = Period.year(timezone.localtime(live.start).year)
    return [(f.numerator, f.denominator) for scope in (cast.district, cast.street_a, cast.street_b)
            for f in (kpis.member_participation(scope, period), kpis.district_participation(scope, period))]


def test_an_anonymous_sign_in_of_a_registered_person_waits_for_staff_and_counts_nowhere(cast, live):
    before = participation(cast, live)
    # Someone who knows the name and mobile of another street's principal, on the public page,
    # and a user of another enterprise: neither can count enterprise B in.
    for user in (None, cast.enterprise_user_a):
        outcome, pending = services.signin(activity=live, name="李景山", mobile=cast.person_b.mobile, user=user)
        assert outcome == services.PENDING and pending.state == "pending"
    assert not Attendance.objects.exists() and PendingAttendee.objects.count() == 1
    assert participation(cast, live) == before
    # A's worker cannot see B's person: she may only reject, or confirm as someone she sees.
    with pytest.raises(PermissionDenied):
        services.pending_confirm(by=cast.worker_a, pending=pending, person=cast.person_b)
    assert not Attendance.objects.exists()
    # The federation, who sees both, confirms: now it counts, for street B.
    attendance = services.pending_confirm(by=cast.admin, pending=pending, person=cast.person_b)
    assert (attendance.enterprise, attendance.region, attendance.source) == (cast.enterprise_b, cast.street_b, "qr")
    assert participation(cast, live) != before
    assert AuditEvent.objects.filter(action="signin_confirm", actor=cast.admin).exists()


def test_unknown_person_becomes_one_pending_sign_in_and_the_audit_holds_no_number(cast, live):
    outcome, pending = services.signin(activity=live, name="陈新人", mobile="13912345678", enterprise_name="新人咨询")
    assert outcome == services.PENDING
    assert (pending.name, pending.mobile, pending.enterprise_name) == ("陈新人", "13912345678", "新人咨询")
    assert not Person.objects.filter(name="陈新人").exists()
    again, _ = services.signin(activity=live, name="陈新人", mobile="139 1234 5678")
    assert again == services.PENDING
    assert PendingAttendee.objects.count() == 1
    event = AuditEvent.objects.get(action="signin")
    assert "13912345678" not in str(event.__dict__)
    # A known mobile number with another name is not that person: it waits for staff too.
    outcome, _ = services.signin(activity=live, name="王冒名", mobile=cast.person_a.mobile)
    assert outcome == services.PENDING


def test_sign_in_refuses_bad_input_and_closed_or_cancelled_activities(cast, live):
    with pytest.raises(ValidationError) as e:
        services.signin(activity=live, name="张三", mobile="12345")
    assert "手机号码" in e.value.message_dict["mobile"][0]
    with pytest.raises(ValidationError):
        services.signin(activity=live, name="  ", mobile="13912345678")
    services.activity_update(by=cast.admin, activity=live, end=timezone.now() - dt.timedelta(hours=3),
                             start=timezone.now() - dt.timedelta(hours=5), signin_minutes=60)
    assert live.signin_state() == "closed"
    with pytest.raises(ValidationError):
        services.signin(activity=live, name="王东华", mobile=cast.person_a.mobile)
    services.activity_update(by=cast.admin, activity=live, end=timezone.now() + dt.timedelta(hours=1),
                             status="cancelled")
    assert live.signin_state() == "cancelled"
    assert not Attendance.objects.exists() and not PendingAttendee.objects.exists()


def test_staff_confirm_a_pending_sign_in_as_a_new_person(cast, live):
    _, pending = services.signin(activity=live, name="陈新人", mobile="13912345678")
    attendance = services.pending_confirm(by=cast.worker_a, pending=pending, enterprise=cast.enterprise_a)
    person = attendance.person
    assert (person.name, person.mobile, person.enterprise, person.region) == (
        "陈新人", "13912345678", cast.enterprise_a, cast.street_a)
    pending.refresh_from_db()
    assert pending.state == "confirmed" and pending.person == person and pending.decided_by == cast.worker_a
    assert AuditEvent.objects.filter(action="signin_confirm").count() == 1
    with pytest.raises(ValidationError):
        services.pending_confirm(by=cast.worker_a, pending=pending, person=cast.person_a)
    # Now known and counted: signing in again adds nothing, and is answered as any other visitor.
    assert services.signin(activity=live, name="陈新人", mobile="13912345678") == (services.PENDING, None)
    assert PendingAttendee.objects.count() == 1 and Attendance.objects.count() == 1


def test_confirming_as_an_existing_person_and_rejecting(cast, live):
    _, p1 = services.signin(activity=live, name="王东华", mobile="13912345678")  # a new number of his
    attendance = services.pending_confirm(by=cast.admin, pending=p1, person=cast.person_a)
    assert attendance.person == cast.person_a and attendance.enterprise == cast.enterprise_a
    _, p2 = services.signin(activity=live, name="捣乱者", mobile="13712345678")
    with pytest.raises(PermissionDenied):
        services.pending_reject(by=cast.worker_b, pending=p2)  # another street's activity
    services.pending_reject(by=cast.worker_a, pending=p2)
    p2.refresh_from_db()
    assert p2.state == "rejected"
    assert Attendance.objects.filter(activity=live).count() == 1


def test_manual_attendance_is_scoped_unique_and_keeps_the_enterprise_of_the_time(cast, live):
    a = services.attendance_add(by=cast.worker_a, activity=live, person=cast.person_a)
    assert a.enterprise == cast.enterprise_a and a.source == "manual"
    with pytest.raises(ValidationError):
        services.attendance_add(by=cast.worker_a, activity=live, person=cast.person_a)
    with pytest.raises(PermissionDenied):
        services.attendance_add(by=cast.worker_b, activity=live, person=cast.person_b)
    with pytest.raises(PermissionDenied):
        services.attendance_add(by=cast.worker_a, activity=live, person=cast.person_b)  # B's person: not visible
    with pytest.raises(PermissionDenied):
        services.attendance_add(by=cast.leader, activity=live, person=cast.person_a)
    # The person moves to B's enterprise; the attendance stays with A's enterprise and street.
    cast.person_a.enterprise = cast.enterprise_b
    cast.person_a.save()
    a.refresh_from_db()
    assert (a.enterprise, a.region) == (cast.enterprise_a, cast.street_a)


def test_an_activity_with_attendance_cannot_be_deleted_only_cancelled(cast, live):
    services.attendance_add(by=cast.admin, activity=live, person=cast.person_a)
    with pytest.raises(ValidationError):
        services.activity_delete(by=cast.admin, activity=live)
    services.activity_update(by=cast.admin, activity=live, status="cancelled")
    live.refresh_from_db()
    assert live.status == "cancelled"


def test_activity_rules_end_after_start_and_known_themes(cast):
    now = timezone.now()
    with pytest.raises(ValidationError) as e:
        services.activity_create(by=cast.admin, title="倒着的活动", kind="meeting", region=cast.street_a,
                                 start=now, end=now - dt.timedelta(hours=1))
    assert "结束时间" in e.value.message_dict["end"][0]
    with pytest.raises(ValidationError):
        services.activity_create(by=cast.admin, title="怪主题", kind="education", region=cast.street_a,
                                 start=now, end=now, themes=["faith"])
    with pytest.raises(PermissionDenied):
        services.activity_create(by=cast.worker_a, title="越界", kind="meeting", region=cast.street_b, start=now,
                                 end=now)


def test_rate_limit_counts_per_address(settings, db):
    settings.SHANGHUI_SIGNIN_RATE_LIMIT = 3
    assert all(services.note_signin_attempt("10.0.0.1") for _ in range(3))
    assert not services.note_signin_attempt("10.0.0.1")
    assert services.note_signin_attempt("10.0.0.2")
