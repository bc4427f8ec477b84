"""A street worker's own export imports again as it is: masked numbers are "unchanged" when they
match the record, rows she may see but not write are skipped (and said so), nothing is refused."""

import random

import pytest

from shanghui.directory.models import Person
from shanghui.imports import engine, kinds
from shanghui.imports.kinds.base import SKIPPED
from shanghui.imports.tests.sheets import csv_file
from shanghui.testing import assert_reimported_unchanged, make_id_number, reimport_own_export

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", ["enterprises", "persons", "memberships"])
def test_a_street_workers_own_export_imports_again_unchanged(cast, tmp_path, kind, fmt):
    rows, result = reimport_own_export(kind, cast.worker_a, tmp_path, fmt)
    assert_reimported_unchanged(rows, result)


def test_memberships_of_a_district_chamber_are_skipped_not_refused(cast, tmp_path):
    # The youth association is the district's: worker_a sees her street's member in it, may not change it.
    rows, result = reimport_own_export("memberships", cast.worker_a, tmp_path)
    assert result.committed and result.skipped == 1 and result.unchanged == rows - 1
    assert len(result.skipped_rows) == 1 and SKIPPED == "无权修改，已跳过"


HEADER = ["姓名", "身份证号码", "手机号码", "所属街道", "职务"]


def _person_row(person, **changes):
    row = {"姓名": person.name, "身份证号码": person.id_number_masked, "手机号码": person.mobile_masked,
           "所属街道": person.region.name, "职务": person.position} | changes
    return [row[h] for h in HEADER]


def test_a_masked_row_identifies_its_person_and_updates_the_rest(cast, tmp_path):
    person = cast.person_a
    number, mobile = person.id_number, person.mobile
    path = csv_file(tmp_path, [HEADER, _person_row(person, 职务="监事")])
    result = engine.run(kinds.get("persons"), path, by=cast.worker_a, dry_run=False)
    assert result.committed and (result.updated, result.new) == (1, 0), result.errors
    person.refresh_from_db()
    assert (person.position, person.id_number, person.mobile) == ("监事", number, mobile)


@pytest.mark.parametrize(("column", "value"), [
    ("手机号码", "139****0000"),  # a mask, but not the stored number's
    ("身份证号码", "110101********000X"),  # no person of that name with such a number
    ("姓名", "王西华"),  # the number's mask fits, the name does not
])
def test_a_masked_number_that_does_not_match_the_record_is_an_error(cast, tmp_path, column, value):
    path = csv_file(tmp_path, [HEADER, _person_row(cast.person_a, **{column: value})])
    result = engine.run(kinds.get("persons"), path, by=cast.worker_a, dry_run=False)
    assert not result.committed and result.error_rows == 1
    (_, where, message), = result.errors
    assert "遮盖" in message and where in ("手机号码", "身份证号码")


def test_a_masked_mobile_cannot_create_a_person(cast, tmp_path):
    code = make_id_number(random.Random(77))
    path = csv_file(tmp_path, [HEADER, ["周新", code, "138****8009", "东华门街道", ""]])
    result = engine.run(kinds.get("persons"), path, by=cast.worker_a, dry_run=False)
    assert not result.committed and result.errors[0][1] == "手机号码" and "遮盖" in result.errors[0][2]
    assert not Person.objects.filter(name="周新").exists()


def test_a_new_membership_of_a_chamber_not_hers_is_still_refused(cast, tmp_path):
    rows = [["商会", "个人会员身份证号码", "会员名称", "入会日期"],
            ["东城区青年创业者协会", cast.youth_member.id_number_masked, cast.youth_member.name, "2024-01-01"]]
    result = engine.run(kinds.get("memberships"), csv_file(tmp_path, rows), by=cast.worker_a, dry_run=True)
    assert result.errors == [(2, "商会", "您无权导入“东城区青年创业者协会”的会员。")] and not result.skipped
