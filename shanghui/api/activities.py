"""Activities, their attendance and the activity series. Same scope and services as the web pages.

Attendance is recorded here by staff (a person and the enterprise he represents); the public QR
sign-in is a web page, not an API. Regions are given by administrative division code.
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from shanghui.activities import services
from shanghui.activities.kpis import in_period
from shanghui.activities.models import Activity, ActivitySeries, Attendance, Kind, Theme
from shanghui.activities.models import Status as ActivityStatus
from shanghui.core.kpis import Period
from shanghui.directory.models import Enterprise, Person
from shanghui.orgs.models import Chamber, Region

from .auth import enterprise_operation
from .common import Id, InSchema, Resource, filtered, follow, paginated, partial, region_filter
from .errors import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["活动与培训"])

# Literal types rather than the model's enums: enum schemas are named after their class, and
# "Status" or "Kind" would clash with other apps' enums in the OpenAPI components.
ActivityKind = Literal[tuple(Kind.values)]
ThemeCode = Literal[tuple(Theme.values)]
StatusCode = Literal[tuple(ActivityStatus.values)]
SeriesKindCode = Literal[tuple(ActivitySeries.SeriesKind.values)]


class ActivityIn(InSchema):
    title: str = Field(min_length=1, max_length=200, description="活动名称")
    kind: ActivityKind = Field(description="活动类型：education 理想信念教育，training 培训，meeting 会议，youth 青年活动，charity 公益活动，governance 社会治理")
    region: str = Field(description="所属区域的行政区划代码（全区或街道）")
    start: dt.datetime = Field(description="开始时间（不带时区时按北京时间）")
    end: dt.datetime = Field(description="结束时间")
    themes: list[ThemeCode] = Field([], description="主题（四信）：belief 信念，confidence 信心，trust 信任，credibility 信誉")
    series: Id | None = Field(None, description="所属活动系列编号")
    session: int | None = Field(None, ge=1, le=1000, description="期次/讲次")
    organisers: list[Id] = Field([], description="主办商会编号")
    place: str = Field("", max_length=200)
    capacity: int | None = Field(None, ge=0, le=1_000_000)
    partner: str = Field("", max_length=100, description="合作院校/机构")
    description: str = Field("", max_length=5000)
    status: StatusCode = Field("normal", description="normal 正常，cancelled 已取消（不计入统计）")
    signin_minutes: int = Field(120, ge=0, le=7 * 24 * 60, description="活动结束后仍可扫码签到的分钟数")


ActivityPatch = partial(ActivityIn, "ActivityPatch")


class ActivityOut(Schema):
    id: int
    title: str
    kind: str
    themes: list[str]
    region: str
    region_name: str
    series: int | None = Field(alias="series_id")
    session: int | None
    organisers: list[int]
    start: dt.datetime
    end: dt.datetime
    place: str
    capacity: int | None
    partner: str
    description: str
    status: str
    signin_minutes: int
    attendance: int = Field(description="出席人数")

    resolve_themes = follow("theme_list")
    resolve_region = follow("region.code")
    resolve_region_name = follow("region.name")

    @staticmethod
    def resolve_organisers(obj) -> list[int]:
        return sorted(c.pk for c in obj.organisers.all())

    @staticmethod
    def resolve_attendance(obj) -> int:
        count = getattr(obj, "attendance_count", None)
        return obj.attendances.count() if count is None else count


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_default_timezone())
    return value


def _activity_data(user, data: dict) -> dict:
    for key in ("start", "end"):
        if key in data:
            data[key] = _aware(data[key])
    if "organisers" in data:
        ids = data["organisers"] or []
        chambers = list(Chamber.objects.visible_to(user).filter(pk__in=ids))
        if len(chambers) != len(set(ids)):
            raise ValidationError({"organisers": ["有主办商会不存在，或不在您的管辖范围内。"]})
        data["organisers"] = chambers
    if "themes" in data:
        data["themes"] = [str(t) for t in data["themes"] or []]
    return data


ACTIVITIES = Resource(Activity, "activity", refs={"series": (ActivitySeries, "活动系列"), "region": (Region, "行政区划")},
                      clean=_activity_data)


class ActivityListFilter(Schema):
    kind: ActivityKind | None = None
    year: int | None = Field(None, ge=1949, le=2100, description="开始时间所在年度")
    series: Id | None = None
    status: StatusCode | None = None
    region: str | None = Field(None, description="行政区划代码：只列出该区域（含下级）的活动")


def _activities(user):
    from django.db.models import Count

    return (Activity.objects.visible_to(user).select_related("region").prefetch_related("organisers")
            .annotate(attendance_count=Count("attendances")))


@router.get("/activities", response=list[ActivityOut], summary="活动列表")
@enterprise_operation
@paginated
def list_activities(request, filters: Query[ActivityListFilter]):
    qs = _activities(request.auth_user).order_by("-start", "id")
    qs = filtered(qs, filters, kind="kind", series="series_id", status="status")
    if filters.year:
        qs = qs.filter(in_period(Period.year(filters.year)))
    return region_filter(qs, filters.region)


@router.get("/activities/{int:activity_id}", response={200: ActivityOut, **READ_ERRORS}, summary="活动详情")
@enterprise_operation
def get_activity(request, activity_id: int):
    return ACTIVITIES.get(request, activity_id)


@router.post("/activities", response={201: ActivityOut, **WRITE_ERRORS}, summary="新增活动")
def create_activity(request, payload: ActivityIn):
    return ACTIVITIES.create(request, payload, services.activity_create)


@router.patch("/activities/{int:activity_id}", response={200: ActivityOut, **WRITE_ERRORS}, summary="修改活动")
def update_activity(request, activity_id: int, payload: ActivityPatch):
    return ACTIVITIES.update(request, activity_id, payload, services.activity_update)


@router.delete("/activities/{int:activity_id}", response={204: None, **WRITE_ERRORS}, summary="删除活动",
               description="已有出席记录的活动不能删除（422）；取消的活动请把状态改为 cancelled。")
def delete_activity(request, activity_id: int):
    return ACTIVITIES.delete(request, activity_id, services.activity_delete)


# --- attendance ----------------------------------------------------------------------

ATTENDANCES = Resource(Attendance, "attendance", refs={"person": (Person, "人员"), "enterprise": (Enterprise, "企业")})


class AttendanceIn(InSchema):
    person: Id = Field(description="人员编号")
    enterprise: Id | None = Field(None, description="出席时所代表的企业编号；不填为其当前所在企业")


class AttendanceOut(Schema):
    id: int
    activity: int = Field(alias="activity_id")
    person: int = Field(alias="person_id")
    person_name: str
    enterprise: int | None = Field(alias="enterprise_id")
    enterprise_name: str | None
    region: str = Field(description="计入街道的区划代码")
    source: str = Field(description="qr 扫码签到，manual 手工登记，import 表格导入")
    created: dt.datetime

    resolve_person_name = follow("person.name")
    resolve_enterprise_name = follow("enterprise.name")
    resolve_region = follow("region.code")


@router.get("/activities/{int:activity_id}/attendances", response={200: list[AttendanceOut], **READ_ERRORS},
            summary="活动的出席名单")
@paginated
def list_attendances(request, activity_id: int):
    return (ACTIVITIES.related(request, activity_id, Attendance, "activity")
            .select_related("person", "enterprise", "region").order_by("id"))


@router.post("/activities/{int:activity_id}/attendances", response={201: AttendanceOut, **WRITE_ERRORS},
             summary="登记出席", description="同一人员在同一活动只能登记一次；重复登记返回 422。")
def create_attendance(request, activity_id: int, payload: AttendanceIn):
    activity = ACTIVITIES.get(request, activity_id)
    return ATTENDANCES.create(request, payload, services.attendance_add, activity=activity)


@router.delete("/attendances/{int:attendance_id}", response={204: None, **WRITE_ERRORS}, summary="删除出席记录")
def delete_attendance(request, attendance_id: int):
    return ATTENDANCES.delete(request, attendance_id, services.attendance_remove)


# --- series ----------------------------------------------------------------------------

SERIES = Resource(ActivitySeries, "series", refs={"chamber": (Chamber, "商会"), "region": (Region, "行政区划")})


class ActivitySeriesIn(InSchema):
    name: str = Field(min_length=1, max_length=100)
    kind: SeriesKindCode = Field(description="flagship 品牌活动，training_class 培训班")
    region: str = Field(description="所属区域的行政区划代码")
    chamber: Id | None = Field(None, description="主办商会编号；区工商联主办的不填")
    first_year: int | None = Field(None, ge=1949, le=2100)
    description: str = Field("", max_length=5000)


ActivitySeriesPatch = partial(ActivitySeriesIn, "ActivitySeriesPatch")


class ActivitySeriesOut(Schema):
    id: int
    name: str
    kind: str
    region: str
    chamber: int | None = Field(alias="chamber_id")
    first_year: int | None
    description: str

    resolve_region = follow("region.code")


@router.get("/activity-series", response=list[ActivitySeriesOut], summary="活动系列列表")
@paginated
def list_activity_series(request):
    return ActivitySeries.objects.visible_to(request.auth_user).select_related("region").order_by("region__code",
                                                                                                   "name")


@router.get("/activity-series/{int:series_id}", response={200: ActivitySeriesOut, **READ_ERRORS}, summary="活动系列详情")
def get_activity_series(request, series_id: int):
    return SERIES.get(request, series_id)


@router.post("/activity-series", response={201: ActivitySeriesOut, **WRITE_ERRORS}, summary="新增活动系列")
def create_activity_series(request, payload: ActivitySeriesIn):
    return SERIES.create(request, payload, services.series_create)


@router.patch("/activity-series/{int:series_id}", response={200: ActivitySeriesOut, **WRITE_ERRORS}, summary="修改活动系列")
def update_activity_series(request, series_id: int, payload: ActivitySeriesPatch):
    return SERIES.update(request, series_id, payload, services.series_update)


@router.delete("/activity-series/{int:series_id}", response={204: None, **WRITE_ERRORS}, summary="删除活动系列")
def delete_activity_series(request, series_id: int):
    return SERIES.delete(request, series_id, services.series_delete)
