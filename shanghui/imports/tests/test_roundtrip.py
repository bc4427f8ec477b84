"""Import → export → import gives identical records, for each kind and both export formats."""

import datetime as dt
import random

import pytest

from shanghui.audit.models import AuditEvent
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.imports import engine, kinds
from shanghui.imports.exports import export_kind, kind_export_plain
from shanghui.testing import make_id_number, make_mobile, make_uscc

from .sheets import csv_file, xlsx_file


def download(response, tmp_path, fmt):
    body = b"".join(response.streaming_content)
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(body)
    return path


def enterprise_values():
    return sorted(Enterprise.objects.values_list(
        "uscc", "name", "name_initials", "region_id", "industry", "size", "employees", "founded", "status",
        "address", "status_changed"))


def person_values():
    return sorted((p.id_number, p.name, p.name_initials, p.mobile, p.gender, p.birth_date, p.political_status,
                   p.region_id, p.enterprise_id, p.position) for p in Person.objects.all())


def membership_values():
    return sorted(Membership.objects.values_list("chamber_id", "enterprise_id", "person_id", "role", "joined", "left"))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_enterprises_round_trip(cast, tmp_path, fmt):
    rng = random.Random(8)
    codes = [make_uscc(rng) for _ in range(3)]
    source = xlsx_file(tmp_path, [
        ["统一社会信用代码", "企业名称", "所在街道", "行业门类", "企业规模", "从业人数", "成立日期", "经营状态", "地址",
         "注销日期"],
        [codes[0], "北京（东华）科技有限公司", "东华门街道", "I", "小型", 12, dt.date(2015, 6, 18), "存续", "东华门大街1号", ""],
        [codes[1], "=HYPERLINK(\"http://x\")公司", "景山街道", "", "", None, None, "注销", "-1号楼", "2019年5月6日"],
        [codes[2], "@某某工作室", "110101002", "住宿和餐饮业", "微型", "0", "2001年1月1日", "迁出", "+86 地址", ""],
    ])
    kind = kinds.get("enterprises")
    assert engine.run(kind, source, by=cast.admin, dry_run=False).committed
    imported = enterprise_values()

    exported = download(export_kind(by=cast.admin, kind=kind, fmt=fmt), tmp_path, fmt)
    Enterprise.objects.filter(uscc__in=codes).delete()
    result = engine.run(kind, exported, by=cast.admin, dry_run=False)
    assert result.committed, (result.file_error, result.errors)
    assert (result.new, result.unchanged) == (3, 2)  # the three imported come back; the cast's two are as they were
    assert enterprise_values() == imported
    again = engine.run(kind, exported, by=cast.admin, dry_run=False)
    assert again.unchanged == 5
    assert AuditEvent.objects.filter(action="export", extra__rows=5).exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_persons_round_trip(cast, tmp_path, fmt):
    rng = random.Random(9)
    rows = [["姓名", "身份证号码", "手机号码", "政治面貌", "所属街道", "所在企业统一社会信用代码", "职务"]]
    for i in range(3):
        rows.append([f"人员{i}", make_id_number(rng), make_mobile(rng), ["中共党员", "群众", ""][i], "东华门街道",
                     cast.enterprise_a.uscc if i < 2 else "", ["董事长", "", "联系人"][i]])
    kind = kinds.get("persons")
    assert engine.run(kind, csv_file(tmp_path, rows), by=cast.admin, dry_run=False).committed
    imported = person_values()

    # The round trip needs the numbers: the explicit, reasoned plaintext export.
    exported = download(kind_export_plain(by=cast.admin, kind=kind, fmt=fmt, reason="迁移到新的名录系统"), tmp_path, fmt)
    Person.objects.all().delete()
    result = engine.run(kind, exported, by=cast.admin, dry_run=False)
    assert result.committed, (result.file_error, result.errors)
    assert person_values() == imported
    event = AuditEvent.objects.get(action="export_plain")
    assert event.extra["filters"] == {"unmasked": True} and event.extra["reason"] == "迁移到新的名录系统"


def test_person_export_is_masked_for_users_who_may_not_unmask(cast, tmp_path):
    exported = download(export_kind(by=cast.worker_a, kind=kinds.get("persons"), fmt="csv"), tmp_path, "csv")
    text = exported.read_text(encoding="utf-8-sig")
    assert cast.person_a.id_number not in text and cast.person_a.id_number_masked in text
    assert cast.person_b.name not in text  # street B is not hers
    # Masked numbers come back in as "unchanged" (they match the records), never stored.
    result = engine.run(kinds.get("persons"), exported, by=cast.worker_a, dry_run=True)
    assert result.ok and result.counts() == {"total": 2, "new": 0, "updated": 0, "unchanged": 2, "error": 0}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_memberships_round_trip(cast, tmp_path, fmt):
    rows = [["商会", "会员企业统一社会信用代码", "个人会员身份证号码", "会内职务", "入会日期", "退会日期"],
            ["景山街道商会", cast.enterprise_a.uscc, "", "理事", "2019-03-01", "2020-02-29"],
            ["东华门街道商会", cast.enterprise_a.uscc, "", "会长", "2010-01-01", "2017-12-31"],
            ["东城区青年创业者协会", "", cast.person_a.id_number, "副会长", "2021年7月1日", ""]]
    kind = kinds.get("memberships")
    result = engine.run(kind, csv_file(tmp_path, rows), by=cast.admin, dry_run=False)
    assert result.committed, result.errors
    imported = membership_values()
    assert len(imported) == 6

    exported = download(kind_export_plain(by=cast.admin, kind=kind, fmt=fmt, reason="迁移到新的名录系统"), tmp_path, fmt)
    Membership.objects.all().delete()
    result = engine.run(kind, exported, by=cast.admin, dry_run=False)
    assert result.committed, (result.file_error, result.errors)
    assert membership_values() == imported
