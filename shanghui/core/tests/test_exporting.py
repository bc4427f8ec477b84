"""export_response writes any iterable of rows: a queryset, a list or a generator give the same
file and the same audit event."""

import io
import re

import pytest
from python_calamine import CalamineWorkbook

from shanghui.audit.models import AuditEvent
from shanghui.core.exporting import Column, export_response
from shanghui.orgs.models import Region

pytestmark = pytest.mark.django_db

COLUMNS = [Column("区划代码", lambda r: r.code, 12), Column("名称", lambda r: r.name),
           Column("有下级", lambda r: r.children.exists(), 8)]


def _regions():
    return Region.objects.order_by("code")


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _export(rows, fmt: str, by) -> tuple[bytes, dict]:
    response = export_response(by=by, title="区划", rows=rows, columns=COLUMNS, fmt=fmt, filters={"q": "x"},
                               object_type="orgs.region")
    assert response["Content-Disposition"].startswith(f'attachment; filename="export.{fmt}"')
    body = _body(response)
    return body, AuditEvent.objects.filter(action="export").latest("pk").extra


def _cells(xlsx: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(xlsx)).get_sheet_by_index(0).to_python()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_list_and_a_generator_write_what_the_queryset_writes(cast, fmt):
    expected, expected_event = _export(_regions(), fmt, cast.admin)
    assert expected_event["rows"] == _regions().count() > 2
    for rows in (list(_regions()), (r for r in _regions().iterator())):
        body, event = _export(rows, fmt, cast.admin)
        if fmt == "csv":
            assert body == expected
            assert body.startswith("\ufeff区划代码,名称,有下级".encode())
        else:
            assert _cells(body) == _cells(expected)
        assert event == expected_event == {"format": fmt, "filters": {"q": "x"}, "rows": _regions().count(),
                                           "title": "区划"}


def test_a_queryset_names_its_object_type_and_other_rows_must(cast):
    export_response(by=cast.admin, title="区划", rows=_regions(), columns=COLUMNS, fmt="csv")
    assert AuditEvent.objects.filter(action="export").latest("pk").object_type == "orgs.region"
    with pytest.raises(TypeError):
        export_response(by=cast.admin, title="区划", rows=list(_regions()), columns=COLUMNS, fmt="csv")


def test_every_page_names_the_export_format_the_same_way():
    """One name, `?format=`, on every page (the annual report and the imports use it too): no
    template links an export with another spelling."""
    from pathlib import Path

    import shanghui

    offenders = [str(path) for path in Path(shanghui.__file__).parent.rglob("templates/**/*.html")
                 if re.search(r"[?&;\s]fmt=", path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_field_columns_read_as_tuples_give_the_cells_the_column_functions_give(cast):
    """A queryset export whose columns are all Column.field reads plain tuples; the cells are the
    same as from model instances: labels, empty cells for nulls through a missing foreign key,
    yes/no, dates, escaped formulas."""
    from shanghui.core.exporting import _cell, rows_of
    from shanghui.directory.models import Enterprise, Membership
    from shanghui.directory.views import ENTERPRISE

    cast.enterprise_b.principal = None
    cast.enterprise_b.name = "=HYPERLINK(1)"
    cast.enterprise_b.employees = None
    cast.enterprise_b.save()
    Enterprise.objects.filter(pk=cast.enterprise_a.pk).update(industry="", founded="2001-02-03", employees=0)
    columns = ENTERPRISE.columns + [Column.field("区划代码", "region__code"),
                                    Column.field("区划级别", "region__level", display=True)]
    queryset = Enterprise.objects.order_by("pk")
    by_objects = [[_cell(c.value(e)) for c in columns] for e in queryset.select_related("region", "principal")]
    assert list(rows_of(queryset, columns)) == by_objects
    assert [row[1] for row in by_objects] == ["东华门文化传媒有限公司", "'=HYPERLINK(1)"]
    assert by_objects[1][9] == "" and by_objects[0][9] == cast.person_a.name
    active = [Column.field("商会", "chamber__name"), Column.field("退会日期", "left")]
    members = Membership.objects.order_by("pk")
    assert list(rows_of(members, active)) == [[_cell(c.value(m)) for c in active] for m in members]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_exports_memory_does_not_grow_with_its_rows(cast, fmt):
    """Peak memory (tracemalloc) of exporting 4,000 and then 12,000 enterprises: the rows are read in
    chunks of 2,000 (both sizes fill several) and written out as they come, so three times the rows is
    not three times the memory. xlsxwriter is imported first: its import is not the export's."""
    import random
    import tracemalloc

    from shanghui.directory.models import Enterprise
    from shanghui.directory.views import ENTERPRISE
    from shanghui.testing import make_uscc

    rng = random.Random(3)

    def add(n):
        Enterprise.objects.bulk_create([Enterprise(uscc=make_uscc(rng), name=f"内存测试{rng.random()}有限公司",
                                                   region=cast.street_a, industry="R", size="small",
                                                   address="东城区" * 10) for _ in range(n)])

    def peak() -> int:
        tracemalloc.start()
        try:
            response = export_response(by=cast.admin, title="企业名录", rows=ENTERPRISE.queryset(cast.admin),
                                       columns=ENTERPRISE.columns, fmt=fmt)
            # Consumed, not close()d: closing a response sends request_finished, which on PostgreSQL
            # closes the test's database connection (as every other export test, read the content only).
            size = sum(len(chunk) for chunk in response.streaming_content)
            return tracemalloc.get_traced_memory()[1], size
        finally:
            tracemalloc.stop()

    import xlsxwriter  # noqa: F401

    add(4000)
    small, small_size = peak()
    add(8000)
    big, big_size = peak()
    assert big_size > 2.5 * small_size
    assert big < 1.5 * small, (small, big)
