"""Community projects, contributions, totals, student-aid records and the youth association (read-only).

Same scope as the web pages: projects and contributions by the project's region; aid records
(minors) for federation admins and street workers only (403 for other roles); totals for every
region user.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema

from shanghui.community import kpis
from shanghui.community.models import AidRecord, Contribution, Project, sees_aid_records

from .common import Id, Resource, filtered, follow, paginated
from .errors import READ_ERRORS, ErrorOut

router = Router(tags=["社会服务与公益"])

PROJECTS = Resource(Project, "project")


class ProjectOut(Schema):
    id: int
    kind: str = Field(description="governance 城市治理，environment 环境整治，assistance 对口帮扶，charity 公益")
    title: str
    region: str = Field(description="所属区域的行政区划代码")
    region_name: str
    partner_area: str
    start: dt.date
    end: dt.date | None
    organiser: int | None = Field(alias="organiser_id")
    description: str

    resolve_region = follow("region.code")
    resolve_region_name = follow("region.name")


class ContributionOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    enterprise: int | None = Field(alias="enterprise_id")
    chamber: int | None = Field(alias="chamber_id")
    person: int | None = Field(alias="person_id")
    contributor_name: str
    kind: str = Field(description="money 资金（万元），goods 物资（万元），volunteer 志愿服务（小时），jobs 就业岗位（个）")
    amount: Decimal
    unit: str
    date: dt.date
    note: str

    @staticmethod
    def resolve_contributor_name(obj) -> str:
        return str(obj.contributor)


class ContributionFilter(Schema):
    project: Id | None = None
    year: int | None = Field(None, ge=1949, le=2100)


class TotalOut(Schema):
    kind: str
    label: str
    unit: str
    amount: Decimal
    count: int


class AidTotalsOut(Schema):
    students: int
    records: int
    amount: Decimal


class TotalsOut(Schema):
    year: int | None
    totals: list[TotalOut]
    aid: AidTotalsOut


class AidOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    code: str
    masked_name: str
    school: str
    grade: str
    place: str
    amount: Decimal
    date: dt.date


class YearRow(Schema):
    year: int
    members: int = Field(description="年末会员数")
    joined: int
    left: int


class YouthOut(Schema):
    size: int = Field(description="统计日的个人会员数")
    day: dt.date
    growth: list[YearRow]
    ages: dict[str, int]


class YearQuery(Schema):
    year: int | None = Field(None, ge=1949, le=2100)


@router.get("/projects", response=list[ProjectOut], summary="社会服务项目列表")
@paginated
def list_projects(request):
    return Project.objects.visible_to(request.auth_user).select_related("region").order_by("-start", "id")


@router.get("/projects/{int:project_id}", response={200: ProjectOut, **READ_ERRORS}, summary="项目详情")
def get_project(request, project_id: int):
    return PROJECTS.get(request, project_id)


@router.get("/contributions", response=list[ContributionOut], summary="项目贡献列表")
@paginated
def list_contributions(request, filters: Query[ContributionFilter]):
    qs = Contribution.objects.visible_to(request.auth_user).select_related("enterprise", "chamber", "person")
    return filtered(qs, filters, project="project_id", year="date__year").order_by("-date", "-id")


@router.get("/totals", response=TotalsOut, summary="贡献合计（按类型）与助学合计")
def community_totals(request, filters: Query[YearQuery]):
    user = request.auth_user
    return {"year": filters.year, "totals": kpis.totals(user, filters.year), "aid": kpis.aid_totals(user, filters.year)}


@router.get("/aid-records", response={200: list[AidOut], **READ_ERRORS, 403: ErrorOut}, summary="助学记录（仅工商联和商会工作人员）")
@paginated
def list_aid_records(request, filters: Query[YearQuery]):
    user = request.auth_user
    if not sees_aid_records(user):
        raise PermissionDenied("助学记录涉及未成年人信息，只有工商联和商会工作人员可以查看。")
    qs = AidRecord.objects.visible_to(user).select_related("region")
    return filtered(qs, filters, year="date__year").order_by("-date", "code")


@router.get("/youth", response=YouthOut, summary="青创会会员增长与年龄结构")
def youth_association(request, day: dt.date | None = None):
    from django.utils import timezone

    user = request.auth_user
    day = day or timezone.localdate()
    return {"size": kpis.youth_size(user, day), "day": day,
            "growth": [{"year": y, "members": m, "joined": j, "left": left} for y, m, j, left in kpis.youth_growth(user)],
            "ages": dict(kpis.youth_age_profile(user, day))}
