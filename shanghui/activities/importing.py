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
attendance. Persons and enterprises are matched only among those the importer sees (refs.py):
someone the sheet names who lives in another street is, for a street worker, someone not
found, and becomes a pending sign-in that a user who sees both (the federation) confirms.
Otherwise a street could count itself, or another street, into the participation figures.
"""

import re

from django.utils import timezone

from shanghui.core import crypto, search
from shanghui.core.exporting import Column as ExportColumn
from shanghui.core.exporting import personal_column
from shanghui.directory.importing.refs import enterprises_by_name, enterprises_by_uscc, persons_by_masked_id
from shanghui.directory.models import Enterprise, Person
from shanghui.imports import cells, sql
from shanghui.imports.kinds import Kind, Row, refs, register
from shanghui.imports.kinds.base import Column, diff, seen_by
from shanghui.orgs.importing import (
    chamber_lookup,
    find_chamber,
    find_region,
    region_lookup,
    writable_region_ids,
)
from shanghui.orgs.models import Region
from shanghui.orgs.scope import writable_regions

from .models import Activity, ActivitySeries, Attendance, PendingAttendee, Source, Status, Theme
from .models import Kind as ActivityKindChoice

# _activity's answer for an activity the user sees but may not write.
READONLY = "readonly"


class AttendanceKind(Kind):
    name = "attendances"
    label = "活动签到表"
    model = Attendance
    key = ("activity", "name", "mobile")
    columns = [
        Column("activity", "活动编号", cells.text, aliases=("活动", "活动名称", "活动ID", "活动号"), required=True,
               example="128", width=12, note="活动详情页上的“活动编号”，或活动的完整名称。", ref="activity.pk"),
        Column("name", "姓名", cells.max_length(cells.text, 50, "姓名"), aliases=("名字", "参会人", "出席人", "学员姓名"),
               required=True, example="王东华", width=10, ref="person.name"),
        Column("mobile", "手机号码", cells.mobile_or_masked, aliases=("手机号", "手机", "联系电话", "电话", "联系方式"),
               example="13800138000", width=14, text_format=True, note="按手机号码和姓名匹配已登记的人员。",
               ref="person.mobile"),
        Column("enterprise_name", "所在企业", cells.max_length(cells.text, 200, "所在企业"),
               aliases=("单位", "工作单位", "所在单位", "企业名称", "企业", "单位名称"),
               example="北京东华门文化传媒有限公司", width=30, note="出席时所代表的企业；按全称查找。",
               ref="enterprise.name"),
        Column("enterprise", "统一社会信用代码", cells.uscc, aliases=("企业统一社会信用代码", "信用代码"),
               width=22, text_format=True, note="可不填；填写时以此查找企业。", ref="enterprise.uscc"),
    ]

    def context(self, by) -> dict:
        return {"by": by, "writable": writable_region_ids(by), "activities": {},
                "readonly": {}}  # row number → activity, for rows of activities not hers

    # --- resolving -----------------------------------------------------------------

    def _activity(self, raw: str, ctx: dict):
        """(activity, error) for a cell, remembered per distinct text (a sheet names one activity)."""
        known = ctx["activities"]
        if raw in known:
            return known[raw]
        visible = refs.visible(Activity, ctx["by"])
        matches = list(visible.filter(pk=int(raw))[:1]) if raw.isdigit() and len(raw) < 18 else []
        if not matches:
            matches = list(visible.filter(title=raw)[:2])
        if not matches and raw.isdigit() and len(raw) < 18:
            # An activity she does not see but whose attendance she does (the district's, with people
            # of her street): in her own export, so recognised here (and then skipped, not refused).
            matches = list(Activity.objects.filter(pk=int(raw), pk__in=Attendance.objects.visible_to(ctx["by"])
                                                   .values("activity_id"))[:1])
        if len(matches) != 1:
            answer = (None, f"找不到活动“{raw}”（或不在您的管辖范围内），请填写活动详情页上的活动编号。" if not matches
                      else f"名为“{raw}”的活动不止一个，请填写活动编号。")
        else:
            activity = matches[0]
            writable = ctx["writable"]
            if writable is not None and activity.region_id not in writable:
                answer = (activity, READONLY)  # registered attendance skipped, new refused (plan)
            elif activity.status == Status.CANCELLED:
                answer = (None, f"“{activity}”已取消，不能登记出席。")
            else:
                answer = (activity, "")
        known[raw] = answer
        return answer

    def resolve(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        by = ctx["by"]
        by_uscc = enterprises_by_uscc(by, {r.values["enterprise"] for r in rows if r.values.get("enterprise")})
        by_name = enterprises_by_name(by, {r.values["enterprise_name"] for r in rows
                                                if r.values.get("enterprise_name")})
        # Stored digests may be under any configured key (a key rotation window): map each to the current one.
        digests = {d: crypto.digest(m) for m in {r.values["mobile"] for r in rows if r.values.get("mobile")
                                                  and not isinstance(r.values["mobile"], cells.Masked)}
                   for d in crypto.digests(m)}
        # A masked mobile (the user's own export) with the name: the one person it fits.
        by_mask = persons_by_masked_id(by, [(r.values["mobile"], r.values.get("name")) for r in rows
                                            if isinstance(r.values.get("mobile"), cells.Masked)], "mobile_masked")
        by_mobile: dict[tuple[str, str], list[int]] = {}
        for digest, found in refs.find_in(Person, by, "mobile_digest", digests, ("pk", "name")).items():
            for pk, name in found:
                by_mobile.setdefault((digests[digest], name), []).append(pk)

        by_enterprise: dict[tuple[int, str], list[int]] = {}
        ent_ids = {pk for pk, _ in by_uscc.values()} | {pks[0] for pks in by_name.values() if len(pks) == 1}
        row_names = {r.values["name"] for r in rows if r.values.get("name")}
        if ent_ids and row_names:
            for pk, enterprise, name in refs.visible(Person, by).filter(
                    enterprise_id__in=ent_ids, name__in=row_names).values_list("pk", "enterprise_id", "name"):
                by_enterprise.setdefault((enterprise, name), []).append(pk)

        for row in rows:
            v = row.values
            activity, error = self._activity(v["activity"], ctx) if v.get("activity") else (None, "")
            if error is READONLY:
                ctx["readonly"][row.number] = activity
            elif error:
                row.error(self.header("activity"), error)
            v["activity"] = activity
            enterprise = None
            if v.get("enterprise"):
                found = by_uscc.get(v["enterprise"])
                enterprise = found[0] if found else None
                if enterprise is None:
                    row.error(self.header("enterprise"),
                              f"找不到统一社会信用代码为{v['enterprise']}的企业（或不在您的管辖范围内），请先导入企业。")
            elif v.get("enterprise_name"):
                pks = by_name.get(v["enterprise_name"], [])
                enterprise = pks[0] if len(pks) == 1 else None
            v["enterprise_id"] = enterprise
            masked = v.get("mobile") if isinstance(v.get("mobile"), cells.Masked) else None
            v["digest"] = crypto.digest(v["mobile"]) if v.get("mobile") and not masked else ""
            person = None
            if masked:
                fits = by_mask.get((masked, v.get("name")), [])
                person = fits[0].pk if len(fits) == 1 else None
                if person is None:  # a pending attendee cannot be kept with half a number
                    row.error(self.header("mobile"), cells.masked_message("手机号码", masked))
            elif v["digest"]:
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
        readonly = ctx["readonly"]
        seen = seen_by(Attendance, ctx["by"], [stored[(r.values["activity"].pk, r.values["person"])][0] for r in rows
                                               if r.number in readonly
                                               and (r.values["activity"].pk, r.values["person"]) in stored])
        for row in rows:
            v = row.values
            activity = v["activity"].pk
            if row.number in readonly:
                # An activity she may see but not write (the district's): who is registered as having
                # come is left as it is (the file goes on); new attendance she cannot add.
                found = stored.get((activity, v["person"]))
                if found is not None and found[0] in seen:
                    row.skip()
                else:
                    row.error(self.header("activity"), f"您无权登记“{readonly[row.number]}”的出席。")
                continue
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

    def export_columns(self, by, plain: bool = False) -> list[ExportColumn]:
        return [
            ExportColumn("活动编号", lambda a: a.activity_id, 12),
            ExportColumn("姓名", lambda a: a.person.name, 10),
            personal_column("手机号码", "mobile", lambda a: a.person, plain=plain),
            ExportColumn("所在企业", lambda a: a.enterprise.name if a.enterprise_id else "", 30),
            ExportColumn("统一社会信用代码", lambda a: a.enterprise.uscc if a.enterprise_id else "", 22),
        ]


THEME_LABELS = {str(label): code for code, label in Theme.choices}
_LIST_SPLIT = re.compile(r"[、,，;；/\s]+")


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def _series_names(by) -> list[str]:
    return list(refs.visible(ActivitySeries, by).order_by("name").values_list("name", flat=True))


def _region_names(by) -> list[str]:
    # Where the user may hold an activity: the district (if he writes it) and his streets.
    return list(refs.visible(Region, by).filter(pk__in=writable_regions(by)).exclude(level=Region.Level.CITY)
                .order_by("path").values_list("name", flat=True))


class ActivityKind(Kind):
    """Activities (活动台账), upserted by (title, start time): the same sheet twice changes nothing.

    The organising chambers are a list in one cell (东华门街道商会、景山街道商会); themes likewise
    (信念、信任). The importer must be allowed to write the activity's region (the district or a
    street); a series is named by its exact name and must contain that region.
    """

    name = "activities"
    label = "活动"
    model = Activity
    key = ("title", "start")
    columns = [
        Column("title", "活动名称", cells.max_length(cells.text, 200, "活动名称"), aliases=("名称", "活动主题", "活动"),
               required=True, example="东华门街道商会理想信念教育报告会", width=36),
        Column("kind", "活动类型", cells.choice(ActivityKindChoice, "活动类型", {"教育": "education", "培训班": "training"}),
               aliases=("类型", "活动类别"), required=True, example=ActivityKindChoice.EDUCATION.label,
               options=lambda by: [str(c.label) for c in ActivityKindChoice], width=14),
        Column("start", "开始时间", cells.moment(), aliases=("活动时间", "开始日期", "时间", "日期"), required=True,
               example="2018-03-10 09:00", width=18, note="如2018-03-10 09:00；只填日期视为当天0时。"),
        Column("end", "结束时间", cells.moment(end_of_day=True), aliases=("结束日期",), required=True,
               example="2018-03-10 11:30", width=18, note="只填日期视为当天23:59。"),
        Column("region", "所属区域", cells.text, aliases=("所属街道", "街道", "区域"), required=True,
               example="东华门街道", options=_region_names, width=14, note="全区活动填“东城区”，街道活动填街道名称。",
               ref="region.name"),
        Column("themes", "主题（四信）", cells.text, aliases=("主题", "四信主题"), example="信念、信任", width=16,
               note="信念、信心、信任、信誉中的一项或几项，用顿号分隔。"),
        Column("series", "所属系列", cells.text, aliases=("系列", "品牌活动", "培训班"), options=_series_names, width=24,
               ref="series.name"),
        Column("session", "期次/讲次", cells.integer, aliases=("期次", "讲次", "第几期"), width=10),
        Column("organisers", "主办商会", cells.text, aliases=("主办单位", "主办"), example="东华门街道商会", width=30,
               note="可填多个，用顿号分隔。", ref="chamber.name"),
        Column("place", "地点", cells.max_length(cells.text, 200, "地点"), aliases=("活动地点", "举办地点"), width=24),
        Column("capacity", "容量（人）", cells.integer, aliases=("容量", "计划人数", "名额"), width=10),
        Column("partner", "合作院校/机构", cells.max_length(cells.text, 100, "合作院校/机构"), aliases=("合作院校", "合作机构"),
               width=16),
        Column("description", "活动简介", cells.text, aliases=("简介", "内容", "活动内容"), width=40),
        Column("status", "状态", cells.choice(Status, "状态", {"取消": "cancelled"}), aliases=("活动状态",),
               example=Status.NORMAL.label, options=lambda by: [str(c.label) for c in Status], width=10,
               note="不填视为“正常”。"),
    ]
    FIELDS = ("kind", "end", "region", "themes", "series", "session", "place", "capacity", "partner", "description",
              "status")
    TEXT_FIELDS = ("place", "partner", "description")

    def context(self, by) -> dict:
        return {"by": by, "writable": writable_region_ids(by), "regions": region_lookup(by),
                "series": {s.name: s for s in refs.visible(ActivitySeries, by).select_related("region")},
                "chambers": chamber_lookup(by)}

    def resolve(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        for row in rows:
            v = row.values
            region = None
            if v.get("region"):
                try:
                    region = find_region(v["region"], ctx["regions"], "区域")
                except ValueError as e:
                    row.error(self.header("region"), str(e))
                else:
                    if region.level == Region.Level.CITY:
                        row.error(self.header("region"), "活动应属于全区或某个街道。")
                        region = None
            v["region"] = region
            codes = []
            for word in _LIST_SPLIT.split(v.get("themes") or ""):
                if word and word not in THEME_LABELS:
                    row.error(self.header("themes"), f"主题“{word}”不是信念、信心、信任、信誉之一。")
                elif word:
                    codes.append(THEME_LABELS[word])
            v["themes"] = ",".join(c for c in Theme.values if c in codes)
            series = None
            if v.get("series"):
                series = ctx["series"].get(v["series"])
                if series is None:
                    row.error(self.header("series"), f"找不到活动系列“{v['series']}”（或不在您的管辖范围内），请填写系列全称。")
                elif region is not None and not region.path.startswith(series.region.path):
                    row.error(self.header("region"), f"活动所属区域应在系列“{series}”的范围（{series.region}）内。")
            v["series"] = series
            organisers = []
            for name in _LIST_SPLIT.split(v.get("organisers") or ""):
                if name:
                    try:
                        organisers.append(find_chamber(name, ctx["chambers"]))
                    except ValueError as e:
                        row.error(self.header("organisers"), str(e))
            v["organisers"] = organisers
            if v.get("start") and v.get("end") and v["end"] < v["start"]:
                row.error(self.header("end"), "结束时间不能早于开始时间。")
            for name in self.TEXT_FIELDS:
                v[name] = v.get(name) or ""
            if v.get("status") is None:
                v["status"] = Status.NORMAL

    def _values(self, row: Row, present: set[str]) -> dict:
        return {f: row.values.get(f) for f in self.FIELDS if f in present}

    def plan(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        writable = ctx["writable"]
        titles = {r.values["title"] for r in rows}
        stored = {(a.title, a.start): a for a in Activity.objects.filter(title__in=titles).select_related(
            "region", "series").prefetch_related("organisers")}
        seen = seen_by(Activity, ctx["by"], [a.pk for a in stored.values()
                                             if writable is not None and a.region_id not in writable])
        for row in rows:
            activity = stored.get((row.values["title"], row.values["start"]))
            if activity is None:
                row.action = "new"
                continue
            if writable is not None and activity.region_id not in writable:
                if activity.pk in seen:  # hers to see, not to change: left as it is, and the file goes on
                    row.skip()
                else:
                    row.error(self.header("title"), "该活动由其他街道登记，不在您的管辖范围内，不能修改。")
                continue
            row.pk = activity.pk
            row.changes = diff({f: getattr(activity, f) for f in self.FIELDS}, self._values(row, present))
            if "organisers" in present and set(activity.organisers.all()) != set(row.values["organisers"]):
                row.changes["organisers"] = row.values["organisers"]
            row.action = "updated" if row.changes else "unchanged"

    def write(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        for row in rows:  # activities come in hundreds; the ORM keeps the many-to-many simple
            changes = dict(row.changes or {})
            if row.action == "new":
                activity = Activity(title=row.values["title"], start=row.values["start"],
                                    **{f: row.values.get(f) for f in self.FIELDS if row.values.get(f) is not None})
                activity.save()
                organisers = row.values["organisers"]
            else:
                organisers = changes.pop("organisers", None)
                activity = Activity(pk=row.pk)
                if changes:
                    Activity.objects.filter(pk=row.pk).update(**changes)
                    search.refresh("activity", [row.pk])  # update() sends no save signal
            if organisers is not None:
                activity.organisers.set(organisers)

    def export_queryset(self, by):
        return (Activity.objects.visible_to(by).select_related("region", "series").prefetch_related("organisers")
                .order_by("start", "id"))

    def export_columns(self, by, plain: bool = False) -> list[ExportColumn]:
        return [
            ExportColumn("活动名称", lambda a: a.title, 36),
            ExportColumn("活动类型", lambda a: a.get_kind_display(), 14),
            ExportColumn("开始时间", lambda a: _local(a.start), 18),
            ExportColumn("结束时间", lambda a: _local(a.end), 18),
            ExportColumn("所属区域", lambda a: a.region.name, 14),
            ExportColumn("主题（四信）", lambda a: a.theme_labels, 16),
            ExportColumn("所属系列", lambda a: a.series.name if a.series_id else "", 24),
            ExportColumn("期次/讲次", lambda a: a.session, 10),
            ExportColumn("主办商会", lambda a: "、".join(sorted(c.name for c in a.organisers.all())), 30),
            ExportColumn("地点", lambda a: a.place, 24),
            ExportColumn("容量（人）", lambda a: a.capacity, 10),
            ExportColumn("合作院校/机构", lambda a: a.partner, 16),
            ExportColumn("活动简介", lambda a: a.description, 40),
            ExportColumn("状态", lambda a: a.get_status_display(), 10),
        ]


register(AttendanceKind())
register(ActivityKind())
