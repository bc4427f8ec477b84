"""Service requests (诉求办理): list, detail, filing, state transitions, categories and KPIs.

Same scope and services as the web pages: a request outside the caller's scope is 404; an
action the caller may not take is 403; an action the request's state (or a time window) does
not allow is 422 with the reason.
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status

from shanghui.accounts.models import User
from shanghui.core.roles import Role
from shanghui.directory.models import Enterprise
from shanghui.orgs.models import Department
from shanghui.servicedesk import kpis, services
from shanghui.servicedesk.models import Category, Channel, ContactPreference, ServiceRequest, State

from .auth import enterprise_operation
from .common import Id, InSchema, paginated, region_by_code, visible_or_404
from .errors import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["诉求办理"])

StateCode = Literal[tuple(State.values)]
ActionCode = Literal[tuple(services.RULES)]
FigureCode = Literal[tuple(kpis.FIGURES)]


class EventOut(Schema):
    at: dt.datetime
    by: str = Field(description="操作人")
    action: str
    from_state: str
    to_state: str
    note: str

    @staticmethod
    def resolve_by(obj) -> str:
        return str(obj.by) if obj.by_id else "系统"


class RequestOut(Schema):
    id: int
    title: str
    description: str
    enterprise: int = Field(alias="enterprise_id")
    enterprise_name: str
    street: str = Field(description="企业所在街道的行政区划代码")
    category: int = Field(alias="category_id")
    category_name: str
    state: str = Field(description="submitted 已提交，accepted 已受理，assigned 办理中，resolved 已办结，"
                                   "closed 已关闭，rejected 不予受理，reopened 已重新打开")
    channel: str
    contact_preference: str
    department: int | None = Field(alias="department_id")
    handler: int | None = Field(alias="handler_id")
    deadline: dt.date | None
    overdue: bool
    filed_at: dt.datetime
    accepted_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    resolution: str
    satisfaction: int | None
    satisfaction_comment: str
    reject_reason: str
    actions: list[str] = Field(description="当前用户现在可以执行的操作")

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_street(obj) -> str:
        return obj.enterprise.region.code

    @staticmethod
    def resolve_category_name(obj) -> str:
        return obj.category.name

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_actions(obj, context) -> list[str]:
        return services.allowed_actions(context["request"].auth_user, obj)


class RequestDetailOut(RequestOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.select_related("by"))


class RequestFilter(Schema):
    state: StateCode | None = None
    view: Literal["open", "overdue", "due_soon"] | None = Field(None, description="open 待办，overdue 已超期，due_soon 即将到期")
    category: Id | None = None
    department: Id | None = None
    street: str | None = Field(None, description="街道的行政区划代码")
    q: str | None = Field(None, max_length=100, description="标题、企业名称或编号")


def _requests(user):
    return ServiceRequest.objects.visible_to(user).select_related("enterprise__region", "category")


@router.get("/service-requests", response=list[RequestOut], summary="诉求列表")
@enterprise_operation
@paginated
def list_service_requests(request, filters: Query[RequestFilter]):
    values = filters.dict(exclude_none=True)
    values["street"] = region_by_code(filters.street, "street") if filters.street else None
    return _requests(request.auth_user).matching(**values)


@router.get("/service-requests/{int:request_id}", response={200: RequestDetailOut, **READ_ERRORS},
            summary="诉求详情（含办理过程）")
@enterprise_operation
def get_service_request(request, request_id: int):
    return visible_or_404(ServiceRequest, request.auth_user, request_id)


class FileIn(InSchema):
    enterprise: Id | None = Field(None, description="企业编号；企业用户不填（即本企业），工作人员代企业提交时必填")
    category: Id = Field(description="诉求类别编号")
    title: str = Field(min_length=1, max_length=100)
    description: str = Field(min_length=1, max_length=5000)
    contact_preference: Literal[tuple(ContactPreference.values)] = "phone"
    channel: Literal["phone", "visit"] | None = Field(None, description="工作人员代提交时的来源渠道；企业用户提交总是 online")


@router.post("/service-requests", response={201: RequestDetailOut, **WRITE_ERRORS}, summary="提交诉求")
@enterprise_operation
def file_service_request(request, payload: FileIn):
    user = request.auth_user
    data = payload.dict()
    errors = {}
    category = Category.objects.filter(pk=data["category"]).first()
    if category is None:
        errors["category"] = [f"编号为{data['category']}的诉求类别不存在。"]
    if user.role == Role.ENTERPRISE_USER:
        enterprise = user.enterprise
    elif data["enterprise"] is None:
        enterprise = None
        errors["enterprise"] = ["请指定企业。"]
    else:
        enterprise = Enterprise.objects.visible_to(user).filter(pk=data["enterprise"]).first()
        if enterprise is None:
            errors["enterprise"] = [f"编号为{data['enterprise']}的企业不存在，或不在您的管辖范围内。"]
    if errors:
        raise ValidationError(errors)
    req = services.request_file(by=user, enterprise=enterprise, category=category, title=data["title"],
                                description=data["description"], contact_preference=data["contact_preference"],
                                channel=data["channel"] or Channel.PHONE)
    return Status(201, req)


class TransitionIn(InSchema):
    note: str = Field("", max_length=500, description="accept、assign、close 的说明")
    reason: str = Field("", max_length=500, description="reject、reopen 的理由（必填）")
    department: Id | None = Field(None, description="assign：承办部门编号（必填）")
    handler: Id | None = Field(None, description="assign：承办人（职能部门人员）用户编号")
    resolution: str = Field("", max_length=5000, description="resolve：办理结果（必填）")
    satisfaction: int | None = Field(None, description="rate：满意度 1–5（必填）")
    comment: str = Field("", max_length=500, description="rate：评价")


@router.post("/service-requests/{int:request_id}/{action}", response={200: RequestDetailOut, **WRITE_ERRORS},
             summary="办理诉求（受理、交办、不予受理、办结、关闭、重新打开、评价）")
@enterprise_operation
def transition_service_request(request, request_id: int, action: ActionCode, payload: TransitionIn):
    user = request.auth_user
    req = visible_or_404(ServiceRequest, user, request_id)
    data = payload.dict()
    if action == "assign":
        data.update(_assignees(data))
    return services.request_transition(by=user, service_request=req, action=action, **data)


def _assignees(data: dict) -> dict:
    """The department and handler an assignment names by id, as rows."""
    department = Department.objects.filter(pk=data["department"]).first() if data["department"] else None
    if department is None:
        raise ValidationError({"department": ["请指定存在的承办部门。"]})
    handler = None
    if data["handler"]:
        handler = User.objects.filter(pk=data["handler"], role=Role.DEPARTMENT_HANDLER).first()
        if handler is None:
            raise ValidationError({"handler": [f"编号为{data['handler']}的职能部门人员不存在。"]})
    return {"department": department, "handler": handler}


class CategoryOut(Schema):
    id: int
    name: str
    department: int = Field(alias="department_id")
    time_limit: int = Field(description="办理时限（工作日）")
    active: bool


@router.get("/service-categories", response=list[CategoryOut], summary="诉求类别")
@enterprise_operation
def list_service_categories(request):
    return Category.objects.visible_to(request.auth_user)


# --- KPIs --------------------------------------------------------------------------------------


class KpiQuery(Schema):
    start: dt.date | None = Field(None, description="起始日期；默认当年1月1日")
    end: dt.date | None = Field(None, description="截止日期；默认今天")
    street: str | None = Field(None, description="街道的行政区划代码：只统计该街道（须在您的管辖范围内）")


def _kpi_scope(user, q: KpiQuery):
    street = region_by_code(q.street, "street") if q.street else None
    return kpis.kpi_scope(user, start=q.start, end=q.end, street=street)


class SummaryOut(Schema):
    filed: int
    resolved: int
    resolved_on_time: int
    on_time_rate: float | None = Field(description="按期办结率（%）")
    mean_satisfaction: float | None
    median_days: float | None = Field(description="办理用时中位数（天）")


class RowOut(SummaryOut):
    key: str
    label: str


class KpisOut(Schema):
    start: dt.date
    end: dt.date
    summary: SummaryOut
    by_department: list[RowOut]
    by_category: list[RowOut]
    by_street: list[RowOut]


@router.get("/service-requests/kpis", response={200: KpisOut, **READ_ERRORS}, summary="诉求办理统计")
def service_request_kpis(request, q: Query[KpiQuery]):
    scope, period = _kpi_scope(request.auth_user, q)
    return {"start": period.start, "end": period.end, "summary": kpis.summary(scope, period).as_dict(),
            "by_department": [r.as_dict() for r in kpis.by_department(scope, period)],
            "by_category": [r.as_dict() for r in kpis.by_category(scope, period)],
            "by_street": [r.as_dict() for r in kpis.by_street(scope, period)]}


class DrillQuery(KpiQuery):
    group: Literal["department", "category", "street"] | None = None
    key: str | None = Field(None, max_length=20, description="分组的编号（街道为区划代码；未交办为 none）")


@router.get("/service-requests/kpis/{figure}", response={200: list[RequestOut], **READ_ERRORS},
            summary="诉求办理统计的明细（提交、办结、按期办结、超期办结、已评价的诉求）")
@paginated
def service_request_kpi_rows(request, figure: FigureCode, q: Query[DrillQuery]):
    user = request.auth_user
    scope, period = _kpi_scope(user, q)
    try:
        return kpis.visible_drilldown(user, scope, period, figure, q.group or "", q.key or "")
    except KeyError:
        raise ValidationError({"key": ["分组编号有误。"]}) from None
