"""Importing 入党申请人 (kind "recruitment_candidates"): preview, all-or-nothing commit, the time rules of the
细则 on every row, scope, and a user's own export importing again unchanged."""

import datetime as dt
import random

from shanghui.directory.models import Person
from shanghui.imports import engine, kinds
from shanghui.imports.tests.sheets import xlsx_file
from shanghui.party.models import RecruitmentCandidate, RecruitmentStep
from shanghui.testing import make_id_number, reimport_own_export

D = dt.date
HEADER = ["身份证号码", "姓名", "党组织", "出生日期", "递交入党申请书日期", "谈话日期", "谈话人", "确定入党积极分子日期",
          "培养联系人", "备注"]


def run(path, by, dry_run=False):
    return engine.run(kinds.get("recruitment_candidates"), path, by=by, dry_run=dry_run)


def person(name, street, birth):
    p = Person(name=name, region=street)
    p.set_id_number(make_id_number(random.Random(name), birth=birth))
    p.save()
    return p


def test_preview_then_commit_then_unchanged(world, tmp_path):
    cast = world.cast
    a = person("赵申请", cast.street_a, D(1995, 4, 1))
    b = person("钱申请", cast.street_a, D(1996, 4, 1))
    rows = [
        [a.id_number, a.name, world.ja.name, "", D(2024, 3, 1), D(2024, 3, 20), "李支书", D(2024, 6, 1), "张三、李四",
         ""],
        [b.id_number, b.name, world.ja.name, "", D(2024, 5, 1), "", "", "", "", "待谈话"],
    ]
    path = xlsx_file(tmp_path, [HEADER, *rows], text_columns=(0,))
    dry = run(path, cast.worker_a, dry_run=True)
    assert dry.ok, dry.errors
    assert (dry.new, RecruitmentCandidate.objects.count()) == (2, 0)
    result = run(path, cast.worker_a)
    assert result.committed, result.errors
    c = RecruitmentCandidate.objects.get(person=a)
    assert (c.birth_date, c.activist_on, c.stage) == (D(1995, 4, 1), D(2024, 6, 1), "activist")
    assert sorted(c.steps.values_list("kind", flat=True)) == ["activist", "application", "contacts", "talk"]
    again = run(path, cast.worker_a)
    assert (again.new, again.unchanged) == (0, 2)


def test_one_row_breaking_a_rule_refuses_the_whole_file(world, tmp_path):
    cast = world.cast
    a = person("孙申请", cast.street_a, D(1995, 4, 1))
    young = person("李少年", cast.street_a, D(2006, 5, 2))
    late = person("周迟谈", cast.street_a, D(1990, 1, 1))
    rows = [
        [a.id_number, a.name, world.ja.name, "", D(2024, 3, 1), "", "", "", "", ""],
        [young.id_number, young.name, world.ja.name, "", D(2024, 5, 1), "", "", "", "", ""],
        [late.id_number, late.name, world.ja.name, "", D(2024, 3, 1), D(2024, 4, 2), "", "", "", ""],
    ]
    result = run(xlsx_file(tmp_path, [HEADER, *rows], text_columns=(0,)), cast.worker_a)
    assert not result.committed
    messages = {row: msg for row, _, msg in result.errors}
    assert "第五条" in messages[3] and "第七条" in messages[4]
    assert not RecruitmentCandidate.objects.exists() and not RecruitmentStep.objects.exists()


def test_another_streets_organisation_is_refused(world, tmp_path):
    cast = world.cast
    p = person("吴申请", cast.street_b, D(1995, 4, 1))
    result = run(xlsx_file(tmp_path, [HEADER, [p.id_number, p.name, world.jb.name, "", D(2024, 8, 1), "", "", "",
                                               "", ""]], text_columns=(0,)), cast.worker_a)
    assert not result.committed and not RecruitmentCandidate.objects.exists()


def test_own_export_imports_again_unchanged(world, tmp_path):
    cast = world.cast
    a = person("郑申请", cast.street_a, D(1995, 4, 1))
    run(xlsx_file(tmp_path, [HEADER, [a.id_number, a.name, world.ja.name, "", D(2024, 3, 1), D(2024, 3, 20), "李支书",
                                      D(2024, 6, 1), "张三", "备注"]], text_columns=(0,)), cast.worker_a)
    exported, result = reimport_own_export("recruitment_candidates", cast.worker_a, tmp_path)
    assert exported == 1 and result.committed and (result.unchanged, result.new) == (1, 0), result.errors
