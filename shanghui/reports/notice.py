"""The printable public notice (公示) of a commendation campaign, as .docx and (through LibreOffice) PDF.

The notice names the approved nominees of each category with their enterprise (or chamber), the
public-notice period — N working days (default 5) from the start date, counted on the district's
working-day calendar (servicedesk/workdays.py: the State Council's holidays and the local
overrides), the start day included when it is a working day — how to object, the 落款 and date.

It lives in the reports app because it reads two peer feature apps (honors for the campaign,
servicedesk for the calendar), which may not import each other.
"""

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

from shanghui.honors.models import Campaign, Nomination, RecipientKind
from shanghui.orgs import workdays
from shanghui.reports.report_templates import DEFAULT_FONTS

DEFAULT_DAYS = 5  # the usual minimum of a 公示期
MAX_DAYS = 30
SOFFICE_TIMEOUT = 120  # seconds; a hung converter must not hold a worker for ever


def period(start: dt.date, days: int) -> dt.date:
    """The last day of a notice of `days` working days beginning on `start` (counted if it is a working day)."""
    return workdays.deadline(start - dt.timedelta(days=1), days)


def _unit(nomination: Nomination) -> str:
    """The enterprise (or chamber) a nominee belongs to, for the notice's second column."""
    kind = nomination.recipient_kind
    if kind == RecipientKind.PERSON:
        person = nomination.person
        return person.enterprise.name if person and person.enterprise_id else ""
    if kind == RecipientKind.PARTY_ORGANIZATION:
        org = nomination.party_organization
        if org and org.enterprise_id:
            return org.enterprise.name
        return org.host_chamber.name if org and org.host_chamber_id else ""
    if kind == RecipientKind.ENTERPRISE:
        return nomination.enterprise.name if nomination.enterprise_id else ""
    return nomination.chamber.name


def issuer(campaign: Campaign) -> str:
    return f"{campaign.region.name}工商联"


def gather(campaign: Campaign, *, start: dt.date, days: int, contact: str) -> dict:
    """The notice's content: the approved nominees by category, the period and the objection contact."""
    nominations = (Nomination.objects.filter(category__campaign=campaign, state=Nomination.State.APPROVED)
                   .select_related("category", "chamber", "enterprise", "person__enterprise",
                                   "party_organization__enterprise", "party_organization__host_chamber",
                                   "nominee_chamber")
                   .order_by("category__id", "pk"))
    categories: dict[str, list[dict]] = {}
    for n in nominations:
        categories.setdefault(n.category.get_kind_display(), []).append({"name": n.nominee_name, "unit": _unit(n)})
    end = period(start, days)
    name = issuer(campaign)
    return {"title": f"关于{campaign.title}拟表彰对象的公示", "campaign": campaign.title, "issuer": name,
            "categories": categories, "count": sum(len(v) for v in categories.values()),
            "start": start, "end": end, "days": days, "contact": contact.strip() or f"{name}办公室",
            "date": f"{start:%Y年%-m月%-d日}"}


def filename(data: dict, ext: str) -> str:
    return f"{data['title']}.{ext}"


def _cn(day: dt.date) -> str:
    return f"{day:%Y年%-m月%-d日}"


def render_docx(data: dict, target) -> None:
    """An official-document style notice (GB/T 9704 page, title, body, table of nominees, 落款)."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    from shanghui.reports.annual import fonts
    from shanghui.reports.report_templates import set_style_font

    f = {**DEFAULT_FONTS, **fonts()}
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    set_style_font(normal, f["body"], f["latin"])
    normal.font.size = Pt(16)
    pf = normal.paragraph_format
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = Pt(32)

    def para(text="", *, align=None, indent=True, font=None, size=None, right=None):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if not indent:
            p.paragraph_format.first_line_indent = Pt(0)
        if right is not None:
            p.paragraph_format.right_indent = Pt(right)
        if text:
            run = p.add_run(text)
            if font:
                run.font.name = font
                run._r.get_or_add_rPr().get_or_add_rFonts().set(
                    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", font)
            if size:
                run.font.size = Pt(size)
        return p

    title = para(data["title"], align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, font=f["title"], size=22)
    title.paragraph_format.line_spacing = Pt(36)
    para(indent=False)
    para(f"经各商会推荐、{data['issuer']}审核，{data['campaign']}拟表彰对象共{data['count']:,}个（名），"
         f"现予以公示。")
    for i, (category, rows) in enumerate(data["categories"].items(), 1):
        para(f"{'一二三四五六七八九十'[i - 1] if i <= 10 else i}、{category}（{len(rows):,}个）", font=f["heading1"])
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, ("序号", "名称（姓名）", "所在企业或单位"), strict=True):
            cell.text = text
        for k, row in enumerate(rows, 1):
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = str(k), row["name"], row["unit"] or "—"
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.first_line_indent = Pt(0)
                    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    for run in p.runs:
                        run.font.size = Pt(12)
    para(f"公示期为{_cn(data['start'])}至{_cn(data['end'])}（{data['days']}个工作日）。公示期内，如对公示对象有异议，"
         f"请以书面形式向{data['issuer']}反映，并署真实姓名和联系方式，以便核实。")
    para(f"联系人及电话：{data['contact']}。")
    para(indent=False)
    para(indent=False)
    para(data["issuer"], align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right=64)
    para(data["date"], align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right=64)
    doc.core_properties.title = data["title"]
    doc.core_properties.author = data["issuer"]
    doc.save(target)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


class ConversionError(Exception):
    """LibreOffice is missing, failed or timed out; the message is for the user (Chinese)."""


def to_pdf(data: dict) -> bytes:
    """The notice as PDF: the .docx converted by LibreOffice in a private temporary directory."""
    binary = soffice()
    if binary is None:
        raise ConversionError("服务器未安装 LibreOffice，暂不能生成 PDF，请下载 Word 版本打印。")
    with tempfile.TemporaryDirectory(prefix="shanghui-notice-") as tmp:
        source = Path(tmp) / "notice.docx"
        render_docx(data, str(source))
        # A private profile directory: two conversions at once would otherwise fight over the user's profile lock.
        profile = Path(tmp) / "profile"
        try:
            subprocess.run([binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                            "--outdir", tmp, str(source)], check=True, capture_output=True, timeout=SOFFICE_TIMEOUT)
        except subprocess.TimeoutExpired as e:
            raise ConversionError("PDF 生成超时，请稍后重试或下载 Word 版本。") from e
        except (subprocess.CalledProcessError, OSError) as e:
            raise ConversionError("PDF 生成失败，请下载 Word 版本。") from e
        pdf = Path(tmp) / "notice.pdf"
        if not pdf.is_file():
            raise ConversionError("PDF 生成失败，请下载 Word 版本。")
        return pdf.read_bytes()
