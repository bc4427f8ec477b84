"""The non-public enterprise party-building statistics table (非公有制企业党建工作统计表), for reporting upward.

Per street of the scope: active enterprises, those with their own party organisation, those
covered by a joint organisation, those with an instructor assignment (all "during the year",
built from party/kpis.py's conditions), and the party members of the street's organisations
on the last day of the period. Members of organisations that belong to no street (hosted by a
district-level chamber) get a row of their own, so the totals row is always the sum of the rows.
"""

import datetime as dt
from dataclasses import dataclass, fields

from django.db.models import Count, Q
from django.db.models.functions import Coalesce

from shanghui.core.exporting import escape_cell
from shanghui.core.kpis import Period
from shanghui.directory.kpis import active_enterprises, fold, scope_streets, street_rows
from shanghui.orgs.models import Region
from shanghui.party import kpis
from shanghui.party.models import Form, PartyMember

COLUMNS = [
    ("enterprises", "非公企业数（家）"),
    ("own", "其中：单独建立党组织的企业（家）"),
    ("joint", "其中：联合党组织覆盖的企业（家）"),
    ("instructor", "其中：选派党建指导员的企业（家）"),
    ("members", "党员人数（名）"),
]
# The three "其中" columns count enterprises each on its own: one enterprise can be in several
# (its own organisation and an instructor, say), so they do not add up to the first column.
OVERLAP_NOTE = ("“单独建立”“联合覆盖”“选派指导员”三列各自统计，同一企业可同时计入多列"
                "（如既单独建立党组织又选派了指导员），三列相加不等于非公企业数。")
OTHER_ROW = "区属党组织"


@dataclass
class Row:
    code: str
    name: str
    enterprises: int = 0
    own: int = 0
    joint: int = 0
    instructor: int = 0
    members: int = 0

    def values(self) -> list[int]:
        return [getattr(self, key) for key, _ in COLUMNS]


def _member_counts(scope: Region, day: dt.date) -> dict[int, int]:
    """Party members on `day` per region of their organisation (host chamber's, else the enterprise's)."""
    inside = (Q(organization__host_chamber__region__path__startswith=scope.path)
              | Q(organization__enterprise__region__path__startswith=scope.path))
    rows = (PartyMember.objects.active_on(day).filter(inside)
            .annotate(at=Coalesce("organization__host_chamber__region", "organization__enterprise__region"))
            .order_by().values("at").annotate(n=Count("person", distinct=True)))
    return {r["at"]: r["n"] for r in rows}


def table(scope: Region, period: Period) -> tuple[list[Row], Row]:
    """(one row per street of the scope [+ the district-level organisations' row], the totals row)."""
    p = Period.of(period)
    conditions = {
        "own": kpis.covered_in(p, organization__form=Form.OWN),
        "joint": kpis.covered_in(p, organization__form=Form.JOINT),
        "instructor": kpis.instructed_in(p),
    }
    grouped = (active_enterprises(scope, p).annotate(**{f"hit_{k}": c for k, c in conditions.items()})
               .order_by().values("region")
               .annotate(den=Count("pk"), **{k: Count("pk", filter=Q(**{f"hit_{k}": True})) for k in conditions}))
    per_region = {r["region"]: {k: v for k, v in r.items() if k != "region"} for r in grouped}
    members = _member_counts(scope, p.end)
    # 区划调整: the streets of the period's year, each summing its subtree.
    streets, owner = street_rows(list(scope_streets(scope, p).order_by("code")), {*per_region, *members})
    others = sum(n for region, n in members.items() if region not in owner)
    per_region, members = fold(per_region, owner), fold(members, owner)
    rows = []
    for street in streets:
        r = per_region.get(street.pk, {})
        rows.append(Row(code=street.code, name=street.name, enterprises=r.get("den", 0), own=r.get("own", 0),
                        joint=r.get("joint", 0), instructor=r.get("instructor", 0),
                        members=members.get(street.pk, 0)))
    # organisations outside any street of the scope (district-level)
    if others:
        rows.append(Row(code="", name=OTHER_ROW, members=others))
    total = Row(code="", name="合计")
    for row in rows:
        for f in fields(Row)[2:]:
            setattr(total, f.name, getattr(total, f.name) + getattr(row, f.name))
    return rows, total


def title(scope: Region, year: int) -> str:
    return f"{scope.name}非公有制企业党建工作统计表（{year}年）"


def write_xlsx(scope: Region, year: int, target) -> int:
    """The table as a one-sheet .xlsx (values, no formulas: the totals are computed here). Returns the row count."""
    import xlsxwriter

    rows, total = table(scope, Period.year(year))
    book = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    ws = book.add_worksheet("党建统计表")
    head = book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True,
                            "align": "center", "valign": "vcenter"})
    cell = book.add_format({"border": 1})
    bold = book.add_format({"border": 1, "bold": True})
    caption = book.add_format({"bold": True, "font_size": 16, "align": "center"})
    header = ["区划代码", "街道", *[label for _, label in COLUMNS]]
    ws.merge_range(0, 0, 0, len(header) - 1, title(scope, year), caption)
    ws.write_row(1, 0, header, head)
    ws.set_row(1, 36)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 14)
    ws.set_column(2, len(header) - 1, 16)
    for i, row in enumerate([*rows, total], start=2):
        fmt = bold if row is total else cell
        ws.write_string(i, 0, escape_cell(row.code), fmt)
        ws.write_string(i, 1, escape_cell(row.name), fmt)
        ws.write_row(i, 2, row.values(), fmt)
    ws.write_string(len(rows) + 3, 0, f"统计口径：{year}年内经营的非公企业；党员人数为{year}年12月31日在册人数。")
    ws.write_string(len(rows) + 4, 0, f"说明：{OVERLAP_NOTE}")
    ws.freeze_panes(2, 2)
    book.close()
    return len(rows)
