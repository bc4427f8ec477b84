"""Party organisations (党组织) and party members (党员) as importable kinds.

Party registers are small (hundreds of organisations, thousands of members in a
district), so these kinds write through the ORM rather than the raw bulk path of the
directory kinds; the model's rules are applied to the whole batch here, including
those that need the other rows of the file (a parent organisation listed further
up, two periods of one member in the same file).

- Organisations are upserted by name (unique). A parent is named by its exact name and
  must already be registered or be listed above in the same file. A joint organisation
  names its host chamber, an own one its enterprise (by USCC); the importer must be
  allowed to write that chamber's or enterprise's street.
- Members are upserted by (ID number, organisation, date joined the organisation): a
  transfer is a second row with another organisation and a later date. A person is in
  one organisation at a time, so periods of one person may not overlap.
"""

import datetime as dt

from django.db.models import Case, Q, When
from django.utils import timezone

from shanghui.core import duplicates
from shanghui.core.exporting import Column as ExportColumn
from shanghui.core.exporting import personal_column
from shanghui.directory.importing.refs import enterprises_by_uscc, persons_by_id_number, persons_by_masked_id
from shanghui.directory.models import Enterprise
from shanghui.imports import cells
from shanghui.imports.kinds import Kind, Row, refs, register
from shanghui.imports.kinds.base import Column, choice_label, diff, seen_by
from shanghui.orgs.importing import chamber_lookup, find_chamber, writable_region_ids
from shanghui.orgs.models import Chamber

from .models import LEVEL_RANK, MEMBER_CLASH, Form, Level, PartyMember, PartyOrganization

LEVEL_ALIASES = {"联合党委": "committee", "党工委": "committee", "总支": "general_branch", "支部": "branch",
                 "联合党支部": "branch", "联合支部": "branch"}
FORM_ALIASES = {"单独": "own", "独立组建": "own", "联合": "joint"}
CATEGORY_ALIASES = {"正式": "full", "预备": "probationary"}


def _org_names(by) -> list[str]:
    return list(PartyOrganization.objects.visible_to(by).filter(dissolved__isnull=True)
                .order_by("name").values_list("name", flat=True)[:500])


def _chamber_names(by) -> list[str]:
    return list(Chamber.objects.visible_to(by).filter(is_active=True).order_by("region__code", "name")
                .values_list("name", flat=True))


def _today() -> dt.date:
    return timezone.localdate()


class PartyOrganizationKind(Kind):
    name = "party_organizations"
    label = "党组织"
    model = PartyOrganization
    key = ("name",)
    columns = [
        Column("name", "党组织名称", cells.max_length(cells.text, 100, "党组织名称"), aliases=("名称", "党组织", "组织名称"),
               required=True, example="中共北京市东城区东华门街道商会联合委员会", width=36),
        Column("level", "层级", cells.choice(Level, "层级", LEVEL_ALIASES), aliases=("组织层级", "党组织类别", "类别"),
               required=True, example=Level.BRANCH.label, options=lambda by: [str(c.label) for c in Level], width=10),
        Column("form", "组建方式", cells.choice(Form, "组建方式", FORM_ALIASES), aliases=("组建形式",), required=True,
               example=Form.OWN.label, options=lambda by: [str(c.label) for c in Form], width=10),
        Column("parent", "上级党组织", cells.max_length(cells.text, 100, "上级党组织"), aliases=("上级组织", "隶属党组织"),
               width=36, note="填写全称；须已登记，或在本表中列在该组织之前。", ref="party_organization.name"),
        Column("host_chamber", "依托商会", cells.text, aliases=("所在商会", "依托商会名称"), width=24,
               options=_chamber_names, note="联合组建的党组织填写。", ref="chamber.name"),
        Column("enterprise", "所在企业统一社会信用代码", cells.uscc,
               aliases=("统一社会信用代码", "企业统一社会信用代码", "信用代码"), example="91110101MA01ABCD19",
               width=22, text_format=True, note="单独组建的党组织填写；企业须已登记。", ref="enterprise.uscc"),
        Column("secretary", "书记", cells.max_length(cells.text, 50, "书记"), aliases=("党组织书记", "书记姓名"),
               example="王东华", width=10),
        Column("founded", "成立日期", cells.date, aliases=("成立时间", "组建日期"), required=True,
               example=dt.date(2016, 7, 1), width=12),
        Column("term_years", "每届任期（年）", cells.integer, aliases=("任期", "任期（年）", "每届任期"), width=10,
               note="1至5年，不填为3年。"),
        Column("term_end", "本届届满日期", cells.date, aliases=("届满日期", "换届日期"), width=12),
        Column("dissolved", "撤销日期", cells.date, aliases=("撤销时间",), width=12, note="仍存在的组织不填。"),
    ]
    # Column → model field compared and written on update.
    FIELDS = {"level": "level", "form": "form", "parent": "parent_id", "host_chamber": "host_chamber_id",
              "enterprise": "enterprise_id", "secretary": "secretary", "founded": "founded",
              "term_years": "term_years", "term_end": "term_end", "dissolved": "dissolved"}

    def context(self, by) -> dict:
        # A parent is named among the organisations the importer sees; another street's is not found.
        stored = {name: (pk, level) for name, pk, level in refs.visible(PartyOrganization, by).values_list(
            "name", "pk", "level")}
        # name → parent name: the registered tree (for the cycle check only), overlaid by the rows of
        # this file as they are read.
        up = dict(PartyOrganization.objects.filter(parent__isnull=False).values_list("name", "parent__name"))
        return {"by": by, "chambers": chamber_lookup(by), "writable": writable_region_ids(by),
                "stored": stored, "up": up,
                "file": {},  # name → level of the rows seen so far in this file
                "readonly": set()}  # numbers of rows in another street (skipped if registered, else refused)

    def resolve(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        by, writable, in_file = ctx["by"], ctx["writable"], ctx["file"]
        enterprises = enterprises_by_uscc(by, {r.values["enterprise"] for r in rows if r.values.get("enterprise")})
        regions = dict(refs.visible(Enterprise, by).filter(pk__in=[pk for pk, _ in enterprises.values()])
                       .values_list("pk", "region_id"))
        today = _today()
        for row in rows:
            v = row.values
            form, level = v.get("form"), v.get("level")
            region_id = None
            chamber = None
            if v.get("host_chamber"):
                try:
                    chamber = find_chamber(v["host_chamber"], ctx["chambers"])
                except ValueError as e:
                    row.error(self.header("host_chamber"), str(e))
            enterprise = None
            if v.get("enterprise"):
                found = enterprises.get(v["enterprise"])
                if found is None:
                    row.error(self.header("enterprise"),
                              f"找不到统一社会信用代码为{v['enterprise']}的企业（或不在您的管辖范围内），请先导入企业。")
                else:
                    enterprise = found[0]
            if form == Form.JOINT:
                if not v.get("host_chamber"):
                    row.error(self.header("host_chamber"), "联合组建的党组织须填写依托商会。")
                if v.get("enterprise"):
                    row.error(self.header("enterprise"), "联合组建的党组织不填写所在企业；覆盖的企业请在党组织页面登记。")
                region_id = chamber.region_id if chamber else None
            elif form == Form.OWN:
                if not v.get("enterprise"):
                    row.error(self.header("enterprise"), "单独组建的党组织须填写所在企业的统一社会信用代码。")
                if v.get("host_chamber"):
                    row.error(self.header("host_chamber"), "单独组建的党组织不填写依托商会。")
                region_id = regions.get(enterprise)
            if region_id is not None and writable is not None and region_id not in writable:
                ctx["readonly"].add(row.number)
            v["host_chamber"], v["enterprise"] = (chamber.pk if chamber else None), enterprise
            founded = v.get("founded")
            if founded and founded > today:
                row.error(self.header("founded"), "成立日期不能晚于今天。")
            if founded and v.get("term_end") and v["term_end"] < founded:
                row.error(self.header("term_end"), "本届届满日期不能早于成立日期。")
            if founded and v.get("dissolved") and v["dissolved"] <= founded:
                row.error(self.header("dissolved"), "撤销日期应晚于成立日期。")
            v["secretary"] = v.get("secretary") or ""  # a text field: blank is "", not NULL
            if "term_years" in present:
                if v.get("term_years") is None:
                    v["term_years"] = 3
                elif not 1 <= v["term_years"] <= 5:
                    row.error(self.header("term_years"), "每届任期应为1至5年。")
            parent_name = v.get("parent")
            self._resolve_parent(row, level, ctx)
            if level and v.get("name"):
                in_file[v["name"]] = level
                if not row.errors:
                    ctx["up"][v["name"]] = parent_name

    def _resolve_parent(self, row: Row, level: str | None, ctx: dict) -> None:
        stored, in_file, up = ctx["stored"], ctx["file"], ctx["up"]
        v = row.values
        name = v.get("parent")
        if not name:
            v["parent"] = None
            return
        if name == v.get("name"):
            row.error(self.header("parent"), "上级党组织不能是本组织。")
            return
        parent_level = in_file.get(name) or (stored[name][1] if name in stored else None)
        if parent_level is None:
            row.error(self.header("parent"),
                      f"找不到上级党组织“{name}”（或不在您的管辖范围内）：须已登记，或在本表中列在该组织之前。")
            return
        if level and parent_level != Level.COMMITTEE and LEVEL_RANK[parent_level] <= LEVEL_RANK[level]:
            row.error(self.header("parent"),
                      f"{Level(parent_level).label}“{name}”不能作为{Level(level).label}的上级。")
            return
        node, seen = name, set()
        while node is not None and node not in seen:
            if node == v.get("name"):
                row.error(self.header("parent"), "上级党组织不能是本组织的下级组织。")
                return
            seen.add(node)
            node = up.get(node)
        # The id is known now for a registered parent, after the insert for one of this file.
        v["parent"] = stored[name][0] if name in stored and name not in in_file else name

    def field_values(self, row: Row, present: set[str]) -> dict:
        return {f: row.values.get(c) for c, f in self.FIELDS.items() if c in present}

    def plan(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        names = [r.key[0] for r in rows]
        existing = {o.name: o for o in PartyOrganization.objects.filter(name__in=names).select_related(
            "host_chamber__region", "enterprise__region", "parent")}
        writable, readonly = ctx["writable"], ctx["readonly"]
        theirs = [o.pk for o in existing.values() if writable is not None and o.region is not None
                  and o.region.pk not in writable]
        seen = seen_by(PartyOrganization, ctx["by"], theirs)
        for row in rows:
            org = existing.get(row.key[0])
            if org is None:
                if row.number in readonly:
                    row.error(self.header("host_chamber" if row.values.get("host_chamber") else "enterprise"),
                              "您无权导入其他街道的党组织。")
                else:
                    row.action = "new"
                continue
            if org.pk in theirs:
                if org.pk in seen:  # hers to see, not to change: left as it is, and the file goes on
                    row.skip()
                else:
                    row.error(self.header("name"), "该党组织由其他街道登记，不在您的管辖范围内，不能修改。")
                continue
            if row.number in readonly:  # hers now, but the row would move it to another street
                row.error(self.header("host_chamber" if row.values.get("host_chamber") else "enterprise"),
                          "您无权导入其他街道的党组织。")
                continue
            new = self.field_values(row, present)
            parent = new.get("parent_id")
            dissolved = new.get("dissolved")
            if dissolved and dissolved != org.dissolved and (
                    org.coverages.filter(Q(end__isnull=True) | Q(end__gte=dissolved)).exists()
                    or org.members.filter(Q(left__isnull=True) | Q(left__gte=dissolved)).exists()):
                row.error(self.header("dissolved"), "撤销前请先结束该组织的覆盖企业记录并转出全部党员（截止日期应早于撤销日期）。")
                continue
            current = {f: getattr(org, f) for f in new}
            if isinstance(parent, str):  # a parent listed in this file: compare by name
                current["parent_id"] = org.parent.name if org.parent_id else None
            row.pk = org.pk
            row.changes = diff(current, new)
            row.action = "updated" if row.changes else "unchanged"

    def write(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        late_parents = []  # (org name, parent name): parents inserted by this file
        new = []
        for row in rows:
            if row.action != "new":
                continue
            values = self.field_values(row, set(self.FIELDS))
            parent = values.pop("parent_id")
            if isinstance(parent, str):
                late_parents.append((row.key[0], parent))
                parent = None
            values["term_years"] = values.get("term_years") or 3
            new.append(PartyOrganization(name=row.key[0], parent_id=parent, **values))
        for org in new:  # save() keeps the pinyin initials; a district has hundreds, not millions
            org.save()
        for row in rows:
            if row.action == "updated":
                changes = dict(row.changes)
                if isinstance(changes.get("parent_id"), str):
                    late_parents.append((row.key[0], changes.pop("parent_id")))
                if changes:
                    PartyOrganization.objects.filter(pk=row.pk).update(**changes)
        if late_parents:
            ids = dict(PartyOrganization.objects.filter(
                name__in={n for pair in late_parents for n in pair}).values_list("name", "pk"))
            for name, parent in late_parents:
                PartyOrganization.objects.filter(pk=ids[name]).update(parent_id=ids[parent])
        for name, pk, level in PartyOrganization.objects.filter(
                name__in=[r.key[0] for r in rows]).values_list("name", "pk", "level"):
            ctx["stored"][name] = (pk, level)

    def export_queryset(self, by):
        # Parents before their children (by depth in the tree), so the exported sheet imports again as it is.
        depth = Case(When(parent__isnull=True, then=0), When(parent__parent__isnull=True, then=1),
                     When(parent__parent__parent__isnull=True, then=2), default=3)
        return (PartyOrganization.objects.visible_to(by).select_related("parent", "host_chamber", "enterprise")
                .annotate(depth=depth).order_by("depth", "name"))

    def export_columns(self, by, plain: bool = False) -> list[ExportColumn]:
        return [
            ExportColumn("党组织名称", lambda o: o.name, 36),
            ExportColumn("层级", lambda o: choice_label(Level, o.level), 10),
            ExportColumn("组建方式", lambda o: choice_label(Form, o.form), 10),
            ExportColumn("上级党组织", lambda o: o.parent.name if o.parent_id else "", 36),
            ExportColumn("依托商会", lambda o: o.host_chamber.name if o.host_chamber_id else "", 24),
            ExportColumn("所在企业统一社会信用代码", lambda o: o.enterprise.uscc if o.enterprise_id else "", 22),
            ExportColumn("书记", lambda o: o.secretary, 10),
            ExportColumn("成立日期", lambda o: o.founded, 12),
            ExportColumn("每届任期（年）", lambda o: o.term_years, 10),
            ExportColumn("本届届满日期", lambda o: o.term_end, 12),
            ExportColumn("撤销日期", lambda o: o.dissolved, 12),
        ]


def _overlaps(a: tuple, b: tuple) -> bool:
    return a[0] <= (b[1] or dt.date.max) and b[0] <= (a[1] or dt.date.max)


class PartyMemberKind(Kind):
    name = "party_members"
    label = "党员"
    model = PartyMember
    key = ("person", "organization", "joined_org")
    columns = [
        Column("person", "身份证号码", cells.id_number_or_masked, aliases=("身份证号", "公民身份号码", "党员身份证号码"),
               required=True, example="110101198001010010", width=22, text_format=True,
               note="人员须已在系统中登记（先导入人员）。", ref="person.id_number"),
        Column("name", "姓名", cells.text, aliases=("党员姓名",), example="王东华", width=10,
               note="仅供核对，导入时以身份证号码为准。"),
        Column("organization", "所在党组织", cells.text, aliases=("党组织", "党组织名称", "所属党组织"), required=True,
               example="中共北京东华门文化传媒有限公司支部委员会", options=_org_names, width=36,
               ref="party_organization.name"),
        Column("category", "党员类别", cells.choice(PartyMember.Category, "党员类别", CATEGORY_ALIASES),
               aliases=("类别", "党员身份"), example=PartyMember.Category.FULL.label, width=10,
               options=lambda by: [str(c.label) for c in PartyMember.Category], note="不填视为正式党员。"),
        Column("joined_party", "入党日期", cells.date, aliases=("入党时间",), required=True,
               example=dt.date(2008, 7, 1), width=12),
        Column("joined_org", "转入本组织日期", cells.date, aliases=("转入日期", "转入时间", "加入本组织日期"), required=True,
               example=dt.date(2016, 9, 1), width=14),
        Column("left", "转出日期", cells.date, aliases=("转出时间",), width=12, note="仍在本组织的不填。"),
        Column("flowing", "流动党员", cells.boolean, aliases=("是否流动党员",), example="否", width=10,
               options=lambda by: ["是", "否"]),
    ]
    FIELDS = {"category": "category", "joined_party": "joined_party", "left": "left", "flowing": "flowing"}

    def context(self, by) -> dict:
        orgs = {o.name: o for o in refs.visible(PartyOrganization, by).select_related(
            "host_chamber", "enterprise")}
        return {"by": by, "orgs": orgs, "writable": writable_region_ids(by), "periods": {},
                "rewritten": set(),  # ids of registered periods that rows of this file restate
                "readonly": {}}  # row number → organisation name, for rows of organisations not hers

    def resolve(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        by, writable, orgs = ctx["by"], ctx["writable"], ctx["orgs"]
        persons = persons_by_id_number(by, {r.values["person"] for r in rows if r.values.get("person")
                                            and not isinstance(r.values["person"], cells.Masked)})
        # A masked number (the user's own export) with the name: the one person it fits.
        by_mask = persons_by_masked_id(by, [(r.values["person"], r.values.get("name")) for r in rows
                                            if isinstance(r.values.get("person"), cells.Masked)])
        today = _today()
        for row in rows:
            v = row.values
            if isinstance(v.get("person"), cells.Masked):
                fits = by_mask.get((v["person"], v.get("name")), [])
                found = (fits[0].pk, fits[0].name) if len(fits) == 1 else None
                if found is None:
                    row.error(self.header("person"), cells.masked_message("身份证号码", v["person"]))
            else:
                found = persons.get(v.get("person"))
            if v.get("person") and found is None:
                if not isinstance(v["person"], cells.Masked):
                    row.error(self.header("person"), "找不到该身份证号码对应的人员（或不在您的管辖范围内），请先导入人员。")
            elif found and v.get("name") and v["name"] != found[1]:
                row.error(self.header("name"), f"姓名与系统中该身份证号码的人员（{found[1]}）不一致，请核对。")
            v["person"] = found[0] if found else None
            org = orgs.get(v.get("organization") or "")
            if v.get("organization") and org is None:
                row.error(self.header("organization"), f"找不到党组织“{v['organization']}”（或不在您的管辖范围内），请填写全称。")
            elif org is not None:
                region = org.region
                if writable is not None and (region is None or region.pk not in writable):
                    # A registered member of it is skipped (plan), a new one refused.
                    ctx["readonly"][row.number] = org.name
            v["organization"] = org.pk if org else None
            joined_party, joined_org, left = v.get("joined_party"), v.get("joined_org"), v.get("left")
            if joined_party and joined_party > today:
                row.error(self.header("joined_party"), "入党日期不能晚于今天。")
            if joined_party and joined_org and joined_org < joined_party:
                row.error(self.header("joined_org"), "转入本组织日期不能早于入党日期。")
            if joined_org and left and left < joined_org:
                row.error(self.header("left"), "转出日期不能早于转入本组织日期。")
            if org is not None and joined_org:
                if joined_org < org.founded:
                    row.error(self.header("joined_org"), f"转入日期不能早于党组织成立日期（{org.founded:%Y-%m-%d}）。")
                if org.dissolved and (left is None or left >= org.dissolved):
                    row.error(self.header("left"), f"党组织已于{org.dissolved:%Y-%m-%d}撤销，转出日期应早于撤销日期。")
            if "category" in present and v.get("category") is None:
                v["category"] = PartyMember.Category.FULL
            if "flowing" in present and v.get("flowing") is None:
                v["flowing"] = False

    def field_values(self, row: Row, present: set[str]) -> dict:
        return {f: row.values.get(c) for c, f in self.FIELDS.items() if c in present}

    def plan(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        periods: dict = ctx["periods"]  # person → [(joined_org, left, row number)] of this file
        stored: dict = {}
        for m in PartyMember.objects.filter(person_id__in={r.values["person"] for r in rows}).select_related(
                "organization"):
            stored.setdefault(m.person_id, []).append(m)
        readonly = ctx["readonly"]
        for row in rows:
            v = row.values
            period = (v["joined_org"], v.get("left") if "left" in present else None)
            same = next((m for m in stored.get(v["person"], [])
                         if m.organization_id == v["organization"] and m.joined_org == v["joined_org"]), None)
            if row.number in readonly:
                # An organisation she may see but not write: its registered members are left as they
                # are (the file goes on); a new one she cannot import.
                if same is not None and seen_by(PartyMember, ctx["by"], [same.pk]):
                    row.skip()
                else:
                    row.error(self.header("organization"), f"您无权导入“{readonly[row.number]}”的党员。")
                continue
            if same is not None and "left" not in present:
                period = (same.joined_org, same.left)
            clash = next((p for p in periods.get(v["person"], []) if _overlaps(period, p[:2])), None)
            if clash:
                row.error(self.header("joined_org"), f"与第{clash[2]}行的期间重叠：同一时间只能属于一个党组织。")
                continue
            # A registered period restated by an earlier row is checked as that row says it now is.
            other = next((m for m in stored.get(v["person"], []) if m is not same
                          and m.pk not in ctx["rewritten"]
                          and _overlaps(period, (m.joined_org, m.left))), None)
            if other is not None:
                until = f"{other.left:%Y-%m-%d}" if other.left else "今"
                row.error(self.header("joined_org"), duplicates.message(
                    by=ctx["by"], clash=other, what=MEMBER_CLASH, field="joined_org",
                    named=f"该人员在{other.joined_org:%Y-%m-%d}至{until}已是“{other.organization}”的党员，"
                          "同一时间只能属于一个党组织；转接组织关系请先填写原组织的转出日期。"))
                continue
            periods.setdefault(v["person"], []).append((*period, row.number))
            if same is None:
                row.action = "new"
            else:
                ctx["rewritten"].add(same.pk)
                row.pk = same.pk
                row.changes = diff({f: getattr(same, f) for f in self.FIELDS.values()}, self.field_values(row, present))
                row.action = "updated" if row.changes else "unchanged"

    def write(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        # Closing periods first, then the rest, then the new rows: a transfer in one file ends the old
        # period before the new one opens (one open period per person is a database constraint).
        updated = sorted((r for r in rows if r.action == "updated"), key=lambda r: r.changes.get("left") is None)
        for row in updated:
            PartyMember.objects.filter(pk=row.pk).update(**row.changes)
        PartyMember.objects.bulk_create([
            PartyMember(person_id=r.values["person"], organization_id=r.values["organization"],
                        category=r.values.get("category") or PartyMember.Category.FULL,
                        joined_party=r.values["joined_party"], joined_org=r.values["joined_org"],
                        left=r.values.get("left"), flowing=bool(r.values.get("flowing")))
            for r in rows if r.action == "new"])

    def export_queryset(self, by):
        return (PartyMember.objects.visible_to(by).select_related("person", "organization")
                .order_by("organization__name", "joined_org", "id"))

    def export_columns(self, by, plain: bool = False) -> list[ExportColumn]:
        return [
            personal_column("身份证号码", "id_number", lambda m: m.person, plain=plain),
            ExportColumn("姓名", lambda m: m.person.name, 10),
            ExportColumn("所在党组织", lambda m: m.organization.name, 36),
            ExportColumn("党员类别", lambda m: choice_label(PartyMember.Category, m.category), 10),
            ExportColumn("入党日期", lambda m: m.joined_party, 12),
            ExportColumn("转入本组织日期", lambda m: m.joined_org, 14),
            ExportColumn("转出日期", lambda m: m.left, 12),
            ExportColumn("流动党员", lambda m: "是" if m.flowing else "否", 10),
        ]


register(PartyOrganizationKind())
register(PartyMemberKind())


# --- 发展党员 (recruitment) ---------------------------------------------------------------------------

from shanghui.core.validators import id_birth_date  # noqa: E402  (kept in this section for clean merges)

from . import recruitment as recruitment_rules  # noqa: E402
from .models import RecruitmentCandidate, RecruitmentStep  # noqa: E402


class RecruitmentCandidateKind(Kind):
    """入党申请人 with the first steps of their dossier (谈话, 确定入党积极分子, 培养联系人), for a branch's
    backlog. Each row passes the time rules of the 细则 (recruitment.py) as the web form does; later steps
    are recorded on the dossier page. Upserted by (ID number, organisation, application date): a registered
    row changes only its note."""

    name = "recruitment_candidates"
    label = "发展党员（入党申请人）"
    model = RecruitmentCandidate
    key = ("person", "organization", "applied")
    columns = [
        Column("person", "身份证号码", cells.id_number_or_masked, aliases=("身份证号", "公民身份号码"), required=True,
               example="110101199001010012", width=22, text_format=True,
               note="人员须已在系统中登记（先导入人员）。", ref="person.id_number"),
        Column("name", "姓名", cells.text, example="陈发展", width=10, note="仅供核对，导入时以身份证号码为准。"),
        Column("organization", "党组织", cells.text, aliases=("所在党组织", "党组织名称", "接收申请的党组织"),
               required=True, example="中共北京东华门文化传媒有限公司支部委员会", options=_org_names, width=36,
               ref="party_organization.name"),
        Column("birth_date", "出生日期", cells.date, aliases=("出生年月日",), width=12,
               note="不填时按身份证号码计算；申请时须年满十八岁（细则第五条）。"),
        Column("applied", "递交入党申请书日期", cells.date, aliases=("申请日期", "申请入党日期"), required=True,
               example=dt.date(2024, 3, 1), width=14),
        Column("talk", "谈话日期", cells.date, aliases=("派人谈话日期",), example=dt.date(2024, 3, 20), width=12,
               note="应在收到申请书后一个月内（细则第七条）。"),
        Column("talk_people", "谈话人", cells.max_length(cells.text, 200, "谈话人"), width=12),
        Column("activist", "确定入党积极分子日期", cells.date, aliases=("确定积极分子日期",), width=14,
               note="须已谈话。"),
        Column("contacts", "培养联系人", cells.max_length(cells.text, 200, "培养联系人"), width=16,
               note="确定为入党积极分子的，填写一至两名正式党员。"),
        Column("note", "备注", cells.max_length(cells.text, 2000, "备注"), width=30),
    ]

    def context(self, by) -> dict:
        orgs = {o.name: o for o in refs.visible(PartyOrganization, by).select_related(
            "host_chamber__region", "enterprise__region")}
        return {"by": by, "orgs": orgs, "writable": writable_region_ids(by), "readonly": {}}

    def resolve(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        by, writable, orgs = ctx["by"], ctx["writable"], ctx["orgs"]
        persons = persons_by_id_number(by, {r.values["person"] for r in rows if r.values.get("person")
                                            and not isinstance(r.values["person"], cells.Masked)})
        by_mask = persons_by_masked_id(by, [(r.values["person"], r.values.get("name")) for r in rows
                                            if isinstance(r.values.get("person"), cells.Masked)])
        today = _today()
        for row in rows:
            v = row.values
            number = v.get("person")
            if isinstance(number, cells.Masked):
                fits = by_mask.get((number, v.get("name")), [])
                found = (fits[0].pk, fits[0].name) if len(fits) == 1 else None
                if found is None:
                    row.error(self.header("person"), cells.masked_message("身份证号码", number))
            else:
                found = persons.get(number)
                if number and found is None:
                    row.error(self.header("person"), "找不到该身份证号码对应的人员（或不在您的管辖范围内），请先导入人员。")
            if found and v.get("name") and v["name"] != found[1]:
                row.error(self.header("name"), f"姓名与系统中该身份证号码的人员（{found[1]}）不一致，请核对。")
            v["person"] = found[0] if found else None
            if found and not v.get("birth_date"):
                # From the number typed in, or for a masked one (our own export) from the person it found:
                # no query per row, and never from the mask's asterisks.
                masked = isinstance(number, cells.Masked)
                v["birth_date"] = fits[0].birth_date if masked else id_birth_date(number)
            org = orgs.get(v.get("organization") or "")
            if v.get("organization") and org is None:
                row.error(self.header("organization"), f"找不到党组织“{v['organization']}”（或不在您的管辖范围内），请填写全称。")
            elif org is not None:
                region = org.region
                if writable is not None and (region is None or region.pk not in writable):
                    ctx["readonly"][row.number] = org.name
            v["organization"] = org.pk if org else None
            applied = v.get("applied")
            if not applied:
                continue
            if applied > today:
                row.error(self.header("applied"), "递交入党申请书日期不能晚于今天。")
            if org is not None and not org.is_active_on(applied):
                row.error(self.header("organization"), f"“{org}”在{applied:%Y-%m-%d}尚未成立或已撤销。")
            self._check_rules(row, v)

    def _check_rules(self, row: Row, v: dict) -> None:
        """The rows' steps through the same time rules as the dossier page (recruitment.check_step)."""
        facts = recruitment_rules.Facts(birth_date=v.get("birth_date"), applied=v["applied"])
        cal = recruitment_rules.Calendar()  # the rules of these steps count calendar days only
        steps = [("application", "applied", v["applied"]), ("talk", "talk", v.get("talk")),
                 ("activist", "activist", v.get("activist")),
                 ("contacts", "contacts", v.get("activist") if v.get("contacts") else None)]
        for kind, column, day in steps:
            if day is None:
                continue
            if day > _today():
                row.error(self.header(column), "日期不能晚于今天。")
                return
            refusal = recruitment_rules.check_step(facts, kind, recruitment_rules.StepFact(day), cal)
            if refusal:
                row.error(self.header(column), refusal)
                return
            if kind != "application":
                facts.steps.setdefault(kind, []).append(recruitment_rules.StepFact(day))

    def plan(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        person_ids = {r.values["person"] for r in rows}
        stored = {(c.person_id, c.organization_id, c.applied): c
                  for c in RecruitmentCandidate.objects.filter(person_id__in=person_ids)}
        open_ = set(RecruitmentCandidate.objects.filter(person_id__in=person_ids, stopped__isnull=True,
                                                        full_on__isnull=True).values_list("person_id", flat=True))
        members = set(PartyMember.objects.filter(person_id__in=person_ids, left__isnull=True)
                      .values_list("person_id", flat=True))
        in_file: dict[int, int] = {}
        for row in rows:
            v = row.values
            same = stored.get((v["person"], v["organization"], v["applied"]))
            if row.number in ctx["readonly"]:
                if same is not None and seen_by(RecruitmentCandidate, ctx["by"], [same.pk]):
                    row.skip()
                else:
                    row.error(self.header("organization"), f"您无权导入“{ctx['readonly'][row.number]}”的发展党员记录。")
                continue
            if v["person"] in in_file:
                row.error(self.header("person"), f"与第{in_file[v['person']]}行是同一人，一人同时只能有一条发展党员记录。")
                continue
            in_file[v["person"]] = row.number
            if same is None:
                if v["person"] in members:
                    row.error(self.header("person"), "该人员已是党员，无需登记入党申请。")
                    continue
                if v["person"] in open_:
                    row.error(self.header("person"), "该人员已有正在进行的发展党员记录，后续步骤请在其记实页面登记。")
                    continue
                row.action = "new"
            else:
                row.pk = same.pk
                row.changes = diff({"note": same.note}, {"note": v.get("note") or ""}) if "note" in present else {}
                row.action = "updated" if row.changes else "unchanged"

    def write(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        for row in rows:
            if row.action == "updated":
                RecruitmentCandidate.objects.filter(pk=row.pk).update(**row.changes)
        for row in rows:
            if row.action != "new":
                continue
            v = row.values
            c = RecruitmentCandidate.objects.create(
                person_id=v["person"], organization_id=v["organization"], birth_date=v["birth_date"],
                applied=v["applied"], activist_on=v.get("activist"), note=v.get("note") or "")
            steps = [RecruitmentStep(candidate=c, kind="application", date=v["applied"])]
            if v.get("talk"):
                steps.append(RecruitmentStep(candidate=c, kind="talk", date=v["talk"], people=v.get("talk_people") or ""))
            if v.get("activist"):
                steps.append(RecruitmentStep(candidate=c, kind="activist", date=v["activist"]))
                if v.get("contacts"):
                    steps.append(RecruitmentStep(candidate=c, kind="contacts", date=v["activist"],
                                                 people=v["contacts"]))
            RecruitmentStep.objects.bulk_create(steps)

    def export_queryset(self, by):
        return (RecruitmentCandidate.objects.visible_to(by).select_related("person", "organization")
                .prefetch_related("steps").order_by("organization__name", "applied", "id"))

    def export_columns(self, by, plain: bool = False) -> list[ExportColumn]:
        def step(kind, attr="date"):
            def value(c):
                found = next((s for s in c.steps.all() if s.kind == kind), None)
                return getattr(found, attr) if found else ("" if attr == "people" else None)
            return value

        return [
            personal_column("身份证号码", "id_number", lambda c: c.person, plain=plain),
            ExportColumn("姓名", lambda c: c.person.name, 10),
            ExportColumn("党组织", lambda c: c.organization.name, 36),
            # The birth date only in the plaintext export: beside a masked ID it would unmask its middle digits.
            *([ExportColumn("出生日期", lambda c: c.birth_date, 12)] if plain else []),
            ExportColumn("递交入党申请书日期", lambda c: c.applied, 14),
            ExportColumn("谈话日期", step("talk"), 12),
            ExportColumn("谈话人", step("talk", "people"), 12),
            ExportColumn("确定入党积极分子日期", step("activist"), 14),
            ExportColumn("培养联系人", step("contacts", "people"), 16),
            ExportColumn("备注", lambda c: c.note, 30),
        ]


register(RecruitmentCandidateKind())


# --- 党费 (dues): declared bases and payments ----------------------------------------
# A member is named by ID number (or the masked number and name of our own export) and organisation;
# of that person's periods in the organisation, the one running at the year's end (bases) or at the
# payment's first month's end (payments) is meant. Bases are upserted by (member, year); payments
# are only added (a payment already registered, same member and first month, is "unchanged"), and
# their months may overlap neither a registered payment nor another row of the file.

from decimal import Decimal, InvalidOperation  # noqa: E402

from django.core.exceptions import ValidationError  # noqa: E402

from . import dues  # noqa: E402
from .models import DuesBase, DuesCategory, DuesMember, DuesMethod, DuesPayment, DuesPaymentMonth  # noqa: E402

DUES_CATEGORY_ALIASES = {"在职": "employed", "在岗": "employed", "职工": "employed", "退休": "retired",
                         "离休": "retired", "失业": "unemployed", "下岗": "unemployed", "低保": "relief",
                         "救济": "relief", "农民党员": "rural"}
DUES_METHOD_ALIASES = {"转账": "transfer", "银行": "transfer", "微信": "online", "支付宝": "online", "线上": "online"}


def money(raw: object) -> Decimal | None:
    """An amount in yuan with at most two decimals (元 and thousands commas allowed)."""
    if cells.is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise ValidationError("应为金额。")
    text = str(raw).strip().replace(",", "").replace("，", "").removesuffix("元")
    try:
        value = Decimal(text) if not isinstance(raw, float) else Decimal(repr(raw))
    except InvalidOperation:
        raise ValidationError(f"“{raw}”不是金额。") from None
    if not value.is_finite() or value < 0:
        raise ValidationError("金额不能为负数。")
    if value != value.quantize(dues.FEN):
        raise ValidationError("金额最多保留两位小数（分）。")
    if value >= Decimal("1e8"):
        raise ValidationError("金额过大。")
    return value.quantize(dues.FEN)


def month(raw: object) -> dt.date | None:
    """A month: "2024-03", "2024年3月", or any date of it."""
    if cells.is_blank(raw):
        return None
    if isinstance(raw, dt.date):
        return raw.replace(day=1) if not isinstance(raw, dt.datetime) else raw.date().replace(day=1)
    import re

    m = re.match(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$", str(raw))
    if m and 1 <= int(m.group(2)) <= 12:
        return dt.date(int(m.group(1)), int(m.group(2)), 1)
    day = cells.date(raw)
    return day.replace(day=1) if day else None


class _DuesKind(Kind):
    """What both dues kinds share: finding the member a row names."""

    def _member_columns(self) -> list[Column]:
        return [
            Column("person", "身份证号码", cells.id_number_or_masked, aliases=("身份证号", "公民身份号码"),
                   required=True, example="110101198001010010", width=22, text_format=True,
                   note="党员须已登记。", ref="person.id_number"),
            Column("name", "姓名", cells.text, aliases=("党员姓名",), example="王东华", width=10,
                   note="仅供核对，导入时以身份证号码为准。"),
            Column("organization", "所在党组织", cells.text, aliases=("党组织", "党组织名称"), required=True,
                   example="中共北京东华门文化传媒有限公司支部委员会", options=_org_names, width=36,
                   ref="party_organization.name"),
        ]

    def context(self, by) -> dict:
        orgs = {o.name: o for o in refs.visible(PartyOrganization, by).select_related("host_chamber", "enterprise")}
        return {"by": by, "orgs": orgs, "writable": writable_region_ids(by), "file": {}}

    def _member_on(self, rows: list[Row], ctx: dict, day_of) -> None:
        """Set row.values["member"] to the member row (seen by the importer) the row names, or an error."""
        by = ctx["by"]
        persons = persons_by_id_number(by, {r.values["person"] for r in rows if r.values.get("person")
                                            and not isinstance(r.values["person"], cells.Masked)})
        by_mask = persons_by_masked_id(by, [(r.values["person"], r.values.get("name")) for r in rows
                                            if isinstance(r.values.get("person"), cells.Masked)])
        members: dict = {}
        person_ids = {p[0] for p in persons.values()} | {p.pk for ps in by_mask.values() for p in ps}
        for m in DuesMember.objects.visible_to(by).filter(person_id__in=person_ids):
            members.setdefault((m.person_id, m.organization_id), []).append(m)
        for row in rows:
            v = row.values
            if isinstance(v.get("person"), cells.Masked):
                fits = by_mask.get((v["person"], v.get("name")), [])
                found = (fits[0].pk, fits[0].name) if len(fits) == 1 else None
                if found is None:
                    row.error(self.header("person"), cells.masked_message("身份证号码", v["person"]))
            else:
                found = persons.get(v.get("person"))
                if v.get("person") and found is None:
                    row.error(self.header("person"), "找不到该身份证号码对应的人员（或不在您的管辖范围内）。")
            if found and v.get("name") and v["name"] != found[1]:
                row.error(self.header("name"), f"姓名与系统中该身份证号码的人员（{found[1]}）不一致，请核对。")
            org = ctx["orgs"].get(v.get("organization") or "")
            if v.get("organization") and org is None:
                row.error(self.header("organization"), f"找不到党组织“{v['organization']}”（或不在您的管辖范围内），请填写全称。")
            v["member"] = None
            if not (found and org) or row.errors:
                continue
            day = day_of(v)
            periods = members.get((found[0], org.pk), [])
            member = next((m for m in periods if day is not None and m.joined_org <= day
                           and (m.left is None or m.left >= day)), None)
            if member is None:
                row.error(self.header("organization"), "该人员在所填期间不是该党组织的党员，请核对组织关系。")
                continue
            if ctx["writable"] is not None and (org.region is None or org.region.pk not in ctx["writable"]):
                row.error(self.header("organization"), f"您无权导入“{org.name}”的党费记录。")
                continue
            v["member"] = member

    def export_member_columns(self, plain: bool) -> list[ExportColumn]:
        return [
            personal_column("身份证号码", "id_number", lambda r: r.member.person, plain=plain),
            ExportColumn("姓名", lambda r: r.member.person.name, 10),
            ExportColumn("所在党组织", lambda r: r.member.organization.name, 36),
        ]


class DuesBaseKind(_DuesKind):
    name = "party_dues_bases"
    label = "党费基数"
    model = DuesBase
    key = ("person", "organization", "year")

    @property
    def columns(self) -> list[Column]:
        return [
            *self._member_columns(),
            Column("year", "年度", cells.integer, aliases=("申报年度",), required=True, example=2024, width=8),
            Column("category", "缴费类别", cells.choice(DuesCategory, "缴费类别", DUES_CATEGORY_ALIASES),
                   aliases=("党员缴费类别",), example=DuesCategory.EMPLOYED.label, width=12,
                   options=lambda by: [str(c.label) for c in DuesCategory], note="不填视为在岗职工。"),
            Column("base", "月缴费基数（元）", money, aliases=("缴费基数", "基数", "月基数"), example="6500.00", width=14,
                   note="在岗职工：税后工资扣除社保和公积金个人缴纳部分；离退休：养老金。"),
            Column("fixed_amount", "每月固定金额（元）", money, aliases=("固定金额",), width=12,
                   note="仅农民党员填写（0.2至1元）。"),
        ]

    def resolve(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        for row in rows:
            v = row.values
            if v.get("year") is not None and not 2008 <= v["year"] <= 2100:
                row.error(self.header("year"), "年度应在2008至2100之间。")
            v["category"] = v.get("category") or DuesCategory.EMPLOYED
        self._member_on(rows, ctx, lambda v: dt.date(v["year"], 12, 31) if v.get("year") and 2008 <= v["year"] <= 2100
                        else None)
        for row in rows:
            v = row.values
            for field, messages in dues.base_errors(v["category"], v.get("base"), v.get("fixed_amount")).items():
                row.error(self.header(field), "；".join(messages))

    def key_of(self, row: Row):
        return (row.values["member"].pk if row.values.get("member") else None, row.values.get("year"))

    def plan(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        stored = {(b.member_id, b.year): b for b in DuesBase.objects.filter(
            member__in=[r.values["member"] for r in rows], year__in={r.values["year"] for r in rows})}
        for row in rows:
            v = row.values
            new = {"category": v["category"], "base": v.get("base"), "fixed_amount": v.get("fixed_amount")}
            same = stored.get((v["member"].pk, v["year"]))
            if same is None:
                row.action = "new"
            else:
                row.pk = same.pk
                row.changes = diff({f: getattr(same, f) for f in new}, new)
                row.action = "updated" if row.changes else "unchanged"

    def write(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        for row in rows:
            if row.action == "updated":
                DuesBase.objects.filter(pk=row.pk).update(**row.changes)
        DuesBase.objects.bulk_create([
            DuesBase(member=r.values["member"], year=r.values["year"], category=r.values["category"],
                     base=r.values.get("base"), fixed_amount=r.values.get("fixed_amount"))
            for r in rows if r.action == "new"])

    def export_queryset(self, by):
        return DuesBase.objects.visible_to(by).select_related("member__person", "member__organization").order_by(
            "member__organization__name", "member_id", "year")

    def export_columns(self, by, plain: bool = False) -> list[ExportColumn]:
        return [
            *self.export_member_columns(plain),
            ExportColumn("年度", lambda b: b.year, 8),
            ExportColumn("缴费类别", lambda b: choice_label(DuesCategory, b.category), 12),
            ExportColumn("月缴费基数（元）", lambda b: b.base, 14),
            ExportColumn("每月固定金额（元）", lambda b: b.fixed_amount, 12),
        ]


class DuesPaymentKind(_DuesKind):
    name = "party_dues_payments"
    label = "党费缴纳"
    model = DuesPayment
    key = ("person", "first_month")

    @property
    def columns(self) -> list[Column]:
        return [
            *self._member_columns(),
            Column("first_month", "起始月份", month, aliases=("缴纳月份", "所属月份"), required=True,
                   example="2024-01", width=10),
            Column("months", "缴纳月数", cells.integer, aliases=("月数",), example=1, width=8, note="不填为1个月，最多24个月。"),
            Column("amount", "应缴党费（元）", money, aliases=("党费", "金额"), example="65.00", width=12,
                   note="不填按申报的基数计算；填写时须与计算结果一致。"),
            Column("extra", "自愿多交（元）", money, aliases=("多交金额",), width=12),
            Column("method", "缴纳方式", cells.choice(DuesMethod, "缴纳方式", DUES_METHOD_ALIASES), example="现金",
                   width=10, options=lambda by: [str(c.label) for c in DuesMethod]),
            Column("paid_on", "缴纳日期", cells.date, aliases=("缴费日期",), required=True, example=dt.date(2024, 1, 10),
                   width=12),
        ]

    def resolve(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        today = _today()
        for row in rows:
            v = row.values
            v["months"] = v.get("months") or 1
            if not 1 <= v["months"] <= 24:
                row.error(self.header("months"), "缴纳月数应在1至24之间。")
            if v.get("paid_on") and v["paid_on"] > today:
                row.error(self.header("paid_on"), "缴纳日期不能晚于今天。")
            if v.get("first_month") and v["first_month"] < dues.dues_from():
                start = dues.dues_from()
                row.error(self.header("first_month"), f"平台自{start.year}年{start.month}月起登记党费，起始月份不能更早。")
        self._member_on(rows, ctx, lambda v: dues.month_end(v["first_month"]) if v.get("first_month") else None)
        from .dues_services import expected_amount

        for row in rows:
            v, member = row.values, row.values.get("member")
            if member is None or row.errors:
                continue
            covered = dues.month_range(v["first_month"], dues.add_months(v["first_month"], v["months"] - 1))
            v["covered"] = covered
            not_owed = [m for m in covered if not dues.owes(member.joined_party, member.joined_org, member.left, m)]
            if not_owed:
                row.error(self.header("first_month"), f"{not_owed[0]:%Y-%m}该人员不在本组织（或尚未入党）。")
                continue
            expected, missing = expected_amount(member, v["first_month"], v["months"])
            if missing:
                row.error(self.header("first_month"), f"请先申报该党员{missing[0].year}年的党费基数。")
            elif v.get("amount") is not None and v["amount"] != expected:
                row.error(self.header("amount"), f"按申报的基数应缴党费{expected}元；多交的部分请填写在“自愿多交”中。")
            else:
                v["amount"] = expected

    def key_of(self, row: Row):
        return (row.values["member"].person_id if row.values.get("member") else None, row.values.get("first_month"))

    def plan(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        seen: dict = ctx["file"]  # person → {month: row number} of this file
        persons = {r.values["member"].person_id for r in rows}
        paid: dict = {}
        for person_id, m in DuesPaymentMonth.objects.filter(person_id__in=persons).values_list("person_id", "month"):
            paid.setdefault(person_id, set()).add(m)
        same = {(p.member.person_id, p.first_month): p for p in DuesPayment.objects.filter(
            member__person_id__in=persons).select_related("member")}
        for row in rows:
            v = row.values
            person = v["member"].person_id
            registered = same.get((person, v["first_month"]))
            if registered is not None and registered.months == v["months"] and registered.amount == v["amount"]:
                row.pk, row.action = registered.pk, "unchanged"  # the file restates a registered payment
                continue
            clash = [m for m in v["covered"] if m in paid.get(person, set())]
            if clash:
                row.error(self.header("first_month"),
                          f"{clash[0]:%Y-%m}的党费已登记缴纳，同一月份不能重复缴纳。")
                continue
            in_file = next((seen[person][m] for m in v["covered"] if m in seen.get(person, {})), None)
            if in_file is not None:
                row.error(self.header("first_month"), f"与第{in_file}行的缴纳月份重叠，同一月份不能重复缴纳。")
                continue
            seen.setdefault(person, {}).update({m: row.number for m in v["covered"]})
            row.action = "new"

    def write(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        from .dues_services import monthly_for

        by = ctx["by"]
        for row in rows:
            if row.action != "new":
                continue
            v, member = row.values, row.values["member"]
            payment = DuesPayment.objects.create(
                member=member, first_month=v["first_month"], months=v["months"], amount=v["amount"],
                extra=v.get("extra") or 0, method=v.get("method") or DuesMethod.CASH, paid_on=v["paid_on"],
                recorded_by=by if getattr(by, "is_authenticated", False) else None, note="导入")
            bases = {b.year: b for b in DuesBase.objects.filter(member__person_id=member.person_id)}
            DuesPaymentMonth.objects.bulk_create([
                DuesPaymentMonth(payment=payment, person_id=member.person_id, member=member, month=m,
                                 amount=monthly_for(member, m, bases)) for m in v["covered"]])

    def export_queryset(self, by):
        return DuesPayment.objects.visible_to(by).select_related("member__person", "member__organization").order_by(
            "member__organization__name", "member_id", "first_month")

    def export_columns(self, by, plain: bool = False) -> list[ExportColumn]:
        return [
            *self.export_member_columns(plain),
            ExportColumn("起始月份", lambda p: f"{p.first_month:%Y-%m}", 10),
            ExportColumn("缴纳月数", lambda p: p.months, 8),
            ExportColumn("应缴党费（元）", lambda p: p.amount, 12),
            ExportColumn("自愿多交（元）", lambda p: p.extra, 12),
            ExportColumn("缴纳方式", lambda p: choice_label(DuesMethod, p.method), 10),
            ExportColumn("缴纳日期", lambda p: p.paid_on, 12),
        ]


register(DuesBaseKind())
register(DuesPaymentKind())
