"""Every import kind, as every role that may import, resolves its references among the rows the
importer sees: a reference to another street's (or another district's) record is answered and
handled exactly as a reference to a record that does not exist, and nothing is written.

The kinds come from the registry and their reference columns from the kinds themselves
(`Column.ref`), so a new kind or a new reference column is covered without touching this test.
"""

import datetime as dt
import random
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import timezone

from shanghui.activities.models import Activity, ActivitySeries
from shanghui.directory.models import Enterprise, Person
from shanghui.imports import engine, kinds
from shanghui.orgs.models import Chamber, Region
from shanghui.party.models import PartyOrganization
from shanghui.testing import make_id_number, make_mobile, make_uscc

from .sheets import csv_file


@dataclass
class World:
    """One record of every kind a reference can name, all in one street."""

    street: Region
    enterprise: Enterprise
    person: Person
    chamber: Chamber
    party_organization: PartyOrganization
    activity: Activity
    series: ActivitySeries


def make_world(street: Region, tag: str, rng: random.Random, activity_pk: int) -> World:
    enterprise = Enterprise.objects.create(uscc=make_uscc(rng), name=f"{tag}范围测试有限公司", region=street)
    person = Person(name=f"{tag}测试人", region=street, enterprise=enterprise)
    person.set_id_number(make_id_number(rng))
    person.set_mobile(make_mobile(rng))
    person.save()
    now = timezone.now()
    # A high, distinctive id: the sheet names the activity by it, and messages are compared with it masked.
    activity = Activity.objects.create(pk=activity_pk, title=f"{tag}理想信念教育报告会", kind="education",
                                       region=street, start=now, end=now + dt.timedelta(hours=2))
    return World(
        street=street, enterprise=enterprise, person=person,
        chamber=Chamber.objects.create(name=f"{tag}测试商会", kind="industry", region=street),
        party_organization=PartyOrganization.objects.create(
            name=f"中共{tag}范围测试有限公司支部委员会", level="branch", form="own", enterprise=enterprise,
            founded=dt.date(2016, 7, 1)),
        activity=activity,
        series=ActivitySeries.objects.create(name=f"{tag}品牌系列", kind="flagship", region=street),
    )


@pytest.fixture
def worlds(cast):
    rng = random.Random(14)
    xicheng = Region.objects.create(code="110102", name="西城区", level="district", parent=cast.district.parent)
    other_street = Region.objects.create(code="110102001", name="西长安街街道", level="street", parent=xicheng)
    return [make_world(cast.street_a, "东华门", rng, 880001), make_world(cast.street_b, "景山", rng, 880002),
            make_world(other_street, "西长安街", rng, 880003)]


def missing_world() -> SimpleNamespace:
    """Values of the same shapes that name no record at all."""
    rng = random.Random(404)
    person = SimpleNamespace(name="查无此人", id_number=make_id_number(rng), mobile=make_mobile(rng))
    return SimpleNamespace(
        street=SimpleNamespace(name="不存在街道"), person=person,
        enterprise=SimpleNamespace(uscc=make_uscc(rng), name="不存在的测试有限公司"),
        chamber=SimpleNamespace(name="不存在的测试商会"), party_organization=SimpleNamespace(name="不存在的党组织"),
        activity=SimpleNamespace(pk=889999), series=SimpleNamespace(name="不存在的品牌系列"))


def ref_value(world, ref: str) -> str:
    what, attribute = ref.split(".")
    target = world.street if what == "region" else getattr(world, what)
    return str(getattr(target, attribute))


def example(column) -> str:
    value = column.example
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def rows_for(kind, own, other) -> list[tuple[dict, list[str]]]:
    """One row per reference column: that column (and the name beside it, as a sheet has it) names a
    record of `other`; the other required references name the importer's own records."""
    rows = []
    for column in [c for c in kind.columns if c.ref]:
        what = column.ref.split(".")[0]
        row, raws = {}, []
        for c in kind.columns:
            if c.ref and (c is column or c.ref == f"{what}.name"):
                row[c.header] = ref_value(other, c.ref)
                raws.append(row[c.header])
            elif c.ref:
                row[c.header] = ref_value(own, c.ref) if c.required else ""
            else:
                row[c.header] = example(c)
        rows.append((row, raws))
    return rows


def write_sheet(tmp_path, kind, rows, name) -> object:
    headers = [c.header for c in kind.columns]
    return csv_file(tmp_path, [headers, *[[row[h] for h in headers] for row, _ in rows]], name=name)


def masked(result, rows) -> list[tuple[int, str, str]]:
    """The errors with each row's typed references masked (their texts differ between the two sheets)."""
    out = []
    for number, column, message in result.errors:
        for raw in sorted(rows[number - 2][1], key=len, reverse=True):
            message = message.replace(raw, "〈引用〉")
        out.append((number, column, message))
    return out


def row_counts() -> dict[str, int]:
    # Every model but the audit log (a failed import is audited, as it should be).
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "audit"}


def run_and_undo(kind, path, by):
    """Commit a sheet, note what it changed, and undo it: the effect of an import, without keeping it."""
    before = row_counts()
    with transaction.atomic():
        result = engine.run(kind, path, by=by, dry_run=False)
        after = row_counts()
        transaction.set_rollback(True)
    return result, {label: after[label] - n for label, n in before.items() if after[label] != n}


def importers(cast) -> list:
    return [user for user in cast.users().values() if engine.can_import(user)]


def test_every_kind_has_reference_columns():
    # A kind without references would make the test below prove nothing for it.
    assert {"enterprises", "persons", "memberships", "attendances", "activities", "party_organizations",
            "party_members"} <= set(kinds.KINDS)
    assert all(any(c.ref for c in kind.columns) for kind in kinds.KINDS.values())


@pytest.mark.parametrize("kind_name", sorted(kinds.KINDS))
def test_out_of_scope_references_read_as_missing_and_write_nothing(cast, worlds, tmp_path, kind_name):
    kind = kinds.get(kind_name)
    nothing = missing_world()
    covered = []
    for user in importers(cast):
        if user.is_superuser:
            continue  # the technical administrator's scope is everything: nothing is out of it
        visible = set(Enterprise.objects.visible_to(user).values_list("pk", flat=True))
        own = next(w for w in worlds if w.enterprise.pk in visible)
        other = next(w for w in worlds if w.enterprise.pk not in visible)
        foreign_rows, missing_rows = rows_for(kind, own, other), rows_for(kind, own, nothing)
        foreign_names = {other.enterprise.name, other.person.name, other.chamber.name, other.activity.title,
                         other.party_organization.name, other.series.name}

        # The whole sheet: refused, nothing written.
        path = write_sheet(tmp_path, kind, foreign_rows, f"{kind_name}-{user.username}.csv")
        before = row_counts()
        result = engine.run(kind, path, by=user, dry_run=False)
        assert not result.committed and result.error_rows, (kind_name, user.username)
        assert row_counts() == before, (kind_name, user.username)

        # Each row alone: the same answer and the same effect as a reference to nothing.
        for i, (foreign, missing) in enumerate(zip(foreign_rows, missing_rows, strict=True)):
            label = (kind_name, user.username, [h for h, v in foreign[0].items() if v in foreign[1]])
            f_result, f_effect = run_and_undo(kind, write_sheet(tmp_path, kind, [foreign], f"f{i}.csv"), user)
            m_result, m_effect = run_and_undo(kind, write_sheet(tmp_path, kind, [missing], f"m{i}.csv"), user)
            assert masked(f_result, [foreign]) == masked(m_result, [missing]), label
            assert f_result.counts() == m_result.counts(), label
            assert f_effect == m_effect, label
            for _, _, message in masked(f_result, [foreign]):  # nothing of the record beyond what was typed
                assert not any(name in message for name in foreign_names), (label, message)
        covered.append(user.username)
    assert {"admin", "worker_a", "worker_b"} <= set(covered)
