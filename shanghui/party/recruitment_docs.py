"""The two Word documents of 发展党员, in official-document style (core/officedoc.py: GB/T 9704 page,
方正小标宋 title, 仿宋 body, 落款): the 发展党员工作记实 (the dossier) and the 公示 notice of a development object.
"""

import datetime as dt

from shanghui.core.officedoc import DOCX_TYPE, OfficialDocument  # noqa: F401  (DOCX_TYPE: used by the views)
from shanghui.core.officedoc import cn_date as _cn

from . import recruitment as rules


def record_docx(candidate, steps: list, target) -> None:
    """发展党员工作记实: the person, the stages with their dates, then every step in order."""
    d = OfficialDocument()
    d.title("发展党员工作记实")
    person = candidate.person
    dates = {key: getattr(candidate, rules.STAGE_FIELDS[key]) for key, _ in rules.STAGES}
    d.para(f"姓名：{person.name}　所在企业：{person.enterprise.name if person.enterprise_id else '—'}", indent=False)
    d.para(f"党组织：{candidate.organization.name}　当前阶段：{candidate.stage_label}", indent=False)
    d.heading("一、各阶段时间", indent=False)
    d.table(("阶段", "进入日期"), [(label, _cn(dates[key])) for key, label in rules.STAGES])
    d.heading("二、发展过程记实", indent=False)
    rows = []
    for s in steps:
        spec = rules.STEP_BY_KEY.get(s.kind)
        when = _cn(s.date) + (f"至{_cn(s.end)}" if s.end else "")
        extra = "；".join(x for x in (s.note, f"学时{s.hours}" if s.hours else "",
                                      f"逾期原因：{s.overdue_reason}" if s.overdue_reason else "",
                                      "附件已存档" if s.document else "") if x)
        rows.append((s.kind_label, when, s.people or "—", spec.article if spec else "", extra or "—"))
    d.table(("步骤", "时间", "相关人员", "依据（细则）", "情况"), rows, size=10)
    d.signature(f"中共{candidate.organization.name}", _cn(dt.date.today()))
    d.save(target, title=f"发展党员工作记实（{person.name}）")


def publicity_docx(candidate, step, last: dt.date, title: str, target) -> None:
    """The 公示 notice of a development object: who, the period (working days), how to object, 落款."""
    d = OfficialDocument()
    d.title(title)
    person = candidate.person
    org = candidate.organization
    unit = person.enterprise.name if person.enterprise_id else org.name
    d.para(f"根据《中国共产党发展党员工作细则》有关规定，经{org.name}支部委员会审查，拟将{person.name}同志"
           f"（{unit}）列为预备党员接收对象，现予以公示。")
    activist = candidate.activist_on
    d.table(("姓名", "递交入党申请书", "确定为入党积极分子", "列为发展对象"),
            [(person.name, _cn(candidate.applied), _cn(activist), _cn(candidate.development_on))], size=12)
    d.para(f"公示期为{_cn(step.date)}至{_cn(last)}（不少于五个工作日）。公示期内，如对公示对象有异议，请以书面"
           f"形式向{org.name}或上级党组织反映，并署真实姓名和联系方式，以便核实。")
    d.signature(f"中共{org.name}", _cn(step.date))
    d.save(target, title=title)
