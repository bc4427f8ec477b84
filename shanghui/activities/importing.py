"""Attendance sheets (签到表) as staff keep them: one row per person with name, mobile and enterprise.

Each row names its activity (活动编号 as shown on the activity page, or the activity's exact
name) and a person, who is matched the way the QR sign-in matches:
- by mobile number (keyed digest) and name; else
- by name and enterprise (统一社会信用代码, or the enterprise's exact name).
A matched row becomes an Attendance, natural key (activity, person): importing the same
sheet twice adds nothing. A row that matches nobody becomes a pending sign-in for staff to
confirm on the activity page (a Person is never created behind their back). The enterprise
the row names is the one the person represented; without one, the person's current one.

The importer must be allowed to write the activity's region; a cancelled activity takes no
attendance. Persons are matched across the district (as the QR sign-in does): people come
to other streets' activities, and the attendance row belongs to the activity.
"""

from django.utils import timezone

from shanghui.core import crypto
from shanghui.directory.models import Enterprise, Person
from shanghui.imports import cells, sql
from shanghui.imports.exporting import Column as ExportColumn
from shanghui.imports.kinds import Kind, Row, refs, register
from shanghui.imports.kinds.base import Column

from .models import Activity, Attendance, PendingAttendee, Source, Status


class AttendanceKind(Kind):
    name = "attendances"
    label = "活动签到表"
    model = Attendance
    key = ("activity", "name", "mobile")
    columns = [
        Column("activity", "活动编号", cells.text, aliases=("活动", "活动名称", "活动ID", "活动号"), required=True,
               example="128", width=12, note="活动详情页上的“活动编号”，或活动的完整名称。"),
        Column("name", "姓名", cells.max_length(cells.text, 50, "姓名"), aliases=("名字", "参会人", "出席人", "学员姓名"),
               required=True, example="王东华", width=10),
        Column("mobile", "手机号码", cells.mobile, aliases=("手机号", "手机", "联系电话", "电话", "联系方式"),
               example="13800138000", width=14, text_format=True, note="按手机号码和姓名匹配已登记的人员。"),
        Column("enterprise_name", "所在企业", cells.max_length(cells.text, 200, "所在企业"),
               aliases=("单位", "工作单位", "所在单位", "企业名称", "企业", "单位名称"),
               example="北京东华门文化传媒有限公司", width=30, note="出席时所代表的企业；按全称查找。"),
        Column("enterprise", "统一社会信用代码", cells.uscc, aliases=("企业统一社会信用代码", "信用代码"),
               width=22, text_format=True, note="可不填；填写时以此查找企业。"),
    ]

    def context(self, by) -> dict:
        return {"by": by, "writable": refs.writable_region_ids(by), "activities": {}}

    # --- resolving -----------------------------------------------------------------

    def _activity(self, raw: str, ctx: dict):
        """(activity, error) for a cell, remembered per distinct text (a sheet names one activity)."""
        known = ctx["activities"]
        if raw in known:
            return known[raw]
        visible = Activity.objects.visible_to(ctx["by"])
        matches = list(visible.filter(pk=int(raw))[:1]) if raw.isdigit() and len(raw) < 18 else []
        if not matches:
            matches = list(visible.filter(title=raw)[:2])
        if len(matches) != 1:
            answer = (None, f"找不到活动“{raw}”（或不在您的管辖范围内），请填写活动详情页上的活动编号。" if not matches
                      else f"名为“{raw}”的活动不止一个，请填写活动编号。")
        else:
            activity = matches[0]
            writable = ctx["writable"]
            if writable is not None and activity.region_id not in writable:
                answer = (None, f"您无权登记“{activity}”的出席。")
            elif activity.status == Status.CANCELLED:
                answer = (None, f"“{activity}”已取消，不能登记出席。")
            else:
                answer = (activity, "")
        known[raw] = answer
        return answer

    def resolve(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        codes = {r.values["enterprise"] for r in rows if r.values.get("enterprise")}
        by_uscc = dict(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", "pk"))
        names = {r.values["enterprise_name"] for r in rows if r.values.get("enterprise_name")}
        by_name: dict[str, list[int]] = {}
        for pk, name in Enterprise.objects.filter(name__in=names).values_list("pk", "name"):
            by_name.setdefault(name, []).append(pk)
        digests = {crypto.digest(r.values["mobile"]) for r in rows if r.values.get("mobile")}
        by_mobile: dict[tuple[str, str], list[int]] = {}
        for pk, digest, name in Person.objects.filter(mobile_digest__in=digests).values_list(
                "pk", "mobile_digest", "name"):
            by_mobile.setdefault((digest, name), []).append(pk)

        by_enterprise: dict[tuple[int, str], list[int]] = {}
        ent_ids = set(by_uscc.values()) | {pks[0] for pks in by_name.values() if len(pks) == 1}
        row_names = {r.values["name"] for r in rows if r.values.get("name")}
        for pk, enterprise, name in Person.objects.filter(enterprise_id__in=ent_ids, name__in=row_names).values_list(
                "pk", "enterprise_id", "name"):
            by_enterprise.setdefault((enterprise, name), []).append(pk)

        for row in rows:
            v = row.values
            activity, error = self._activity(v["activity"], ctx) if v.get("activity") else (None, "")
            if error:
                row.error(self.header("activity"), error)
            v["activity"] = activity
            enterprise = None
            if v.get("enterprise"):
                enterprise = by_uscc.get(v["enterprise"])
                if enterprise is None:
                    row.error(self.header("enterprise"), f"找不到统一社会信用代码为{v['enterprise']}的企业。")
            elif v.get("enterprise_name"):
                pks = by_name.get(v["enterprise_name"], [])
                enterprise = pks[0] if len(pks) == 1 else None
            v["enterprise_id"] = enterprise
            v["digest"] = crypto.digest(v["mobile"]) if v.get("mobile") else ""
            person = None
            if v["digest"]:
                pks = by_mobile.get((v["digest"], v.get("name")), [])
                person = pks[0] if len(pks) == 1 else None
            elif enterprise is not None and v.get("name"):
                pks = by_enterprise.get((enterprise, v["name"]), [])
                person = pks[0] if len(pks) == 1 else None
            v["person"] = person

    def key_of(self, row: Row):
        v = row.values
        activity = v["activity"].pk if v.get("activity") else None
        if v.get("person"):
            return (activity, "person", v["person"])
        if v.get("digest"):
            return (activity, "mobile", v["digest"])
        return (activity, "name", v.get("name"), v.get("enterprise_name") or "")

    # --- planning and writing --------------------------------------------------------

    def plan(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        activity_ids = {r.values["activity"].pk for r in rows}
        persons = {r.values["person"] for r in rows if r.values["person"]}
        stored = {(a, p): (pk, e) for pk, a, p, e in Attendance.objects.filter(
            activity_id__in=activity_ids, person_id__in=persons).values_list("pk", "activity_id", "person_id",
                                                                              "enterprise_id")}
        person_info = {pk: (enterprise, region) for pk, enterprise, region in Person.objects.filter(
            pk__in=persons).values_list("pk", "enterprise_id", "region_id")}
        enterprise_ids = {r.values["enterprise_id"] for r in rows if r.values["enterprise_id"]}
        enterprise_ids |= {e for e, _ in person_info.values() if e}
        regions = dict(Enterprise.objects.filter(pk__in=enterprise_ids).values_list("pk", "region_id"))
        waiting = set()
        for a, digest, name, ename in PendingAttendee.objects.filter(activity_id__in=activity_ids).values_list(
                "activity_id", "mobile_digest", "name", "enterprise_name"):
            waiting.add((a, "mobile", digest) if digest else (a, "name", name, ename))
        for row in rows:
            v = row.values
            activity = v["activity"].pk
            if v["person"] is None:
                row.action = "unchanged" if row.key in waiting else "new"
                continue
            enterprise, person_region = person_info[v["person"]]
            enterprise = v["enterprise_id"] or enterprise
            v["enterprise_id"], v["region_id"] = enterprise, regions[enterprise] if enterprise else person_region
            found = stored.get((activity, v["person"]))
            if found is None:
                row.action = "new"
            elif v["enterprise_id"] and found[1] != v["enterprise_id"]:
                row.pk, row.action = found[0], "updated"
                row.changes = {"enterprise": v["enterprise_id"], "region": v["region_id"]}
            else:
                row.pk, row.action = found[0], "unchanged"

    def write(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        now = timezone.now()
        attendances, pending = [], []
        for row in rows:
            v = row.values
            if row.action == "updated":
                continue
            if v["person"] is not None:
                attendances.append((v["activity"].pk, v["person"], v["enterprise_id"], v["region_id"], Source.IMPORT,
                                    now))
            else:
                entry = PendingAttendee()
                entry.set_mobile(v.get("mobile") or "")
                pending.append((v["activity"].pk, v["name"], entry.mobile_cipher, entry.mobile_digest,
                                v.get("enterprise_name") or "", Source.IMPORT, PendingAttendee.State.PENDING, now))
        sql.insert_rows(Attendance, ["activity_id", "person_id", "enterprise_id", "region_id", "source", "created"],
                        attendances)
        sql.insert_rows(PendingAttendee, ["activity_id", "name", "mobile_cipher", "mobile_digest", "enterprise_name",
                                          "source", "state", "created"], pending)
        updates = [(r.changes["enterprise"], r.changes["region"], r.pk) for r in rows if r.action == "updated"]
        sql.update_rows(Attendance, ["enterprise", "region"], updates)

    # --- export in the sheet's shape -----------------------------------------------------

    def export_queryset(self, by):
        return (Attendance.objects.visible_to(by).select_related("activity", "person", "enterprise")
                .order_by("activity_id", "id"))

    def export_columns(self, by) -> list[ExportColumn]:
        plain = by.can_unmask
        return [
            ExportColumn("活动编号", lambda a: a.activity_id, 12),
            ExportColumn("姓名", lambda a: a.person.name, 10),
            ExportColumn("手机号码", (lambda a: a.person.mobile) if plain else (lambda a: a.person.mobile_masked), 14),
            ExportColumn("所在企业", lambda a: a.enterprise.name if a.enterprise_id else "", 30),
            ExportColumn("统一社会信用代码", lambda a: a.enterprise.uscc if a.enterprise_id else "", 22),
        ]


register(AttendanceKind())
