"""Importing dues bases and payments: the usual preview, and all or nothing."""

import datetime as dt
from decimal import Decimal

from shanghui.imports import engine, kinds
from shanghui.imports.tests.sheets import csv_file, xlsx_file
from shanghui.party import dues_services, services
from shanghui.party.models import DuesBase, DuesPayment, DuesPaymentMonth

D = dt.date
BASE_HEADER = ["身份证号码", "姓名", "所在党组织", "年度", "缴费类别", "月缴费基数（元）", "每月固定金额（元）"]
PAY_HEADER = ["身份证号码", "姓名", "所在党组织", "起始月份", "缴纳月数", "应缴党费（元）", "自愿多交（元）", "缴纳方式", "缴纳日期"]


def _member(world):
    person = world.cast.person_a
    return services.member_create(by=world.cast.admin, person=person, organization=world.ja,
                                  joined_party=D(2015, 7, 1), joined_org=D(2022, 1, 1))


def test_bases_preview_then_commit_then_restate_unchanged(world, tmp_path):
    member = _member(world)
    p = world.cast.person_a
    rows = [[p.id_number, p.name, world.ja.name, 2023, "在岗职工", "5000.00", ""],
            [p.id_number, p.name, world.ja.name, 2024, "退休", "5000.01", ""]]
    path = xlsx_file(tmp_path, [BASE_HEADER, *rows])
    dry = engine.run(kinds.get("party_dues_bases"), path, by=world.cast.worker_a, dry_run=True)
    assert dry.ok and dry.new == 2 and not DuesBase.objects.exists()
    result = engine.run(kinds.get("party_dues_bases"), path, by=world.cast.worker_a, dry_run=False)
    assert result.committed
    assert {b.year: b.monthly() for b in member.dues_bases.all()} == {2023: Decimal("50.00"), 2024: Decimal("50.00")}
    again = engine.run(kinds.get("party_dues_bases"), path, by=world.cast.worker_a, dry_run=False)
    assert again.unchanged == 2


def test_another_streets_worker_cannot_import_bases(world, tmp_path):
    _member(world)
    p = world.cast.person_a
    path = csv_file(tmp_path, [BASE_HEADER, [p.id_number, p.name, world.ja.name, 2023, "在岗职工", "5000", ""]])
    result = engine.run(kinds.get("party_dues_bases"), path, by=world.cast.worker_b, dry_run=False)
    assert not result.committed and result.error_rows == 1 and not DuesBase.objects.exists()


def test_payments_import_all_or_nothing_and_refuse_overlap(world, tmp_path):
    member = _member(world)
    dues_services.base_declare(by=world.cast.admin, member=member, year=2024, category="employed",
                               base=Decimal("3000.00"))
    dues_services.payment_record(by=world.cast.admin, member=member, first_month=D(2024, 6, 1), months=1,
                                 paid_on=D(2024, 6, 3))
    p = world.cast.person_a
    good = [p.id_number, p.name, world.ja.name, "2024-01", 3, "45.00", "", "现金", "2024-01-05"]
    overlap_file = [p.id_number, p.name, world.ja.name, "2024年3月", 2, "", "", "微信", "2024-03-05"]
    overlap_stored = [p.id_number, p.name, world.ja.name, "2024-05", 2, "", "", "", "2024-05-05"]
    path = csv_file(tmp_path, [PAY_HEADER, good, overlap_file, overlap_stored])
    result = engine.run(kinds.get("party_dues_payments"), path, by=world.cast.worker_a, dry_run=False)
    assert not result.committed and result.error_rows == 2
    messages = " ".join(m for _, _, m in result.errors)
    assert "与第2行的缴纳月份重叠" in messages and "2024-06的党费已登记缴纳" in messages
    assert DuesPayment.objects.count() == 1  # nothing of the file was written
    fixed = csv_file(tmp_path, [PAY_HEADER, good, [p.id_number, p.name, world.ja.name, "2024-04", 2, "", "5", "微信",
                                                   "2024-04-05"]], name="fixed.csv")
    result = engine.run(kinds.get("party_dues_payments"), fixed, by=world.cast.worker_a, dry_run=False)
    assert result.committed and result.new == 2
    months = sorted(DuesPaymentMonth.objects.filter(person=p).values_list("month", flat=True))
    assert months == [D(2024, m, 1) for m in range(1, 7)]
