"""Validate → preview → commit: all or nothing, upserts, scope and the audit event."""

import datetime as dt
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from shanghui.accounts.models import User
from shanghui.audit.models import AuditEvent
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.imports import engine, kinds
from shanghui.testing import make_id_number, make_uscc

from .sheets import ENTERPRISE_HEADER, csv_file, xlsx_file

ENTERPRISES = kinds.get("enterprises")
PERSONS = kinds.get("persons")
MEMBERSHIPS = kinds.get("memberships")


def enterprise_rows(n, seed=1, street="东华门街道"):
    rng = random.Random(seed)
    return [[make_uscc(rng), f"测试企业{i}有限公司", street, "I", "小型", str(10 + i), "2019-05-01", "存续",
             f"东城区{i}号"] for i in range(n)]


def snapshot():
    return sorted(Enterprise.objects.values_list("uscc", "name", "region_id", "industry", "size", "employees",
                                                 "founded", "status", "address", "name_initials"))


def test_dry_run_counts_and_writes_nothing(cast, tmp_path):
    path = csv_file(tmp_path, [ENTERPRISE_HEADER, *enterprise_rows(3)])
    before = snapshot()
    result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=True)
    assert result.counts() == {"total": 3, "new": 3, "updated": 0, "unchanged": 0, "error": 0}
    assert not result.committed
    assert snapshot() == before
    assert not AuditEvent.objects.filter(action="import").exists()


def test_failing_row_in_the_middle_leaves_the_database_unchanged(cast, tmp_path):
    rows = enterprise_rows(9)
    rows[4][0] = rows[4][0][:-1] + ("0" if rows[4][0][-1] != "0" else "1")  # wrong check character
    path = csv_file(tmp_path, [ENTERPRISE_HEADER, *rows])
    before = snapshot()
    # Small batches: rows before the bad one are written to the database first, then rolled back.
    result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False, batch_size=2)
    assert not result.committed
    assert result.counts() == {"total": 9, "new": 8, "updated": 0, "unchanged": 0, "error": 1}
    (row, column, message), = result.errors
    assert (row, column) == (6, "统一社会信用代码") and "校验位错误" in message
    assert snapshot() == before
    event = AuditEvent.objects.get(action="import")
    assert not event.success and event.extra["error"] == 1


def test_second_import_of_the_same_file_is_all_unchanged(cast, tmp_path):
    path = csv_file(tmp_path, [ENTERPRISE_HEADER, *enterprise_rows(4)])
    first = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False)
    assert first.committed and first.new == 4
    after_first = snapshot()
    second = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False)
    assert second.counts() == {"total": 4, "new": 0, "updated": 0, "unchanged": 4, "error": 0}
    assert snapshot() == after_first


def test_changed_rows_are_updated_by_natural_key(cast, tmp_path):
    rows = enterprise_rows(2)
    engine.run(ENTERPRISES, csv_file(tmp_path, [ENTERPRISE_HEADER, *rows]), by=cast.worker_a, dry_run=False)
    rows[1][1], rows[1][5] = "改名后的企业有限公司", "99"
    result = engine.run(ENTERPRISES, csv_file(tmp_path, [ENTERPRISE_HEADER, *rows]), by=cast.worker_a,
                        dry_run=False)
    assert result.counts()["updated"] == 1 and result.counts()["unchanged"] == 1
    e = Enterprise.objects.get(uscc=rows[1][0])
    assert (e.name, e.employees, e.name_initials) == ("改名后的企业有限公司", 99, "gmhdqyyxgs")


def test_absent_columns_are_left_alone(cast, tmp_path):
    code = cast.enterprise_a.uscc
    path = csv_file(tmp_path, [["统一社会信用代码", "企业名称", "所在街道"], [code, "东华门文化传媒有限公司", "东华门街道"]])
    result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False)
    assert result.unchanged == 1
    cast.enterprise_a.refresh_from_db()
    assert (cast.enterprise_a.industry, cast.enterprise_a.size) == ("R", "small")


def test_blank_cells_clear_the_stored_value_except_the_status_which_they_keep(cast, tmp_path):
    rows = enterprise_rows(2, seed=77)
    rows[0][7] = rows[1][7] = "注销"
    engine.run(ENTERPRISES, csv_file(tmp_path, [ENTERPRISE_HEADER, *rows]), by=cast.worker_a, dry_run=False)
    rows[0][5] = rows[0][7] = rows[0][8] = ""  # employees, status, address
    rows[1][7] = ""  # status only: nothing changes
    result = engine.run(ENTERPRISES, csv_file(tmp_path, [ENTERPRISE_HEADER, *rows]), by=cast.worker_a,
                        dry_run=False)
    assert (result.updated, result.unchanged) == (1, 1)
    first, second = (Enterprise.objects.get(uscc=r[0]) for r in rows)
    assert (first.employees, first.address, first.status) == (None, "", "closed")
    assert (second.employees, second.status) == (11, "closed")


def test_one_audit_event_per_import_with_kind_file_and_counts(cast, tmp_path):
    path = csv_file(tmp_path, [ENTERPRISE_HEADER, *enterprise_rows(3)], name="名录.csv")
    engine.run(ENTERPRISES, path, by=cast.worker_a, filename="名录.csv", dry_run=False)
    event = AuditEvent.objects.get(action="import")
    assert event.actor == cast.worker_a and event.success
    assert event.extra == {"kind": "enterprises", "file": "名录.csv", "total": 3, "new": 3, "updated": 0,
                           "unchanged": 0, "error": 0}
    assert not AuditEvent.objects.filter(action="create").exists()


def test_street_worker_cannot_import_rows_for_another_street(cast, tmp_path):
    rows = enterprise_rows(2)
    rows[1][2] = "景山街道"
    result = engine.run(ENTERPRISES, csv_file(tmp_path, [ENTERPRISE_HEADER, *rows]), by=cast.worker_a,
                        dry_run=False)
    assert not result.committed
    # Another street reads as one that does not exist (docs/design.md §4).
    assert result.errors == [(3, "所在街道", "找不到街道“景山街道”（或不在您的管辖范围内），请填写街道全称或12位区划代码。")]
    assert not Enterprise.objects.filter(uscc__in=[r[0] for r in rows]).exists()


def test_street_worker_cannot_overwrite_another_streets_enterprise(cast, tmp_path):
    # The file claims street A, but the code belongs to an enterprise registered in street B.
    path = csv_file(tmp_path, [ENTERPRISE_HEADER[:3], [cast.enterprise_b.uscc, "抢注", "东华门街道"]])
    result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False)
    # The code is outside the worker's scope: a neutral sentence, nothing of the other enterprise.
    assert result.error_rows == 1 and result.errors[0][2] == "该统一社会信用代码已在其他单位登记，请联系区工商联核实"
    cast.enterprise_b.refresh_from_db()
    assert (cast.enterprise_b.name, cast.enterprise_b.region) == ("景山餐饮管理有限公司", cast.street_b)


@pytest.mark.parametrize("who", ["leader", "auditor", "instructor_a", "enterprise_user_a"])
def test_read_only_roles_cannot_import(cast, tmp_path, who):
    path = csv_file(tmp_path, [ENTERPRISE_HEADER, *enterprise_rows(1)])
    with pytest.raises(PermissionDenied):
        engine.run(ENTERPRISES, path, by=getattr(cast, who), dry_run=False)


def test_unknown_references_and_coded_values_are_explained(cast, tmp_path):
    rows = enterprise_rows(3)
    rows[0][2] = "不存在街道"
    rows[1][3] = "航天业"
    rows[2][2] = "东城区"  # a district, not a street
    result = engine.run(ENTERPRISES, csv_file(tmp_path, [ENTERPRISE_HEADER, *rows]), by=cast.admin, dry_run=True)
    messages = {(r, c): m for r, c, m in result.errors}
    assert "找不到街道“不存在街道”" in messages[(2, "所在街道")]
    assert messages[(3, "行业门类")].startswith("行业门类“航天业”不在可选范围内")
    assert "不是街道" in messages[(4, "所在街道")]


@pytest.mark.parametrize("batch_size", [engine.BATCH, 1, 2])  # the first copy in the same batch or an earlier one
def test_duplicate_key_inside_the_file_flags_both_rows(cast, tmp_path, batch_size):
    rows = enterprise_rows(3)
    rows.append(list(rows[0]))
    rows.append(list(rows[0]))
    result = engine.run(ENTERPRISES, csv_file(tmp_path, [ENTERPRISE_HEADER, *rows]), by=cast.admin, dry_run=True,
                        batch_size=batch_size)
    message = "与第{}行重复（统一社会信用代码相同），同一记录只能出现一次。"
    assert sorted(result.errors) == [(2, "统一社会信用代码", message.format(5)),
                                     (5, "统一社会信用代码", message.format(2)),
                                     (6, "统一社会信用代码", message.format(2))]
    assert result.counts() == {"total": 5, "new": 2, "updated": 0, "unchanged": 0, "error": 3}


def test_founding_date_in_the_future_is_refused(cast, tmp_path):
    rows = enterprise_rows(1)
    rows[0][6] = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    result = engine.run(ENTERPRISES, csv_file(tmp_path, [ENTERPRISE_HEADER, *rows]), by=cast.admin, dry_run=True)
    assert result.errors == [(2, "成立日期", "成立日期不能晚于今天。")]


# --- persons -------------------------------------------------------------------

def test_persons_are_encrypted_and_found_by_digest(cast, tmp_path):
    rng = random.Random(11)
    number = make_id_number(rng, birth=dt.date(1985, 7, 9))
    path = csv_file(tmp_path, [
        ["姓名", "身份证号", "手机", "政治面貌", "所属街道", "所在企业统一社会信用代码", "职务"],
        ["陈新", number.lower(), "138-0013-8000", "党员", "东华门街道", cast.enterprise_a.uscc, "总经理"],
    ])
    result = engine.run(PERSONS, path, by=cast.worker_a, dry_run=False)
    assert result.committed, result.errors
    person = Person.objects.by_id_number(number).get()
    assert (person.name, person.id_number, person.mobile) == ("陈新", number, "13800138000")
    assert number not in person.id_number_cipher and "13800138000" not in person.mobile_cipher
    assert (person.birth_date, person.political_status, person.enterprise) == (
        dt.date(1985, 7, 9), "party_member", cast.enterprise_a)
    assert person.name_initials == "cx"
    again = engine.run(PERSONS, path, by=cast.worker_a, dry_run=False)
    assert again.unchanged == 1


def test_person_mobile_change_is_reencrypted(cast, tmp_path):
    number = cast.person_a.id_number
    path = csv_file(tmp_path, [["姓名", "身份证号码", "手机号码", "所属街道"], ["王东华", number, "13911112222", "东华门街道"]])
    result = engine.run(PERSONS, path, by=cast.worker_a, dry_run=False)
    assert result.updated == 1, result.errors
    cast.person_a.refresh_from_db()
    assert cast.person_a.mobile == "13911112222"
    assert Person.objects.by_mobile("13911112222").get() == cast.person_a


def test_person_of_another_street_is_not_overwritten(cast, tmp_path):
    path = csv_file(tmp_path, [["姓名", "身份证号码", "所属街道"], ["冒名", cast.person_b.id_number, "东华门街道"]])
    result = engine.run(PERSONS, path, by=cast.worker_a, dry_run=False)
    assert not result.committed and result.errors[0][2] == "该身份证号码已在其他单位登记，请联系区工商联核实"
    cast.person_b.refresh_from_db()
    assert cast.person_b.name == "李景山"


def test_person_enterprise_must_be_visible(cast, tmp_path):
    number = make_id_number(random.Random(3))
    path = csv_file(tmp_path, [["姓名", "身份证号码", "所属街道", "所在企业统一社会信用代码"],
                               ["甲", number, "东华门街道", cast.enterprise_b.uscc]])
    result = engine.run(PERSONS, path, by=cast.worker_a, dry_run=True)
    assert result.error_rows == 1 and "找不到统一社会信用代码" in result.errors[0][2]


def test_masked_id_number_is_refused(cast, tmp_path):
    path = csv_file(tmp_path, [["姓名", "身份证号码", "所属街道"], ["甲", "110101********123X", "东华门街道"]])
    result = engine.run(PERSONS, path, by=cast.admin, dry_run=True)
    assert "遮盖" in result.errors[0][2]


# --- memberships ---------------------------------------------------------------

MEMBER_HEADER = ["商会", "会员企业统一社会信用代码", "个人会员身份证号码", "会内职务", "入会日期", "退会日期"]


def test_membership_upsert_by_chamber_member_and_date(cast, tmp_path):
    rows = [["东华门街道商会", cast.enterprise_a.uscc, "", "副会长", "2018-01-01", ""],
            ["东城区青年创业者协会", "", cast.youth_member.id_number, "会员", "2018-01-01", "2023-12-31"]]
    result = engine.run(MEMBERSHIPS, csv_file(tmp_path, [MEMBER_HEADER, *rows]), by=cast.admin, dry_run=False)
    assert result.counts() == {"total": 2, "new": 0, "updated": 2, "unchanged": 0, "error": 0}, result.errors
    cast.membership_a.refresh_from_db()
    cast.youth_membership.refresh_from_db()
    assert cast.membership_a.role == "vice_president"
    assert cast.youth_membership.left == dt.date(2023, 12, 31)
    assert Membership.objects.count() == 3


def test_membership_rules_are_applied(cast, tmp_path):
    rows = [
        ["东华门街道商会", cast.enterprise_a.uscc, "", "", "2020-01-01", ""],  # overlaps the 2018 membership
        ["东城区青年创业者协会", cast.enterprise_a.uscc, "", "", "2020-01-01", ""],  # enterprise in an individual association
        ["东华门街道商会", "", cast.youth_member.id_number, "", "2020-01-01", ""],  # person in an enterprise chamber
        ["东华门街道商会", cast.enterprise_a.uscc, cast.youth_member.id_number, "", "2020-01-01", ""],  # both
        ["东华门街道商会", cast.enterprise_a.uscc, "", "", "2010-01-01", "2009-01-01"],  # left before joined
        ["不存在的商会", cast.enterprise_a.uscc, "", "", "2010-01-01", ""],
    ]
    result = engine.run(MEMBERSHIPS, csv_file(tmp_path, [MEMBER_HEADER, *rows]), by=cast.admin, dry_run=True)
    messages = {r: m for r, _, m in result.errors}
    assert result.error_rows == 6
    assert "会员期不能重叠" in messages[2]
    assert "实行个人会员制" in messages[3]
    assert "实行企业会员制" in messages[4]
    assert "二者选其一" in messages[5]
    assert "退会日期不能早于入会日期" in messages[6]
    assert "找不到商会" in messages[7]


def test_overlapping_periods_inside_the_file(cast, tmp_path):
    e = cast.enterprise_b.uscc
    rows = [["景山街道商会", e, "", "", "2010-01-01", "2012-12-31"],
            ["景山街道商会", e, "", "", "2012-06-01", "2013-12-31"]]
    result = engine.run(MEMBERSHIPS, csv_file(tmp_path, [MEMBER_HEADER, *rows]), by=cast.admin, dry_run=True)
    assert result.errors == [(3, "入会日期", "与第2行的会员期重叠：同一会员在同一商会的会员期不能重叠。")]


def test_worker_cannot_import_memberships_of_another_streets_chamber(cast, tmp_path):
    rows = [["景山街道商会", cast.enterprise_a.uscc, "", "", "2010-01-01", "2012-12-31"]]
    result = engine.run(MEMBERSHIPS, csv_file(tmp_path, [MEMBER_HEADER, *rows]), by=cast.worker_a, dry_run=False)
    assert not result.committed and result.error_rows == 1
    assert Membership.objects.count() == 3


@pytest.fixture
def forked(monkeypatch):
    """Make the engine parse in a forked child for any file size, and count that it did."""
    calls = []
    real = engine._forked_batches

    def spy(*args, **kwargs):
        calls.append(1)
        yield from real(*args, **kwargs)

    monkeypatch.setattr(engine, "_can_fork", lambda: True)
    monkeypatch.setattr(engine, "_forked_batches", spy)
    return calls


def test_forked_parsing_imports_the_same_records_as_in_process(cast, tmp_path, forked):
    path = csv_file(tmp_path, [ENTERPRISE_HEADER, *enterprise_rows(30)])
    result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False, batch_size=7, pipeline_min_rows=0)
    assert forked and result.committed and result.counts()["new"] == 30
    in_child = snapshot()
    Enterprise.objects.filter(name__startswith="测试企业").delete()
    forked.clear()
    again = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False, batch_size=7)
    assert not forked and again.committed and snapshot() == in_child


def test_forked_parsing_keeps_all_or_nothing_and_row_errors(cast, tmp_path, forked):
    rows = enterprise_rows(20)
    rows[13][0] = rows[13][0][:-1] + ("0" if rows[13][0][-1] != "0" else "1")
    path = csv_file(tmp_path, [ENTERPRISE_HEADER, *rows])
    before = snapshot()
    result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False, batch_size=3, pipeline_min_rows=0)
    assert forked and not result.committed
    assert [(r, c) for r, c, _ in result.errors] == [(15, "统一社会信用代码")]
    assert snapshot() == before


def test_a_workbook_is_parsed_in_process_whatever_its_size(cast, tmp_path, forked):
    # Only CSV is forked: a workbook sheet is already in memory (see engine._pass).
    path = xlsx_file(tmp_path, [ENTERPRISE_HEADER, *enterprise_rows(5, seed=99)], text_columns=(0,))
    result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False, pipeline_min_rows=0)
    assert result.committed and result.counts()["new"] == 5 and not forked


def test_forked_and_in_process_give_the_same_result_for_a_mixed_file(cast, tmp_path, forked):
    # Existing rows (one changed, one unchanged), new rows, a duplicate and a bad cell, in
    # batches smaller than the file: the same counts, errors and records either way.
    base = enterprise_rows(12, seed=1234)
    assert engine.run(ENTERPRISES, csv_file(tmp_path, [ENTERPRISE_HEADER, *base[:4]]), by=cast.worker_a,
                      dry_run=False).committed
    rows = [list(r) for r in base]
    rows[1][1] = "改了名字的企业有限公司"
    rows[9][5] = "很多"  # not a number
    rows.append(list(rows[6]))  # the same code twice
    path = csv_file(tmp_path, [ENTERPRISE_HEADER, *rows])
    before = snapshot()
    results = {}
    for label, threshold in (("forked", 0), ("in process", 10**9)):
        forked.clear()
        results[label] = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=True, batch_size=5,
                                    pipeline_min_rows=threshold)
        assert bool(forked) == (label == "forked")
    a, b = results["forked"], results["in process"]
    assert a.counts() == b.counts() == {"total": 13, "new": 6, "updated": 1, "unchanged": 3, "error": 3}
    assert a.errors == b.errors and sorted((r, c) for r, c, _ in a.errors) == [
        (8, "统一社会信用代码"), (11, "从业人数"), (14, "统一社会信用代码")]
    rows.pop(9)
    rows.pop()
    path = csv_file(tmp_path, [ENTERPRISE_HEADER, *rows])
    snapshots = []
    for threshold in (0, 10**9):
        result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False, batch_size=5,
                            pipeline_min_rows=threshold)
        assert result.committed and result.counts()["new"] == 7
        snapshots.append(snapshot())
        Enterprise.objects.filter(uscc__in=[r[0] for r in base[4:]]).delete()
        Enterprise.objects.filter(uscc=base[1][0]).update(name=base[1][1])
    assert snapshots[0] == snapshots[1] != before


def test_a_first_import_into_an_empty_register_still_finds_duplicates_and_then_updates(cast, tmp_path):
    # With no enterprise stored the import skips its look-ups (kinds/enterprises.py): every
    # row is new, except a code the file repeats.
    User.objects.update(enterprise=None)
    Enterprise.objects.all().delete()
    rows = enterprise_rows(6, seed=4321)
    rows.append(list(rows[2]))
    result = engine.run(ENTERPRISES, csv_file(tmp_path, [ENTERPRISE_HEADER, *rows]), by=cast.worker_a,
                        dry_run=False, batch_size=4)
    assert not result.committed and sorted((r, c) for r, c, _ in result.errors) == [(4, "统一社会信用代码"),
                                                                                    (8, "统一社会信用代码")]
    assert not Enterprise.objects.exists()
    rows.pop()
    first = engine.run(ENTERPRISES, csv_file(tmp_path, [ENTERPRISE_HEADER, *rows]), by=cast.worker_a,
                       dry_run=False, batch_size=4)
    assert first.committed and first.counts()["new"] == 6
    rows[0][5] = "77"
    again = engine.run(ENTERPRISES, csv_file(tmp_path, [ENTERPRISE_HEADER, *rows]), by=cast.worker_a,
                       dry_run=False, batch_size=4)
    assert again.counts() == {"total": 6, "new": 0, "updated": 1, "unchanged": 5, "error": 0}
    assert Enterprise.objects.get(uscc=rows[0][0]).employees == 77


def test_the_closing_date_is_imported_and_checked_against_the_status(cast, tmp_path):
    rows = enterprise_rows(3)
    header = [*ENTERPRISE_HEADER, "注销日期"]
    rows[0] += [""]
    rows[1][7] = "注销"
    rows[1] += ["2020年6月1日"]
    rows[2] += ["2020-06-01"]  # still 存续: a closing date makes no sense
    result = engine.run(ENTERPRISES, csv_file(tmp_path, [header, *rows]), by=cast.admin, dry_run=False)
    assert not result.committed
    assert result.errors == [(4, "注销/迁出日期", "存续企业不填注销/迁出日期。")]
    rows[2][-1] = ""
    result = engine.run(ENTERPRISES, csv_file(tmp_path, [header, *rows], name="ok.csv"), by=cast.admin,
                        dry_run=False)
    assert result.committed, result.errors
    closed = Enterprise.objects.get(uscc=rows[1][0])
    assert (closed.status, closed.status_changed) == ("closed", dt.date(2020, 6, 1))


@pytest.fixture
def deadline():
    """Fail (instead of hanging the suite) when the code under test blocks for good."""
    def expire(signum, frame):
        raise TimeoutError("the import did not return")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_killed_reader_process_ends_the_import_with_a_message_and_nothing_written(cast, tmp_path, forked,
                                                                                   deadline):
    # Batches several times the size of a pipe's buffer: the reader is killed while it is
    # blocked halfway through sending one, which is where a reader that dies leaves the
    # parent waiting for bytes that never come.
    rows = enterprise_rows(3000, seed=77)
    for row in rows:
        row[8] = "东城区" + "长" * 190
    path = csv_file(tmp_path, [ENTERPRISE_HEADER, *rows])
    before = snapshot()
    killed = []

    def kill_reader(done, total):
        for child in multiprocessing.active_children():
            if not killed and done < total:
                os.kill(child.pid, signal.SIGKILL)
                killed.append(child.pid)

    result = engine.run(ENTERPRISES, path, by=cast.worker_a, dry_run=False, batch_size=300, pipeline_min_rows=0,
                        progress=kill_reader)
    assert forked and killed
    assert not result.committed and result.file_error == engine.READER_DIED
    assert "读取文件的进程意外退出" in result.file_error
    assert snapshot() == before
    assert AuditEvent.objects.filter(action="import", success=False).exists()


def test_the_reader_process_dies_with_the_importing_process(tmp_path):
    # An import whose reader is busy (here: a file that never ends) and whose own process is
    # then killed: the reader must not run on by itself.
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, time\n"
        "import django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shanghui.settings')\n"
        "django.setup()\n"
        "from shanghui.imports import engine\n"
        "def endless():\n"
        "    print(os.getpid(), flush=True)\n"
        "    time.sleep(120)\n"
        "    yield from ()\n"
        "next(engine._forked_batches(None, endless(), [], 10), None)\n")
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(Path(engine.__file__).parents[2])})
    reader_pid = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    gone = time.monotonic() + 15
    while Path(f"/proc/{reader_pid}").exists() and _alive(reader_pid) and time.monotonic() < gone:
        time.sleep(0.05)
    assert not _alive(reader_pid)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status is left for init to collect


@pytest.mark.parametrize("cell", ["110101001000", "１１０１０１００１０００", 110101001000, "110101001"])
def test_a_street_by_its_12_digit_division_code(cast, tmp_path, cell):
    # The template note promises "街道全称或12位区划代码": the 12 digits name the 9-digit street.
    rows = enterprise_rows(1, street=cell)
    result = engine.run(ENTERPRISES, xlsx_file(tmp_path, [ENTERPRISE_HEADER, *rows]), by=cast.worker_a,
                        dry_run=False)
    assert result.committed, result.errors
    assert Enterprise.objects.get(uscc=rows[0][0]).region == cast.street_a


def test_a_12_digit_code_of_another_street_or_nowhere_is_not_found(cast, tmp_path):
    for cell in ("110101002000", "110101001001", "110101000000"):
        result = engine.run(ENTERPRISES, csv_file(tmp_path, [ENTERPRISE_HEADER, *enterprise_rows(1, street=cell)]),
                            by=cast.worker_a, dry_run=True)
        assert result.error_rows == 1 and result.errors[0][1] == "所在街道", cell
