"""Word files in official-document style (GB/T 9704-2012, 公文格式): A4 with margins 37/35/28/26 mm,
title 方正小标宋简体 2号, body 仿宋_GB2312 3号 on a fixed 28 pt line with a two-character first-line indent,
headings 黑体, the 落款 (issuer and date) right-aligned. Shared by every app that prints a notice or a
record (the reports' 公示 of a commendation campaign, the party app's 发展党员 documents); the annual
report's template (reports/report_templates) uses the same fonts.

Deployments whose machines lack a font name another in settings.SHANGHUI_REPORT_FONTS (same keys).
"""

import datetime as dt

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

DEFAULT_FONTS = {
    "title": "方正小标宋简体",
    "heading1": "黑体",
    "heading2": "楷体_GB2312",
    "body": "仿宋_GB2312",
    "latin": "Times New Roman",
}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def fonts() -> dict[str, str]:
    from django.conf import settings

    return {**DEFAULT_FONTS, **getattr(settings, "SHANGHUI_REPORT_FONTS", {})}


def set_style_font(style, east_asian: str, latin: str) -> None:
    """Name the style's (or run's) fonts explicitly, East Asian included (w:eastAsia): Word ignores
    `font.name` for CJK."""
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in _THEME_ATTRS:  # a theme font would win over the names below
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asian)


def cn_date(day: dt.date | None) -> str:
    return f"{day:%Y年%-m月%-d日}" if day else "—"


class OfficialDocument:
    """A python-docx Document set up in official-document style, with the few paragraph kinds a notice needs."""

    def __init__(self, font_names: dict[str, str] | None = None):
        from docx import Document
        from docx.enum.text import WD_LINE_SPACING
        from docx.shared import Mm, Pt

        self.fonts = {**fonts(), **(font_names or {})}
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        normal = self.doc.styles["Normal"]
        set_style_font(normal, self.fonts["body"], self.fonts["latin"])
        normal.font.size = Pt(16)
        pf = normal.paragraph_format
        pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
        pf.space_before = pf.space_after = Pt(0)
        pf.first_line_indent = Pt(32)

    def para(self, text: str = "", *, align=None, indent: bool = True, font: str | None = None,
             size: float | None = None, right: float | None = None):
        from docx.shared import Pt

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
                set_style_font(run, font, self.fonts["latin"])
            if size:
                run.font.size = Pt(size)
        return p

    def title(self, text: str) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        p = self.para(text, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, font=self.fonts["title"], size=22)
        p.paragraph_format.line_spacing = Pt(36)
        self.para(indent=False)

    def heading(self, text: str, *, indent: bool = True) -> None:
        self.para(text, indent=indent, font=self.fonts["heading1"])

    def table(self, header: tuple[str, ...], rows: list[tuple[str, ...]], *, size: float = 11,
              center: bool = False) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Pt

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
                    if center:
                        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    for run in p.runs:
                        run.font.size = Pt(size)

    def signature(self, issuer: str, date_text: str, *, blank_lines: int = 1) -> None:
        """The 落款: the issuer and the date, right-aligned four characters from the margin."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        for _ in range(blank_lines):
            self.para(indent=False)
        self.para(issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right=64)
        self.para(date_text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right=64)

    def save(self, target, *, title: str, author: str = "") -> None:
        self.doc.core_properties.title = title
        if author:
            self.doc.core_properties.author = author
        self.doc.save(target)
