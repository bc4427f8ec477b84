"""Chamber memberships (会员), upserted by (chamber, member, date joined).

The member is an enterprise (by USCC) or, for individual-member associations such
as the youth entrepreneurs' association, a person (by ID number). The model's rules
are applied here for the whole batch: one member kind per chamber, left after
joined, and no two membership periods of the same member in the same chamber overlap
(checked against the database and against the other rows of the file).
"""

import datetime as dt

from shanghui.core.exporting import Column as ExportColumn
from shanghui.core.exporting import personal_column
from shanghui.imports import cells, sql
from shanghui.imports.kinds.base import Column, Kind, Row, choice_label, diff, seen_by, update_changed
from shanghui.imports.kinds.refs import norm
from shanghui.orgs.importing import chamber_lookup, find_chamber, writable_region_ids
from shanghui.orgs.models import Chamber

from ..choices import MemberRole
from ..models import Membership
from .refs import enterprises_by_uscc, persons_by_id_number, persons_by_masked_id

ROLE_ALIASES = {"普通会员": "member", "会员单位": "member", "常务副会长": "vice_president", "执行会长": "president"}


def _chamber_names(by) -> list[str]:
    chambers = Chamber.objects.visible_to(by).filter(is_active=True).order_by("region__code", "name")
    return list(chambers.values_list("name", flat=True))


def _overlaps(a: tuple[dt.date, dt.date | None], b: tuple[dt.date, dt.date | None]) -> bool:
    return a[0] <= (b[1] or dt.date.max) and b[0] <= (a[1] or dt.date.max)


class MembershipKind(Kind):
    name = "memberships"
    label = "会员"
    model = Membership
    key = ("chamber", "enterprise", "person", "joined")
    columns = [
        Column("chamber", "商会", cells.text, aliases=("商会名称", "所属商会", "入会商会", "协会"), required=True,
               example="东华门街道商会", options=_chamber_names, width=24, ref="chamber.name"),
        Column("enterprise", "会员企业统一社会信用代码", cells.uscc,
               aliases=("统一社会信用代码", "企业统一社会信用代码", "信用代码", "会员企业信用代码"),
               example="91110101MA01ABCD19", width=22, text_format=True, note="企业会员填写；须已在系统中登记。",
               ref="enterprise.uscc"),
        Column("person", "个人会员身份证号码", cells.id_number_or_masked, aliases=("身份证号码", "身份证号", "会员身份证号码"),
               width=22, text_format=True, note="个人会员制的协会（如青创会）填写；须已在系统中登记。",
               ref="person.id_number"),
        Column("member_name", "会员名称", cells.text, aliases=("会员", "企业名称", "姓名", "会员企业"),
               example="北京东华门文化传媒有限公司", width=28, note="仅供核对，导入时以信用代码或身份证号码为准。"),
        Column("role", "会内职务", cells.choice(MemberRole, "会内职务", ROLE_ALIASES), aliases=("职务", "会员职务", "担任职务"),
               example=MemberRole.MEMBER.label, options=lambda by: [str(c.label) for c in MemberRole], width=10,
               note="不填视为“会员”。"),
        Column("joined", "入会日期", cells.date, aliases=("入会时间",), required=True, example=dt.date(2018, 3, 1), width=12),
        Column("left", "退会日期", cells.date, aliases=("退会时间", "离会日期"), width=12, note="仍是会员的不填。"),
    ]
    FIELDS = {"role": "role", "left": "left"}

    def check_columns(self, present: set[str]) -> str:
        if "enterprise" in present or "person" in present:
            return ""
        return (f"表头缺少会员列：请至少包含“{self.header('enterprise')}”（企业会员）或"
                f"“{self.header('person')}”（个人会员）其中一列。")

    def context(self, by) -> dict:
        chambers = chamber_lookup(by)
        # The chambers of the memberships she sees, too: a district association's member in her street
        # is in her export, and that row must be recognised (then skipped), not "not found".
        for chamber in Chamber.objects.filter(pk__in=Membership.objects.visible_to(by).values("chamber_id")):
            chambers.setdefault(norm(chamber.name), chamber)
        return {"by": by, "chambers": chambers, "writable": writable_region_ids(by),
                "periods": {}, "readonly": {}}  # row number → chamber name, for rows in chambers not hers

    def resolve(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        by, writable = ctx["by"], ctx["writable"]
        enterprises = enterprises_by_uscc(by, {r.values["enterprise"] for r in rows if r.values.get("enterprise")})
        persons = persons_by_id_number(by, {r.values["person"] for r in rows if r.values.get("person")
                                            and not isinstance(r.values["person"], cells.Masked)})
        # A masked number (the user's own export) with the member's name: the one person it fits.
        by_mask = persons_by_masked_id(by, [(r.values["person"], r.values.get("member_name")) for r in rows
                                            if isinstance(r.values.get("person"), cells.Masked)])
        for row in rows:
            v = row.values
            chamber = None
            if v.get("chamber") is not None:
                try:
                    chamber = find_chamber(v["chamber"], ctx["chambers"])
                except ValueError as e:
                    row.error(self.header("chamber"), str(e))
                else:
                    if writable is not None and chamber.region_id not in writable:
                        # An existing membership of it is skipped (plan), a new one refused.
                        ctx["readonly"][row.number] = chamber.name
            v["chamber"] = chamber.pk if chamber else None
            # Both keys, whichever member column the file has: the plan reads the pair.
            enterprise, person = v.setdefault("enterprise", None), v.setdefault("person", None)
            if bool(enterprise) == bool(person):
                if not row.errors:
                    row.error(self.header("enterprise"), "会员应为一家企业或一名个人：请填写会员企业统一社会信用代码或个人会员身份证号码，二者选其一。")
            elif enterprise:
                found = enterprises.get(enterprise)
                if found is None:
                    row.error(self.header("enterprise"), f"找不到统一社会信用代码为{enterprise}的企业（或不在您的管辖范围内），请先导入企业。")
                elif chamber and chamber.individual_members:
                    row.error(self.header("enterprise"), f"“{chamber.name}”实行个人会员制，不能接收企业会员。")
                v["enterprise"] = found[0] if found else None
            else:
                if isinstance(person, cells.Masked):
                    fits = by_mask.get((person, v.get("member_name")), [])
                    found = (fits[0].pk, fits[0].name) if len(fits) == 1 else None
                else:
                    found = persons.get(person)
                if found is None:
                    row.error(self.header("person"), cells.masked_message("身份证号码", person)
                              if isinstance(person, cells.Masked)
                              else "找不到该身份证号码对应的人员（或不在您的管辖范围内），请先导入人员。")
                elif chamber and not chamber.individual_members:
                    row.error(self.header("person"), f"“{chamber.name}”实行企业会员制，不能接收个人会员。")
                v["person"] = found[0] if found else None
            if v.get("joined") and v.get("left") and v["left"] < v["joined"]:
                row.error(self.header("left"), "退会日期不能早于入会日期。")
            if "role" in present and v.get("role") is None:
                v["role"] = MemberRole.MEMBER

    def field_values(self, row: Row, present: set[str]) -> dict:
        return {f: row.values.get(c) for c, f in self.FIELDS.items() if c in present}

    def plan(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        periods: dict = ctx["periods"]  # (chamber, enterprise, person) → [(joined, left, row number)] of this file
        pairs = {(r.values["chamber"], r.values["enterprise"], r.values["person"]) for r in rows}
        stored: dict = {}
        chamber_ids = {p[0] for p in pairs}
        enterprise_ids = {p[1] for p in pairs if p[1]}
        person_ids = {p[2] for p in pairs if p[2]}
        qs = Membership.objects.filter(chamber_id__in=chamber_ids)
        for subset, lookup in ((enterprise_ids, "enterprise_id__in"), (person_ids, "person_id__in")):
            if not subset:
                continue
            values = qs.filter(**{lookup: subset}).values_list("chamber_id", "enterprise_id", "person_id", "pk",
                                                              "joined", "left", "role")
            for chamber, enterprise, person, pk, joined, left, role in values:
                stored.setdefault((chamber, enterprise, person), []).append((pk, joined, left, role))
        readonly = ctx["readonly"]
        seen = seen_by(Membership, ctx["by"], [pk for r in rows if r.number in readonly for pk, *_ in
                                                stored.get((r.values["chamber"], r.values["enterprise"],
                                                            r.values["person"]), [])])
        for row in rows:
            v = row.values
            pair = (v["chamber"], v["enterprise"], v["person"])
            period = (v["joined"], v.get("left") if "left" in present else None)
            same = None
            for pk, joined, left, role in stored.get(pair, []):
                if joined == v["joined"]:
                    same = (pk, {"role": role, "left": left})
                    if "left" not in present:
                        period = (joined, left)
            if row.number in readonly:
                # A chamber she may see but not write: its registered memberships are left as
                # they are (the file goes on); a new one is hers to ask for, not to import.
                if same is not None and same[0] in seen:
                    row.skip()
                else:
                    row.error(self.header("chamber"), f"您无权导入“{readonly[row.number]}”的会员。")
                continue
            # Other periods of the same member in the same chamber: those already in the
            # database (unless this file rewrites them) and those earlier in this file.
            file_joined = {p[0] for p in periods.get(pair, [])}
            clash = next((p for p in periods.get(pair, []) if _overlaps(period, p[:2])), None)
            if clash:
                row.error(self.header("joined"), f"与第{clash[2]}行的会员期重叠：同一会员在同一商会的会员期不能重叠。")
                continue
            for _pk, joined, left, _role in stored.get(pair, []):
                if joined != v["joined"] and joined not in file_joined and _overlaps(period, (joined, left)):
                    row.error(self.header("joined"),
                              f"该会员在{joined:%Y-%m-%d}起已是该商会会员（会员期与已有记录重叠），会员期不能重叠。")
                    break
            else:
                periods.setdefault(pair, []).append((*period, row.number))
                if same is None:
                    row.action = "new"
                else:
                    row.pk = same[0]
                    row.changes = diff(same[1], self.field_values(row, present))
                    row.action = "updated" if row.changes else "unchanged"

    def write(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        inserts = [(r.values["chamber"], r.values["enterprise"], r.values["person"],
                    r.values.get("role") or MemberRole.MEMBER, r.values["joined"], r.values.get("left"))
                   for r in rows if r.action == "new"]
        sql.insert_rows(Membership, ["chamber_id", "enterprise_id", "person_id", "role", "joined", "left"], inserts)
        update_changed(Membership, [r for r in rows if r.action == "updated"])

    def export_queryset(self, by):
        return (Membership.objects.visible_to(by).select_related("chamber", "enterprise", "person")
                .order_by("chamber__name", "joined", "id"))

    def export_columns(self, by, plain: bool = False) -> list[ExportColumn]:
        return [
            ExportColumn("商会", lambda m: m.chamber.name, 24),
            ExportColumn("会员企业统一社会信用代码", lambda m: m.enterprise.uscc if m.enterprise_id else "", 22),
            personal_column("个人会员身份证号码", "id_number", lambda m: m.person if m.person_id else None,
                            plain=plain),
            ExportColumn("会员名称", lambda m: str(m.member), 28),
            ExportColumn("会内职务", lambda m: choice_label(MemberRole, m.role), 10),
            ExportColumn("入会日期", lambda m: m.joined, 12),
            ExportColumn("退会日期", lambda m: m.left, 12),
        ]
