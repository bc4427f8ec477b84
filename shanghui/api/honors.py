"""Honours, their counts, commendation campaigns and nominations. Same scope and services as the web pages.

Reviewing, the public notice and the decision are the federation's web actions; the API reads
them and lets chambers submit nominations.
"""

from typing import Literal

from django.apps import apps
from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status

from shanghui.honors import kpis, services
from shanghui.honors.models import Campaign, CampaignCategory, Honor, Level, Nomination, RecipientKind
from shanghui.orgs.models import Chamber
from shanghui.reports.kpis import scope_region

from .auth import enterprise_operation
from .common import Id, InSchema, Resource, display, filtered, follow, paginated
from .errors import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["荣誉与表彰"])

LevelCode = Literal[tuple(Level.values)]
RecipientCode = Literal[tuple(RecipientKind.values)]

HONORS = Resource(Honor, "honor")
CAMPAIGNS = Resource(Campaign, "campaign")


class HonorOut(Schema):
    id: int
    title: str
    level: str
    issuer: str
    year: int
    category: str
    recipient_kind: str
    recipient_id: int | None = Field(description="获得者编号（区工商联为所在区的编号）")
    recipient_name: str
    campaign: int | None = Field(description="来自评选表彰时为其编号")
    has_evidence: bool

    @staticmethod
    def resolve_recipient_id(obj) -> int | None:
        return getattr(obj.recipient, "pk", None)

    resolve_campaign = follow("nomination.category.campaign_id")

    @staticmethod
    def resolve_has_evidence(obj) -> bool:
        return bool(obj.evidence)


class HonorFilter(Schema):
    level: LevelCode | None = None
    year: int | None = Field(None, ge=1949, le=2100)
    recipient_kind: RecipientCode | None = None


def _honors(user):
    return Honor.objects.visible_to(user).select_related(
        "federation", "chamber", "party_organization", "enterprise", "person", "nomination__category")


@router.get("/honors", response=list[HonorOut], summary="荣誉列表")
@enterprise_operation
@paginated
def list_honors(request, filters: Query[HonorFilter]):
    return filtered(_honors(request.auth_user), filters,
                    level="level", year="year", recipient_kind="recipient_kind")


class YearLevelCount(Schema):
    year: int
    level: str
    count: int


class CountsOut(Schema):
    year: int | None
    by_level: dict[str, int] = Field(description="按级别：national 国家级，municipal 市级，district 区级，street 街道级")
    by_year: list[YearLevelCount] = Field(description="按年度和级别（只列出非零的格）")
    commendations: dict[str, int] = Field(description="该年度评选表彰产生的荣誉，按类别（只在给出年度时计算）")


class CountsQuery(Schema):
    year: int | None = Field(None, ge=1949, le=2100, description="年度；不填为全部年度")


@router.get("/honors/counts", response={200: CountsOut, **READ_ERRORS}, summary="荣誉统计（按级别、年度）",
            description="按调用者的管辖区域统计，与统计看板一致：街道用户为本街道的企业、人员、商会和党组织获得的荣誉，"
                        "不含区工商联本级的荣誉（后者计入全区）。")
def honor_counts(request, query: Query[CountsQuery]):
    # The dashboard counts a region's subtree; visible_to(user) would add the district's own honours
    # to a street user's figures, so the same user saw two different counts (scope_region as the dashboard).
    user = request.auth_user
    scope = scope_region(user) or user
    return {"year": query.year, "by_level": {str(k): v for k, v in kpis.honours_by_level(scope, query.year).items()},
            "by_year": [{"year": y, "level": str(lv), "count": n} for y, lv, n in kpis.honours_by_year(scope)],
            "commendations": kpis.commendations(scope, query.year) if query.year else {}}


@router.get("/honors/{int:honor_id}", response={200: HonorOut, **READ_ERRORS}, summary="荣誉详情")
@enterprise_operation
def get_honor(request, honor_id: int):
    return HONORS.get(request, honor_id)


# --- campaigns ----------------------------------------------------------------------------


class CategoryOut(Schema):
    id: int
    kind: str
    label: str
    quota: int
    approved: int = Field(description="已通过的推荐数：仅计调用者可见的推荐（街道用户为本街道的）")

    resolve_label = display("kind")

    @staticmethod
    def resolve_approved(obj, context) -> int:
        # Over the nominations the caller sees, as on the campaign page (docs/design.md §4).
        return kpis.approved_by_category(context["request"].auth_user, obj.campaign).get(obj.pk, 0)


class CampaignOut(Schema):
    id: int
    year: int
    title: str
    state: str = Field(description="open 征集推荐，review 审核，notice 公示，decided 已决定")
    notice_start: str | None
    notice_end: str | None
    categories: list[CategoryOut]

    @staticmethod
    def resolve_notice_start(obj) -> str | None:
        return obj.notice_start.isoformat() if obj.notice_start else None

    @staticmethod
    def resolve_notice_end(obj) -> str | None:
        return obj.notice_end.isoformat() if obj.notice_end else None

    @staticmethod
    def resolve_categories(obj) -> list:
        return list(obj.categories.all())


@router.get("/honors/campaigns", response=list[CampaignOut], summary="评选表彰列表")
@paginated
def list_campaigns(request):
    return Campaign.objects.visible_to(request.auth_user).prefetch_related("categories")


@router.get("/honors/campaigns/{int:campaign_id}", response={200: CampaignOut, **READ_ERRORS}, summary="评选表彰详情")
def get_campaign(request, campaign_id: int):
    return CAMPAIGNS.get(request, campaign_id)


class NominationOut(Schema):
    id: int
    category: int = Field(alias="category_id")
    chamber: int = Field(alias="chamber_id", description="推荐商会编号")
    recipient_kind: str
    nominee_id: int
    nominee_name: str
    reasons: str
    state: str = Field(description="submitted 已推荐，approved 已通过，rejected 未通过")
    reject_reason: str

    resolve_nominee_id = follow("nominee.pk")


@router.get("/honors/campaigns/{int:campaign_id}/nominations", response={200: list[NominationOut], **READ_ERRORS},
            summary="评选表彰的推荐（您范围内的）")
@paginated
def list_nominations(request, campaign_id: int):
    return (CAMPAIGNS.related(request, campaign_id, Nomination, "category__campaign")
            .select_related("nominee_chamber", "party_organization", "enterprise", "person").order_by("id"))


class NominationIn(InSchema):
    category: Id = Field(description="评选类别编号")
    chamber: Id = Field(description="推荐商会编号")
    nominee: Id = Field(description="被推荐对象编号：按类别为党组织、人员、企业或商会的编号")
    reasons: str = Field(min_length=1, max_length=5000, description="推荐理由（主要事迹）")


NOMINEE_MODELS = {RecipientKind.PARTY_ORGANIZATION: "party.PartyOrganization", RecipientKind.PERSON: "directory.Person",
                  RecipientKind.ENTERPRISE: "directory.Enterprise", RecipientKind.CHAMBER: "orgs.Chamber"}


@router.post("/honors/campaigns/{int:campaign_id}/nominations", response={201: NominationOut, **WRITE_ERRORS},
             summary="推荐", description="推荐商会须在您的管辖范围内，被推荐对象须在推荐商会的范围内。")
def create_nomination(request, campaign_id: int, payload: NominationIn):
    user = request.auth_user
    campaign = CAMPAIGNS.get(request, campaign_id)
    category = CampaignCategory.objects.filter(campaign=campaign, pk=payload.category).first()
    if category is None:
        raise ValidationError({"category": [f"该评选表彰没有编号为{payload.category}的类别。"]})
    chamber = Chamber.objects.visible_to(user).filter(pk=payload.chamber).first()
    if chamber is None:
        raise ValidationError({"chamber": [f"编号为{payload.chamber}的商会不存在，或不在您的管辖范围内。"]})
    model = apps.get_model(NOMINEE_MODELS[category.recipient_kind])
    nominee = model.objects.visible_to(user).filter(pk=payload.nominee).first()
    if nominee is None:  # out of scope reads as "does not exist": input cannot probe beyond the scope
        raise ValidationError({"nominee": [f"编号为{payload.nominee}的被推荐对象不存在，或不在您的管辖范围内。"]})
    nomination = services.nomination_submit(by=user, category=category, chamber=chamber, nominee=nominee,
                                            reasons=payload.reasons)
    return Status(201, nomination)
