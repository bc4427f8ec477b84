"""The Word templates of the reports, and the font settings they share (no Django imports here).

annual.docx is built by build_annual.py; staff may edit it in Word/WPS.
"""

from pathlib import Path

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

TEMPLATE = Path(__file__).resolve().parent / "annual.docx"

# GB/T 9704 (公文格式): title 方正小标宋简体 2号, headings 黑体 (level 1) and 楷体 (level 2),
# body 仿宋_GB2312 3号. Deployments whose machines lack a font name another in
# settings.SHANGHUI_REPORT_FONTS (same keys).
DEFAULT_FONTS = {
    "title": "方正小标宋简体",
    "heading1": "黑体",
    "heading2": "楷体_GB2312",
    "body": "仿宋_GB2312",
    "latin": "Times New Roman",
}

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_style_font(style, east_asian: str, latin: str) -> None:
    """Name the style's fonts explicitly, East Asian included (w:eastAsia): Word ignores `font.name` for CJK."""
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
