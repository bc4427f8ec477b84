"""The annual report's charts as PNG images for the Word file, drawn server-side with matplotlib.

The charts are the workbook's (annual_xlsx.sheets: same tables, same titles), so the two files
never disagree. Agg backend (no display), one figure per chart, closed at once. The labels are
Chinese: a CJK font is looked up by file (Noto Sans CJK, then any font that covers 汉字); when the
machine has none the caller gets None and prints a sentence instead of an unreadable chart.
"""

import io
from dataclasses import dataclass
from functools import cache

from shanghui.reports import annual_xlsx

# Sheet name (annual_xlsx) → the report section whose text the chart illustrates.
SECTION_OF_SHEET = {
    "分街道情况": "party",
    "历年培训人次": "education",
    "活动类型": "education",
    "荣誉": "honours",
    "历年荣誉": "honours",
    "诉求分部门": "service",
    "诉求分街道": "service",
    "青创会": "community",
    "公益项目": "community",
}
CJK_NAMES = ("Noto Sans CJK SC", "Noto Sans CJK", "Noto Serif CJK SC", "Source Han Sans", "WenQuanYi", "SimHei",
             "Microsoft YaHei", "PingFang", "Droid Sans Fallback")
MAX_BARS = 40  # a category axis longer than this is unreadable on an A4 page; the table has every row


@dataclass
class Png:
    section: str
    title: str
    data: bytes | None  # None: no CJK font on this machine


@cache
def cjk_font_path() -> str | None:
    """The file of a font with Chinese glyphs, by name among matplotlib's system fonts; None if there is none."""
    from matplotlib import font_manager

    # Regular before Bold/Light: the first match wins.
    files = sorted(font_manager.findSystemFonts(), key=lambda p: ("regular" not in p.lower(), p))
    for wanted in CJK_NAMES:
        key = wanted.replace(" ", "").lower()
        for path in files:
            if key in path.replace(" ", "").replace("-", "").lower():
                return path
    for path in files:  # names vary between distributions; ask the file itself
        try:
            name = font_manager.FontProperties(fname=path).get_name()
        except Exception:  # noqa: BLE001 - an unreadable font file is simply not a candidate
            continue
        if any(k.lower() in name.lower() for k in CJK_NAMES):
            return path
    return None


def _draw(chart: annual_xlsx.Chart, sheet: annual_xlsx.Sheet, font_path: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    prop = font_manager.FontProperties(fname=font_path)
    rows = sheet.rows[:MAX_BARS]
    labels = [str(r[chart.categories]) for r in rows]
    series = [(sheet.header[c], [float(r[c] or 0) for r in rows]) for c in chart.values]
    height = 3.6 if chart.kind != "bar" else max(3.6, 0.28 * len(rows) + 1.2)
    fig = Figure(figsize=(6.4, height), dpi=150)  # a Figure not tied to pyplot: nothing to leak between requests
    ax = fig.add_subplot()
    if chart.kind == "pie":
        _, texts, autotexts = ax.pie(series[0][1], labels=labels, autopct="%1.0f%%", startangle=90, counterclock=False)
        for t in [*texts, *autotexts]:
            t.set_fontproperties(prop)
        ax.axis("equal")
    elif chart.kind == "line":
        for name, values in series:
            ax.plot(labels, values, marker="o", label=name)
    else:
        n = len(series)
        width = 0.8 / n
        positions = range(len(labels))
        for i, (name, values) in enumerate(series):
            offset = [p - 0.4 + width * (i + 0.5) for p in positions]
            if chart.kind == "bar":
                ax.barh(offset, values, height=width, label=name)
            else:
                ax.bar(offset, values, width=width, label=name)
        if chart.kind == "bar":
            ax.set_yticks(list(positions), labels, fontproperties=prop)
            ax.invert_yaxis()
        else:
            ax.set_xticks(list(positions), labels, fontproperties=prop, rotation=45 if len(labels) > 6 else 0,
                          ha="right" if len(labels) > 6 else "center")
    if chart.kind != "pie":
        if chart.kind == "line":
            for t in ax.get_xticklabels():
                t.set_fontproperties(prop)
        if chart.percent:
            ax.set_ylim(0, 100)
            ax.yaxis.set_major_formatter("{x:.0f}%")
        else:
            value_axis = ax.xaxis if chart.kind == "bar" else ax.yaxis
            value_axis.set_major_formatter("{x:,.0f}")
        if len(series) > 1:  # between the title and the plot: never over a bar
            ax.legend(prop=prop, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(series), frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(chart.title, fontproperties=prop, fontsize=13, pad=26 if len(series) > 1 else 6)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    fig.clear()
    return out.getvalue()


def render(report: dict) -> list[Png]:
    """Every chart of the workbook whose table has rows, in the workbook's order."""
    font = cjk_font_path()
    out = []
    for sheet in annual_xlsx.sheets(report):
        section = SECTION_OF_SHEET.get(sheet.name)
        if section is None or not sheet.rows:
            continue
        for chart in sheet.charts:
            if chart.kind != "pie" and not any(r[c] for r in sheet.rows for c in chart.values):
                continue  # an all-zero chart says nothing the sentence "本年度尚无……" does not
            if chart.kind == "pie" and not sum(float(r[chart.values[0]] or 0) for r in sheet.rows):
                continue
            out.append(Png(section, chart.title, _draw(chart, sheet, font) if font else None))
    return out
