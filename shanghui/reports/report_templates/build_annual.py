"""Builds annual.docx, the Word template of the annual work report (工作纪实).

    .venv/bin/python -m shanghui.reports.report_templates.build_annual [PATH]

The result is an ordinary Word document with Jinja tags (docxtpl): staff may open it in
Word/WPS, reword the text, move sections, restyle tables, and save it back (or point
settings.SHANGHUI_REPORT_TEMPLATE at their copy). Tags used:
- `{{ name }}` a value; `{%p if x %}` / `{%p for s in xs %}` a paragraph that only holds the tag;
- `{%tr for row in rows %}` a table row that only holds the tag (the row below it repeats).

Page and fonts follow GB/T 9704-2012: A4, margins 37/35/28/26 mm (top/bottom/left/right),
title 2号 (22 pt) 方正小标宋简体, body 3号 (16 pt) 仿宋_GB2312 with a fixed 28 pt line and a
two-character first-line indent, headings 黑体 (level 1) and 楷体 (level 2), page numbers
“— 1 —” in the footer. The East Asian font names are written into the styles (w:eastAsia);
`annual.apply_fonts` sets them again from settings at render time.
"""

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from shanghui.reports.report_templates import DEFAULT_FONTS, TEMPLATE, set_style_font

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
TABLE_PT = 12  # 小四


def _styles(doc, f: dict) -> None:
    normal = doc.styles["Normal"]
    set_style_font(normal, f["body"], f["latin"])
    normal.font.size = Pt(BODY_PT)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(28)
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = Pt(2 * BODY_PT)

    for name, key, size, bold, align in (("Title", "title", TITLE_PT, False, WD_ALIGN_PARAGRAPH.CENTER),
                                         ("Subtitle", "heading2", BODY_PT, False, WD_ALIGN_PARAGRAPH.CENTER),
                                         ("Heading 1", "heading1", BODY_PT, False, None),
                                         ("Heading 2", "heading2", BODY_PT, False, None)):
        style = doc.styles[name]
        set_style_font(style, f[key], f["latin"])
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        spf = style.paragraph_format
        spf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        spf.line_spacing = Pt(size + 12)
        spf.space_before = Pt(0 if name.startswith("Heading") else 12)
        spf.space_after = Pt(0 if name.startswith("Heading") else 12)
        spf.first_line_indent = Pt(2 * BODY_PT) if name.startswith("Heading") else Pt(0)
        if align is not None:
            spf.alignment = align
        # The built-in Title draws a border line under itself; a 公文 title has none.
        ppr = style.element.get_or_add_pPr()
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)

    table_text = doc.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    set_style_font(table_text, f["body"], f["latin"])
    table_text.font.size = Pt(TABLE_PT)
    tpf = table_text.paragraph_format
    tpf.first_line_indent = Pt(0)
    tpf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    tpf.alignment = WD_ALIGN_PARAGRAPH.CENTER

    # Charts: centred, single line spacing (the body's exact 28 pt line would clip an image).
    chart = doc.styles.add_style("Chart", WD_STYLE_TYPE.PARAGRAPH)
    chart.base_style = normal
    cpf = chart.paragraph_format
    cpf.first_line_indent = Pt(0)
    cpf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    cpf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cpf.space_before = cpf.space_after = Pt(6)
    # 落款: right-aligned, four characters from the right margin (GB/T 9704 右空四字).
    sign = doc.styles.add_style("Signature", WD_STYLE_TYPE.PARAGRAPH)
    sign.base_style = normal
    spf = sign.paragraph_format
    spf.first_line_indent = Pt(0)
    spf.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    spf.right_indent = Pt(4 * BODY_PT)


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Pt(0)
    footer.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    footer.add_run(" —")
    for r in footer.runs:
        r.font.size = Pt(14)


def _table(doc, headers: list[str], loop: str, cells: list[str]):
    """A table: a header row, the `{%tr for %}` row, the repeated row of `cells`, the `{%tr endfor %}` row."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.text = h
        for run in cell.paragraphs[0].runs:
            run.bold = True
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for i, c in enumerate(cells):
        table.rows[2].cells[i].text = c
    table.rows[3].cells[0].text = "{%tr endfor %}"
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.style = doc.styles["Table Text"]
    # Header row repeats on every page the table runs over.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)
    return table


def _p(doc, text: str, style: str | None = None):
    return doc.add_paragraph(text, style=style)


def _charts(doc, section: str) -> None:
    """The section's charts (PNG images, or a sentence when the server has no Chinese font)."""
    _p(doc, "{%p for c in charts." + section + " %}")
    _p(doc, "{{ c.image }}{{ c.missing }}", "Chart")
    _p(doc, "{%p endfor %}")


def build(path: Path = TEMPLATE, font_names: dict | None = None) -> Path:
    f = {**DEFAULT_FONTS, **(font_names or {})}
    doc = Document()
    _styles(doc, f)
    _page(doc)

    # --- title page ---
    for _ in range(6):
        _p(doc, "")
    _p(doc, "{{ title }}", "Title")
    _p(doc, "")
    _p(doc, "{{ issuer }}", "Subtitle")
    _p(doc, "{{ generated }}", "Subtitle")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # --- summary ---
    _p(doc, "{{ n.summary }}、年度概况", "Heading 1")
    _p(doc, "{%p for s in summary %}")
    _p(doc, "{{ s }}。")
    _p(doc, "{%p endfor %}")

    # --- party building ---
    _p(doc, "{{ n.party }}、党建引领", "Heading 1")
    _p(doc, "{%p if street %}")
    _p(doc, "{{ scope_name }}商会联合党委{{ party.joint_state }}。")
    _p(doc, "{%p elif not party.joint.numerator %}")
    _p(doc, "全区{{ party.joint.denominator|num }}个街道商会尚未建立联合党委。")
    _p(doc, "{%p else %}")
    _p(doc, "全区{{ party.joint.denominator|num }}个街道中，{{ party.joint.numerator|num }}个街道商会建立了联合党委，"
            "覆盖率{{ party.joint.pct }}。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if party.organisation.denominator %}")
    _p(doc, "{{ year }}年，{{ party.organisation.denominator|num }}家非公企业中，{{ party.organisation.numerator|num }}家"
            "由党组织覆盖，党的组织覆盖率{{ party.organisation.pct }}；其中单独建立党组织的"
            "{{ party.own.numerator|num }}家，单独组建率{{ party.own.pct }}；党的工作覆盖率{{ party.work.pct }}"
            "（{{ party.work.numerator|num }}家）。")
    _p(doc, "{%p else %}")
    _p(doc, "本年度尚无非公企业党建记录。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if party.dues.owing %}")
    _p(doc, "党费收缴（{{ party.dues.months }}）：应交党费的党员{{ party.dues.owing|num }}名，按月足额交纳"
            "{{ party.dues.fully_paid|num }}名，收缴率{{ party.dues.pct }}；收缴党费{{ party.dues.collected }}元，"
            "上缴{{ party.dues.handed_up }}元；无正当理由连续六个月未交纳党费的党员{{ party.dues.flagged|num }}名。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if party.organisation.denominator or participation.district.numerator %}")
    _p(doc, "（一）分街道情况", "Heading 2")
    _table(doc, ["街道", "联合党委", "企业数", "组织覆盖率", "工作覆盖率", "会员参与率", "全区参与率", "培训人次"],
           "row in streets",
           ["{{ row.name }}", "{{ row.joint }}", "{{ row.enterprises|num }}", "{{ row.organisation_pct }}",
            "{{ row.work_pct }}", "{{ row.member_pct }}", "{{ row.district_pct }}", "{{ row.training|num }}"])
    _p(doc, "{%p endif %}")
    _p(doc, "{% if party.organisation.denominator or participation.district.numerator %}（二）{% else %}（一）{% endif %}"
            "发展党员", "Heading 2")
    _p(doc, "{%p if party.recruitment.any %}")
    _p(doc, "截至{{ party.recruitment.day }}，有入党申请人{{ party.recruitment.applicant|num }}名、入党积极分子"
            "{{ party.recruitment.activist|num }}名、发展对象{{ party.recruitment.development|num }}名、预备党员"
            "{{ party.recruitment.probationary|num }}名；{{ year }}年新接收预备党员{{ party.recruitment.new_probationary|num }}名，"
            "预备党员转为正式党员{{ party.recruitment.new_full|num }}名。")
    _table(doc, ["阶段", "人数", "平均历时（天）"], "s in party.recruitment.stages",
           ["{{ s.label }}", "{{ s.count|num }}", "{{ s.mean }}"])
    _p(doc, "平均历时按本年度进入下一阶段者计算；预备党员的历时即预备期。")
    _p(doc, "{%p if not street %}")
    _table(doc, ["街道", "入党申请人", "入党积极分子", "发展对象", "预备党员", "本年新接收预备党员", "本年转正"],
           "row in party.recruitment.streets",
           ["{{ row.name }}", "{{ row.applicant|num }}", "{{ row.activist|num }}", "{{ row.development|num }}",
            "{{ row.probationary|num }}", "{{ row.new_probationary|num }}", "{{ row.new_full|num }}"])
    _p(doc, "{%p endif %}")
    _p(doc, "{%p else %}")
    _p(doc, "本年度尚无发展党员记录。")
    _p(doc, "{%p endif %}")
    _charts(doc, "party")

    # --- education and training ---
    _p(doc, "{{ n.education }}、理想信念教育和培训", "Heading 1")
    _p(doc, "{%p if participation.member.numerator or participation.district.numerator %}")
    _p(doc, "围绕“四信”主题开展理想信念教育实践活动，会员企业参与率{{ participation.member.pct }}"
            "（{{ participation.member.numerator|num }}/{{ participation.member.denominator|num }}家），"
            "{% if street %}{{ scope_name }}{% else %}全区{% endif %}非公企业参与率"
            "{{ participation.district.pct }}（{{ participation.district.numerator|num }}/"
            "{{ participation.district.denominator|num }}家）。")
    _p(doc, "{%p else %}")
    _p(doc, "本年度尚无企业参与理想信念教育活动的记录。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if training.sessions or training.count %}")
    _p(doc, "全年举办培训{{ training.sessions|num }}场次，培训{{ training.count|num }}人次；"
            "{% if training.first_year %}自{{ training.first_year }}年以来{% endif %}"
            "累计培训{{ training.cumulative|num }}人次。")
    _p(doc, "{%p elif training.cumulative %}")
    _p(doc, "本年度尚无培训记录。{% if training.first_year %}自{{ training.first_year }}年以来{% endif %}"
            "累计培训{{ training.cumulative|num }}人次。")
    _p(doc, "{%p else %}")
    _p(doc, "本年度尚无培训记录。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if training.training_class %}")
    _p(doc, "{{ training.training_class.name }}自{{ training.training_class.since }}年起连续举办"
            "{{ training.training_class.years }}年。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if training.university %}")
    _p(doc, "与{{ training.university.partners|join('、') }}合作举办{{ training.university.classes|num }}期研修班，"
            "培训{{ training.university.people|num }}名优秀非公经济代表人士。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if training.by_year %}")
    _p(doc, "{{ sub.education.by_year }}历年培训人次", "Heading 2")
    _table(doc, ["年度", "培训人次"], "row in training.by_year", ["{{ row.year }}", "{{ row.count|num }}"])
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if training.flagship %}")
    _p(doc, "{{ sub.education.flagship }}品牌活动", "Heading 2")
    _table(doc, ["品牌活动", "起始年份", "连续举办年数"], "row in training.flagship",
           ["{{ row.name }}", "{{ row.since }}", "{{ row.years }}"])
    _p(doc, "{%p endif %}")
    _p(doc, "{{ sub.education.activities }}全年活动", "Heading 2")
    _p(doc, "{%p if activities.total %}")
    _p(doc, "全年举办各类活动{{ activities.total|num }}场{% if activities.truncated %}"
            "，下表列出前{{ activities.rows|length|num }}场{% endif %}。")
    _table(doc, ["日期", "活动名称", "类型", "区域", "出席人次"], "row in activities.rows",
           ["{{ row.date }}", "{{ row.title }}", "{{ row.kind }}", "{{ row.region }}", "{{ row.attendance|num }}"])
    _p(doc, "{%p else %}")
    _p(doc, "本年度尚无活动记录。")
    _p(doc, "{%p endif %}")
    _charts(doc, "education")

    # --- honours and commendations ---
    _p(doc, "{%p if honours or commendations %}")
    _p(doc, "{{ n.honours }}、荣誉和表彰", "Heading 1")
    _p(doc, "{%p if honours.levels|sum(attribute='total') %}")
    _p(doc, "累计获得国家级荣誉{{ honours.national|num }}项，{{ year }}年获得各级荣誉{{ honours.year_total|num }}项。")
    _table(doc, ["级别", "累计", "本年度"], "row in honours.levels",
           ["{{ row.level }}", "{{ row.total|num }}", "{{ row.year|num }}"])
    _p(doc, "{%p else %}")
    _p(doc, "本年度尚无荣誉记录。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if commendations %}")
    _p(doc, "{{ year }}年评选表彰情况如下。")
    _table(doc, ["表彰类别", "数量"], "row in commendations",
           ["{{ row.category }}", "{{ row.count|num }}{{ row.unit }}"])
    _p(doc, "{%p else %}")
    _p(doc, "本年度尚无评选表彰记录。")
    _p(doc, "{%p endif %}")
    _charts(doc, "honours")
    _p(doc, "{%p endif %}")

    # --- service requests ---
    _p(doc, "{%p if service %}")
    _p(doc, "{{ n.service }}、服务企业", "Heading 1")
    _p(doc, "{%p if service.summary.filed %}")
    _p(doc, "全年受理企业诉求{{ service.summary.filed|num }}件，办结{{ service.summary.resolved|num }}件，其中按期办结"
            "{{ service.summary.resolved_on_time|num }}件，按期办结率{{ service.summary.on_time_pct }}"
            "{% if service.summary.mean_satisfaction is not none %}，平均满意度{{ service.summary.satisfaction }}{% endif %}。")
    _p(doc, "（一）分部门情况", "Heading 2")
    _table(doc, ["职能部门", "受理", "办结", "按期办结", "按期办结率", "满意度"], "row in service.by_department",
           ["{{ row.label }}", "{{ row.filed|num }}", "{{ row.resolved|num }}", "{{ row.resolved_on_time|num }}",
            "{{ row.on_time_pct }}", "{{ row.satisfaction }}"])
    _p(doc, "（二）分街道情况", "Heading 2")
    _table(doc, ["街道", "受理", "办结", "按期办结", "按期办结率", "满意度"], "row in service.by_street",
           ["{{ row.label }}", "{{ row.filed|num }}", "{{ row.resolved|num }}", "{{ row.resolved_on_time|num }}",
            "{{ row.on_time_pct }}", "{{ row.satisfaction }}"])
    _charts(doc, "service")
    _p(doc, "{%p else %}")
    _p(doc, "本年度尚无企业诉求记录。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endif %}")

    # --- community ---
    _p(doc, "{%p if community or youth %}")
    _p(doc, "{{ n.community }}、社会公益与青年企业家", "Heading 1")
    _p(doc, "{%p if youth.size %}")
    _p(doc, "青年创业者协会会员{{ youth.size|num }}人。")
    _p(doc, "{%p if youth.growth %}")
    _table(doc, ["年度", "年末会员", "新入会", "退会"], "row in youth.growth",
           ["{{ row.year }}", "{{ row.count|num }}", "{{ row.joined|num }}", "{{ row.left|num }}"])
    _p(doc, "{%p endif %}")
    _p(doc, "{%p else %}")
    _p(doc, "本年度尚无青年创业者协会会员记录。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if community %}")
    _p(doc, "{%p if community.lines %}")
    _p(doc, "{{ year }}年企业和商会投入{{ community.lines|join('，') }}。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if community.projects %}")
    _p(doc, "{%p if community.aid.students %}")
    _p(doc, "资助品学兼优贫困学生{{ community.aid.students|num }}名。")
    _p(doc, "{%p endif %}")
    _table(doc, ["项目", "资金（万元）", "物资（万元）", "志愿服务（小时）", "就业岗位（个）", "笔数"],
           "row in community.projects",
           ["{{ row.title }}", "{{ row.money_text }}", "{{ row.goods_text }}", "{{ row.volunteer_text }}",
            "{{ row.jobs_text }}", "{{ row.count|num }}"])
    _p(doc, "{%p elif not community.lines %}")
    _p(doc, "本年度尚无社会公益投入记录。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endif %}")
    _charts(doc, "community")
    _p(doc, "{%p endif %}")

    # --- the written sections (reports.Narrative), numbered on after the figures ---
    _p(doc, "{%p for s in narratives %}")
    _p(doc, "{{ s.numeral }}、{{ s.title }}", "Heading 1")
    _p(doc, "{%p for line in s.paragraphs %}")
    _p(doc, "{{ line }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endfor %}")

    # --- 落款 and date ---
    _p(doc, "")
    _p(doc, "")
    _p(doc, "{{ signature.name }}", "Signature")
    _p(doc, "{{ signature.date }}", "Signature")

    path.parent.mkdir(parents=True, exist_ok=True)
    doc.core_properties.title = "工作纪实模板"
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE))
