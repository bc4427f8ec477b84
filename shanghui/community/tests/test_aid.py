"""Aid records of the student-aid programme: masked names only, staff-only rows, totals for leaders."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shanghui.community import kpis, services
from shanghui.community.models import AidRecord, mask_name


@pytest.mark.parametrize(("name", "masked"), [("张小明", "张**"), ("李娜", "李*"), ("欧阳娜娜", "欧阳**"),
                                              ("王 小 二", "王**"), ("张**", "张**"), ("司马相如之", "司马***")])
def test_names_are_masked(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("bad", ["", "Tom", "张", "110101200901011234"])
def test_a_name_that_is_not_a_chinese_name_is_refused(bad):
    with pytest.raises(ValidationError):
        mask_name(bad)


def test_the_full_name_is_never_stored(rows):
    cast, out = rows
    record = services.aid_create(by=cast.admin, project=out["a"]["charity"], code="SZ-X-9", name="刘德明",
                                 school="和平里小学", grade="五年级", region=cast.street_a, amount=Decimal("1500"),
                                 date=dt.date(2018, 9, 1))
    stored = AidRecord.objects.filter(pk=record.pk).values().get()
    assert stored["masked_name"] == "刘**"
    assert not any("德明" in str(v) for v in stored.values())
    assert not {"id_number", "birth_date", "mobile", "name"} & set(stored)
    # An edit that leaves the name blank keeps it; a new name is masked again.
    services.aid_update(by=cast.admin, record=record, name="", grade="六年级")
    record.refresh_from_db()
    assert (record.masked_name, record.grade) == ("刘**", "六年级")
    services.aid_update(by=cast.admin, record=record, name="陈晓")
    record.refresh_from_db()
    assert record.masked_name == "陈*"


def test_a_full_name_cannot_be_saved_around_the_service(rows):
    cast, out = rows
    row = AidRecord(project=out["a"]["charity"], code="SZ-Y-1", masked_name="张小明", school="s", grade="g",
                    region=cast.street_a, amount=1, date=dt.date(2018, 1, 1))
    with pytest.raises(ValidationError, match="不得保存全名"):
        row.full_clean()


def test_only_admins_and_street_workers_see_aid_rows(rows):
    cast, out = rows
    assert set(AidRecord.objects.visible_to(cast.admin)) == {out["a"]["aid"], out["b"]["aid"]}
    assert list(AidRecord.objects.visible_to(cast.worker_a)) == [out["a"]["aid"]]
    for who in ("leader", "instructor_a", "handler_a", "enterprise_user_a", "auditor"):
        assert not AidRecord.objects.visible_to(getattr(cast, who)).exists(), who


def test_leaders_see_aid_totals_not_rows(rows):
    cast, _ = rows
    assert kpis.aid_totals(cast.leader) == {"students": 2, "records": 2, "amount": Decimal("4000")}
    assert kpis.aid_totals(cast.worker_a)["records"] == 1
    assert kpis.aid_totals(cast.enterprise_user_a)["records"] == 0
    assert kpis.aid_totals(cast.auditor)["records"] == 0


def test_aid_records_belong_to_charity_or_assistance_projects(rows):
    cast, out = rows
    with pytest.raises(ValidationError, match="公益或对口帮扶"):
        services.aid_create(by=cast.admin, project=out["a"]["project"], code="SZ-Z-1", name="张三", school="s",
                            grade="g", region=cast.street_a, amount=1, date=dt.date(2018, 1, 1))
