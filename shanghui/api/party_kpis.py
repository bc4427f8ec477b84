"""Party-building figures: the two coverages (docs/design.md §5) with their drill-downs, organisational-life
compliance, and the should-form-own list. All in the caller's scope."""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema

from shanghui.core.kpis import Period
from shanghui.orgs.models import Region
from shanghui.orgs.scope import require_street
from shanghui.party import compliance as rules
from shanghui.party import kpis
from shanghui.party.forms import visible_organizations

from .common import EnterpriseRow, Pagination, page_of, paginated, region_by_code
from .errors import READ_ERRORS

router = Router(tags=["党建：两个覆盖与组织生活"])

KpiKey = Literal["joint_committee", "organisation", "own", "work"]


class PeriodQuery(Schema):
    end: dt.date | None = Field(None, description="截至日期，默认今天")
    start: dt.date | None = Field(None, description="统计期起；不填则为截至日期当天的时点数")
    street: str | None = Field(None, description="街道的行政区划代码：只统计该街道（须在您的管辖范围内）")


def _period_scope(user, q: PeriodQuery):
    end = q.end or dt.date.today()
    start = q.start or end
    if start > end:
        raise ValidationError({"start": ["统计期起不能晚于截至日期。"]})
    scope = user
    if q.street:
        street = require_street(user, region_by_code(q.street, "street"))
        scope = street
    return Period(start, end), scope


class FigureOut(Schema):
    key: str = Field(description="joint_committee 联合党委街道覆盖率，organisation 组织覆盖率，own 单独组建率，work 工作覆盖率")
    label: str
    numerator: int
    denominator: int
    rate: float | None = Field(description="百分比，保留一位小数；分母为 0 时为 null")


class StreetFigures(Schema):
    street: str = Field(description="街道区划代码")
    street_name: str
    figures: list[FigureOut]


class KpiOut(Schema):
    start: dt.date
    end: dt.date
    figures: list[FigureOut]
    streets: list[StreetFigures] = Field(description="分街道；各街道分子、分母之和等于总数")


@router.get("/kpis", response={200: KpiOut, **READ_ERRORS}, summary="两个覆盖指标（总数与分街道）")
def party_kpis(request, q: Query[PeriodQuery]):
    period, scope = _period_scope(request.auth_user, q)
    streets = []
    for row in kpis.by_street(scope, period):
        figures = []
        for key in kpis.KPIS:
            num, den = row.figures[key]
            rate = row.rate(key)
            figures.append({"key": key, "label": kpis.LABELS[key], "numerator": num, "denominator": den,
                            "rate": float(rate) if rate is not None else None})
        streets.append({"street": row.street.code, "street_name": row.street.name, "figures": figures})
    return {"start": period.start, "end": period.end,
            "figures": [f.as_dict() for f in kpis.all_figures(scope, period)], "streets": streets}


class DrillRow(Schema):
    id: int
    name: str
    code: str = Field(description="企业：统一社会信用代码；街道：区划代码")
    region: str | None = Field(description="企业所在街道的区划代码")

    # A row is an enterprise, or a street where the figure counts streets (joint_committee).
    @staticmethod
    def resolve_code(obj) -> str:
        return obj.code if isinstance(obj, Region) else obj.uscc

    @staticmethod
    def resolve_region(obj) -> str | None:
        return None if isinstance(obj, Region) else obj.region.code


@router.get("/kpis/{key}/{which}", response={200: list[DrillRow], **READ_ERRORS},
            summary="指标明细：covered 分子中的企业（或街道），missing 未覆盖的")
@paginated
def party_kpi_rows(request, key: KpiKey, which: Literal["covered", "missing"], q: Query[PeriodQuery]):
    period, scope = _period_scope(request.auth_user, q)
    fig = kpis.figure(key, scope, period)
    qs = fig.covered if which == "covered" else fig.missing
    if key == "joint_committee":
        return qs.order_by("code")
    return qs.select_related("region").order_by("region__code", "name")


class SlotOut(Schema):
    unit: str
    index: int
    label: str


class KindOut(Schema):
    kind: str
    label: str
    unit: str = Field(description="month 每月，quarter 每季度，year 每年")
    held: int
    required: int
    missing: list[SlotOut]
    pending: bool = Field(description="本期（尚未结束）还没有开展")


class ComplianceOut(Schema):
    organization: int
    organization_name: str
    compliant: bool
    kinds: list[KindOut]


class ComplianceQuery(Schema):
    year: int | None = Field(None, ge=1949, le=2100, description="年度，默认今年")


class PagedComplianceOut(Schema):
    items: list[ComplianceOut]
    count: int


@router.get("/compliance", response={200: PagedComplianceOut, **READ_ERRORS},
            summary="组织生活落实情况（三会一课等）：按组织列出缺少的会议")
def party_compliance(request, q: Query[ComplianceQuery], pages: Query[Pagination.Input]):
    # Paged here rather than by @paginated: compliance is worked out for the page's organisations only.
    today = dt.date.today()
    year = q.year or today.year
    orgs = visible_organizations(request.auth_user).active_between(dt.date(year, 1, 1), dt.date(year, 12, 31))
    page = rules.compliance(page_of(orgs.order_by("name"), pages), year, today)
    return {"items": [_compliance_row(r) for r in page], "count": orgs.count()}


def _compliance_row(row) -> dict:
    return {
        "organization": row.organization.pk, "organization_name": row.organization.name, "compliant": row.compliant,
        "kinds": [{"kind": k.kind, "label": k.label, "unit": k.unit, "held": k.held, "required": k.required,
                   "pending": k.pending, "missing": [{"unit": s.unit, "index": s.index, "label": s.label}
                                                     for s in k.missing]} for k in row.kinds],
    }


class ShouldFormOwnOut(EnterpriseRow):
    full_members: int


@router.get("/should-form-own", response={200: list[ShouldFormOwnOut], **READ_ERRORS},
            summary="有3名以上正式党员、尚未单独组建党组织的企业")
@paginated
def party_should_form_own(request, on: dt.date | None = None):
    day = on or dt.date.today()
    return kpis.should_form_own(request.auth_user, day).order_by("region__code", "name")


