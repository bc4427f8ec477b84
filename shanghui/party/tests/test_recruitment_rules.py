"""Every time rule of 发展党员 (recruitment.py), through the service: the early (or late) step is refused with
the rule and its article quoted, and nothing is written; the step on the first allowed day is accepted."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from shanghui.audit.models import AuditEvent
from shanghui.directory.models import Person
from shanghui.orgs.models import Holiday
from shanghui.party import recruitment as rules
from shanghui.party import recruitment_services as rs
from shanghui.party.models import PartyMember, RecruitmentStep

D = dt.date
APPLIED, BIRTH, ACTIVIST, DEVELOPMENT, MEETING = D(2023, 5, 10), D(1995, 3, 1), D(2023, 7, 1), D(2024, 7, 1), D(2024, 11, 15)


@pytest.fixture
def admin(world):
    return world.cast.admin


@pytest.fixture
def person(world):
    return Person.objects.create(name="陈发展", region=world.cast.street_a, enterprise=world.cast.enterprise_a)


def new(world, person, applied=APPLIED, birth=BIRTH):
    return rs.candidate_create(by=world.cast.admin, person=person, organization=world.ja, applied=applied,
                               birth_date=birth)


def refused(call, article: str) -> str:
    before = (RecruitmentStep.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as info:
        call()
    text = " ".join(info.value.messages)
    assert f"《中国共产党发展党员工作细则》{article}" in text, text
    assert (RecruitmentStep.objects.count(), AuditEvent.objects.count()) == before
    return text


def to_activist(by, c, activist=ACTIVIST):
    rs.step_add(by=by, candidate=c, kind="talk", date=c.applied + dt.timedelta(days=10), people="李支书")
    rs.step_add(by=by, candidate=c, kind="activist", date=activist)
    rs.step_add(by=by, candidate=c, kind="contacts", date=activist, people="张三、李四")


def to_development(by, c, development=DEVELOPMENT):
    to_activist(by, c)
    rs.step_add(by=by, candidate=c, kind="assessment", date=D(2023, 12, 1))
    rs.step_add(by=by, candidate=c, kind="assessment", date=D(2024, 6, 1))
    rs.step_add(by=by, candidate=c, kind="development", date=development)


def to_branch_meeting(by, c, meeting=MEETING):
    to_development(by, c)
    rs.step_add(by=by, candidate=c, kind="introducers", date=D(2024, 7, 5), people="张三、李四")
    rs.step_add(by=by, candidate=c, kind="political_review", date=D(2024, 8, 1))
    rs.step_add(by=by, candidate=c, kind="training", date=D(2024, 8, 5), end=D(2024, 8, 7), hours=24)
    rs.step_add(by=by, candidate=c, kind="branch_review", date=D(2024, 9, 2))
    rs.step_add(by=by, candidate=c, kind="publicity", date=D(2024, 9, 9), end=D(2024, 9, 13))
    rs.step_add(by=by, candidate=c, kind="prereview", date=D(2024, 9, 20))
    rs.step_add(by=by, candidate=c, kind="form", date=D(2024, 10, 10))
    rs.step_add(by=by, candidate=c, kind="branch_meeting", date=meeting)
    rs.step_add(by=by, candidate=c, kind="committee_talk", date=meeting + dt.timedelta(days=10))


def test_age_at_least_18(world, person):
    refused(lambda: new(world, person, applied=D(2023, 5, 9), birth=D(2005, 5, 10)), "第五条")
    c = new(world, person, applied=D(2023, 5, 10), birth=D(2005, 5, 10))
    assert c.stage == rules.Stage.APPLICANT and c.steps.get().kind == "application"


def test_talk_within_one_month(world, person, admin):
    c = new(world, person, applied=D(2023, 5, 10))
    text = refused(lambda: rs.step_add(by=admin, candidate=c, kind="talk", date=D(2023, 6, 11)), "第七条")
    assert "2023-06-10" in text
    with pytest.raises(ValidationError):  # before the application
        rs.step_add(by=admin, candidate=c, kind="talk", date=D(2023, 5, 9))
    rs.step_add(by=admin, candidate=c, kind="talk", date=D(2023, 6, 10), people="李支书")
    assert c.steps.filter(kind="talk").exists()


def test_a_late_talk_is_recorded_with_its_reason(world, person, admin):
    c = new(world, person, applied=D(2023, 5, 10))
    step = rs.step_add(by=admin, candidate=c, kind="talk", date=D(2023, 7, 1), overdue_reason="支部书记外派")
    assert step.overdue_reason == "支部书记外派"


def test_one_year_as_activist(world, person, admin):
    c = new(world, person)
    to_activist(admin, c, activist=D(2023, 7, 1))
    rs.step_add(by=admin, candidate=c, kind="assessment", date=D(2023, 12, 1))
    rs.step_add(by=admin, candidate=c, kind="assessment", date=D(2024, 6, 1))
    text = refused(lambda: rs.step_add(by=admin, candidate=c, kind="development", date=D(2024, 6, 30)), "第十三条")
    assert "2024-07-01" in text
    rs.step_add(by=admin, candidate=c, kind="development", date=D(2024, 7, 1))
    c.refresh_from_db()
    assert c.stage == rules.Stage.DEVELOPMENT and c.development_on == D(2024, 7, 1)


def test_an_assessment_every_half_year(world, person, admin):
    c = new(world, person)
    to_activist(admin, c, activist=D(2023, 7, 1))
    rs.step_add(by=admin, candidate=c, kind="assessment", date=D(2023, 12, 1))
    # The half-year 2024-01-01 … 2024-06-30 has no assessment.
    text = refused(lambda: rs.step_add(by=admin, candidate=c, kind="development", date=D(2024, 7, 1)), "第十一条")
    assert "2024-01-01至2024-06-30" in text
    rs.step_add(by=admin, candidate=c, kind="assessment", date=D(2024, 6, 30))
    rs.step_add(by=admin, candidate=c, kind="development", date=D(2024, 7, 1))


def test_concentrated_training_three_days_or_24_hours(world, person, admin):
    c = new(world, person)
    to_development(admin, c)
    refused(lambda: rs.step_add(by=admin, candidate=c, kind="training", date=D(2024, 8, 5), end=D(2024, 8, 6),
                                hours=16), "第十七条")
    rs.step_add(by=admin, candidate=c, kind="training", date=D(2024, 8, 5), end=D(2024, 8, 6), hours=24)


def test_training_of_three_days_is_enough_and_must_come_before_the_branch_review(world, person, admin):
    c = new(world, person)
    to_development(admin, c)
    rs.step_add(by=admin, candidate=c, kind="introducers", date=D(2024, 7, 5), people="张三、李四")
    rs.step_add(by=admin, candidate=c, kind="political_review", date=D(2024, 8, 1))
    rs.step_add(by=admin, candidate=c, kind="training", date=D(2024, 8, 5), end=D(2024, 8, 7))
    refused(lambda: rs.step_add(by=admin, candidate=c, kind="branch_review", date=D(2024, 8, 7)), "第十七条")
    rs.step_add(by=admin, candidate=c, kind="branch_review", date=D(2024, 8, 8))


def _to_publicity(admin, c):
    to_development(admin, c)
    rs.step_add(by=admin, candidate=c, kind="introducers", date=D(2024, 7, 5), people="张三、李四")
    rs.step_add(by=admin, candidate=c, kind="political_review", date=D(2024, 8, 1))
    rs.step_add(by=admin, candidate=c, kind="training", date=D(2024, 8, 5), end=D(2024, 8, 7))
    rs.step_add(by=admin, candidate=c, kind="branch_review", date=D(2024, 9, 2))


def test_publicity_five_working_days_across_national_day(world, person, admin):
    """公示 from Friday 2024-09-27: working days 9-27, Sunday 9-29 (调休上班), 9-30, then 国庆 (10-1 … 10-7)
    does not count, 10-8, 10-9. It ends on 10-9; the pre-review may come from 10-10."""
    c = new(world, person)
    _to_publicity(admin, c)
    cal = rs.calendar_for(D(2024, 9, 27))
    assert rules.publicity_last_day(D(2024, 9, 27), cal) == D(2024, 10, 9)
    text = refused(lambda: rs.step_add(by=admin, candidate=c, kind="publicity", date=D(2024, 9, 27),
                                       end=D(2024, 10, 8)), "第十九条（公示期按各地实施办法）")
    assert "2024-10-09" in text
    rs.step_add(by=admin, candidate=c, kind="publicity", date=D(2024, 9, 27), end=D(2024, 10, 9))
    refused(lambda: rs.step_add(by=admin, candidate=c, kind="prereview", date=D(2024, 10, 9)), "第十九条（公示期按各地实施办法）")
    rs.step_add(by=admin, candidate=c, kind="prereview", date=D(2024, 10, 10))


def test_publicity_across_a_weekend_and_a_district_closure(world, person, admin):
    """From Wednesday 2024-09-04: 9-4, 9-5, 9-6, (weekend), 9-9, 9-10. A district closure on 9-9 (Holiday
    override) pushes the end to 9-11."""
    c = new(world, person)
    _to_publicity(admin, c)
    assert rules.publicity_last_day(D(2024, 9, 4), rs.calendar_for(D(2024, 9, 4))) == D(2024, 9, 10)
    Holiday.objects.create(date=D(2024, 9, 9), kind=Holiday.Kind.CLOSURE, note="区内停电")
    refused(lambda: rs.step_add(by=admin, candidate=c, kind="publicity", date=D(2024, 9, 4), end=D(2024, 9, 10)),
            "第十九条（公示期按各地实施办法）")
    rs.step_add(by=admin, candidate=c, kind="publicity", date=D(2024, 9, 4), end=D(2024, 9, 11))
    refused(lambda: rs.step_add(by=admin, candidate=c, kind="prereview", date=D(2024, 9, 11)), "第十九条（公示期按各地实施办法）")
    rs.step_add(by=admin, candidate=c, kind="prereview", date=D(2024, 9, 12))


def test_approval_within_three_months_creates_the_probationary_member(world, person, admin):
    c = new(world, person)
    to_branch_meeting(admin, c, meeting=D(2024, 11, 15))
    text = refused(lambda: rs.step_add(by=admin, candidate=c, kind="approval", date=D(2025, 2, 16)), "第二十六条")
    assert "2025-02-15" in text
    assert not PartyMember.objects.filter(person=person).exists()
    rs.step_add(by=admin, candidate=c, kind="approval", date=D(2025, 2, 15))
    c.refresh_from_db()
    member = PartyMember.objects.get(person=person)
    assert c.member == member and c.stage == rules.Stage.PROBATIONARY
    assert (member.category, member.joined_party, member.organization) == ("probationary", D(2024, 11, 15), world.ja)


def test_approval_beyond_six_months_is_refused_even_with_a_reason(world, person, admin):
    c = new(world, person)
    to_branch_meeting(admin, c, meeting=D(2024, 11, 15))
    refused(lambda: rs.step_add(by=admin, candidate=c, kind="approval", date=D(2025, 5, 16),
                                overdue_reason="上级党委换届"), "第二十六条")
    rs.step_add(by=admin, candidate=c, kind="approval", date=D(2025, 5, 15), overdue_reason="上级党委换届")


def test_probation_of_one_year_then_full_member(world, person, admin):
    c = new(world, person)
    to_branch_meeting(admin, c, meeting=D(2024, 11, 15))
    rs.step_add(by=admin, candidate=c, kind="approval", date=D(2024, 12, 20))
    rs.step_add(by=admin, candidate=c, kind="oath", date=D(2025, 1, 10))
    rs.step_add(by=admin, candidate=c, kind="conversion_application", date=D(2025, 10, 20))
    text = refused(lambda: rs.step_add(by=admin, candidate=c, kind="conversion_meeting", date=D(2025, 11, 14)),
                   "第二十七条")
    assert "2025-11-15" in text
    rs.step_add(by=admin, candidate=c, kind="conversion_meeting", date=D(2025, 11, 15))
    rs.step_add(by=admin, candidate=c, kind="conversion_approval", date=D(2025, 12, 1))
    c.refresh_from_db()
    assert c.stage == rules.Stage.FULL and c.full_on == D(2025, 11, 15)
    assert PartyMember.objects.get(person=person).category == "full"


def test_steps_keep_the_order_of_the_rules(world, person, admin):
    c = new(world, person)
    with pytest.raises(ValidationError, match="请先登记“党组织派人谈话”"):
        rs.step_add(by=admin, candidate=c, kind="activist", date=D(2023, 6, 1))
    with pytest.raises(ValidationError, match="尚未进入这一阶段"):
        rs.step_add(by=admin, candidate=c, kind="training", date=D(2023, 6, 1))


def test_todo_lists_overdue_and_due_soon(world, person, admin):
    c = new(world, person, applied=D(2023, 5, 10))
    facts = rs.facts_of(c)
    assert [t.what for t in rules.todo(facts, D(2023, 5, 11))] == ["同入党申请人谈话"]
    assert rules.todo(facts, D(2023, 5, 10)) == []  # due 06-10: not yet within 30 days
    overdue = rules.todo(facts, D(2023, 7, 1))[0]
    assert overdue.due == D(2023, 6, 10) and overdue.state(D(2023, 7, 1)) == "overdue"
    rs.step_add(by=admin, candidate=c, kind="talk", date=D(2023, 5, 20))
    assert rules.todo(rs.facts_of(c), D(2023, 6, 1)) == []


def test_the_publicity_notice_names_the_working_day_period(world, person, admin):
    import io

    import docx
    from django.urls import reverse

    from shanghui.testing import client_for

    c = new(world, person)
    _to_publicity(admin, c)
    rs.step_add(by=admin, candidate=c, kind="publicity", date=D(2024, 9, 27), end=D(2024, 10, 9))
    response = client_for(world.cast, "admin").get(reverse("party:candidate_publicity_docx", args=[c.pk]))
    assert response.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "公示期为2024年9月27日至2024年10月9日" in text and person.name in text
