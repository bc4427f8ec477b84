"""Participation and training figures (docs/design.md §5) with their drill-downs, and the invitation list.
All in the caller's scope, for a year (default: the latest year with activities)."""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema

from shanghui.activities import kpis
from shanghui.activities.models import ActivitySeries
from shanghui.core.kpis import Period, percent
from shanghui.orgs.scope import require_street

from .common import EnterpriseRow, follow, paginated, region_by_code
from .errors import READ_ERRORS

router = Router(tags=["活动与培训：参与率与培训人次"])


class ActivityYearQuery(Schema):
    year: int | None = Field(None, ge=1949, le=2100, description="年度；默认为有活动的最近一年")
    street: str | None = Field(None, description="街道的行政区划代码：只统计该街道（须在您的管辖范围内）")


def _scope(user, q: ActivityYearQuery):
    scope = user
    if q.street:
        street = require_street(user, region_by_code(q.street, "street"))
        scope = street
    return (q.year or kpis.default_year(scope)), scope


class ParticipationFigureOut(Schema):
    key: str = Field(description="member 会员企业参与率，district 全区企业参与率")
    label: str
    numerator: int
    denominator: int
    rate: float | None = Field(description="百分比，保留一位小数；分母为 0 时为 null")


class TrainingYearCount(Schema):
    year: int
    count: int


class TrainingPersonTimesOut(Schema):
    count: int = Field(description="该年度培训人次")
    cumulative: int = Field(description="自有记录的第一年起至该年度的累计人次")
    first_year: int | None
    by_year: list[TrainingYearCount]


class ParticipationStreetOut(Schema):
    street: str
    street_name: str
    member: ParticipationFigureOut
    district: ParticipationFigureOut
    training: int


class ActivitySeriesRunOut(Schema):
    id: int
    name: str
    kind: str
    consecutive_years: int = Field(description="截至该年度连续举办的年数")
    since: int | None
    held_years: list[int]


class ActivityKpiOut(Schema):
    year: int
    figures: list[ParticipationFigureOut]
    training: TrainingPersonTimesOut
    streets: list[ParticipationStreetOut] = Field(description="分街道；各街道分子、分母和培训人次之和等于总数")
    series: list[ActivitySeriesRunOut]


def _figure(key: str, num: int, den: int) -> dict:
    rate = percent(num, den)
    return {"key": key, "label": kpis.LABELS[key], "numerator": num, "denominator": den,
            "rate": float(rate) if rate is not None else None}


@router.get("/kpis", response={200: ActivityKpiOut, **READ_ERRORS}, summary="参与率、培训人次与活动系列连续举办年数")
def activity_kpis(request, q: Query[ActivityYearQuery]):
    year, scope = _scope(request.auth_user, q)
    period = Period.year(year)
    training = kpis.training(scope, period)
    streets = [{"street": r.street.code, "street_name": r.street.name, "member": _figure("member", *r.member),
                "district": _figure("district", *r.district), "training": r.training}
               for r in kpis.by_street(scope, period)]
    return {
        "year": year,
        "figures": [kpis.member_participation(scope, period).as_dict(),
                    kpis.district_participation(scope, period).as_dict()],
        "training": training.as_dict(),
        "streets": streets,
        "series": [{"id": r.series.pk, "name": r.series.name, "kind": r.series.kind, "consecutive_years": r.years,
                    "since": r.since, "held_years": r.held_years}
                   for r in kpis.series_runs(ActivitySeries.objects.in_scope(scope), year)],
    }


class ParticipationEnterpriseRow(EnterpriseRow):
    pass


@router.get("/kpis/{key}/{which}", response={200: list[ParticipationEnterpriseRow], **READ_ERRORS},
            summary="参与率明细：covered 已参与的企业，missing 未参与的企业")
@paginated
def activity_kpi_rows(request, key: Literal["member", "district"], which: Literal["covered", "missing"],
                      q: Query[ActivityYearQuery]):
    year, scope = _scope(request.auth_user, q)
    fig = kpis.figure(key, scope, Period.year(year))
    qs = (fig.covered if which == "covered" else fig.missing).select_related("region").order_by("region__code", "name")
    return qs


class TrainingAttendanceRow(Schema):
    id: int
    activity: int
    activity_title: str
    start: dt.datetime
    person: int
    person_name: str
    enterprise: int | None
    region: str

    @staticmethod
    def resolve_activity(obj) -> int:
        return obj.activity_id

    @staticmethod
    def resolve_activity_title(obj) -> str:
        return obj.activity.title

    @staticmethod
    def resolve_start(obj) -> dt.datetime:
        return obj.activity.start

    @staticmethod
    def resolve_person(obj) -> int:
        return obj.person_id

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_enterprise(obj) -> int | None:
        return obj.enterprise_id

    resolve_region = follow("region.code")


@router.get("/kpis/training", response={200: list[TrainingAttendanceRow], **READ_ERRORS}, summary="培训人次明细（该年度的出席记录）")
@paginated
def activity_training_rows(request, q: Query[ActivityYearQuery]):
    year, scope = _scope(request.auth_user, q)
    rows = kpis.training(scope, Period.year(year)).rows.select_related("activity", "person", "region").order_by(
        "activity__start", "id")
    return rows


@router.get("/invitations", response={200: list[ParticipationEnterpriseRow], **READ_ERRORS},
            summary="待邀请的会员企业：该年度尚未参加理想信念教育的会员企业")
@paginated
def activity_invitations(request, q: Query[ActivityYearQuery]):
    year, scope = _scope(request.auth_user, q)
    qs = kpis.invitations(scope, Period.year(year)).select_related("region").order_by("region__code", "name")
    return qs
