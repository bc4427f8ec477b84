"""The non-public enterprise party-building statistics table: per street, totals = sum of the streets."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from shanghui.accounts.models import User
from shanghui.audit.models import AuditEvent
from shanghui.core.kpis import Period
from shanghui.core.roles import Role
from shanghui.directory.kpis import active_enterprises
from shanghui.orgs.models import Region
from shanghui.party.models import Form, InstructorAssignment, PartyCoverage, PartyMember
from shanghui.reports import statistics

from .demo_db import demo_data

YEAR = 2018


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    yield from demo_data(django_db_blocker, seed=6)


@pytest.fixture
def district(demo, db):
    return Region.objects.get(code="110101")


def _meets_2018(prefix=""):
    return Q(**{f"{prefix}start__lte": dt.date(YEAR, 12, 31)}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": dt.date(YEAR, 1, 1)}))


def independent_row(street: Region) -> list[int]:
    """The street's figures counted afresh from the rows, without the KPI module's conditions."""
    active = set(active_enterprises(street, Period.year(YEAR)).values_list("pk", flat=True))

    def covered(qs):
        return len(active & set(qs.filter(_meets_2018()).values_list("enterprise", flat=True)))

    day = dt.date(YEAR, 12, 31)
    members = PartyMember.objects.filter(joined_org__lte=day).filter(Q(left__isnull=True) | Q(left__gte=day)).filter(
        Q(organization__host_chamber__region=street) | Q(organization__enterprise__region=street))
    return [len(active), covered(PartyCoverage.objects.filter(organization__form=Form.OWN)),
            covered(PartyCoverage.objects.filter(organization__form=Form.JOINT)),
            covered(InstructorAssignment.objects.all()), members.values("person").distinct().count()]


def test_every_street_row_equals_an_independent_count(district):
    rows, _ = statistics.table(district, Period.year(YEAR))
    assert [r.name for r in rows][:2] == ["东华门街道", "景山街道"] and len(rows) == 17
    for row in rows:
        assert row.values() == independent_row(Region.objects.get(code=row.code)), row.name
    assert sum(r.joint for r in rows) > 0 and sum(r.members for r in rows) > 0


def test_the_totals_row_is_the_sum_of_the_streets(district):
    rows, total = statistics.table(district, Period.year(YEAR))
    for key, _ in statistics.COLUMNS:
        assert getattr(total, key) == sum(getattr(r, key) for r in rows), key
    assert total.enterprises == active_enterprises(district, Period.year(YEAR)).count()


def test_a_streets_table_is_its_row_of_the_districts(district):
    rows, _ = statistics.table(district, Period.year(YEAR))
    street = Region.objects.get(code="110101002")
    own_rows, own_total = statistics.table(street, Period.year(YEAR))
    assert [r.name for r in own_rows] == ["景山街道"]
    assert own_rows[0] == next(r for r in rows if r.code == "110101002")
    assert own_total.values() == own_rows[0].values()


def test_the_xlsx_holds_the_table_with_its_totals(district, tmp_path):
    call_command("report", "--year", str(YEAR), "--format", "stats", "--output", str(tmp_path), stdout=io.StringIO())
    book = openpyxl.load_workbook(tmp_path / "东城区非公有制企业党建工作统计表（2018年）.xlsx")
    ws = book["党建统计表"]
    assert ws["A1"].value == "东城区非公有制企业党建工作统计表（2018年）"
    assert [c.value for c in ws[2]] == ["区划代码", "街道", *[label for _, label in statistics.COLUMNS]]
    body = [list(r) for r in ws.iter_rows(min_row=3, max_row=19, values_only=True)]
    total = list(next(ws.iter_rows(min_row=20, max_row=20, values_only=True)))
    assert total[1] == "合计"
    assert total[2:] == [sum(r[i] for r in body) for i in range(2, 7)]


def test_the_download_is_scoped_and_audited(demo, db):
    user = User.objects.create(username="stats_worker", role=Role.STREET_WORKER,
                               region=Region.objects.get(code="110101002"))
    client = Client()
    client.force_login(user)
    url = reverse("reports:statistics_table")
    response = client.get(url, {"year": YEAR})
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["党建统计表"]
    assert ws["B3"].value == "景山街道" and ws["B4"].value == "合计"
    assert client.get(url, {"year": YEAR, "street": "110101001"}).status_code == 404
    event = AuditEvent.objects.filter(object_type="reports.statistics_table").latest("pk")
    assert event.action == "export" and event.extra["region"] == "110101002"
