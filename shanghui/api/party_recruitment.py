"""发展党员 (recruitment of new party members): the candidates, the steps of their dossier, the to-do list and
the time rules of the 《中国共产党发展党员工作细则》. A step that breaks a time rule is refused (422) with the
rule and its article quoted. Scans are uploaded and downloaded through the web pages.

The branch secretary (an enterprise user) reads the candidates, dossiers and to-do list of his enterprise's own
party organisation; recording is for the street's staff.
"""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from shanghui.core.crud import today
from shanghui.directory.models import Person
from shanghui.party import recruitment as rules
from shanghui.party import recruitment_services as rs
from shanghui.party.models import PartyOrganization, RecruitmentCandidate

from .auth import enterprise_operation
from .common import Id, InSchema, Resource, filtered, follow, paginated
from .errors import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["党建：发展党员"])

CANDIDATES = Resource(RecruitmentCandidate, "candidate",
                      refs={"person": (Person, "人员"), "organization": (PartyOrganization, "党组织")})


class CandidateIn(InSchema):
    person: Id = Field(description="人员编号")
    organization: Id = Field(description="党组织编号（接收入党申请的党组织）")
    applied: dt.date = Field(description="递交入党申请书日期")
    birth_date: dt.date | None = Field(None, description="出生日期（不填时按已登记的身份证号码计算）")
    note: str = Field("", max_length=2000, description="备注")


class StepOut(Schema):
    id: int
    kind: str
    kind_label: str
    article: str
    date: dt.date
    end: dt.date | None
    hours: int | None
    people: str
    overdue_reason: str
    note: str
    has_document: bool = Field(description="是否上传了附件（在网页中下载）")

    @staticmethod
    def resolve_article(obj) -> str:
        spec = rules.STEP_BY_KEY.get(obj.kind)
        return spec.article if spec else ""

    @staticmethod
    def resolve_has_document(obj) -> bool:
        return bool(obj.document)


class CandidateOut(Schema):
    id: int
    person: int = Field(alias="person_id")
    person_name: str
    organization: int = Field(alias="organization_id")
    organization_name: str
    stage: str = Field(description="applicant/activist/development/probationary/full")
    stage_label: str
    applied: dt.date
    activist_on: dt.date | None
    development_on: dt.date | None
    probationary_on: dt.date | None
    full_on: dt.date | None
    stopped: dt.date | None
    member: int | None = Field(alias="member_id", description="接收为预备党员后的党员记录编号")

    resolve_person_name = follow("person.name")
    resolve_organization_name = follow("organization.name")


class CandidateDetail(CandidateOut):
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.order_by("date", "id"))


class CandidateFilter(Schema):
    organization: Id | None = None
    stage: str | None = Field(None, pattern="^(applicant|activist|development|probationary|full)$")
    year: int | None = Field(None, ge=1949, le=2100, description="申请年度")


class StepIn(InSchema):
    kind: str = Field(description="步骤：" + "、".join(f"{s.key}（{s.label}）" for s in rules.STEPS[1:]))
    date: dt.date = Field(description="日期（集中培训、公示为开始日期）")
    end: dt.date | None = Field(None, description="截止日期（集中培训、公示）")
    hours: int | None = Field(None, ge=0, le=500, description="学时（集中培训）")
    people: str = Field("", max_length=200, description="相关人员（谈话人、培养联系人、入党介绍人等）")
    overdue_reason: str = Field("", max_length=500, description="逾期原因（超过规定期限办理时填写）")
    note: str = Field("", max_length=4000, description="情况记录")


class TodoOut(Schema):
    candidate: int
    person_name: str
    organization_name: str
    what: str
    due: dt.date
    article: str
    overdue: bool


class RuleOut(Schema):
    key: str
    article: str
    text: str
    steps: str


def _visible(request):
    return RecruitmentCandidate.objects.visible_to(request.auth_user).select_related("person", "organization")


@router.get("/candidates", response=list[CandidateOut], summary="发展党员列表")
@enterprise_operation
@paginated
def list_recruitment_candidates(request, filters: Query[CandidateFilter]):
    qs = filtered(_visible(request), filters, organization="organization_id", year="applied__year")
    if filters.stage:
        qs = qs.filter(stopped__isnull=True).at_stage(filters.stage, today())
    return qs


@router.get("/candidates/{int:candidate_id}", response={200: CandidateDetail, **READ_ERRORS},
            summary="发展党员记实（含全部步骤）")
@enterprise_operation
def get_recruitment_candidate(request, candidate_id: int):
    return CANDIDATES.get(request, candidate_id)


@router.post("/candidates", response={201: CandidateOut, **WRITE_ERRORS}, summary="登记入党申请",
             description="申请时须年满十八岁（细则第五条）。")
def create_recruitment_candidate(request, payload: CandidateIn):
    return CANDIDATES.create(request, payload, rs.candidate_create)


@router.post("/candidates/{int:candidate_id}/steps", response={201: StepOut, **WRITE_ERRORS},
             summary="登记发展党员步骤",
             description="不符合细则时限规则的步骤返回 422，并引用条款。上级党委审批后自动新增预备党员记录，"
                         "转正审批后转为正式党员。")
def add_recruitment_step(request, candidate_id: int, payload: StepIn):
    candidate = CANDIDATES.get(request, candidate_id)
    return Status(201, rs.step_add(by=request.auth_user, candidate=candidate, **payload.dict()))


@router.get("/todo", response=list[TodoOut], summary="发展党员待办（已逾期和30天内到期）")
@enterprise_operation
def recruitment_todo(request):
    day = today()
    out = []
    for c in _visible(request).filter(stopped__isnull=True, full_on__isnull=True).prefetch_related("steps"):
        for item in rs.todo_of(c, day):
            out.append({"candidate": c.pk, "person_name": c.person.name, "organization_name": c.organization.name,
                        "what": item.what, "due": item.due, "article": item.article, "overdue": item.due < day})
    return sorted(out, key=lambda r: (r["due"], r["candidate"]))


@router.get("/rules", response=list[RuleOut], summary="发展党员时限规则及其条款")
@enterprise_operation
def recruitment_rules(request):
    return rules.rule_table()

