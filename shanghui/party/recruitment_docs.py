"""The two Word documents of 发展党员, in official-document style (GB/T 9704 page, 方正小标宋 title,
仿宋 body, 落款): the 发展党员工作记实 (the dossier) and the 公示 notice of a development object.

They are built here with python-docx rather than in the reports app: the pages are party pages and
party may not import reports (app layers). The fonts are the reports app's defaults, repeated here.
"""

import datetime as dt

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from . import recruitment as rules

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONTS = {"title": "方正小标宋简体", "heading1": "黑体", "body": "仿宋_GB2312", "latin": "Times New Roman"}


def _cn(day: dt.date | None) -> str:
    return f"{day:%Y年%-m月%-d日}" if day else "—"


def _font(run_or_style, name: str) -> None:
    run_or_style.font.name = FONTS["latin"]
    rpr = run_or_style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


class _Doc:
    def __init__(self):
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        normal = self.doc.styles["Normal"]
        _font(normal, FONTS["body"])
        normal.font.size = Pt(16)
        pf = normal.paragraph_format
        pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
        pf.space_before = pf.space_after = Pt(0)
        pf.first_line_indent = Pt(32)

    def para(self, text="", *, align=None, indent=True, font=None, size=None, right=None):
        p = self.doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if not indent:
            p.paragraph_format.first_line_indent = Pt(0)
        if right is not None:
            p.paragraph_format.right_indent = Pt(right)
        if text:
            run = p.add_run(text)
            if font:
                _font(run, font)
            if size:
                run.font.size = Pt(size)
        return p

    def title(self, text: str) -> None:
        p = self.para(text, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, font=FONTS["title"], size=22)
        p.paragraph_format.line_spacing = Pt(36)
        self.para(indent=False)

    def table(self, header: tuple[str, ...], rows: list[tuple[str, ...]], size: int = 11) -> None:
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.first_line_indent = Pt(0)
                    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                    for run in p.runs:
                        run.font.size = Pt(size)

    def signature(self, issuer: str, day: dt.date) -> None:
        self.para(indent=False)
        self.para(issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right=64)
        self.para(_cn(day), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right=64)


def record_docx(candidate, steps: list, target) -> None:
    """发展党员工作记实: the person, the stages with their dates, then every step in order."""
    d = _Doc()
    d.title("发展党员工作记实")
    person = candidate.person
    dates = {key: getattr(candidate, rules.STAGE_FIELDS[key]) for key, _ in rules.STAGES}
    d.para(f"姓名：{person.name}　所在企业：{person.enterprise.name if person.enterprise_id else '—'}", indent=False)
    d.para(f"党组织：{candidate.organization.name}　当前阶段：{candidate.stage_label}", indent=False)
    d.para("一、各阶段时间", indent=False, font=FONTS["heading1"])
    d.table(("阶段", "进入日期"), [(label, _cn(dates[key])) for key, label in rules.STAGES])
    d.para("二、发展过程记实", indent=False, font=FONTS["heading1"])
    rows = []
    for s in steps:
        spec = rules.STEP_BY_KEY.get(s.kind)
        when = _cn(s.date) + (f"至{_cn(s.end)}" if s.end else "")
        extra = "；".join(x for x in (s.note, f"学时{s.hours}" if s.hours else "",
                                      f"逾期原因：{s.overdue_reason}" if s.overdue_reason else "",
                                      "附件已存档" if s.document else "") if x)
        rows.append((s.kind_label, when, s.people or "—", spec.article if spec else "", extra or "—"))
    d.table(("步骤", "时间", "相关人员", "依据（细则）", "情况"), rows, size=10)
    d.signature(f"中共{candidate.organization.name}", dt.date.today())
    d.doc.core_properties.title = f"发展党员工作记实（{person.name}）"
    d.doc.save(target)


def publicity_docx(candidate, step, last: dt.date, title: str, target) -> None:
    """The 公示 notice of a development object: who, the period (working days), how to object, 落款."""
    d = _Doc()
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
    d.signature(f"中共{org.name}", step.date)
    d.doc.core_properties.title = title
    d.doc.save(target)
