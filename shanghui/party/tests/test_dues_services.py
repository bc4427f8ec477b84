"""Dues writes: payments never overlap (service and database), arrears = owed − paid, scope."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shanghui.audit.models import AuditEvent
from shanghui.directory.models import Person
from shanghui.party import dues, dues_services, services
from shanghui.party.models import DuesMember, DuesPayment, DuesPaymentMonth, PartyMember

D = dt.date


@pytest.fixture
def member(world):
    person = Person.objects.create(name="缴费党员甲", region=world.cast.street_a, enterprise=world.cast.enterprise_a)
    m = services.member_create(by=world.cast.admin, person=person, organization=world.ja,
                               joined_party=D(2022, 3, 15), joined_org=D(2022, 3, 15), category="probationary")
    for year in (2022, 2023, 2024):
        dues_services.base_declare(by=world.cast.admin, member=m, year=year, category="employed",
                                   base=Decimal("5000.00"))
    return m


def pay(world, member, first, months, **kw):
    return dues_services.payment_record(by=world.cast.admin, member=member, first_month=first, months=months,
                                        paid_on=D(2024, 12, 1), **kw)


def test_a_payment_spells_out_its_months_and_amount(world, member):
    p = pay(world, member, D(2024, 11, 1), 4)  # Nov 2024 … Feb 2025: 2025 falls back to the 2024 base
    assert p.amount == Decimal("200.00")
    assert list(p.covered.values_list("month", flat=True)) == [D(2024, 11, 1), D(2024, 12, 1), D(2025, 1, 1),
                                                              D(2025, 2, 1)]
    assert AuditEvent.objects.filter(object_type__icontains="duespayment", action="create").exists()


def test_overlapping_months_are_refused_with_a_message_and_change_nothing(world, member):
    pay(world, member, D(2024, 1, 1), 3)
    before = DuesPayment.objects.count()
    with pytest.raises(ValidationError) as e:
        pay(world, member, D(2024, 3, 1), 2)
    assert "2024年3月" in str(e.value) and "不能重复缴纳" in str(e.value)
    assert DuesPayment.objects.count() == before


def test_the_database_refuses_a_second_row_for_a_paid_month(world, member):
    p = pay(world, member, D(2024, 1, 1), 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        DuesPaymentMonth.objects.create(payment=p, person=member.person, member=member, month=D(2024, 1, 1),
                                        amount=Decimal("50"))


def test_months_before_admission_and_wrong_amounts_are_refused(world, member):
    with pytest.raises(ValidationError, match="不在本组织"):
        pay(world, member, D(2022, 2, 1), 2)
    with pytest.raises(ValidationError, match="应缴党费100.00元"):
        pay(world, member, D(2024, 1, 1), 2, amount=Decimal("120"))
    p = pay(world, member, D(2024, 1, 1), 2, amount=Decimal("100.00"), extra=Decimal("20"))
    assert p.extra == Decimal("20")


def test_a_reader_or_another_streets_worker_cannot_record(world, member):
    for who in ("leader", "worker_b", "instructor_a", "enterprise_user_a"):
        with pytest.raises(PermissionDenied):
            dues_services.payment_record(by=getattr(world.cast, who), member=member, first_month=D(2024, 1, 1),
                                         months=1, paid_on=D(2024, 2, 1))
    assert not DuesPayment.objects.exists()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8)), max_size=8))
def test_payments_never_overlap_and_arrears_are_owed_minus_paid(world, member, attempts):
    DuesPayment.objects.all().delete()
    paid: set[dt.date] = set()
    for offset, months in attempts:
        first = dues.add_months(D(2022, 1, 1), offset)
        covered = set(dues.month_range(first, dues.add_months(first, months - 1)))
        try:
            pay(world, member, first, months)
        except ValidationError:
            # Refused only for a reason: an overlap or a month not owed.
            assert covered & paid or first < D(2022, 3, 1)
            continue
        assert not covered & paid
        paid |= covered
    rows = list(DuesPaymentMonth.objects.filter(person=member.person).values_list("month", flat=True))
    assert len(rows) == len(set(rows)) and set(rows) == paid
    last = D(2024, 12, 1)
    status = dues.member_dues(PartyMember.objects.filter(pk=member.pk), D(2022, 1, 1), last)[0]
    owed = dues.owed_months(member.joined_party, member.joined_org, None, D(2022, 1, 1), last)
    assert status.owed == owed
    assert len(status.unpaid) == len(owed) - len([m for m in paid if m <= last])


def test_flagged_after_six_consecutive_unpaid_months_unless_a_reason_is_recorded(world, member):
    pay(world, member, D(2022, 3, 1), 22)  # March 2022 … December 2023
    pay(world, member, D(2024, 1, 1), 5)   # then nothing from June 2024
    qs = DuesMember.objects.filter(pk=member.pk)
    assert not dues.member_dues(qs, D(2022, 1, 1), D(2024, 10, 1))[0].flagged  # June … October: 5
    status = dues.member_dues(qs, D(2022, 1, 1), D(2024, 11, 1))[0]
    assert status.run == 6 and status.flagged
    dues_services.arrears_reason_set(by=world.cast.admin, member=member, reason="长期出国务工，已联系")
    assert not dues.member_dues(qs, D(2022, 1, 1), D(2024, 11, 1))[0].flagged
