"""Persons (人员: principals, contacts, individual members), upserted by ID number.

ID and mobile numbers are personal data: they are validated by the same
validators as the forms, stored only through Person.set_id_number/set_mobile
(encrypted, with a keyed digest), and matched by digest, never decrypted to compare.
"""

from django.utils import timezone

from shanghui.core import crypto, duplicates, validators
from shanghui.core.exporting import Column as ExportColumn
from shanghui.core.exporting import personal_column
from shanghui.imports import cells, sql
from shanghui.imports.initials import fast_initials
from shanghui.imports.kinds.base import Column, Kind, Row, choice_label, diff, seen_by, update_changed
from shanghui.orgs.importing import StreetResolver, street_names

from ..choices import PoliticalStatus
from ..models import Person
from .refs import enterprises_by_name, enterprises_by_uscc, persons_by_masked_id

POLITICAL_ALIASES = {"党员": "party_member", "共产党员": "party_member", "预备党员": "probationary",
                     "团员": "league", "民主党派": "democratic", "无党派": "non_party", "无": "masses"}


class PersonKind(Kind):
    name = "persons"
    label = "人员"
    model = Person
    key = ("id_number",)
    columns = [
        Column("name", "姓名", cells.max_length(cells.text, 50, "姓名"), aliases=("名字", "人员姓名", "负责人姓名"),
               required=True, example="王东华", width=10),
        Column("id_number", "身份证号码", cells.id_number_or_masked, aliases=("身份证号", "身份证", "公民身份号码", "证件号码"),
               required=True, example="110101198001010010", width=22, text_format=True,
               note="18位，按此号码更新已有人员；请把该列设为文本格式，不要存成数字。出生日期和性别由号码得出。"),
        Column("mobile", "手机号码", cells.mobile_or_masked, aliases=("手机号", "手机", "联系电话", "移动电话", "电话"),
               example="13800138000", width=14, text_format=True),
        Column("political_status", "政治面貌", cells.choice(PoliticalStatus, "政治面貌", POLITICAL_ALIASES),
               example=PoliticalStatus.PARTY_MEMBER.label, width=14,
               options=lambda by: [str(c.label) for c in PoliticalStatus]),
        Column("region", "所属街道", cells.text, aliases=("街道", "所在街道", "街道名称"), required=True,
               example="东华门街道", options=street_names, ref="street.name"),
        Column("enterprise", "所在企业统一社会信用代码", cells.uscc,
               aliases=("企业统一社会信用代码", "所在企业信用代码", "企业信用代码", "统一社会信用代码"),
               example="91110101MA01ABCD19", width=22, text_format=True, note="该企业须已在系统中登记。",
               ref="enterprise.uscc"),
        Column("enterprise_name", "所在企业", cells.text, aliases=("企业名称", "所在企业名称", "工作单位"),
               example="北京东华门文化传媒有限公司", width=28,
               note="未填信用代码时按企业全称查找；填了信用代码时仅供核对。", ref="enterprise.name"),
        Column("position", "职务", cells.max_length(cells.text, 100, "职务"), aliases=("职位", "企业职务"),
               example="董事长", width=12),
    ]
    FIELDS = {"name": "name", "region": "region_id", "enterprise": "enterprise_id", "position": "position",
              "political_status": "political_status", "mobile": "mobile_digest"}

    def context(self, by) -> dict:
        return {"by": by, "streets": StreetResolver(by, "人员")}

    def resolve(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        by = ctx["by"]
        codes = {r.values["enterprise"] for r in rows if r.values.get("enterprise")}
        enterprises = enterprises_by_uscc(by, codes)
        names = {r.values["enterprise_name"] for r in rows
                 if r.values.get("enterprise_name") and not r.values.get("enterprise")}
        by_name = enterprises_by_name(by, names)
        for row in rows:
            v = row.values
            if v.get("region") is not None:
                try:
                    v["region"] = ctx["streets"](v["region"])
                except ValueError as e:
                    row.error(self.header("region"), str(e))
            if v.get("enterprise"):
                found = enterprises.get(v["enterprise"])
                if found is None:
                    row.error(self.header("enterprise"), f"找不到统一社会信用代码为{v['enterprise']}的企业（或不在您的管辖范围内），请先导入企业。")
                v["enterprise"] = found[0] if found else None
            elif v.get("enterprise_name"):
                pks = by_name.get(v["enterprise_name"], [])
                if len(pks) != 1:
                    row.error(self.header("enterprise_name"),
                              f"找不到名为“{v['enterprise_name']}”的企业（或不在您的管辖范围内），请先导入企业。" if not pks
                              else f"名为“{v['enterprise_name']}”的企业不止一家，请填写统一社会信用代码。")
                v["enterprise"] = pks[0] if len(pks) == 1 else None

    def field_values(self, row: Row, present: set[str]) -> dict:
        out = {}
        enterprise_given = "enterprise" in present or "enterprise_name" in present
        for column, model_field in self.FIELDS.items():
            if column not in present and not (column == "enterprise" and enterprise_given):
                continue
            value = row.values.get(column)
            if column == "mobile":
                value = crypto.digest(value) if value else ""
            elif value is None:
                value = None if model_field == "enterprise_id" else ""
            out[model_field] = value
        return out

    def key_of(self, row: Row):
        number = row.values.get("id_number")
        # A masked number (a re-imported export) is one person's together with the name.
        return (number, row.values.get("name")) if isinstance(number, cells.Masked) else (number,)

    def plan(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        writable, by = ctx["streets"].writable, ctx["by"]
        compared = list(self.field_values(rows[0], present)) if rows else []
        masked = [r for r in rows if isinstance(r.key[0], cells.Masked)]
        rows = [r for r in rows if not isinstance(r.key[0], cells.Masked)]
        found_rows: list[tuple[Row, tuple]] = []  # (row, (pk, region id, stored values)) of registered persons
        digests = {crypto.digest(r.key[0]): r for r in rows}
        # A stored digest may be under any configured key (a key rotation window): map each to the current one.
        current = {d: crypto.digest(r.key[0]) for r in rows for d in crypto.digests(r.key[0])}
        existing = {}
        keys = list(current)
        for i in range(0, len(keys), 5000):
            qs = Person.objects.filter(id_number_digest__in=keys[i:i + 5000])
            for digest, pk, region_id, *values in qs.values_list("id_number_digest", "pk", "region_id", *compared):
                existing[current[digest]] = (pk, region_id, dict(zip(compared, values, strict=True)))
        for digest, row in digests.items():
            found = existing.get(digest)
            if found is None:
                if isinstance(row.values.get("mobile"), cells.Masked):
                    row.error(self.header("mobile"), cells.masked_message("手机号码", row.values["mobile"]))
                else:
                    row.action = "new"
                continue
            found_rows.append((row, found))
        # Masked ID numbers (the user's own export): the person of that name whose number masks so.
        people = persons_by_masked_id(by, [r.key for r in masked])
        candidates = {r.key: people.get(r.key, []) for r in masked}
        stored_of = {}
        pks = [p[0].pk for p in candidates.values() if len(p) == 1]
        for pk, region_id, *values in Person.objects.filter(pk__in=pks).values_list("pk", "region_id", *compared):
            stored_of[pk] = (pk, region_id, dict(zip(compared, values, strict=True)))
        for row in masked:
            found = candidates[row.key]
            if len(found) != 1:
                row.error(self.header("id_number"), cells.masked_message("身份证号码", row.key[0]) if not found
                          else f"身份证号码“{row.key[0]}”是遮盖后的号码，同名人员中不止一人与之相符，请填写完整号码。")
                continue
            found_rows.append((row, stored_of[found[0].pk]))
        mobiles = {p.pk: p.mobile for p in Person.objects.filter(pk__in=[f[0] for r, f in found_rows
                                                                       if isinstance(r.values.get("mobile"), cells.Masked)]
                                                                 ).only("pk", "mobile_cipher")}
        unwritable = [pk for _, (pk, region_id, _) in found_rows if writable is not None and region_id not in writable]
        seen = seen_by(Person, by, unwritable)
        for row, (pk, region_id, stored) in found_rows:
            if writable is not None and region_id not in writable:
                if pk in seen:  # hers to see, not to change: left alone, and the file goes on
                    row.skip()
                    continue
                # Not seen at all: the clash names nothing (and is audited).
                row.error(self.header("id_number"), duplicates.message(
                    by=by, clash=Person(pk=pk), what="身份证号码", field="id_number",
                    named="该人员已由其他街道登记，不在您的管辖范围内，不能修改；如需调整请联系工商联。"))
                continue
            new = self.field_values(row, present)
            mobile = row.values.get("mobile")
            if isinstance(mobile, cells.Masked):
                # As exported: unchanged if it is the stored number's mask, else it cannot be told apart.
                if validators.mask_mobile(mobiles.get(pk, "")) != mobile:
                    row.error(self.header("mobile"), cells.masked_message("手机号码", mobile))
                    continue
                new.pop("mobile_digest", None)
            row.pk = pk
            row.changes = diff(stored, new)
            row.action = "updated" if row.changes else "unchanged"

    def write(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        now = timezone.now()
        fields = ["name", "name_initials", "gender", "id_number_cipher", "id_number_digest",
                  "mobile_cipher", "mobile_digest", "political_status", "region_id", "enterprise_id", "position",
                  "created"]
        inserts = []
        for row in rows:
            v = row.values
            if row.action == "new":
                person = Person()
                person.set_id_number(v["id_number"])
                person.set_mobile(v.get("mobile") or "")
                inserts.append((v["name"], fast_initials(v["name"])[:100], person.gender, person.id_number_cipher,
                                person.id_number_digest, person.mobile_cipher, person.mobile_digest, v.get("political_status") or "", v["region"],
                                v.get("enterprise"), v.get("position") or "", now))
            elif "mobile_digest" in row.changes:
                person = Person()
                person.set_mobile(v.get("mobile") or "")
                row.changes["mobile_cipher"] = person.mobile_cipher
        sql.insert_rows(Person, fields, inserts)
        update_changed(Person, [r for r in rows if r.action == "updated"])

    def export_queryset(self, by):
        return Person.objects.visible_to(by).select_related("region", "enterprise").order_by("region__code", "id")

    def export_columns(self, by, plain: bool = False) -> list[ExportColumn]:
        return [
            ExportColumn("姓名", lambda p: p.name, 10),
            personal_column("身份证号码", "id_number", lambda p: p, plain=plain),
            personal_column("手机号码", "mobile", lambda p: p, plain=plain),
            ExportColumn("政治面貌", lambda p: choice_label(PoliticalStatus, p.political_status), 14),
            ExportColumn("所属街道", lambda p: p.region.name),
            ExportColumn("所在企业统一社会信用代码", lambda p: p.enterprise.uscc if p.enterprise_id else "", 22),
            ExportColumn("所在企业", lambda p: p.enterprise.name if p.enterprise_id else "", 28),
            ExportColumn("职务", lambda p: p.position, 12),
        ]

