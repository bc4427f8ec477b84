"""Importing party organisations and party members from the registers staff keep in Excel."""

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from shanghui.imports import engine, kinds
from shanghui.imports.exports import export_kind, kind_export_plain
from shanghui.imports.templates import build_template
from shanghui.imports.tests.sheets import csv_file, xlsx_file
from shanghui.party.models import PartyMember, PartyOrganization

D = dt.date
ORG_HEADER = ["党组织名称", "层级", "组建方式", "上级党组织", "依托商会", "所在企业统一社会信用代码", "书记", "成立日期",
              "每届任期（年）", "本届届满日期", "撤销日期"]
MEMBER_HEADER = ["身份证号码", "姓名", "所在党组织", "党员类别", "入党日期", "转入本组织日期", "转出日期", "流动党员"]


def run(path, by, dry_run=False, kind="party_organizations"):
    return engine.run(kinds.get(kind), path, by=by, dry_run=dry_run)


def org_rows(cast):
    return [
        ["东华门街道商会联合党委", "联合党委", "联合", "", cast.chamber_a.name, "", "张书记", "2016年7月1日", 3,
         D(2019, 6, 30), ""],
        ["东华门商会第一联合支部", "支部", "联合组建", "东华门街道商会联合党委", cast.chamber_a.name, "", "", D(2017, 3, 1),
         "", "", ""],
        ["甲企业党支部", "党支部", "单独组建", "东华门街道商会联合党委", "", cast.enterprise_a.uscc, "王东华",
         "2018.5.4", 5, "", ""],
    ]


def org_values():
    return sorted(PartyOrganization.objects.values_list(
        "name", "level", "form", "parent__name", "host_chamber_id", "enterprise_id", "secretary", "founded",
        "term_years", "term_end", "dissolved"))


def member_values():
    return sorted(PartyMember.objects.values_list(
        "person_id", "organization__name", "category", "joined_party", "joined_org", "left", "flowing"))


def test_organisations_import_with_parents_listed_above_and_twice_is_unchanged(cast, tmp_path):
    path = xlsx_file(tmp_path, [ORG_HEADER, *org_rows(cast)], title="东华门街道党组织台账")
    dry = run(path, cast.worker_a, dry_run=True)
    assert dry.ok, dry.errors
    assert (dry.new, PartyOrganization.objects.count()) == (3, 0)  # a dry run writes nothing

    result = run(path, cast.worker_a)
    assert result.committed, result.errors
    committee = PartyOrganization.objects.get(name="东华门街道商会联合党委")
    assert (committee.level, committee.form, committee.host_chamber, committee.founded, committee.term_end) == (
        "committee", "joint", cast.chamber_a, D(2016, 7, 1), D(2019, 6, 30))
    branch = PartyOrganization.objects.get(name="甲企业党支部")
    assert (branch.parent, branch.enterprise, branch.founded, branch.term_years, branch.name_initials) == (
        committee, cast.enterprise_a, D(2018, 5, 4), 5, "jqydzb")
    assert PartyOrganization.objects.get(name="东华门商会第一联合支部").term_years == 3

    again = run(path, cast.worker_a)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)


def test_organisation_rules_are_reported_per_row_and_nothing_is_written(cast, tmp_path):
    rows = org_rows(cast)
    bad = [
        ["乙联合支部", "支部", "联合", "", "", "", "", D(2017, 1, 1), "", "", ""],  # joint without a chamber
        ["丙支部", "支部", "单独", "", "", cast.enterprise_a.uscc, "", D(2017, 1, 1), "", D(2016, 1, 1), ""],
        ["丁支部", "支部", "单独", "不存在的党委", "", cast.enterprise_a.uscc, "", D(2017, 1, 1), 9, "", ""],
        ["戊支部", "支部", "单独", "", "", cast.enterprise_b.uscc, "", D(2017, 1, 1), "", "", ""],  # street B
        ["己总支", "党总支", "联合", "东华门商会第一联合支部", cast.chamber_a.name, "", "", D(2017, 1, 1), "", "", ""],
    ]
    result = run(xlsx_file(tmp_path, [ORG_HEADER, *rows[:2], *bad, rows[2]]), cast.worker_a)
    assert not result.committed
    errors = {(row, column): message for row, column, message in result.errors}
    assert "须填写依托商会" in errors[(4, "依托商会")]
    assert "届满日期不能早于成立日期" in errors[(5, "本届届满日期")]
    assert "找不到上级党组织“不存在的党委”" in errors[(6, "上级党组织")]
    assert "1至5年" in errors[(6, "每届任期（年）")]
    assert (7, "所在企业统一社会信用代码") in errors  # another street's enterprise is not found in her scope
    assert "党支部“东华门商会第一联合支部”不能作为党总支的上级" in errors[(8, "上级党组织")]
    assert PartyOrganization.objects.count() == 0


def test_a_street_worker_cannot_import_another_streets_organisation(cast, tmp_path):
    rows = [["景山联合党委", "党委", "联合", "", cast.chamber_b.name, "", "", D(2016, 1, 1), "", "", ""]]
    result = run(csv_file(tmp_path, [ORG_HEADER, *rows]), cast.worker_a)
    assert not result.committed and "不在您的管辖范围内" in result.errors[0][2]  # she cannot even see that chamber
    assert run(csv_file(tmp_path, [ORG_HEADER, *rows]), cast.admin).committed


def test_an_organisation_cannot_become_its_own_descendants_child(cast, tmp_path):
    assert run(xlsx_file(tmp_path, [ORG_HEADER, *org_rows(cast)]), cast.admin).committed
    sub = ["东华门商会第二党委", "党委", "联合", "东华门街道商会联合党委", cast.chamber_a.name, "", "", D(2017, 1, 1), "",
           "", ""]
    loop = ["东华门街道商会联合党委", "党委", "联合", "东华门商会第二党委", cast.chamber_a.name, "", "", D(2016, 7, 1), 3,
            "", ""]
    for rows in ([sub, loop], [loop]):  # a committee below one listed in the file, or below a registered one
        if rows == [loop]:
            assert run(xlsx_file(tmp_path, [ORG_HEADER, sub], name="sub.xlsx"), cast.admin).committed
        result = run(xlsx_file(tmp_path, [ORG_HEADER, *rows], name="loop.xlsx"), cast.admin)
        assert not result.committed
        assert [m for _, _, m in result.errors] == ["上级党组织不能是本组织的下级组织。"]
    assert PartyOrganization.objects.get(name="东华门街道商会联合党委").parent is None


@pytest.fixture
def orgs(cast, tmp_path):
    assert run(xlsx_file(tmp_path, [ORG_HEADER, *org_rows(cast)], name="orgs.xlsx"), cast.admin).committed
    return PartyOrganization.objects.in_bulk(field_name="name")


def test_members_import_keyed_by_id_number_organisation_and_date_and_a_transfer_is_two_rows(cast, orgs, tmp_path):
    a = cast.person_a
    rows = [
        [a.id_number, a.name, "东华门商会第一联合支部", "正式党员", D(2008, 7, 1), D(2017, 3, 1), D(2018, 5, 31), "否"],
        [a.id_number, a.name, "甲企业党支部", "", D(2008, 7, 1), D(2018, 6, 1), "", "是"],
    ]
    path = xlsx_file(tmp_path, [MEMBER_HEADER, *rows], text_columns=(0,))
    result = run(path, cast.worker_a, kind="party_members")
    assert result.committed, result.errors
    assert member_values() == [
        (a.pk, "东华门商会第一联合支部", "full", D(2008, 7, 1), D(2017, 3, 1), D(2018, 5, 31), False),
        (a.pk, "甲企业党支部", "full", D(2008, 7, 1), D(2018, 6, 1), None, True),
    ]
    again = run(path, cast.worker_a, kind="party_members")
    assert (again.new, again.unchanged) == (0, 2)


def test_member_rules_are_reported_and_nothing_is_written(cast, orgs, tmp_path):
    a, b = cast.person_a, cast.person_b
    rows = [
        [a.id_number, a.name, "甲企业党支部", "", D(2008, 7, 1), D(2018, 6, 1), "", ""],
        [a.id_number, a.name, "东华门商会第一联合支部", "", D(2008, 7, 1), D(2018, 7, 1), "", ""],  # overlaps row 2
        [a.id_number, "别人", "甲企业党支部", "", D(2008, 7, 1), D(2019, 6, 1), "", ""],  # wrong name
        [a.id_number, a.name, "甲企业党支部", "", D(2019, 7, 1), D(2018, 6, 2), "", ""],  # org before party
        [a.id_number, a.name, "不存在的支部", "", D(2008, 7, 1), D(2018, 6, 1), "", ""],
        [b.id_number, b.name, "甲企业党支部", "", D(2008, 7, 1), D(2018, 6, 1), "", ""],  # not in her scope
        [a.id_number, a.name, "甲企业党支部", "", D(2008, 7, 1), D(2010, 1, 1), "", ""],  # before it was founded
    ]
    result = run(xlsx_file(tmp_path, [MEMBER_HEADER, *rows], text_columns=(0,)), cast.worker_a, kind="party_members")
    assert not result.committed
    errors = {(row, column): message for row, column, message in result.errors}
    assert "与第2行的期间重叠" in errors[(3, "转入本组织日期")]
    assert "姓名与系统中" in errors[(4, "姓名")]
    assert "不能早于入党日期" in errors[(5, "转入本组织日期")]
    assert "找不到党组织“不存在的支部”" in errors[(6, "所在党组织")]
    assert "找不到该身份证号码" in errors[(7, "身份证号码")]
    assert "不能早于党组织成立日期" in errors[(8, "转入本组织日期")]
    assert PartyMember.objects.count() == 0


def test_a_new_period_overlapping_a_registered_one_is_refused(cast, orgs, tmp_path):
    a = cast.person_a
    first = [[a.id_number, a.name, "甲企业党支部", "", D(2008, 7, 1), D(2018, 6, 1), "", ""]]
    assert run(xlsx_file(tmp_path, [MEMBER_HEADER, *first], text_columns=(0,)), cast.admin,
               kind="party_members").committed
    second = [[a.id_number, a.name, "东华门商会第一联合支部", "", D(2008, 7, 1), D(2018, 9, 1), "", ""]]
    result = run(xlsx_file(tmp_path, [MEMBER_HEADER, *second], name="b.xlsx", text_columns=(0,)), cast.admin,
                 kind="party_members")
    assert not result.committed and "同一时间只能属于一个党组织" in result.errors[0][2]
    # Closing the first period in the same file makes the transfer valid.
    closed = [[*first[0][:6], D(2018, 8, 31), ""], *second]
    result = run(xlsx_file(tmp_path, [MEMBER_HEADER, *closed], name="c.xlsx", text_columns=(0,)), cast.admin,
                 kind="party_members")
    assert result.committed, result.errors
    assert (result.updated, result.new) == (1, 1)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_import_export_import_round_trip(cast, orgs, tmp_path, fmt):
    a = cast.person_a
    rows = [[a.id_number, a.name, "东华门商会第一联合支部", "预备党员", D(2017, 7, 1), D(2017, 7, 1), D(2018, 5, 31), "否"],
            [a.id_number, a.name, "甲企业党支部", "正式党员", D(2017, 7, 1), D(2018, 6, 1), "", "是"]]
    assert run(xlsx_file(tmp_path, [MEMBER_HEADER, *rows], text_columns=(0,)), cast.admin,
               kind="party_members").committed
    orgs_before, members_before = org_values(), member_values()

    def export(kind):
        spec = kinds.get(kind)
        # Party members are keyed by ID number: their round trip is the reasoned plaintext export.
        response = (kind_export_plain(by=cast.admin, kind=spec, fmt=fmt, reason="党员名册年度核对")
                    if spec.personal_kinds(cast.admin) else export_kind(by=cast.admin, kind=spec, fmt=fmt))
        path = tmp_path / f"{kind}.{fmt}"
        path.write_bytes(b"".join(response.streaming_content))
        return path

    org_file, member_file = export("party_organizations"), export("party_members")
    PartyMember.objects.all().delete()
    PartyOrganization.objects.filter(parent__isnull=False).delete()
    PartyOrganization.objects.all().delete()
    assert run(org_file, cast.admin).committed
    result = run(member_file, cast.admin, kind="party_members")
    assert result.committed, result.errors
    assert (org_values(), member_values()) == (orgs_before, members_before)


def test_templates_offer_the_columns_and_drop_downs(cast, orgs):
    book = load_workbook(BytesIO(build_template(kinds.get("party_members"), cast.worker_a)))
    header = [c.value for c in book["数据"][1]]
    assert header == ["*身份证号码", "姓名", "*所在党组织", "党员类别", "*入党日期", "*转入本组织日期", "转出日期", "流动党员"]
    book = load_workbook(BytesIO(build_template(kinds.get("party_organizations"), cast.worker_a)))
    assert [c.value for c in book["数据"][1]][:3] == ["*党组织名称", "*层级", "*组建方式"]
    assert len(book.sheetnames) >= 2  # data and instructions
