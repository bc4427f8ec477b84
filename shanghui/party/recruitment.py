"""发展党员 (recruitment of new party members): the stages, the dated steps, and the time rules of the
《中国共产党发展党员工作细则》 (中办发〔2014〕31号), as pure functions (no database).

A candidate passes five stages; each stage is entered by one step (ENTERS). Every step belongs to one stage
and may be recorded only once the candidate has reached it. The time rules are one table (RULES), each with
the article it comes from; `check_step` returns the first rule a proposed step breaks (the service refuses it
quoting the rule), `todo` lists what is due soon or overdue for a candidate.

Working days (公示) come from the official calendar (orgs/workdays.py): the caller passes the
(holidays, makeup days) pair so these functions stay pure.
"""

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from shanghui.orgs.workdays import add_workdays, is_workday

ONE_DAY = dt.timedelta(days=1)
SOON_DAYS = 30  # "due soon" on the to-do list: within this many days


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when it has no such day (31 Jan + 1 → 28/29 Feb)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # unreachable


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


# --- stages and steps -----------------------------------------------------------------------------


class Stage:
    APPLICANT = "applicant"
    ACTIVIST = "activist"
    DEVELOPMENT = "development"
    PROBATIONARY = "probationary"
    FULL = "full"


STAGES = [
    (Stage.APPLICANT, "入党申请人"),
    (Stage.ACTIVIST, "入党积极分子"),
    (Stage.DEVELOPMENT, "发展对象"),
    (Stage.PROBATIONARY, "预备党员"),
    (Stage.FULL, "正式党员"),
]
STAGE_LABELS = dict(STAGES)
STAGE_ORDER = {key: i for i, (key, _) in enumerate(STAGES)}
# The candidate's field holding the day each stage was entered.
STAGE_FIELDS = {Stage.APPLICANT: "applied", Stage.ACTIVIST: "activist_on", Stage.DEVELOPMENT: "development_on",
                Stage.PROBATIONARY: "probationary_on", Stage.FULL: "full_on"}


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    stage: str  # the stage the candidate must be in (or past) to record it
    article: str
    repeatable: bool = False
    people_label: str = ""  # what the "people" field means for this step ("谈话人", "入党介绍人"…)
    has_end: bool = False  # a span (training, 公示)


# The 细则 itself does not set a 公示 period: the five working days come from the provincial implementing
# rules (e.g. Beijing's), which put the 公示 before the 预审 of 细则第十九条.
PUBLICITY_SOURCE = "第十九条（公示期按各地实施办法）"

STEPS = [
    Step("application", "递交入党申请书", Stage.APPLICANT, "第五条、第六条"),
    Step("talk", "党组织派人谈话", Stage.APPLICANT, "第七条", people_label="谈话人"),
    Step("recommendation", "党员推荐、群团组织推优", Stage.APPLICANT, "第八条", people_label="推荐人/推荐组织"),
    Step("activist", "确定入党积极分子并报上级党委备案", Stage.APPLICANT, "第八条"),
    Step("contacts", "指定培养联系人", Stage.ACTIVIST, "第九条", people_label="培养联系人"),
    Step("assessment", "培养教育考察（每半年一次）", Stage.ACTIVIST, "第十条、第十一条", repeatable=True,
         people_label="考察人"),
    Step("development", "确定发展对象并报上级党委备案", Stage.ACTIVIST, "第十三条"),
    Step("introducers", "确定入党介绍人", Stage.DEVELOPMENT, "第十四条", people_label="入党介绍人"),
    Step("political_review", "政治审查", Stage.DEVELOPMENT, "第十五条、第十六条"),
    Step("training", "短期集中培训", Stage.DEVELOPMENT, "第十七条", has_end=True),
    Step("branch_review", "支部委员会审查", Stage.DEVELOPMENT, "第十九条"),
    Step("publicity", "发展对象公示", Stage.DEVELOPMENT, PUBLICITY_SOURCE, has_end=True),
    Step("prereview", "上级党委预审", Stage.DEVELOPMENT, "第十九条"),
    Step("form", "填写入党志愿书", Stage.DEVELOPMENT, "第二十一条"),
    Step("branch_meeting", "支部大会讨论接收预备党员", Stage.DEVELOPMENT, "第二十二条至第二十四条"),
    Step("committee_talk", "上级党委派人谈话", Stage.DEVELOPMENT, "第二十五条", people_label="谈话人"),
    Step("approval", "上级党委审批", Stage.DEVELOPMENT, "第二十六条"),
    Step("oath", "入党宣誓", Stage.PROBATIONARY, "第二十九条"),
    Step("probation_assessment", "预备期教育考察", Stage.PROBATIONARY, "第三十条", repeatable=True,
         people_label="考察人"),
    Step("conversion_application", "提出转正申请", Stage.PROBATIONARY, "第三十一条"),
    Step("conversion_meeting", "支部大会讨论转正", Stage.PROBATIONARY, "第三十一条"),
    Step("conversion_approval", "上级党委审批转正", Stage.PROBATIONARY, "第三十二条"),
    Step("archive", "入党材料归档", Stage.FULL, "第三十四条"),
]
STEP_BY_KEY = {s.key: s for s in STEPS}
STEP_CHOICES = [(s.key, s.label) for s in STEPS]
STEP_ORDER = {s.key: i for i, s in enumerate(STEPS)}
# The step whose date enters a stage (the probationary stage starts on the branch meeting's day, 第二十七条:
# 预备期自支部大会通过之日起计算; it is entered when the higher committee approves).
ENTERS = {"activist": Stage.ACTIVIST, "development": Stage.DEVELOPMENT, "approval": Stage.PROBATIONARY,
          "conversion_approval": Stage.FULL}
# Steps that must be on record before a step may be recorded (the order of the 细则).
PREREQUISITES = {
    "activist": ("talk",),
    "development": ("contacts",),
    "branch_review": ("introducers", "political_review", "training"),
    "publicity": ("branch_review",),
    "prereview": ("publicity",),
    "form": ("prereview",),
    "branch_meeting": ("form",),
    "approval": ("branch_meeting",),
    "conversion_meeting": ("conversion_application", "oath"),
    "conversion_approval": ("conversion_meeting",),
}


# --- the facts a rule looks at ------------------------------------------------------------------------


@dataclass
class Facts:
    """What is on record for one candidate: birth date, application date, and each step's dates."""

    birth_date: dt.date | None
    applied: dt.date
    steps: dict[str, list["StepFact"]] = field(default_factory=dict)

    def first(self, key: str) -> "StepFact | None":
        rows = self.steps.get(key) or []
        return min(rows, key=lambda s: s.date) if rows else None

    def dates(self, key: str) -> list[dt.date]:
        return sorted(s.date for s in self.steps.get(key) or [])


@dataclass(frozen=True)
class StepFact:
    date: dt.date
    end: dt.date | None = None
    hours: int | None = None
    overdue_reason: str = ""


@dataclass(frozen=True)
class Calendar:
    holidays: Collection[dt.date] = ()
    makeup: Collection[dt.date] = ()


def publicity_last_day(start: dt.date, cal: Calendar) -> dt.date:
    """The 5th working day of a 公示 starting on `start` (the first day counts when it is a working day)."""
    return add_workdays(start - ONE_DAY, PUBLICITY_WORKDAYS, cal.holidays, cal.makeup)


def workdays_in(start: dt.date, end: dt.date, cal: Calendar) -> int:
    count, day = 0, start
    while day <= end:
        count += is_workday(day, cal.holidays, cal.makeup)
        day += ONE_DAY
    return count


# --- the time rules ----------------------------------------------------------------------------------

MIN_AGE = 18
TALK_MONTHS = 1
ACTIVIST_YEARS = 1
ASSESSMENT_MONTHS = 6
TRAINING_DAYS, TRAINING_HOURS = 3, 24
PUBLICITY_WORKDAYS = 5
APPROVAL_MONTHS, APPROVAL_MAX_MONTHS = 3, 6
PROBATION_YEARS = 1


@dataclass(frozen=True)
class Rule:
    key: str
    article: str
    text: str  # the rule as quoted in a refusal
    steps: tuple[str, ...]  # the steps it judges
    # (facts, step key, the proposed step, calendar) → a message when broken, else "".
    check: Callable[[Facts, str, StepFact, Calendar], str]
    # (facts, today, calendar) → (what, due day) when the rule makes something due, else None.
    due: Callable[[Facts, dt.date, Calendar], tuple[str, dt.date] | None] | None = None


def _age(facts: Facts, key: str, step: StepFact, cal: Calendar) -> str:
    if facts.birth_date is None:
        return "请填写出生日期，以核对申请入党时是否年满十八岁。"
    first_day = add_years(facts.birth_date, MIN_AGE)
    if step.date < first_day:
        return f"申请人在{step.date:%Y-%m-%d}未满十八岁（{first_day:%Y-%m-%d}起方可申请）。"
    return ""


def _talk(facts: Facts, key: str, step: StepFact, cal: Calendar) -> str:
    if step.date < facts.applied:
        return f"谈话日期不能早于递交入党申请书的日期（{facts.applied:%Y-%m-%d}）。"
    last = add_months(facts.applied, TALK_MONTHS)
    if step.date > last and not step.overdue_reason:
        return f"谈话应在{last:%Y-%m-%d}前进行；如确已逾期，请填写逾期原因。"
    return ""


def _talk_due(facts: Facts, today: dt.date, cal: Calendar):
    if facts.first("talk") is None:
        return "同入党申请人谈话", add_months(facts.applied, TALK_MONTHS)
    return None


def _activist_year(facts: Facts, key: str, step: StepFact, cal: Calendar) -> str:
    activist = facts.first("activist")
    if activist is None:
        return "尚未确定为入党积极分子。"
    first_day = add_years(activist.date, ACTIVIST_YEARS)
    if step.date < first_day:
        return f"确定为入党积极分子（{activist.date:%Y-%m-%d}）未满一年，{first_day:%Y-%m-%d}起方可列为发展对象。"
    return ""


def half_years(start: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The completed half-years [start + 6k months, start + 6(k+1) months) that end on or before `until`."""
    out, k = [], 0
    while add_months(start, ASSESSMENT_MONTHS * (k + 1)) <= until:
        out.append((add_months(start, ASSESSMENT_MONTHS * k), add_months(start, ASSESSMENT_MONTHS * (k + 1))))
        k += 1
    return out


def _missing_assessment(facts: Facts, until: dt.date) -> tuple[dt.date, dt.date] | None:
    activist = facts.first("activist")
    if activist is None:
        return None
    dates = facts.dates("assessment")
    for lo, hi in half_years(activist.date, until):
        if not any(lo <= d < hi for d in dates):
            return lo, hi
    return None


def _assessments(facts: Facts, key: str, step: StepFact, cal: Calendar) -> str:
    gap = _missing_assessment(facts, step.date)
    if gap:
        return f"{gap[0]:%Y-%m-%d}至{gap[1] - ONE_DAY:%Y-%m-%d}这半年没有考察记录，请先补录该半年的考察。"
    return ""


def _assessment_due(facts: Facts, today: dt.date, cal: Calendar):
    activist = facts.first("activist")
    if activist is None or facts.first("development") is not None:
        return None
    k = 0
    dates = facts.dates("assessment")
    while True:
        lo, hi = add_months(activist.date, ASSESSMENT_MONTHS * k), add_months(activist.date, ASSESSMENT_MONTHS * (k + 1))
        if not any(lo <= d < hi for d in dates):
            return "入党积极分子半年考察", hi - ONE_DAY
        k += 1


def _development_due(facts: Facts, today: dt.date, cal: Calendar):
    # A reminder, not a deadline: the candidate may be considered from this day.
    activist = facts.first("activist")
    if activist is not None and facts.first("development") is None:
        return "可讨论列为发展对象", add_years(activist.date, ACTIVIST_YEARS)
    return None


def _training(facts: Facts, key: str, step: StepFact, cal: Calendar) -> str:
    days = ((step.end or step.date) - step.date).days + 1
    if step.end and step.end < step.date:
        return "培训结束日期不能早于开始日期。"
    if days < TRAINING_DAYS and (step.hours or 0) < TRAINING_HOURS:
        return f"集中培训{days}天、{step.hours or 0}学时，不足三天或二十四学时。"
    return ""


def _trained(facts: Facts, key: str, step: StepFact, cal: Calendar) -> str:
    training = facts.first("training")
    if training is None:
        return "发展对象尚未参加集中培训。"
    msg = _training(facts, "training", training, cal)
    if msg:
        return msg
    if step.date <= (training.end or training.date):
        return f"集中培训{(training.end or training.date):%Y-%m-%d}结束，支部委员会审查应在其后。"
    return ""


def _publicity(facts: Facts, key: str, step: StepFact, cal: Calendar) -> str:
    last = publicity_last_day(step.date, cal)
    if step.end is None or step.end < last:
        return (f"自{step.date:%Y-%m-%d}起公示，须满五个工作日（至{last:%Y-%m-%d}，节假日不计）；"
                f"所填截止日期{'未填' if step.end is None else f'{step.end:%Y-%m-%d}'}。")
    return ""


def _after_publicity(facts: Facts, key: str, step: StepFact, cal: Calendar) -> str:
    publicity = facts.first("publicity")
    if publicity is None:
        return "尚未公示。"
    last = publicity_last_day(publicity.date, cal)
    if step.date <= last:
        return f"公示{publicity.date:%Y-%m-%d}开始，五个工作日至{last:%Y-%m-%d}期满，{last + ONE_DAY:%Y-%m-%d}起方可预审。"
    return ""


def _approval(facts: Facts, key: str, step: StepFact, cal: Calendar) -> str:
    meeting = facts.first("branch_meeting")
    if meeting is None:
        return "支部大会尚未讨论接收其为预备党员。"
    if step.date < meeting.date:
        return f"审批日期不能早于支部大会（{meeting.date:%Y-%m-%d}）。"
    last, latest = add_months(meeting.date, APPROVAL_MONTHS), add_months(meeting.date, APPROVAL_MAX_MONTHS)
    if step.date > latest:
        return f"支部大会{meeting.date:%Y-%m-%d}通过，审批最迟不得超过{latest:%Y-%m-%d}（六个月）。"
    if step.date > last and not step.overdue_reason:
        return f"支部大会{meeting.date:%Y-%m-%d}通过，应在{last:%Y-%m-%d}前审批；遇特殊情况延长的，请填写逾期原因。"
    return ""


def _approval_due(facts: Facts, today: dt.date, cal: Calendar):
    meeting = facts.first("branch_meeting")
    if meeting is not None and facts.first("approval") is None:
        return "上级党委审批接收预备党员", add_months(meeting.date, APPROVAL_MONTHS)
    return None


def _probation(facts: Facts, key: str, step: StepFact, cal: Calendar) -> str:
    meeting = facts.first("branch_meeting")
    if meeting is None:
        return "没有接收预备党员的支部大会记录。"
    first_day = add_years(meeting.date, PROBATION_YEARS)
    if step.date < first_day:
        return f"预备期自{meeting.date:%Y-%m-%d}起为一年，{first_day:%Y-%m-%d}期满后方可讨论转正。"
    return ""


def _probation_due(facts: Facts, today: dt.date, cal: Calendar):
    meeting = facts.first("branch_meeting")
    if facts.first("approval") is not None and facts.first("conversion_meeting") is None:
        return "预备期满，支部大会讨论转正", add_years(meeting.date, PROBATION_YEARS)
    return None


RULES = [
    Rule("age", "第五条", "年满十八岁方可申请入党。", ("application",), _age),
    Rule("talk", "第七条", "党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话。", ("talk",), _talk,
         _talk_due),
    Rule("activist_year", "第十三条", "入党积极分子经过一年以上培养教育和考察，方可列为发展对象。",
         ("development",), _activist_year, _development_due),
    Rule("assessment", "第十一条", "党支部每半年对入党积极分子进行一次考察。", ("development",), _assessments,
         _assessment_due),
    Rule("training", "第十七条", "对发展对象进行短期集中培训，时间一般不少于三天（或不少于二十四个学时）。",
         ("training",), _training),
    Rule("trained", "第十七条", "未经集中培训的，不能发展入党。", ("branch_review",), _trained),
    Rule("publicity", PUBLICITY_SOURCE, "发展对象报上级党委预审前应当公示，公示时间不少于五个工作日。", ("publicity",), _publicity),
    Rule("after_publicity", PUBLICITY_SOURCE, "公示期满且无影响发展的问题后，方可报上级党委预审（细则第十九条）。", ("prereview",), _after_publicity),
    Rule("approval", "第二十六条",
         "上级党委对党支部上报的接收预备党员的决议，应当在三个月内审批；特殊情况可适当延长，但不得超过六个月。",
         ("approval",), _approval, _approval_due),
    Rule("probation", "第二十七条", "预备党员的预备期为一年，自支部大会通过其为预备党员之日算起。",
         ("conversion_meeting", "conversion_approval"), _probation, _probation_due),
]
RULE_BY_KEY = {r.key: r for r in RULES}


@dataclass(frozen=True)
class Breach:
    rule: Rule
    detail: str

    @property
    def message(self) -> str:
        return f"不符合《中国共产党发展党员工作细则》{self.rule.article}“{self.rule.text}”：{self.detail}"


def _stage_reached(facts: Facts, step: Step) -> bool:
    reached = Stage.APPLICANT
    for key, stage in ENTERS.items():
        if facts.first(key) is not None and STAGE_ORDER[stage] > STAGE_ORDER[reached]:
            reached = stage
    return STAGE_ORDER[reached] >= STAGE_ORDER[step.stage]


def check_step(facts: Facts, key: str, step: StepFact, cal: Calendar) -> str:
    """Why the step `key` with these dates may not be recorded ('' when it may)."""
    spec = STEP_BY_KEY.get(key)
    if spec is None:
        return "未知的发展党员步骤。"
    if key != "application" and not _stage_reached(facts, spec):
        return f"“{spec.label}”属于{STAGE_LABELS[spec.stage]}阶段，该人员尚未进入这一阶段。"
    if not spec.repeatable and key != "application" and facts.first(key) is not None:
        return f"“{spec.label}”已有记录，请修改原记录。"
    if key != "application" and step.date < facts.applied:
        return f"日期不能早于递交入党申请书的日期（{facts.applied:%Y-%m-%d}）。"
    for need in PREREQUISITES.get(key, ()):
        before = facts.first(need)
        if before is None:
            return f"请先登记“{STEP_BY_KEY[need].label}”，再登记“{spec.label}”。"
        if step.date < before.date:
            return f"“{spec.label}”的日期不能早于“{STEP_BY_KEY[need].label}”（{before.date:%Y-%m-%d}）。"
    for rule in RULES:
        if key in rule.steps:
            detail = rule.check(facts, key, step, cal)
            if detail:
                return Breach(rule, detail).message
    return ""


def stage_dates(facts: Facts) -> dict[str, dt.date | None]:
    """The day each stage was entered (probationary: the branch meeting's day; full: the end of probation)."""
    out = {Stage.APPLICANT: facts.applied, Stage.ACTIVIST: None, Stage.DEVELOPMENT: None,
           Stage.PROBATIONARY: None, Stage.FULL: None}
    if (a := facts.first("activist")) is not None:
        out[Stage.ACTIVIST] = a.date
    if (d := facts.first("development")) is not None:
        out[Stage.DEVELOPMENT] = d.date
    meeting = facts.first("branch_meeting")
    if facts.first("approval") is not None and meeting is not None:
        out[Stage.PROBATIONARY] = meeting.date
    if facts.first("conversion_approval") is not None and meeting is not None:
        out[Stage.FULL] = add_years(meeting.date, PROBATION_YEARS)
    return out


@dataclass(frozen=True)
class Todo:
    what: str
    due: dt.date
    article: str

    def state(self, today: dt.date) -> str:
        return "overdue" if self.due < today else "soon"


def todo(facts: Facts, today: dt.date, cal: Calendar = Calendar(), soon_days: int = SOON_DAYS) -> list[Todo]:
    """What is overdue or due within `soon_days` for this candidate."""
    out = []
    for rule in RULES:
        if rule.due is None:
            continue
        found = rule.due(facts, today, cal)
        if found and found[1] <= today + dt.timedelta(days=soon_days):
            out.append(Todo(found[0], found[1], rule.article))
    return sorted(out, key=lambda t: t.due)


def rule_table() -> list[dict]:
    """The rules as a table for the pages and the docs."""
    return [{"key": r.key, "article": r.article, "text": r.text,
             "steps": "、".join(STEP_BY_KEY[s].label for s in r.steps)} for r in RULES]
