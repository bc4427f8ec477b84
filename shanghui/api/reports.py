"""The dashboard's figures (docs/design.md §5) as JSON: the same cached figure set the page shows.

Scope: the caller's region, or one street of it (`street`, a division code). Enterprise users
and auditors have no dashboard (403)."""

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema

from shanghui.activities.kpis import default_year
from shanghui.orgs.scope import require_street
from shanghui.reports import dashboard, kpis

from .common import region_by_code
from .errors import READ_ERRORS, ErrorOut

router = Router(tags=["统计看板"])


class DashboardQuery(Schema):
    year: int | None = Field(None, ge=1949, le=2100, description="年度；默认为有活动的最近一年")
    street: str | None = Field(None, description="街道的行政区划代码：只统计该街道（须在您的管辖范围内）")


class RateOut(Schema):
    numerator: int
    denominator: int
    rate: float | None = Field(description="百分比，保留一位小数；分母为 0 时为 null")


class FigureOut(RateOut):
    key: str
    label: str


class StreetOut(Schema):
    street: str
    street_name: str
    joint_committee: RateOut
    organisation: RateOut
    own: RateOut
    work: RateOut
    member: RateOut
    district: RateOut
    training: int = Field(description="该年度培训人次")


class YearCount(Schema):
    year: int
    count: int


class TrainingOut(Schema):
    count: int
    cumulative: int
    first_year: int | None
    by_year: list[YearCount]


class TrainingClassOut(Schema):
    id: int
    name: str
    years: int = Field(description="截至该年度连续举办的年数")
    since: int | None


class TrendOut(Schema):
    year: int
    member: float | None
    district: float | None
    training: int


class DashboardOut(Schema):
    year: int
    region: str
    region_name: str
    figures: dict[str, FigureOut] = Field(description="joint_committee, organisation, own, work, member, district")
    training: TrainingOut
    training_class: TrainingClassOut | None
    streets: list[StreetOut] = Field(description="分街道；可加总的指标各街道之和等于总数")
    trend: list[TrendOut] = Field(description="上一年度与本年度")
    youth_association_size: int | None = Field(None, description="青创会会员人数（截至年末）；未启用时为 null")


@router.get("/dashboard", response={200: DashboardOut, **READ_ERRORS, 403: ErrorOut}, summary="统计看板的全部指标")
def reports_dashboard(request, q: Query[DashboardQuery]):
    user = request.auth_user
    region = kpis.scope_region(user)
    if region is None:
        raise PermissionDenied("统计看板只对区、街道工作人员和领导开放。")
    if q.street:
        street = require_street(user, region_by_code(q.street, "street"))
        region = street
    year = q.year or default_year(region)
    data = dashboard.figure_set(region, year)
    return {**data, "region": region.code, "region_name": region.name,
            "youth_association_size": dashboard.other_tiles(region, year, user)["youth"]}
