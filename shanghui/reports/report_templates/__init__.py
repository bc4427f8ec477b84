"""The Word templates of the reports, and the font settings they share (no Django imports here).

annual.docx is built by build_annual.py; staff may edit it in Word/WPS.
"""

from pathlib import Path

# The official-document fonts and the helper naming them live in core (shared with other apps' notices).
from shanghui.core.officedoc import DEFAULT_FONTS, set_style_font  # noqa: F401

TEMPLATE = Path(__file__).resolve().parent / "annual.docx"
