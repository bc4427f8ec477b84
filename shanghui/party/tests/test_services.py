"""The setup rules of party organisations, coverage and members: refused with a clear message and
nothing written; the two history-keeping actions (coverage move, member transfer) audited."""

import datetime as dt
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from shanghui.audit.models import AuditEvent
from shanghui.directory.models import Enterprise
from shanghui.orgs.models import Chamber, Region
from shanghui.party import services
from shanghui.party.models import InstructorAssignment, PartyCoverage, PartyMember, PartyOrganization
from shanghui.testing import make_uscc

D = dt.date


def messages(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def counts() -> tuple:
    return (PartyOrganization.objects.count(), PartyCoverage.objects.count(), PartyMember.objects.count(),
            InstructorAssignment.objects.count(), AuditEvent.objects.count())


def member(world, person, org=None, **fields):
    fields = {"joined_party": D(2010, 7, 1), "joined_org": D(2020, 1, 1), **fields}
    return services.member_create(by=world.cast.admin, person=person, organization=org or world.ja, **fields)


# --- bad input: refused, nothing written -------------------------------------------------


def test_a_member_cannot_be_in_two_organisations_at_once(world):
    cast = world.cast
    member(world, cast.person_a)
    before = counts()
    with pytest.raises(ValidationError) as e:
        member(world, cast.person_a, org=world.oa, joined_org=D(2024, 6, 1))
    assert "同一时间只能属于一个党组织" in messages(e) and "转接" in messages(e)
    assert counts() == before
    # A stint that ended before is fine.
    services.member_update(by=cast.admin, member=PartyMember.objects.get(person=cast.person_a), left=D(2024, 5, 31))
    assert member(world, cast.person_a, org=world.oa, joined_org=D(2024, 6, 1)).organization == world.oa


def test_a_covered_enterprise_in_another_district_is_refused(world):
    cast = world.cast
    xicheng = Region.objects.create(code="110102", name="西城区", level="district", parent=cast.district.parent)
    street_x = Region.objects.create(code="110102001", name="西长安街街道", level="street", parent=xicheng)
    ent_x = Enterprise.objects.create(uscc=make_uscc(random.Random(3), "110102"), name="西城测试有限公司",
                                      region=street_x)
    before = counts()
    # The district admin of Dongcheng does not even see it.
    with pytest.raises(PermissionDenied):
        services.coverage_add(by=cast.admin, organization=world.ja, enterprise=ent_x, start=D(2024, 1, 1))
    # The superuser sees both, and the rule itself refuses it.
    with pytest.raises(ValidationError) as e:
        services.coverage_add(by=cast.superuser, organization=world.ja, enterprise=ent_x, start=D(2024, 1, 1))
    assert "西长安街街道" in messages(e) and "不在党组织" in messages(e)
    assert counts() == before


def test_a_street_joint_committee_covers_only_its_own_street(world):
    cast = world.cast
    before = counts()
    with pytest.raises(ValidationError) as e:
        services.coverage_add(by=cast.admin, organization=world.ja, enterprise=world.b_instructed,
                              start=D(2024, 1, 1))
    assert "景山街道" in messages(e)
    assert counts() == before


def test_term_end_before_founding_is_refused(world):
    cast = world.cast
    before = counts()
    with pytest.raises(ValidationError) as e:
        services.organization_create(by=cast.admin, name="东华门第二联合党支部", level="branch", form="joint",
                                     host_chamber=cast.chamber_a, founded=D(2024, 5, 1), term_end=D(2024, 4, 30))
    assert e.value.message_dict["term_end"] == ["本届届满日期不能早于成立日期。"]
    assert counts() == before
    with pytest.raises(ValidationError):
        services.organization_update(by=cast.admin, organization=world.ja, term_end=D(2018, 12, 31))
    world.ja.refresh_from_db()
    assert world.ja.term_end == D(2023, 12, 31)


def test_an_enterprise_is_covered_by_one_organisation_at_a_time(world):
    cast = world.cast
    second = services.organization_create(by=cast.admin, name="东华门第二联合党支部", level="branch", form="joint",
                                          host_chamber=cast.chamber_a, parent=world.ja, founded=D(2022, 1, 1))
    before = counts()
    with pytest.raises(ValidationError) as e:
        services.coverage_add(by=cast.admin, organization=second, enterprise=cast.enterprise_a, start=D(2023, 1, 1))
    assert "同一时间只能由一个党组织覆盖" in messages(e)
    # Backdated into the history of an enterprise now covered by another: refused as well.
    with pytest.raises(ValidationError):
        services.coverage_add(by=cast.admin, organization=second, enterprise=world.moved_ent, start=D(2022, 1, 1),
                              end=D(2022, 6, 30))
    assert counts() == before


@pytest.mark.parametrize(("fields", "field", "text"), [
    ({"form": "joint"}, "host_chamber", "须填写依托商会"),
    ({"form": "own"}, "enterprise", "须填写所在企业"),
    ({"form": "joint", "host_chamber": "chamber_a", "dissolved": D(2020, 1, 1)}, "dissolved", "撤销日期应晚于成立日期"),
    ({"form": "joint", "host_chamber": "chamber_a", "level": "general_branch", "parent": "oa"}, "parent", "不能作为"),
])
def test_organisation_setup_rules(world, fields, field, text):
    cast = world.cast
    fields = {"name": "新党组织", "level": "branch", "founded": D(2021, 1, 1), **fields}
    if fields.get("host_chamber") == "chamber_a":
        fields["host_chamber"] = cast.chamber_a
    if fields.get("parent") == "oa":
        fields["parent"] = world.oa
    before = counts()
    with pytest.raises(ValidationError) as e:
        services.organization_create(by=cast.admin, **fields)
    assert any(text in m for m in e.value.message_dict.get(field, [])), e.value.message_dict
    assert counts() == before


def test_organisation_cannot_be_its_own_ancestor(world):
    with pytest.raises(ValidationError) as e:
        services.organization_update(by=world.cast.admin, organization=world.ja, parent=world.oa)
    assert "上级党组织不能是本组织或其下级组织" in messages(e)


def test_dissolving_needs_coverage_ended_and_members_transferred(world):
    with pytest.raises(ValidationError) as e:
        services.organization_update(by=world.cast.admin, organization=world.ja, dissolved=D(2025, 1, 1))
    assert "撤销前请先结束" in messages(e)


def test_instructor_not_for_an_enterprise_with_its_own_organisation(world):
    before = counts()
    with pytest.raises(ValidationError) as e:
        services.assignment_create(by=world.cast.admin, instructor=world.instructor_a, enterprise=world.moved_ent,
                                   start=D(2024, 6, 1))
    assert "已有单独组建的党组织" in messages(e)
    assert counts() == before
    # Before its own branch was formed, an instructor could be assigned.
    services.assignment_create(by=world.cast.admin, instructor=world.instructor_a, enterprise=world.moved_ent,
                               start=D(2023, 1, 1), end=D(2024, 4, 30))


def test_a_street_worker_cannot_write_the_other_street(world):
    cast = world.cast
    before = counts()
    with pytest.raises(PermissionDenied):
        services.coverage_add(by=cast.worker_a, organization=world.jb, enterprise=world.b_instructed,
                              start=D(2024, 8, 1))
    with pytest.raises(PermissionDenied):
        services.organization_create(by=cast.worker_a, name="景山联合党支部", level="branch", form="joint",
                                     host_chamber=cast.chamber_b, founded=D(2024, 8, 1))
    with pytest.raises(PermissionDenied):
        services.organization_create(by=cast.leader, name="东华门联合党支部", level="branch", form="joint",
                                     host_chamber=cast.chamber_a, founded=D(2024, 8, 1))
    assert counts() == before


# --- history-keeping actions --------------------------------------------------------


def test_own_organisation_takes_over_coverage_from_the_joint_committee(world):
    rows = list(PartyCoverage.objects.filter(enterprise=world.moved_ent).order_by("start")
                .values_list("organization__name", "start", "end"))
    assert rows == [(world.ja.name, D(2020, 1, 1), D(2024, 4, 30)), (world.oa.name, D(2024, 5, 1), None)]
    events = AuditEvent.objects.filter(object_type="party.partycoverage").order_by("id")
    assert [e.action for e in events][-2:] == ["update", "create"]


def test_coverage_move_is_one_audited_action_that_rolls_back_whole(world):
    cast = world.cast
    second = services.organization_create(by=cast.admin, name="东华门第二联合党支部", level="branch", form="joint",
                                          host_chamber=cast.chamber_a, parent=world.ja, founded=D(2024, 1, 1))
    new = services.coverage_move(by=cast.admin, enterprise=cast.enterprise_a, organization=second, on=D(2024, 9, 1))
    old = PartyCoverage.objects.get(enterprise=cast.enterprise_a, organization=world.ja)
    assert (old.end, new.start, new.end) == (D(2024, 8, 31), D(2024, 9, 1), None)
    # Moving to a date before the current coverage began is refused; the rows stay as they were.
    before = list(PartyCoverage.objects.values_list("pk", "end").order_by("pk"))
    with pytest.raises(ValidationError) as e:
        services.coverage_move(by=cast.admin, enterprise=cast.enterprise_a, organization=world.ja, on=D(2024, 9, 1))
    assert "另有覆盖记录" in messages(e)
    assert list(PartyCoverage.objects.values_list("pk", "end").order_by("pk")) == before


def test_member_transfer_keeps_history(world):
    cast = world.cast
    first = member(world, cast.person_a, joined_org=D(2021, 3, 1), flowing=True)
    new = services.member_transfer(by=cast.admin, member=first, to=world.oa, on=D(2024, 6, 1))
    first.refresh_from_db()
    assert first.left == D(2024, 5, 31)
    assert (new.organization, new.joined_org, new.left, new.joined_party, new.flowing) == (
        world.oa, D(2024, 6, 1), None, D(2010, 7, 1), True)
    assert list(PartyMember.objects.active_on(D(2024, 5, 31)).filter(person=cast.person_a)) == [first]
    assert list(PartyMember.objects.active_on(D(2024, 6, 1)).filter(person=cast.person_a)) == [new]
    event = AuditEvent.objects.filter(object_type="party.partymember", object_id=str(first.pk)).order_by("id").last()
    assert event.extra["operation"] == "member_transfer" and event.extra["to_member"] == new.pk
    # A transfer dated before the member joined the current organisation: refused, nothing written.
    before = counts()
    with pytest.raises(ValidationError):
        services.member_transfer(by=cast.admin, member=new, to=world.ja, on=D(2024, 6, 1))
    assert counts() == before


def test_worker_transfers_through_the_web_page(world):
    cast = world.cast
    first = member(world, cast.person_a)
    client = Client()
    client.force_login(cast.worker_a)
    response = client.post(f"/party/members/{first.pk}/transfer/", {"to": world.oa.pk, "on": "2024-07-01"})
    assert response.status_code == 302
    assert PartyMember.objects.get(person=cast.person_a, left__isnull=True).organization == world.oa
    # Bad input: a clear message, nothing written.
    current = PartyMember.objects.get(person=cast.person_a, left__isnull=True)
    before = counts()
    response = client.post(f"/party/members/{current.pk}/transfer/", {"to": world.ja.pk, "on": "2024-06-01"})
    assert response.status_code == 200 and "转接日期应晚于" in response.content.decode()
    assert counts() == before


def test_instructor_records_a_visit_to_his_enterprise_only(world):
    cast = world.cast
    mine = InstructorAssignment.objects.get(enterprise=world.instructed)
    visit = services.visit_create(by=cast.instructor_a, assignment=mine, date=D(2024, 2, 1), topics="宣讲政策")
    assert visit.assignment == mine
    other = services.assignment_create(by=cast.admin, instructor=world.instructor_a, enterprise=world.bare,
                                       start=D(2024, 1, 1))
    InstructorAssignment.objects.filter(pk=other.pk).update(instructor=_other_instructor(world))
    other.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.visit_create(by=cast.instructor_a, assignment=other, date=D(2024, 2, 1), topics="宣讲政策")
    with pytest.raises(ValidationError) as e:  # after the assignment ended
        services.visit_create(by=cast.instructor_a, assignment=mine, date=D(2024, 5, 1), topics="回访")
    assert "走访日期应在指导期间" in messages(e)


def _other_instructor(world):
    from shanghui.orgs.models import StaffAssignment

    return StaffAssignment.objects.create(chamber=world.cast.chamber_a, kind="instructor", name="郑指导",
                                          start=D(2018, 1, 1))


# --- web forms: bad input is a page with messages, never a 500 ---------------------------------


@pytest.mark.parametrize("noun", ["organization", "coverage", "member", "assignment", "visit", "orglife"])
def test_garbage_posted_to_party_forms_changes_nothing(world, noun):
    client = Client()
    client.force_login(world.cast.worker_a)
    garbage = {"name": "", "level": "nope", "form": "x", "parent": "abc", "host_chamber": "0", "enterprise": "-1",
               "founded": "2024-13-45", "term_years": "99", "term_end": "tomorrow", "organization": "999999",
               "person": "x", "category": "?", "joined_party": "3000-01-01", "joined_org": "", "instructor": "1e9",
               "start": "2024-02-30", "end": "x", "assignment": "0", "date": "", "topics": "", "kind": "dance",
               "attendance": "-3", "topic": ""}
    before = counts()
    response = client.post(f"/party/{noun}s/new/", garbage)
    assert response.status_code == 200
    assert "请检查" in response.content.decode() or "此字段" in response.content.decode()
    assert counts() == before


def test_worker_creates_an_own_organisation_through_the_web_form(world):
    cast = world.cast
    client = Client()
    client.force_login(cast.worker_a)
    response = client.post("/party/organizations/new/", {
        "name": "东华门文化传媒有限公司党支部", "level": "branch", "form": "own", "enterprise": cast.enterprise_a.pk,
        "parent": world.ja.pk, "founded": "2024-03-01", "term_years": "3"})
    assert response.status_code == 302, response.content.decode()[:2000]
    org = PartyOrganization.objects.get(name="东华门文化传媒有限公司党支部")
    assert org.term_end == D(2027, 2, 28)
    assert PartyCoverage.objects.get(enterprise=cast.enterprise_a, end__isnull=True).organization == org


def test_minutes_file_type_is_checked(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(world.cast.worker_a)
    data = {"organization": world.ja.pk, "kind": "lecture", "date": "2024-03-05", "topic": "专题党课",
            "attendance": "18"}
    bad = client.post("/party/orglifes/new/", {**data, "minutes": SimpleUploadedFile("x.exe", b"MZ")})
    assert bad.status_code == 200 and "exe" in bad.content.decode()
    good = client.post("/party/orglifes/new/", {**data, "minutes": SimpleUploadedFile("记录.pdf", b"%PDF-1.4")})
    assert good.status_code == 302
    from shanghui.party.models import OrgLifeRecord

    entry = OrgLifeRecord.objects.get()
    download = client.get(f"/party/orglifes/{entry.pk}/minutes/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4"


def test_chamber_hosting_a_party_organisation_cannot_be_deleted(world):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Chamber.objects.filter(pk=world.cast.chamber_a.pk).delete()
    assert PartyOrganization.objects.filter(pk=world.ja.pk).exists()
