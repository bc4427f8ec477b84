"""An import counts what it adds for the dashboard inside its own transaction (the CLI's as well as
the web job's), so the first read after it has no recount to do (it used to take 45 s after a
million-row CLI import)."""

import random

import pytest
from django.db import connection
from django.urls import reverse

from shanghui.directory.models import Enterprise, Membership
from shanghui.imports import engine, kinds
from shanghui.imports.tests.sheets import ENTERPRISE_HEADER, csv_file
from shanghui.reports import streetyears
from shanghui.reports.models import EnterpriseMark
from shanghui.testing import make_uscc

pytestmark = pytest.mark.django_db


def _rows(n: int, rng) -> list[list]:
    streets = ["东华门街道", "景山街道"]
    rows = []
    for i in range(n):
        status, closed = ("注销", f"{2020 + i % 5}-06-01") if i % 4 == 0 else ("存续", "")
        rows.append([make_uscc(rng), f"计数测试{i}有限公司", streets[i % 2], "I", "小型", str(5 + i),
                     f"{1995 + i % 25}-03-01", status, f"东城区{i}号", closed])
    return rows


def test_after_an_import_the_counters_are_right_and_the_first_dashboard_read_counts_nothing(
        client, cast, tmp_path, monkeypatch):
    streetyears.settle()
    # A write outside the import, not counted yet: the import's count takes it along.
    Membership.objects.create(chamber=cast.chamber_b, enterprise=cast.enterprise_b, joined="2015-01-01")
    assert EnterpriseMark.objects.exists()
    rows = _rows(40, random.Random(4))
    result = engine.run(kinds.get("enterprises"), csv_file(tmp_path, [[*ENTERPRISE_HEADER, "注销日期"], *rows]),
                        by=cast.admin, dry_run=False)
    assert result.committed and result.counts()["new"] == 40
    assert Enterprise.objects.count() == 42

    assert streetyears._idle(connection), "the import left enterprises or marks to count"
    assert streetyears.stored() == streetyears.recount()

    def recount(*args, **kwargs):
        raise AssertionError("the first read after the import recounted enterprises")

    monkeypatch.setattr(streetyears, "_process", recount)
    client.force_login(cast.leader)
    assert client.get(reverse("reports:dashboard")).status_code == 200


def test_a_failed_count_leaves_the_import_committed_and_the_next_read_counts_it(cast, tmp_path, monkeypatch):
    streetyears.settle()

    def broken(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(streetyears, "_count_fresh", broken)
    result = engine.run(kinds.get("enterprises"), csv_file(tmp_path, [[*ENTERPRISE_HEADER, "注销日期"],
                                                                        *_rows(5, random.Random(5))]),
                        by=cast.admin, dry_run=False)
    assert result.committed and Enterprise.objects.count() == 7
    assert not streetyears._idle(connection)
    monkeypatch.undo()
    streetyears.settle()
    assert streetyears.stored() == streetyears.recount()
