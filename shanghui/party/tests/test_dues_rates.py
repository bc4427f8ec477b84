"""The 2008 rates (中组发〔2008〕3号) at and around every bracket bound, and the fixed-amount categories."""

from decimal import Decimal

import pytest

from shanghui.party import dues
from shanghui.party.models import DuesCategory

D = Decimal


def expected(base: str, rate: str) -> Decimal:
    return (D(base) * D(rate)).quantize(D("0.01"), rounding="ROUND_HALF_UP")


@pytest.mark.parametrize(("base", "rate"), [
    ("0.00", "0.005"), ("2999.99", "0.005"), ("3000.00", "0.005"), ("3000.01", "0.01"),
    ("4999.99", "0.01"), ("5000.00", "0.01"), ("5000.01", "0.015"),
    ("9999.99", "0.015"), ("10000.00", "0.015"), ("10000.01", "0.02"), ("25000.00", "0.02"),
])
def test_employed_brackets_include_their_upper_bound(base, rate):
    assert dues.rate_for(DuesCategory.EMPLOYED, D(base)) == D(rate)
    assert dues.monthly_amount(DuesCategory.EMPLOYED, D(base)) == expected(base, rate)


@pytest.mark.parametrize(("base", "amount"), [
    ("3000.00", "15.00"), ("3000.01", "30.00"), ("5000.00", "50.00"), ("5000.01", "75.00"),
    ("10000.00", "150.00"), ("10000.01", "200.00"),
])
def test_employed_amounts_worked_by_hand(base, amount):
    assert dues.monthly_amount(DuesCategory.EMPLOYED, D(base)) == D(amount)


@pytest.mark.parametrize(("base", "rate"), [
    ("4999.99", "0.005"), ("5000.00", "0.005"), ("5000.01", "0.01"), ("8000.00", "0.01"),
])
def test_retired_brackets(base, rate):
    assert dues.monthly_amount(DuesCategory.RETIRED, D(base)) == expected(base, rate)


def test_retired_amounts_worked_by_hand():
    assert dues.monthly_amount(DuesCategory.RETIRED, D("5000.00")) == D("25.00")
    assert dues.monthly_amount(DuesCategory.RETIRED, D("5000.01")) == D("50.00")


def test_rounding_is_half_up_to_the_fen():
    # 3,001 × 1 % = 30.01 exactly; 1,001 × 0.5 % = 5.005 → 5.01 (half up, not banker's 5.00).
    assert dues.monthly_amount(DuesCategory.EMPLOYED, D("1001")) == D("5.01")
    assert dues.monthly_amount(DuesCategory.EMPLOYED, D("1003")) == D("5.02")  # 5.015 → 5.02
    assert dues.monthly_amount(DuesCategory.EMPLOYED, D("6667")) == D("100.01")  # 100.005 → 100.01


@pytest.mark.parametrize("category", [DuesCategory.STUDENT, DuesCategory.UNEMPLOYED, DuesCategory.RELIEF])
def test_fixed_categories_pay_twenty_fen_whatever_the_base(category):
    assert dues.monthly_amount(category, None) == D("0.20")
    assert dues.monthly_amount(category, D("9000")) == D("0.20")
    assert dues.base_errors(category, None, None) == {}
    assert "fixed_amount" in dues.base_errors(category, None, D("0.50"))


@pytest.mark.parametrize(("amount", "ok"), [("0.19", False), ("0.20", True), ("0.50", True), ("1.00", True),
                                            ("1.01", False)])
def test_rural_members_pay_between_twenty_fen_and_one_yuan(amount, ok):
    errors = dues.base_errors(DuesCategory.RURAL, None, D(amount))
    assert (errors == {}) is ok
    if ok:
        assert dues.monthly_amount(DuesCategory.RURAL, None, D(amount)) == D(amount)


def test_rate_categories_need_a_base():
    assert "base" in dues.base_errors(DuesCategory.EMPLOYED, None, None)
    assert "base" in dues.base_errors(DuesCategory.RETIRED, D("-1"), None)
    assert dues.base_errors(DuesCategory.RETIRED, D("4000"), None) == {}


def test_months_owed_start_with_the_month_of_admission():
    import datetime as dt

    # Admitted (probationary) on 15 March: March is owed; left 14 June (not on 30 June): June is not.
    owed = dues.owed_months(dt.date(2024, 3, 15), dt.date(2024, 3, 15), dt.date(2024, 6, 14),
                            dt.date(2024, 1, 1), dt.date(2024, 12, 1))
    assert owed == [dt.date(2024, 3, 1), dt.date(2024, 4, 1), dt.date(2024, 5, 1)]


def test_longest_run_counts_consecutive_months():
    import datetime as dt

    months = [dt.date(2023, m, 1) for m in (1, 2, 4, 5, 6)] + [dt.date(2023, 12, 1), dt.date(2024, 1, 1)]
    assert dues.longest_run(months) == 3
    assert dues.longest_run([]) == 0
