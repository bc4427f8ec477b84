"""The organisation tree's services: only the federation admin (and the superuser) writes, inside his
region; every write is audited; bad input is refused in Chinese and changes nothing; history stays."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shanghui.audit.models import AuditEvent
from shanghui.directory.models import Enterprise
from shanghui.orgs import services
from shanghui.orgs.models import ChamberDepartment, Department, Region, RegionChange, StaffAssignment

pytestmark = pytest.mark.django_db

D = dt.date


def test_only_the_federation_admin_and_the_superuser_change_the_tree(cast):
    for who in (cast.worker_a, cast.leader, cast.instructor_a, cast.enterprise_user_a, cast.auditor):
        with pytest.raises(PermissionDenied):
            services.department_create(by=who, code="civil", name="民政")
        with pytest.raises(PermissionDenied):
            services.staff_create(by=who, chamber=cast.chamber_a, kind="worker", name="张三", start=D(2020, 1, 1))
        with pytest.raises(PermissionDenied):
            services.region_update(by=who, region=cast.street_a, name="东华门新街道")
    assert not Department.objects.filter(code="civil").exists()
    assert not StaffAssignment.objects.exists()
    services.department_create(by=cast.superuser, code="civil", name="民政")
    assert AuditEvent.objects.filter(action="create", actor=cast.superuser, object_type__icontains="department").exists()


def test_a_street_federation_admin_changes_only_his_street(cast):
    from shanghui.testing import _user

    street_admin = _user("street_admin", "federation_admin", region=cast.street_a)
    services.staff_create(by=street_admin, chamber=cast.chamber_a, kind="worker", name="张三", start=D(2020, 1, 1))
    with pytest.raises(PermissionDenied):
        services.staff_create(by=street_admin, chamber=cast.chamber_b, kind="worker", name="李四", start=D(2020, 1, 1))
    with pytest.raises(PermissionDenied):
        services.region_merge(by=street_admin, streets=[cast.street_a, cast.street_b], year=2020, code="110101099",
                              name="合并街道")


def test_staff_who_leave_keep_their_history(cast):
    instructor = services.staff_create(by=cast.admin, chamber=cast.chamber_a, kind="instructor", name="王指导",
                                       user=cast.instructor_a, start=D(2016, 3, 1))
    with pytest.raises(ValidationError) as refused:
        services.staff_delete(by=cast.admin, assignment=instructor)
    assert "不能删除" in refused.value.messages[0]
    services.staff_end(by=cast.admin, assignment=instructor, end=D(2019, 6, 30))
    successor = services.staff_create(by=cast.admin, chamber=cast.chamber_a, kind="instructor", name="陈指导",
                                      start=D(2019, 7, 1))
    # Who was the instructor in 2018, and who is it now.
    in_2018 = StaffAssignment.objects.filter(kind="instructor").active_on(D(2018, 5, 1))
    assert [a.name for a in in_2018] == ["王指导"]
    assert [a.name for a in StaffAssignment.objects.filter(kind="instructor").active_on(D(2020, 1, 1))] == ["陈指导"]
    assert AuditEvent.objects.filter(action="update", object_id=str(instructor.pk), fields=["end"]).exists()
    with pytest.raises(ValidationError):
        services.staff_end(by=cast.admin, assignment=instructor, end=D(2020, 1, 1))
    assert successor.pk


def test_an_assignment_not_begun_may_be_deleted_and_an_end_before_the_start_is_refused(cast):
    future = services.staff_create(by=cast.admin, chamber=cast.chamber_a, kind="worker", name="赵未来",
                                   start=D.today() + dt.timedelta(days=30))
    with pytest.raises(ValidationError) as refused:
        services.staff_update(by=cast.admin, assignment=future, end=D(2000, 1, 1))
    assert "结束日期不能早于起始日期" in str(refused.value)
    future.refresh_from_db()
    assert future.end is None
    pk = future.pk
    services.staff_delete(by=cast.admin, assignment=future)
    assert not StaffAssignment.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(pk)).exists()


def test_staff_may_be_linked_only_to_an_account_the_admin_manages(cast):
    with pytest.raises(ValidationError) as refused:
        services.staff_create(by=cast.admin, chamber=cast.chamber_a, kind="worker", name="审计", user=cast.auditor,
                              start=D(2020, 1, 1))
    assert "user" in refused.value.message_dict
    assert not StaffAssignment.objects.exists()


def test_stationing_ends_rather_than_disappears_and_a_department_may_return(cast):
    row = services.stationing_create(by=cast.admin, chamber=cast.chamber_a, department=cast.market,
                                     since=D(2017, 1, 1))
    with pytest.raises(ValidationError):
        services.stationing_create(by=cast.admin, chamber=cast.chamber_a, department=cast.market, since=D(2018, 1, 1))
    with pytest.raises(ValidationError):
        services.stationing_delete(by=cast.admin, stationing=row)
    services.stationing_update(by=cast.admin, stationing=row, until=D(2018, 12, 31))
    services.stationing_create(by=cast.admin, chamber=cast.chamber_a, department=cast.market, since=D(2020, 1, 1))
    assert ChamberDepartment.objects.filter(chamber=cast.chamber_a, department=cast.market).count() == 2
    with pytest.raises(PermissionDenied):
        services.stationing_create(by=cast.worker_a, chamber=cast.chamber_a, department=cast.market)


def test_a_department_with_stationing_is_not_deleted(cast):
    services.stationing_create(by=cast.admin, chamber=cast.chamber_a, department=cast.market, since=D(2017, 1, 1))
    with pytest.raises(ValidationError) as refused:
        services.department_delete(by=cast.admin, department=cast.market)
    assert "进驻记录" in refused.value.messages[0]
    assert Department.objects.filter(pk=cast.market.pk).exists()


def test_a_chamber_with_staff_is_made_inactive_not_deleted(cast):
    chamber = services.chamber_create(by=cast.admin, name="东华门餐饮行业商会", kind="industry", region=cast.street_a)
    services.staff_create(by=cast.admin, chamber=chamber, kind="worker", name="孙秘书", start=D(2019, 1, 1))
    with pytest.raises(ValidationError) as refused:
        services.chamber_delete(by=cast.admin, chamber=chamber)
    assert "人员配备" in refused.value.messages[0]
    services.chamber_update(by=cast.admin, chamber=chamber, is_active=False)
    chamber.refresh_from_db()
    assert chamber.is_active is False


def test_a_new_street_needs_a_nine_digit_code_under_its_district(cast):
    for code in ("12345", "110102001", "11010100x"):
        with pytest.raises(ValidationError) as refused:
            services.region_create(by=cast.admin, parent=cast.district, code=code, name="新街道")
        assert "9位数字" in str(refused.value)
    with pytest.raises(ValidationError):
        services.region_create(by=cast.admin, parent=cast.street_a, code="110101088", name="新街道")
    with pytest.raises(ValidationError):  # the code is taken
        services.region_create(by=cast.admin, parent=cast.district, code=cast.street_a.code, name="新街道")
    street = services.region_create(by=cast.admin, parent=cast.district, code="110101088", name="新街道")
    assert street.level == Region.Level.STREET and street.path == f"{cast.district.path}110101088/"
    renamed = services.region_update(by=cast.admin, region=street, name="新名街道")
    assert renamed.name == "新名街道"
    assert AuditEvent.objects.filter(action="update", object_id=str(street.pk), fields=["name"]).exists()


def test_a_merger_is_refused_whole_on_bad_input(cast):
    streets = [cast.street_a, cast.street_b]
    before = list(Region.objects.values_list("pk", "path", "valid_to"))
    bad = [
        {"streets": [cast.street_a], "year": 2020, "code": "110101099"},
        {"streets": streets, "year": 1900, "code": "110101099"},
        {"streets": streets, "year": 2020, "code": "110101001"},  # the code is taken
        {"streets": [cast.street_a, cast.district], "year": 2020, "code": "110101099"},
    ]
    for kwargs in bad:
        with pytest.raises(ValidationError):
            services.region_merge(by=cast.admin, name="合并街道", **kwargs)
    assert list(Region.objects.values_list("pk", "path", "valid_to")) == before
    assert not RegionChange.objects.exists()


def test_a_merger_is_recorded_and_audited(cast):
    change = services.region_merge(by=cast.admin, streets=[cast.street_a, cast.street_b], year=2020,
                                   code="110101099", name="东华门景山街道", note="国务院批复")
    assert change.kind == "merge" and set(change.sources.all()) == {cast.street_a, cast.street_b}
    merged = change.results.get()
    assert merged.valid_from == 2020
    for street in (cast.street_a, cast.street_b):
        street.refresh_from_db()
        assert (street.valid_to, street.parent) == (2019, merged)
        assert AuditEvent.objects.filter(action="update", object_id=str(street.pk)).exists()
    assert AuditEvent.objects.filter(action="create", object_id=str(change.pk)).exists()
    # The old streets' staff work for the merged street and see both old streets' rows.
    for who in ("worker_a", "worker_b"):
        user = cast.user(who)
        user.refresh_from_db()
        assert user.region == merged
        assert {cast.enterprise_a, cast.enterprise_b} <= set(Enterprise.objects.visible_to(user))
    with pytest.raises(ValidationError):  # an ended street cannot be merged again
        services.region_merge(by=cast.admin, streets=[cast.street_a, Region.objects.get(code="110101003")],
                              year=2021, code="110101098", name="又一街道")
