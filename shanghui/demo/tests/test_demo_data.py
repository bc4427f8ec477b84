import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F

from shanghui.accounts.models import User
from shanghui.audit.models import AuditEvent
from shanghui.core.pinyin import initials
from shanghui.core.roles import Role
from shanghui.core.validators import normalize_id_number, normalize_uscc
from shanghui.demo.generator import DemoDataExists, fingerprint, generate
from shanghui.demo.users import demo_logins
from shanghui.directory.choices import MemberRole, Status
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.orgs.models import Chamber, ChamberDepartment, Region, StaffAssignment

N = 200  # enterprises: enough for every rule to show, small enough to stay fast


@pytest.fixture
def demo(db):
    return generate(seed=3, enterprises=N)


def test_builds_the_district_tree_with_a_chamber_in_every_street(demo):
    district = Region.objects.get(code="110101")
    streets = list(Region.objects.filter(parent=district, level="street"))
    assert len(streets) == 17
    chambers = Chamber.objects.filter(kind=Chamber.Kind.STREET)
    assert chambers.count() == 17
    assert {c.region_id for c in chambers} == {s.pk for s in streets}
    assert Chamber.objects.get(name="东华门街道商会").region.code == "110101001"
    # 东花市 has all four guarantees (the article); elsewhere it is a mix, not all four everywhere.
    assert Chamber.objects.get(name="东花市街道商会").guarantees == 4
    assert any(c.guarantees < 4 for c in chambers)
    assert Chamber.objects.filter(kind=Chamber.Kind.INDUSTRY, region=district).count() >= 3


def test_market_justice_and_food_functions_are_stationed_at_every_street_chamber(demo):
    for code in ("market", "justice", "food_drug"):
        stationed = ChamberDepartment.objects.filter(department__code=code, chamber__kind=Chamber.Kind.STREET)
        assert stationed.count() == 17


def test_every_street_chamber_has_one_worker_and_one_instructor(demo):
    for chamber in Chamber.objects.filter(kind=Chamber.Kind.STREET):
        kinds = sorted(chamber.staff.values_list("kind", flat=True))
        assert kinds == [StaffAssignment.Kind.INSTRUCTOR, StaffAssignment.Kind.WORKER], chamber


def test_youth_association_has_over_160_individual_members_joined_over_years(demo):
    youth = Chamber.objects.get(name="东城区青年创业者协会")
    assert youth.kind == Chamber.Kind.ASSOCIATION and youth.individual_members
    active = youth.memberships.filter(left__isnull=True)
    assert active.filter(person__isnull=False).count() >= 160
    assert not youth.memberships.filter(enterprise__isnull=False).exists()
    assert len({m.joined.year for m in active}) >= 5
    assert youth.memberships.filter(left__isnull=False).exists()  # a few have left
    assert active.filter(role=MemberRole.PRESIDENT).count() == 1


def test_every_enterprise_has_a_valid_uscc_and_its_principal(demo):
    enterprises = list(Enterprise.objects.select_related("principal"))
    assert len(enterprises) == N
    assert len({e.uscc for e in enterprises}) == N
    for e in enterprises:
        assert normalize_uscc(e.uscc) == e.uscc
        assert e.principal is not None and e.principal.enterprise_id == e.pk
        assert e.principal.region_id == e.region_id
        id_number = e.principal.id_number
        assert normalize_id_number(id_number) == id_number
        assert e.principal.birth_date == dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        assert len(e.principal.mobile) == 11
    assert {e.status for e in enterprises} >= {Status.ACTIVE, Status.CLOSED}
    assert Person.objects.filter(political_status="party_member").exists()


def test_names_initials_equal_what_saving_the_model_would_store(demo):
    # The generator builds initials from name parts for speed; they must equal InitialsMixin's.
    for model in (Enterprise, Person, Chamber):
        for name, stored in model.objects.values_list("name", "name_initials"):
            assert stored == initials(name)[:100], name


def test_member_share_of_active_enterprises_is_realistic(demo):
    active = Enterprise.objects.filter(status=Status.ACTIVE)
    members = active.filter(memberships__chamber__kind=Chamber.Kind.STREET, memberships__left__isnull=True).distinct()
    share = members.count() / active.count()
    assert 0.40 <= share <= 0.50, share
    street_members = Membership.objects.filter(chamber__kind=Chamber.Kind.STREET, enterprise__isnull=False)
    assert street_members.filter(left__isnull=False).exists()  # some left over the years
    assert len({m.joined.year for m in street_members}) >= 5
    # Members belong to their own street's chamber.
    assert not street_members.exclude(chamber__region=F("enterprise__region")).exists()
    biggest = Chamber.objects.get(name="东华门街道商会").memberships.filter(left__isnull=True)
    assert biggest.filter(role=MemberRole.PRESIDENT).count() == 1
    assert biggest.filter(role=MemberRole.VICE_PRESIDENT).count() >= 1


def test_one_demo_login_per_role(demo):
    logins = demo_logins()
    assert [name for name, _, _ in logins] == ["fic_admin", "dhm_worker", "dhm_instructor", "dhm_market",
                                               "dhm_enterprise", "leader", "auditor", "root"]
    users = User.objects.filter(username__in=[name for name, _, _ in logins])
    assert {u.role for u in users} == {*Role.values, ""}
    assert all(u.check_password(settings.DEMO_PASSWORD) for u in users)
    assert User.objects.get(username="root").is_superuser
    for user in users:
        user.full_clean()  # scope fields fit the role
    dhm = Chamber.objects.get(name="东华门街道商会")
    ent_user = User.objects.get(username="dhm_enterprise")
    assert dhm.memberships.filter(enterprise=ent_user.enterprise, left__isnull=True).exists()
    assert User.objects.get(username="dhm_market").department.code == "market"
    assert dhm.staff.get(kind="worker").user.username == "dhm_worker"
    assert dict((n, s) for n, _, s in logins)["dhm_worker"] == "东华门街道"


def test_writes_one_audit_event_with_the_counts(demo):
    event = AuditEvent.objects.get(action="demo_data")
    assert event.actor is None
    assert event.extra["counts"]["enterprises"] == N
    assert event.extra["counts"] == demo
    assert AuditEvent.objects.count() == 1  # bulk inserts, not one event per row


def test_a_single_enterprise_still_gives_every_login(db):
    generate(seed=1, enterprises=1)
    assert len(demo_logins()) == 8
    assert User.objects.get(username="dhm_enterprise").enterprise.region.code == "110101001"


class _Undo(Exception):
    pass


def _fingerprint_of(seed: int, enterprises: int) -> str:
    """Generate inside a savepoint, fingerprint, roll back: the next call starts from an empty database."""
    try:
        with transaction.atomic():
            generate(seed=seed, enterprises=enterprises, batch_size=70)
            result = fingerprint()
            raise _Undo
    except _Undo:
        return result


def test_same_seed_and_counts_give_identical_data(db):
    first = _fingerprint_of(5, N)
    assert not Enterprise.objects.exists()
    assert _fingerprint_of(5, N) == first
    assert _fingerprint_of(6, N) != first


def test_refuses_a_database_that_already_has_data(cast):
    with pytest.raises(DemoDataExists):
        generate(seed=1, enterprises=10)
    assert Enterprise.objects.count() == 2


def test_command_generates_then_if_empty_leaves_the_data_alone(db):
    out = io.StringIO()
    call_command("demo_data", "--enterprises", "50", "--seed", "2", stdout=out)
    assert Enterprise.objects.count() == 50
    assert "dhm_worker" in out.getvalue() and settings.DEMO_PASSWORD in out.getvalue()

    out = io.StringIO()
    call_command("demo_data", "--enterprises", "50", "--if-empty", stdout=out)
    assert Enterprise.objects.count() == 50
    assert "已有数据" in out.getvalue()
    assert "fic_admin" in out.getvalue()  # the logins are still printed for `make run`


def test_command_on_a_non_empty_database_fails_with_a_clear_message(cast):
    with pytest.raises(CommandError, match="--if-empty"):
        call_command("demo_data", "--enterprises", "10", stdout=io.StringIO())
    assert Enterprise.objects.count() == 2
    assert not AuditEvent.objects.filter(action="demo_data").exists()


def test_command_rejects_a_non_positive_count(db):
    with pytest.raises(CommandError, match="至少为1"):
        call_command("demo_data", "--enterprises", "0", stdout=io.StringIO())
    assert not Chamber.objects.exists()
