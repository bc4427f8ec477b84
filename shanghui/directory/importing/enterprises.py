"""Enterprises (企业名录), upserted by unified social credit code."""

import datetime as dt

from django.utils import timezone

from shanghui.core import duplicates
from shanghui.core.exporting import Column as ExportColumn
from shanghui.imports import cells, sql
from shanghui.imports.initials import fast_initials
from shanghui.imports.kinds.base import Column, Kind, Row, seen_by, update_changed
from shanghui.orgs.importing import StreetResolver, street_names

from ..choices import Industry, Size, Status
from ..models import Enterprise

_KEEP = object()


class EnterpriseKind(Kind):
    name = "enterprises"
    label = "企业"
    model = Enterprise
    key = ("uscc",)
    columns = [
        Column("uscc", "统一社会信用代码", cells.uscc, aliases=("信用代码", "社会信用代码", "统一信用代码", "USCC"),
               required=True, example="91110101MA01ABCD19", width=22, text_format=True,
               note="18位，数字和大写字母；按此代码更新已有企业。请把该列设为文本格式，不要存成数字。"),
        Column("name", "企业名称", cells.max_length(cells.text, 200, "企业名称"),
               aliases=("企业全称", "单位名称", "名称", "企业"), required=True, example="北京东华门文化传媒有限公司",
               width=32),
        Column("region", "所在街道", cells.memo(cells.text), aliases=("街道", "所属街道", "街道名称", "街道代码", "所在街道代码"),
               required=True, example="东华门街道", options=street_names, note="街道全称或12位区划代码。",
               ref="street.name"),
        Column("industry", "行业门类", cells.choice(Industry, "行业门类"),
               aliases=("行业", "所属行业", "国民经济行业门类", "行业分类"), example=Industry.R.label,
               options=lambda by: [str(c.label) for c in Industry], width=24,
               note="国民经济行业分类（GB/T 4754）门类名称，或门类字母A–T。"),
        Column("size", "企业规模", cells.choice(Size, "企业规模", {"大": "large", "中": "medium", "小": "small",
                                                                   "微": "micro", "小微": "micro"}),
               aliases=("规模",), example=Size.SMALL.label, options=lambda by: [str(c.label) for c in Size], width=10),
        Column("employees", "从业人数", cells.integer, aliases=("职工人数", "员工人数", "从业人员", "人数", "从业人员数"),
               example=35, width=10),
        Column("founded", "成立日期", cells.memo(cells.date), aliases=("成立时间", "注册日期", "成立年月日"),
               example=dt.date(2015, 6, 18), width=12, note="如2018-03-01、2018年3月1日或2018.3.1。"),
        Column("status", "经营状态", cells.choice(Status, "经营状态", {"在业": "active", "在营": "active",
                                                                       "开业": "active", "存续（在营、开业、在册）": "active",
                                                                       "已注销": "closed", "吊销": "closed",
                                                                       "已迁出": "moved"}),
               aliases=("状态", "登记状态"), example=Status.ACTIVE.label,
               options=lambda by: [str(c.label) for c in Status], width=10, note="不填视为“存续”（已有企业则保持不变）。"),
        Column("address", "地址", cells.max_length(cells.text, 200, "地址"),
               aliases=("企业地址", "注册地址", "经营地址", "住所", "通讯地址"), example="东城区东华门大街1号", width=30),
        Column("status_changed", "注销/迁出日期", cells.memo(cells.date), aliases=("注销日期", "迁出日期", "注销或迁出日期"), width=14,
               note="已注销或迁出的企业填写（起不再存续的第一天）；存续企业不填。"),
    ]
    # Model fields a column sets (region is resolved to region_id).
    FIELDS = {"name": "name", "region": "region_id", "industry": "industry", "size": "size",
              "employees": "employees", "founded": "founded", "status": "status", "address": "address",
              "status_changed": "status_changed"}
    BLANK_KEEPS = {"status"}  # a blank cell here keeps the stored value (or the default for a new row)

    def context(self, by) -> dict:
        # An empty register (a district's first load, the biggest import there is) has nothing to
        # look up, and nothing that appears in it meanwhile can be missed: a code inserted
        # concurrently fails the unique index when the import's rows are copied in from its
        # staging tables, and the whole import rolls back ("changed at the same time"). Codes
        # repeated within the file are caught by the engine.
        return {"by": by, "streets": StreetResolver(by, "企业"), "today": dt.date.today(),
                "empty": not Enterprise.objects.exists()}

    def resolve(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        today, streets = ctx["today"], ctx["streets"]
        for row in rows:
            v = row.values
            if v.get("region") is not None:
                try:
                    v["region"] = streets(v["region"])
                except ValueError as e:
                    row.error(self.header("region"), str(e))
            if v.get("founded") and v["founded"] > today:
                row.error(self.header("founded"), "成立日期不能晚于今天。")
            if v.get("employees") is not None and v["employees"] > 2_147_483_647:
                row.error(self.header("employees"), "从业人数过大。")
            changed = v.get("status_changed")
            if changed:
                if v.get("status") == Status.ACTIVE:
                    row.error(self.header("status_changed"), "存续企业不填注销/迁出日期。")
                elif changed > today:
                    row.error(self.header("status_changed"), "注销/迁出日期不能晚于今天。")
                elif v.get("founded") and changed <= v["founded"]:
                    row.error(self.header("status_changed"), "注销/迁出日期应晚于成立日期。")

    def field_values(self, row: Row, present: set[str], new: bool) -> dict:
        out = {}
        for column, model_field in self.FIELDS.items():
            if column not in present:
                continue
            value = row.values.get(column)
            if value is None:
                if column in self.BLANK_KEEPS:
                    continue
                value = None if model_field in ("employees", "founded", "status_changed") else ""
            out[model_field] = value
        if new:
            out.setdefault("status", Status.ACTIVE)
        return out

    def key_of(self, row: Row):
        return (row.values.get("uscc"),)

    def plan(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        writable = ctx["streets"].writable
        # (column, model field, what a blank cell stores: _KEEP for "leave the stored value")
        # in FIELDS order: what field_values(new=False) and diff() give, without building two
        # dicts per row (a re-import of a million unchanged rows does this a million times).
        spec = [(column, model_field, _KEEP if column in self.BLANK_KEEPS
                 else None if model_field in ("employees", "founded", "status_changed") else "")
                for column, model_field in self.FIELDS.items() if column in present]
        columns, fields = [c for c, _, _ in spec], [f for _, f, _ in spec]
        blanks = [(i, blank) for i, (_, _, blank) in enumerate(spec)]
        existing = {}
        if not ctx.get("empty"):
            for uscc, pk, region_id, *values in sql.select_in(Enterprise, "uscc", [r.key[0] for r in rows],
                                                              ["id", "region_id", *fields]):
                existing[uscc] = (pk, region_id, values)
        seen = seen_by(Enterprise, ctx["by"], [pk for pk, region_id, _ in existing.values()
                                               if writable is not None and region_id not in writable])
        for row in rows:
            found = existing.get(row.key[0])
            if found is None:
                row.action = "new"
                continue
            pk, region_id, stored = found
            # Moving an enterprise needs write access to where it is now, not only to where it goes.
            if writable is not None and region_id not in writable:
                if pk in seen:  # hers to see, not to change: left as it is, and the file goes on
                    row.skip()
                    continue
                row.error(self.header("uscc"), duplicates.message(
                    by=ctx["by"], clash=Enterprise(pk=pk), what="统一社会信用代码", field="uscc",
                    named="该企业已由其他街道登记，不在您的管辖范围内，不能修改；如需调整请联系工商联。"))
                continue
            row.pk = pk
            v = row.values
            new = [v.get(column) for column in columns]
            if None in new:  # blank cells: what they store, or the stored value where a blank keeps it
                for i, blank in blanks:
                    if new[i] is None:
                        new[i] = stored[i] if blank is _KEEP else blank
            # One list comparison for the common case, an unchanged row.
            changes = {} if new == stored else {f: n for f, n, o in zip(fields, new, stored, strict=True) if n != o}
            row.changes = changes
            row.action = "updated" if changes else "unchanged"

    def write(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        now = sql.db_value(Enterprise, "created", timezone.now())  # converted once, not per row
        new_fields = ["uscc", "name", "name_initials", "region_id", "industry", "size", "employees", "founded",
                      "status", "address", "status_changed", "created"]
        inserts = []
        active = Status.ACTIVE
        for row in rows:
            if row.action != "new":
                continue
            # What field_values(new=True) gives, built straight into the tuple (the hot path of a big import).
            # Pinyin initials only here (and in update_changed for a new name): a re-import of
            # unchanged rows never computes them.
            v = row.values
            name = v["name"]
            inserts.append((row.key[0], name, fast_initials(name)[:100], v["region"], v.get("industry") or "",
                            v.get("size") or "", v.get("employees"), v.get("founded"), v.get("status") or active,
                            v.get("address") or "", v.get("status_changed"), now))
        sql.insert_rows(Enterprise, new_fields, inserts, prepared=True)
        update_changed(Enterprise, [r for r in rows if r.action == "updated"])

    def export_queryset(self, by):
        return Enterprise.objects.visible_to(by).select_related("region").order_by("region__code", "uscc")

    def export_columns(self, by, plain: bool = False) -> list[ExportColumn]:
        return [
            # Field columns: read as plain tuples (core/exporting.py, Column.field), the register's biggest export.
            ExportColumn.field("统一社会信用代码", "uscc", 22),
            ExportColumn.field("企业名称", "name", 32),
            ExportColumn.field("所在街道", "region__name"),
            ExportColumn.field("行业门类", "industry", 24, display=True),
            ExportColumn.field("企业规模", "size", 10, display=True),
            ExportColumn.field("从业人数", "employees", 10),
            ExportColumn.field("成立日期", "founded", 12),
            ExportColumn.field("经营状态", "status", 10, display=True),
            ExportColumn.field("地址", "address", 30),
            ExportColumn.field("注销/迁出日期", "status_changed", 14),
        ]

