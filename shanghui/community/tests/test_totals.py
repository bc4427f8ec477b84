"""Contribution totals per kind, project, contributor and year, inside the scope."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from shanghui.community import kpis, services
from shanghui.community.models import Contribution


def test_district_totals_add_up_every_kind(rows):
    cast, out = rows
    totals = kpis.totals_by_kind(cast.admin)
    assert totals == {"money": Decimal("71.00"), "goods": Decimal("0"), "volunteer": Decimal("240.00"),
                      "jobs": Decimal("6.00")}


def test_a_year_narrows_the_totals(rows):
    cast, _ = rows
    assert kpis.totals_by_kind(cast.admin, 2017) == {"money": Decimal("21.00"), "goods": 0, "volunteer": 0,
                                                     "jobs": 0}
    counts = {t.kind: t.count for t in kpis.totals(cast.admin, 2018)}
    assert counts == {"money": 1, "goods": 0, "volunteer": 2, "jobs": 2}


def test_a_street_workers_totals_count_only_her_streets_projects(rows):
    cast, _ = rows
    totals = kpis.totals_by_kind(cast.worker_a)
    assert totals["money"] == Decimal("10.50") and totals["volunteer"] == Decimal("120.00")
    # The same figure for the street as a Region scope.
    assert kpis.totals_by_kind(cast.street_a) == totals
    assert kpis.totals_by_kind(cast.auditor)["money"] == 0
    assert kpis.totals_by_kind(cast.enterprise_user_a)["money"] == 0


def test_by_project_contributor_and_year(rows):
    cast, out = rows
    projects = {r["key"][1]: r for r in kpis.by_project(cast.admin)}
    assert projects["对口帮扶科右前旗"]["money"] == Decimal("50")
    assert projects["东华门街道背街小巷治理"]["count"] == 3
    contributors = {(r["key"][0], r["key"][1]): r for r in kpis.by_contributor(cast.admin)}
    assert contributors[("商会", "景山街道商会")]["money"] == Decimal("50")
    assert contributors[("商会", "景山街道商会")]["volunteer"] == Decimal("120")
    assert contributors[("企业", "东华门文化传媒有限公司")]["jobs"] == Decimal("3")
    years = {r["key"]: r for r in kpis.by_year(cast.admin)}
    assert sorted(years) == [2017, 2018]
    assert years[2018]["money"] == Decimal("50") and years[2017]["money"] == Decimal("21")
    assert [r["key"][1] for r in kpis.by_project(cast.worker_a)] == ["东华门街道背街小巷治理"]


def test_a_contribution_has_exactly_one_contributor(rows):
    cast, out = rows
    project = out["a"]["project"]
    with pytest.raises(ValidationError, match="三选一"):
        services.contribution_create(by=cast.admin, project=project, kind="money", amount=1, date=dt.date(2018, 1, 1),
                                     enterprise=cast.enterprise_a, chamber=cast.chamber_a)
    with pytest.raises(ValidationError, match="三选一"):
        services.contribution_create(by=cast.admin, project=project, kind="money", amount=1, date=dt.date(2018, 1, 1))
    # The database refuses it too, whatever writes the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.create(project=project, kind="money", amount=1, date=dt.date(2018, 1, 1),
                                    enterprise=cast.enterprise_a, person=cast.person_a)


def test_bad_amounts_and_dates_are_refused_in_chinese(rows):
    cast, out = rows
    project = out["a"]["project"]
    with pytest.raises(ValidationError) as e:
        services.contribution_create(by=cast.admin, project=project, kind="money", amount=Decimal("0"),
                                     date=dt.date(2016, 1, 1), enterprise=cast.enterprise_a)
    assert "amount" in e.value.message_dict and "项目期间" in " ".join(e.value.message_dict["date"])


def test_a_street_worker_cannot_write_into_another_street(rows):
    cast, out = rows
    before = Contribution.objects.count()
    with pytest.raises(PermissionDenied):
        services.contribution_create(by=cast.worker_a, project=out["b"]["project"], kind="money", amount=1,
                                     date=dt.date(2018, 1, 1), enterprise=cast.enterprise_a)
    with pytest.raises(PermissionDenied):  # a contributor she cannot see
        services.contribution_create(by=cast.worker_a, project=out["a"]["project"], kind="money", amount=1,
                                     date=dt.date(2018, 1, 1), enterprise=cast.enterprise_b)
    with pytest.raises(PermissionDenied):
        services.contribution_create(by=cast.leader, project=out["a"]["project"], kind="money", amount=1,
                                     date=dt.date(2018, 1, 1), enterprise=cast.enterprise_a)
    assert Contribution.objects.count() == before


def test_an_assistance_project_outside_the_district_needs_its_partner_area(cast):
    with pytest.raises(ValidationError, match="帮扶地区"):
        services.project_create(by=cast.admin, kind="assistance", title="帮扶", region=cast.district,
                                start=dt.date(2018, 1, 1))
