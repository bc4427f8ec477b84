"""The printable public notice (公示) of a commendation campaign, as .docx and (through LibreOffice) PDF.

The notice names the approved nominees of each category with their enterprise (or chamber), the
public-notice period — N working days (default 5) from the start date, counted on the district's
working-day calendar (orgs/workdays.py: the State Council's holidays and the local overrides), the
start day included when it is a working day — how to object, the 落款 and date. The page style is
core/officedoc.py's, as for the party app's 发展党员 notices.
"""

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

from shanghui.core.officedoc import OfficialDocument, cn_date
from shanghui.honors.models import Campaign, Nomination, RecipientKind
from shanghui.orgs import workdays

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


def render_docx(data: dict, target) -> None:
    """An official-document style notice (GB/T 9704 page, title, body, table of nominees, 落款)."""
    d = OfficialDocument()
    d.title(data["title"])
    d.para(f"经各商会推荐、{data['issuer']}审核，{data['campaign']}拟表彰对象共{data['count']:,}个（名），"
           f"现予以公示。")
    for i, (category, rows) in enumerate(data["categories"].items(), 1):
        d.heading(f"{'一二三四五六七八九十'[i - 1] if i <= 10 else i}、{category}（{len(rows):,}个）")
        d.table(("序号", "名称（姓名）", "所在企业或单位"),
                [(str(k), row["name"], row["unit"] or "—") for k, row in enumerate(rows, 1)], size=12, center=True)
    d.para(f"公示期为{cn_date(data['start'])}至{cn_date(data['end'])}（{data['days']}个工作日）。公示期内，如对公示对象"
           f"有异议，请以书面形式向{data['issuer']}反映，并署真实姓名和联系方式，以便核实。")
    d.para(f"联系人及电话：{data['contact']}。")
    d.signature(data["issuer"], data["date"], blank_lines=2)
    d.save(target, title=data["title"], author=data["issuer"])


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
