"""Service-request demo data, added by generator.py after the activities.

What it builds: the default categories and a year (2018, like the rest of the demo) of requests
from active enterprises across every street, category and department — about one request for every
six enterprises, between 40 and 600 — in every state, each with its timeline, due dates counted on
the official calendar (chinese-calendar; no override is typed). Most are closed and rated; those
filed in the last weeks of the year are still open, so the overdue and due-soon lists are not empty.

Same rules as generator.py: deterministic (one seeded Random, iteration in primary-key order),
bulk writes without audit events or notifications.
"""

import datetime as dt

from django.utils import timezone

from shanghui.directory.choices import Status
from shanghui.directory.models import Enterprise
from shanghui.orgs.workdays import add_workdays, is_workday, official
from shanghui.servicedesk.models import (
    Channel,
    ContactPreference,
    RequestEvent,
    ServiceRequest,
    State,
)
from shanghui.servicedesk.seed import load_categories

YEAR = 2018
D = dt.date
# category → [(title, description)]; the resolution text follows from the category.
TOPICS = {
    "政策咨询": [("小微企业税收优惠咨询", "想了解小微企业所得税减免的适用条件和申报方式。"),
             ("稳岗补贴政策咨询", "企业今年没有裁员，是否可以申请稳岗补贴？"),
             ("高新技术企业认定咨询", "计划申报高新技术企业，想了解认定条件和时间安排。")],
    "证照审批": [("营业执照地址变更", "公司搬迁到本街道新址，营业执照地址如何变更？"),
             ("食品经营许可证延续", "许可证下月到期，需要准备哪些延续材料？"),
             ("增加经营范围", "想在经营范围中增加技术服务，办理流程是什么？")],
    "法律纠纷": [("货款拖欠纠纷", "合作方拖欠货款半年，希望得到法律指导。"),
             ("劳动合同纠纷咨询", "员工离职后提出经济补偿要求，希望了解相关规定。"),
             ("租赁合同纠纷", "出租方提前收回房屋，企业损失如何主张？")],
    "融资贷款": [("申请创业担保贷款", "企业需要流动资金，想申请创业担保贷款。"),
             ("银企对接需求", "希望商会组织银行对接，解决设备采购资金。")],
    "用工就业": [("招聘应届毕业生", "企业需要招聘5名会计专业应届毕业生。"),
             ("员工社保转移", "新入职员工外地社保如何转入？"),
             ("技能培训补贴", "组织员工参加技能培训，能否申请培训补贴？")],
    "经营场地": [("办公用房租金减免", "疫情后经营困难，能否申请国有房屋租金减免？"),
             ("门前停车位协调", "店门前停车位被长期占用，影响顾客进出。")],
    "食品安全": [("餐饮后厨改造指导", "计划改造后厨，希望了解明厨亮灶的要求。"),
             ("食品抽检结果复核", "对抽检不合格结果有异议，如何申请复检？")],
    "其他": [("老旧小区外立面施工影响经营", "施工围挡遮挡店面，希望协调施工时间。"),
           ("参加商会公益活动", "企业愿意参加商会组织的公益活动，请联系。")],
}
RESOLUTIONS = {
    "政策咨询": "已电话解答政策要点，并发送申报指南。",
    "证照审批": "已指导企业准备材料并通过网上办理，证照已换发。",
    "法律纠纷": "司法所律师已与企业面谈，出具法律意见并协助调解。",
    "融资贷款": "已推荐至合作银行，完成贷款对接。",
    "用工就业": "人力社保部门已对接，发布招聘信息并办理相关手续。",
    "经营场地": "已会同街道协调解决。",
    "食品安全": "已上门指导，企业按要求整改完毕。",
    "其他": "已由商会协调相关单位办理。",
}
REJECT_REASONS = ["属于企业间商业纠纷，建议通过诉讼途径解决。", "诉求内容不属于本平台受理范围，已告知相关渠道。",
                  "与已提交诉求重复。"]
RATINGS = [(5, 55), (4, 30), (3, 10), (2, 4), (1, 1)]
COMMENTS = {5: ["办理及时，非常满意！", "感谢商会和部门的帮助。", ""], 4: ["总体满意。", ""], 3: ["还可以，希望更快一些。"],
            2: ["问题解决得不彻底。"], 1: ["没有解决实际问题。"]}
# The first requests take every state, so each appears whatever the size of the data set.
FORCED = [State.SUBMITTED, State.ACCEPTED, State.ASSIGNED, State.RESOLVED, State.REOPENED, State.REJECTED,
          State.CLOSED]


def _at(day: dt.date, rng, start=9, end=17) -> dt.datetime:
    minute = rng.randrange(start * 60, end * 60)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60),
                               timezone.get_default_timezone())


def _weighted(rng, pairs):
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


class _DeskGenerator:
    def __init__(self, gen):
        self.gen = gen
        self.rng = gen.rng("servicedesk")
        # The official calendar from chinese-calendar, through the next year for deadlines that cross it.
        off, on = official(D(YEAR, 1, 1), D(YEAR + 1, 12, 31))
        self.holidays, self.makeup = set(off), set(on)
        self.days = [D(YEAR, 1, 1) + dt.timedelta(days=i) for i in range(365)]
        self.days = [d for d in self.days if is_workday(d, self.holidays, self.makeup)]

    def after(self, day: dt.date, n: int) -> dt.date:
        return add_workdays(day, n, self.holidays, self.makeup)

    def state_for(self, i: int, filed: dt.date) -> str:
        if i < len(FORCED):
            return FORCED[i]
        if filed >= D(YEAR, 11, 20):  # the last weeks: still being handled
            return _weighted(self.rng, [(State.SUBMITTED, 2), (State.ACCEPTED, 2), (State.ASSIGNED, 5),
                                        (State.RESOLVED, 3), (State.CLOSED, 3), (State.REJECTED, 1)])
        return _weighted(self.rng, [(State.CLOSED, 88), (State.REJECTED, 6), (State.RESOLVED, 2),
                                    (State.REOPENED, 1), (State.ASSIGNED, 3)])

    def build(self, enterprises: int) -> None:
        rng = self.rng
        categories = load_categories()
        departments = list(self.gen.departments.values())
        ents = list(Enterprise.objects.filter(status=Status.ACTIVE).order_by("pk").only("pk", "region_id"))
        n = max(40, min(600, enterprises // 6))
        requests, timelines = [], []
        for i in range(n):
            enterprise = ents[rng.randrange(len(ents))]
            category = categories[rng.randrange(len(categories))]
            filed_day = self.days[rng.randrange(len(self.days))]
            state = self.state_for(i, filed_day)
            title, description = rng.choice(TOPICS[category.name])
            filed = _at(filed_day, rng)
            req = ServiceRequest(enterprise_id=enterprise.pk, category=category, title=title, description=description,
                                 contact_preference=rng.choice(ContactPreference.values),
                                 channel=_weighted(rng, [(Channel.ONLINE, 60), (Channel.PHONE, 25), (Channel.VISIT, 15)]),
                                 filed_at=filed, deadline=self.after(filed_day, category.time_limit), state=state)
            events = [(filed, "file", "", State.SUBMITTED, "")]
            if state != State.SUBMITTED:
                self.handle(req, events, category, departments, filed_day, state)
            requests.append(req)
            timelines.append(events)
        ServiceRequest.objects.bulk_create(requests, batch_size=1000)
        rows = [RequestEvent(request=req, at=at, action=action, from_state=frm, to_state=to, note=note)
                for req, events in zip(requests, timelines, strict=True) for at, action, frm, to, note in events]
        RequestEvent.objects.bulk_create(rows, batch_size=2000)
        self.gen.count("service_requests", len(requests))
        self.gen.count("service_request_events", len(rows))

    def handle(self, req, events, category, departments, filed_day, state) -> None:
        """Walk the request from submitted to `state`, appending (at, action, from, to, note) steps."""
        rng = self.rng
        accept_day = self.after(filed_day, rng.choice([0, 0, 1, 1, 2]))
        req.accepted_at = max(_at(accept_day, rng), events[-1][0] + dt.timedelta(minutes=30))
        if state == State.REJECTED:
            req.reject_reason = rng.choice(REJECT_REASONS)
            req.closed_at = req.accepted_at
            events.append((req.accepted_at, "reject", State.SUBMITTED, State.REJECTED, req.reject_reason))
            return
        events.append((req.accepted_at, "accept", State.SUBMITTED, State.ACCEPTED, ""))
        if state == State.ACCEPTED:
            return
        req.department = (category.department if rng.random() < 0.8 else departments[rng.randrange(len(departments))])
        assigned = req.accepted_at + dt.timedelta(hours=rng.randint(1, 30))
        events.append((assigned, "assign", State.ACCEPTED, State.ASSIGNED, f"交{req.department.name}办理"))
        if state == State.ASSIGNED:
            return
        # About 85 % resolved by the deadline.
        limit = category.time_limit
        days = rng.randint(1, limit) if rng.random() < 0.85 else limit + rng.randint(1, 8)
        resolved_day = max(self.after(filed_day, days), accept_day)
        req.resolved_at = max(_at(resolved_day, rng), assigned + dt.timedelta(hours=1))
        req.resolution = RESOLUTIONS[category.name]
        events.append((req.resolved_at, "resolve", State.ASSIGNED, State.RESOLVED, req.resolution))
        if state == State.RESOLVED:
            return
        if state == State.REOPENED:
            again = req.resolved_at + dt.timedelta(days=rng.randint(1, 5))
            events.append((again, "reopen", State.RESOLVED, State.REOPENED, "问题没有完全解决，请再协调。"))
            req.resolved_at = None
            req.resolution = ""
            return
        closed = req.resolved_at + dt.timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 8))
        req.closed_at = closed
        if rng.random() < 0.9:
            req.satisfaction = _weighted(rng, RATINGS)
            req.satisfaction_comment = rng.choice(COMMENTS[req.satisfaction])
            events.append((closed, "rate", State.RESOLVED, State.CLOSED,
                           f"满意度{req.satisfaction}分。{req.satisfaction_comment}".strip()))
        else:
            closed = req.resolved_at + dt.timedelta(days=8)
            req.closed_at = closed
            events.append((closed, "close", State.RESOLVED, State.CLOSED, "企业逾期未评价，由工作人员关闭。"))


def generate(gen, batch_size: int) -> None:
    """Add the service-request records to the demo data set built by `gen` (generator._Generator)."""
    g = _DeskGenerator(gen)
    g.build(Enterprise.objects.count())


def fingerprint_rows():
    """The service-request rows by natural keys, for determinism checks."""
    return [
        ServiceRequest.objects.order_by("filed_at", "title", "enterprise__uscc").values_list(
            "enterprise__uscc", "category__name", "title", "state", "channel", "department__code", "deadline",
            "filed_at", "accepted_at", "resolved_at", "closed_at", "satisfaction", "reject_reason"),
        RequestEvent.objects.order_by("request__filed_at", "request__enterprise__uscc", "at", "action").values_list(
            "request__enterprise__uscc", "at", "action", "from_state", "to_state", "note"),
    ]
