"""The commendation campaign: nominations in scope, quotas, the public notice, objections, the decision."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shanghui.audit.models import AuditEvent
from shanghui.honors import services
from shanghui.honors.models import Campaign, Honor, Level, Nomination, RecipientKind

from .conftest import nominate

TODAY = dt.date.today()


def _to_notice(world, start, end, *approve):
    for nomination in approve:
        services.nomination_approve(by=world.cast.admin, nomination=nomination)
    return services.notice_start(by=world.cast.admin, campaign=world.campaign, start=start, end=end)


def _set_today(monkeypatch, day):
    monkeypatch.setattr(services, "_today", lambda: day)


# --- nominations ---------------------------------------------------------------------------


def test_a_street_worker_nominates_within_her_street(world):
    cast = world.cast
    n = nominate(world, world.orgs, world.org_a, by=cast.worker_a)
    assert n.state == Nomination.State.SUBMITTED and n.party_organization == world.org_a
    assert n.recipient_kind == RecipientKind.PARTY_ORGANIZATION


def test_a_street_worker_cannot_nominate_outside_her_street(world):
    cast = world.cast
    # Not her chamber.
    with pytest.raises(PermissionDenied):
        nominate(world, world.orgs, world.org_b, chamber=cast.chamber_b, by=cast.worker_a)
    # Her chamber, another street's nominee.
    with pytest.raises(PermissionDenied):
        nominate(world, world.orgs, world.org_b, chamber=cast.chamber_a, by=cast.worker_a)
    assert not Nomination.objects.exists()


def test_a_chamber_nominates_only_inside_its_region(world):
    # The federation admin sees everything, but street A's chamber still cannot put up street B's organisation.
    with pytest.raises(ValidationError, match="不在推荐商会"):
        nominate(world, world.orgs, world.org_b, chamber=world.cast.chamber_a)


def test_read_only_roles_cannot_nominate(world):
    for who in ("leader", "instructor_a", "auditor", "enterprise_user_a"):
        with pytest.raises(PermissionDenied):
            nominate(world, world.orgs, world.org_a, by=getattr(world.cast, who))
    assert not Nomination.objects.exists()


def test_the_nominee_must_match_the_category(world):
    cast = world.cast
    with pytest.raises(ValidationError, match="只能推荐党组织"):
        nominate(world, world.orgs, cast.person_a)
    with pytest.raises(ValidationError, match="不是中共党员"):
        nominate(world, world.members, cast.youth_member)
    assert nominate(world, world.members, cast.person_a).person == cast.person_a


def test_the_same_nominee_cannot_be_nominated_twice_in_a_category(world):
    nominate(world, world.orgs, world.org_a)
    with pytest.raises(ValidationError, match="不能重复推荐"):
        nominate(world, world.orgs, world.org_a)


def test_nominations_close_when_review_starts(world):
    services.campaign_review_start(by=world.cast.admin, campaign=world.campaign)
    with pytest.raises(ValidationError, match="征集推荐"):
        nominate(world, world.orgs, world.org_a)


# --- review and quotas ---------------------------------------------------------------------


def test_approving_beyond_the_quota_is_refused_with_the_numbers(world):
    cast = world.cast
    first, second = nominate(world, world.orgs, world.org_a), nominate(world, world.orgs, world.org_a2)
    third = nominate(world, world.orgs, world.org_b, chamber=cast.chamber_b)
    services.nomination_approve(by=cast.admin, nomination=first)
    services.nomination_approve(by=cast.admin, nomination=second)
    with pytest.raises(ValidationError) as e:
        services.nomination_approve(by=cast.admin, nomination=third)
    assert "名额为2个，已通过2个" in e.value.messages[0]
    third.refresh_from_db()
    assert third.state == Nomination.State.SUBMITTED
    # Making room: reject one, then the third fits.
    services.nomination_reject(by=cast.admin, nomination=second, reason="材料不全")
    services.nomination_approve(by=cast.admin, nomination=third)
    assert world.orgs.nominations.filter(state=Nomination.State.APPROVED).count() == 2


def test_a_rejection_needs_a_reason(world):
    n = nominate(world, world.orgs, world.org_a)
    with pytest.raises(ValidationError, match="原因"):
        services.nomination_reject(by=world.cast.admin, nomination=n, reason="  ")
    services.nomination_reject(by=world.cast.admin, nomination=n, reason="事迹材料不充分")
    n.refresh_from_db()
    assert (n.state, n.reject_reason) == (Nomination.State.REJECTED, "事迹材料不充分")


def test_only_the_federation_reviews(world):
    n = nominate(world, world.orgs, world.org_a, by=world.cast.worker_a)
    with pytest.raises(PermissionDenied):
        services.nomination_approve(by=world.cast.worker_a, nomination=n)
    with pytest.raises(PermissionDenied):
        services.nomination_approve(by=world.cast.worker_b, nomination=n)


def test_the_notice_waits_for_every_nomination_to_be_reviewed(world):
    a = nominate(world, world.orgs, world.org_a)
    nominate(world, world.orgs, world.org_a2)
    services.nomination_approve(by=world.cast.admin, nomination=a)
    with pytest.raises(ValidationError, match="1个推荐尚未审核"):
        services.notice_start(by=world.cast.admin, campaign=world.campaign, start=TODAY, end=TODAY)


# --- public notice and decision ---------------------------------------------------------------


def test_the_decision_is_refused_while_the_notice_runs(world, monkeypatch):
    n = nominate(world, world.orgs, world.org_a)
    _to_notice(world, dt.date(2018, 11, 20), dt.date(2018, 11, 26), n)
    for day in (dt.date(2018, 11, 20), dt.date(2018, 11, 26)):  # first and last day of the notice
        _set_today(monkeypatch, day)
        with pytest.raises(ValidationError, match="公示期满后"):
            services.campaign_decide(by=world.cast.admin, campaign=world.campaign)
    assert not Honor.objects.exists()
    _set_today(monkeypatch, dt.date(2018, 11, 27))
    assert len(services.campaign_decide(by=world.cast.admin, campaign=world.campaign)) == 1


def test_the_decision_is_refused_while_an_objection_is_open(world, monkeypatch):
    cast = world.cast
    n = nominate(world, world.orgs, world.org_a)
    _to_notice(world, dt.date(2018, 11, 20), dt.date(2018, 11, 26), n)
    _set_today(monkeypatch, dt.date(2018, 11, 22))
    objection = services.objection_file(by=cast.worker_a, nomination=n, text="该组织去年未按期换届。")
    _set_today(monkeypatch, dt.date(2018, 12, 1))
    with pytest.raises(ValidationError, match="1条公示异议尚未处理"):
        services.campaign_decide(by=cast.admin, campaign=world.campaign)
    assert not Honor.objects.exists()
    services.objection_resolve(by=cast.admin, objection=objection, resolution="经核实已于当年完成换届，异议不成立。")
    assert len(services.campaign_decide(by=cast.admin, campaign=world.campaign)) == 1


def test_an_upheld_objection_withdraws_the_nomination(world, monkeypatch):
    cast = world.cast
    a, b = nominate(world, world.orgs, world.org_a), nominate(world, world.members, cast.person_a)
    _to_notice(world, dt.date(2018, 11, 20), dt.date(2018, 11, 26), a, b)
    _set_today(monkeypatch, dt.date(2018, 11, 21))
    objection = services.objection_file(by=cast.admin, nomination=b, text="反映该同志存在违规问题。")
    services.objection_resolve(by=cast.admin, objection=objection, resolution="经核实情况属实", reject_nomination=True)
    b.refresh_from_db()
    assert b.state == Nomination.State.REJECTED and "情况属实" in b.reject_reason
    _set_today(monkeypatch, dt.date(2018, 11, 27))
    honors = services.campaign_decide(by=cast.admin, campaign=world.campaign)
    assert [h.party_organization for h in honors] == [world.org_a]


def test_objections_are_only_recorded_during_the_notice(world, monkeypatch):
    n = nominate(world, world.orgs, world.org_a)
    _to_notice(world, dt.date(2018, 11, 20), dt.date(2018, 11, 26), n)
    _set_today(monkeypatch, dt.date(2018, 11, 27))
    with pytest.raises(ValidationError, match="只能登记公示期内"):
        services.objection_file(by=world.cast.admin, nomination=n, text="迟到的异议")


def test_a_street_worker_cannot_record_an_objection_on_another_streets_nomination(world, monkeypatch):
    n = nominate(world, world.orgs, world.org_b, chamber=world.cast.chamber_b)
    _to_notice(world, dt.date(2018, 11, 20), dt.date(2018, 11, 26), n)
    _set_today(monkeypatch, dt.date(2018, 11, 21))
    with pytest.raises(PermissionDenied):
        services.objection_file(by=world.cast.worker_a, nomination=n, text="异议")


def test_the_decision_creates_exactly_the_approved_honours_in_one_audited_action(world):
    cast = world.cast
    org_a, org_a2 = nominate(world, world.orgs, world.org_a), nominate(world, world.orgs, world.org_a2)
    org_b = nominate(world, world.orgs, world.org_b, chamber=cast.chamber_b)
    member_a = nominate(world, world.members, cast.person_a)
    member_b = nominate(world, world.members, cast.person_b, chamber=cast.chamber_b)
    services.nomination_reject(by=cast.admin, nomination=org_a2, reason="材料不全")
    services.nomination_reject(by=cast.admin, nomination=member_b, reason="名额有限")
    _to_notice(world, dt.date(2018, 11, 20), dt.date(2018, 11, 26), org_a, org_b, member_a)
    honors = services.campaign_decide(by=cast.admin, campaign=world.campaign)

    assert Honor.objects.count() == 3 == len(honors)
    got = {(h.recipient_kind, h.recipient, h.category, h.nomination_id) for h in Honor.objects.all()}
    assert got == {
        (RecipientKind.PARTY_ORGANIZATION, world.org_a, "先进基层党组织", org_a.pk),
        (RecipientKind.PARTY_ORGANIZATION, world.org_b, "先进基层党组织", org_b.pk),
        (RecipientKind.PERSON, cast.person_a, "优秀共产党员", member_a.pk),
    }
    assert {(h.level, h.year, h.issuer) for h in honors} == {(Level.DISTRICT, 2018, "东城区工商联")}
    assert Honor.objects.commendations().count() == 3
    world.campaign.refresh_from_db()
    assert world.campaign.state == Campaign.State.DECIDED and world.campaign.decided_at is not None
    decide = AuditEvent.objects.get(action="decide")
    assert decide.extra["honors"] == 3
    # Idempotent: a second decision is refused and adds nothing.
    with pytest.raises(ValidationError, match="不能重复决定"):
        services.campaign_decide(by=cast.admin, campaign=world.campaign)
    assert Honor.objects.count() == 3


def test_a_failed_decision_leaves_no_honour_behind(world, monkeypatch):
    n = nominate(world, world.orgs, world.org_a)
    m = nominate(world, world.members, world.cast.person_a)
    _to_notice(world, dt.date(2018, 11, 20), dt.date(2018, 11, 26), n, m)
    calls = []
    real = services.base.save_new

    def fail_second(**kw):
        calls.append(1)
        if len(calls) == 2:
            raise ValidationError("模拟故障")
        return real(**kw)

    monkeypatch.setattr(services.base, "save_new", fail_second)
    with pytest.raises(ValidationError):
        services.campaign_decide(by=world.cast.admin, campaign=world.campaign)
    assert not Honor.objects.exists()
    world.campaign.refresh_from_db()
    assert world.campaign.state == Campaign.State.NOTICE


def test_only_the_federation_decides(world):
    n = nominate(world, world.orgs, world.org_a)
    _to_notice(world, dt.date(2018, 11, 20), dt.date(2018, 11, 26), n)
    for who in ("worker_a", "leader"):
        with pytest.raises(PermissionDenied):
            services.campaign_decide(by=getattr(world.cast, who), campaign=world.campaign)
    assert not Honor.objects.exists()
