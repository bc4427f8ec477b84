"""The annual work report (工作纪实): a year's figures gathered from the feature apps' KPIs.

`gather(scope, year)` collects every figure of the report into one plain dict; `render_docx`
fills the Word template (report_templates/annual.docx, docxtpl/Jinja tags, editable in
Word/WPS) with it and `render_xlsx` writes one sheet per table with native Excel charts.

Nothing here counts rows itself when a feature app already has the query: party/kpis.py,
activities/kpis.py, and the KPI modules of servicedesk, honors and community. The only query
of its own is the university classes' attendees, which no KPI module covers.

A scope is a Region (the district or one street); the views and the command resolve the
user's scope to one and check it first.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models.functions import ExtractYear
from django.utils import timezone

from shanghui.activities import kpis as activity_kpis
from shanghui.activities.models import Activity, ActivitySeries, Kind
from shanghui.community import kpis as community_kpis
from shanghui.core import officedoc
from shanghui.core.kpis import Period, local_bounds
from shanghui.honors import kpis as honors_kpis
from shanghui.honors.models import Level
from shanghui.orgs.models import Region
from shanghui.party import kpis as party_kpis
from shanghui.party import recruitment as recruitment_rules
from shanghui.party import recruitment_figures
from shanghui.reports.models import Narrative
from shanghui.reports.report_templates import TEMPLATE, set_style_font
from shanghui.servicedesk import kpis as service_kpis

ACTIVITY_LIMIT = 500  # rows of the activity table; a district year has a few hundred at most

def fonts() -> dict[str, str]:
    return officedoc.fonts()


def template_path() -> Path:
    return Path(getattr(settings, "SHANGHUI_REPORT_TEMPLATE", "") or TEMPLATE)


# --- formatting ------------------------------------------------------------------------


def pct(rate) -> str:
    """100 → "100%", 60.3 → "60.3%", None → "—" (a rate with an empty denominator)."""
    if rate is None:
        return "—"
    rate = Decimal(rate)
    return f"{int(rate)}%" if rate == rate.to_integral_value() else f"{rate}%"


def num(value) -> str:
    """A count or amount with thousands separators: 12345 → "12,345", 1234.5 → "1,234.50", None → "0"."""
    if value is None:
        return "0"
    if isinstance(value, int):
        return f"{value:,}"
    value = Decimal(str(value))
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _figure(fig) -> dict:
    return {"label": fig.label, "numerator": fig.numerator, "denominator": fig.denominator,
            "rate": fig.rate, "pct": pct(fig.rate)}


# --- scope and names ----------------------------------------------------------------------


def district() -> Region | None:
    return Region.objects.filter(level=Region.Level.DISTRICT).order_by("code").first()


def is_street(scope: Region) -> bool:
    return scope.level == Region.Level.STREET


def title(scope: Region, year: int) -> str:
    if is_street(scope):
        parent = scope.parent.name if scope.parent_id else ""
        return f"{parent}工商联{scope.name}{year}年工作纪实"
    return f"{scope.name}工商联{year}年工作纪实"


def filename(scope: Region, year: int, ext: str) -> str:
    return f"{title(scope, year)}.{ext}"


def _get(row, name: str, default=None):
    if isinstance(row, dict):
        return row.get(name, default)
    return getattr(row, name, default)


# --- sections ---------------------------------------------------------------------------------


def _party(scope: Region, period: Period) -> dict:
    joint = party_kpis.joint_committee_coverage(scope, period)
    figures = {k: _figure(party_kpis.figure(k, scope, period)) for k in party_kpis.ENTERPRISE_KPIS}
    street = scope.level == Region.Level.STREET
    return {"joint": _figure(joint), "joint_state": party_kpis.joint_committee_state(scope, period) if street else "",
            **figures, "recruitment": _recruitment(scope, period.end.year), "dues": _dues(scope, period.end.year)}


def _recruitment(scope: Region, year: int) -> dict:
    """发展党员: candidates per stage at the year's end (or today), by street; new probationary and full members
    in the year; mean days in each stage of those who left it in the year."""
    f = recruitment_figures.figures(scope, year)
    in_process = [k for k, _ in recruitment_rules.STAGES[:-1]]
    stages = [{"label": recruitment_rules.STAGE_LABELS[k], "count": f.per_stage[k],
               "mean": "—" if f.mean_days[k] is None else f"{f.mean_days[k]:g}"} for k in in_process]
    streets = []
    for street, sf in recruitment_figures.by_street(scope, year):
        streets.append({"name": street.name, **{k: sf.per_stage[k] for k in in_process},
                        "new_probationary": sf.new_probationary, "new_full": sf.new_full})
    return {"day": f"{f.day:%Y年%-m月%-d日}", "stages": stages, "in_process": f.in_process,
            "new_probationary": f.new_probationary, "new_full": f.new_full,
            "any": bool(f.in_process or f.new_probationary or f.new_full), "streets": streets,
            **{k: f.per_stage[k] for k in in_process}}


def _dues(scope: Region, year: int) -> dict:
    """Party dues of the year's ended months (party/dues.py): members owing and fully paid, amounts."""
    from shanghui.party import dues
    from shanghui.party.models import DuesHandUp, DuesMember, DuesPayment

    first, last = dues.period_months(year, None, dt.date.today())
    total = dues.figures(DuesMember.objects.in_scope(scope), first, last,
                         hand_ups=DuesHandUp.objects.in_scope(scope), payments=DuesPayment.objects.in_scope(scope))["total"]
    months = "" if first > last else (f"{first.month}至{last.month}月" if first != last else f"{first.month}月")
    return {"owing": total.owing, "fully_paid": total.fully_paid, "pct": pct(total.rate), "months": months,
            "collected": _amount(total.collected), "handed_up": _amount(total.handed_up), "flagged": total.flagged}


def _participation(scope: Region, period: Period) -> dict:
    return {"member": _figure(activity_kpis.member_participation(scope, period)),
            "district": _figure(activity_kpis.district_participation(scope, period))}


def _university(scope: Region, year: int) -> dict | None:
    """Training classes held with a university (partner set), up to `year`, and their distinct attendees."""
    _, hi = local_bounds(dt.date(year, 12, 31), dt.date(year, 12, 31))
    rows = activity_kpis.training_attendances(scope).exclude(activity__partner="").filter(activity__start__lt=hi)
    classes = list(rows.annotate(y=ExtractYear("activity__start")).order_by("y", "activity__partner")
                   .values_list("y", "activity__partner").distinct())
    if not classes:
        return None
    partners = list(dict.fromkeys(p for _, p in classes))
    years = sorted({y for y, _ in classes})
    return {"classes": len(classes), "partners": partners, "first_year": years[0], "last_year": years[-1],
            "people": rows.order_by().values("person").distinct().count()}


def _training(scope: Region, year: int) -> dict:
    t = activity_kpis.training(scope, Period.year(year))
    runs = activity_kpis.series_runs(ActivitySeries.objects.in_scope(scope), year)
    classes = [r for r in runs if r.series.kind == ActivitySeries.SeriesKind.TRAINING_CLASS and r.years]
    main = max(classes, key=lambda r: r.years, default=None)
    flagship = [{"name": r.series.name, "years": r.years, "since": r.since} for r in runs
                if r.series.kind == ActivitySeries.SeriesKind.FLAGSHIP and r.years]
    return {
        "count": t.count, "cumulative": t.cumulative, "first_year": t.first_year,
        "by_year": [{"year": y, "count": n} for y, n in t.by_year],
        "sessions": Activity.objects.in_scope(scope).held().filter(
            activity_kpis.in_period(Period.year(year)), kind=Kind.TRAINING).count(),
        "training_class": ({"name": main.series.name, "years": main.years, "since": main.since} if main else None),
        "flagship": flagship,
        "university": _university(scope, year),
    }


def _activities(scope: Region, year: int) -> dict:
    qs = activity_kpis.activities_with_attendance(scope, Period.year(year)).exclude(status="cancelled")
    total = qs.count()
    rows = []
    for a in qs[:ACTIVITY_LIMIT]:
        rows.append({"date": f"{timezone.localtime(a.start):%Y-%m-%d}", "title": a.title,
                     "kind": a.get_kind_display(), "region": a.region.name, "partner": a.partner,
                     "attendance": a.attendance})
    by_kind: dict[str, int] = {}
    for kind_label in qs.values_list("kind", flat=True):
        label = str(Kind(kind_label).label)
        by_kind[label] = by_kind.get(label, 0) + 1
    return {"total": total, "rows": rows, "truncated": total > len(rows),
            "by_kind": [{"kind": k, "count": n} for k, n in by_kind.items()]}


def _streets(scope: Region, period: Period) -> list[dict]:
    party_rows = {r.street.pk: r for r in party_kpis.by_street(scope, period)}
    rows = []
    for r in activity_kpis.by_street(scope, period):
        p = party_rows.get(r.street.pk)
        joint = bool(p and p.figures["joint_committee"][0])
        rows.append({
            "code": r.street.code, "name": r.street.name, "joint": "是" if joint else "否", "has_joint": joint,
            "organisation": p.rate("organisation") if p else None, "work": p.rate("work") if p else None,
            "enterprises": p.figures["organisation"][1] if p else 0,
            "member": r.member_rate, "district": r.district_rate, "training": r.training,
            "members": r.member[1], "participants": r.district[0],
        })
    for row in rows:
        for key in ("organisation", "work", "member", "district"):
            row[f"{key}_pct"] = pct(row[key])
    return rows


def _youth(scope: Region, year: int) -> dict:
    growth = [{"year": y, "count": n, "joined": j, "left": left}
              for y, n, j, left in community_kpis.youth_growth(scope, until=year)]
    return {"size": community_kpis.youth_size(scope, dt.date(year, 12, 31)), "growth": growth}


def _honours(scope: Region, year: int) -> dict:
    """Honours by level: up to the end of `year` (cumulative) and in `year`; and per year (honors/kpis.py)."""
    labels = {str(k): str(v) for k, v in Level.choices}
    this_year = honors_kpis.honours_by_level(scope, year)
    cumulative = dict.fromkeys(this_year, 0)
    per_year: dict[int, int] = {}
    for y, level, n in honors_kpis.honours_by_year(scope):
        if y <= year:
            cumulative[level] = cumulative.get(level, 0) + n
            per_year[y] = per_year.get(y, 0) + n
    levels = [{"level": labels.get(k, str(k)), "key": str(k), "total": n, "year": this_year.get(k, 0)}
              for k, n in cumulative.items()]
    return {"levels": levels, "by_year": [{"year": y, "count": n} for y, n in sorted(per_year.items())],
            "national": cumulative.get("national", 0), "year_total": sum(this_year.values())}


def _commendations(scope: Region, year: int) -> list[dict]:
    out = []
    for label, n in honors_kpis.commendations(scope, year).items():
        unit = "名" if str(label).endswith(("党员", "人", "者", "家", "人士")) else "个"
        out.append({"category": str(label), "count": n, "unit": unit})
    return out


SERVICE_FIELDS = ("filed", "resolved", "resolved_on_time", "on_time_rate", "mean_satisfaction", "median_days")


def _service_row(row, label_keys=("label", "name", "department", "street", "category")) -> dict:
    out = {f: _get(row, f) for f in SERVICE_FIELDS}
    label = next((_get(row, k) for k in label_keys if _get(row, k) is not None), "")
    out["label"] = str(getattr(label, "name", label))
    out["on_time_pct"] = pct(out["on_time_rate"])
    sat = out["mean_satisfaction"]
    out["satisfaction"] = f"{Decimal(sat).quantize(Decimal('0.01'))}" if sat is not None else "—"
    return out


def _service(scope: Region, period: Period) -> dict:
    section = {"summary": _service_row(service_kpis.summary(scope, period))}
    for key in ("by_department", "by_street", "by_category"):
        section[key] = [_service_row(r) for r in getattr(service_kpis, key)(scope, period)]
    return section


def _amount(value) -> str:
    value = Decimal(value or 0)
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _community(scope: Region, year: int) -> dict:
    """Contributions of the year by kind and by project, and the students aided (community/kpis.py)."""
    totals = [{"kind": t.kind, "label": t.label, "unit": t.unit, "amount": t.amount, "count": t.count,
               "text": _amount(t.amount)} for t in community_kpis.totals(scope, year)]
    kinds = [t["kind"] for t in totals]
    projects = [{"title": p["key"][1], "count": p["count"],
                 **{k: p.get(k) or Decimal(0) for k in kinds}, **{f"{k}_text": _amount(p.get(k)) for k in kinds}}
                for p in community_kpis.by_project(scope, year)]
    aid = community_kpis.aid_totals(scope, year)
    lines = [f"{t['label']}{t['text']}{t['unit']}（{num(t['count'])}笔）" for t in totals if t["count"]]
    return {"totals": totals, "projects": projects, "aid": aid, "lines": lines,
            "headers": [f"{t['label']}（{t['unit']}）" if t["unit"] else t["label"] for t in totals]}


# --- summary sentences ---------------------------------------------------------------------


def _summary(r: dict) -> list[str]:
    """The overview's sentences; a figure with nothing behind it (no enterprises, no requests) is left out."""
    where = "全区" if not r["street"] else r["scope_name"]
    p, part, t = r["party"], r["participation"], r["training"]
    out = []
    j = p["joint"]
    if r["street"]:
        out.append(f"{r['scope_name']}商会联合党委{p['joint_state']}")
    elif j["denominator"] and j["numerator"] == j["denominator"]:
        out.append(f"全区{num(j['denominator'])}个街道商会联合党委全覆盖")
    elif j["denominator"] and not j["numerator"]:
        out.append(f"全区{num(j['denominator'])}个街道商会尚未建立联合党委")
    elif j["denominator"]:
        out.append(f"全区{num(j['denominator'])}个街道中{num(j['numerator'])}个街道商会建立联合党委，覆盖率{j['pct']}")
    if p["organisation"]["denominator"]:
        out.append(f"非公企业党的组织覆盖率{p['organisation']['pct']}，党的工作覆盖率{p['work']['pct']}")
    if p["recruitment"]["new_probationary"] or p["recruitment"]["new_full"]:
        out.append(f"全年发展预备党员{num(p['recruitment']['new_probationary'])}名，"
                   f"预备党员转正{num(p['recruitment']['new_full'])}名")
    if part["member"]["numerator"] or part["district"]["numerator"]:  # nobody took part: no "0%" line
        out.append(f"会员企业参与率{part['member']['pct']}")
        out.append(f"{where}非公企业参与率{part['district']['pct']}")
    if t["count"] or t["cumulative"]:
        since = f"自{t['first_year']}年以来" if t["first_year"] else ""
        out.append(f"全年培训{num(t['count'])}人次，{since}累计培训{num(t['cumulative'])}人次")
    if t["training_class"]:
        c = t["training_class"]
        out.append(f"{c['name']}自{c['since']}年起连续举办{c['years']}年")
    u = t["university"]
    if u:
        years = f"{u['first_year']}年至{u['last_year']}年" if u["first_year"] != u["last_year"] else f"{u['first_year']}年"
        out.append(f"{years}，与{'、'.join(u['partners'])}合作举办{num(u['classes'])}期研修班，"
                   f"培训{num(u['people'])}名优秀非公经济代表人士")
    if r["youth"]["size"]:
        out.append(f"青年创业者协会会员{num(r['youth']['size'])}人")
    if any(level["total"] for level in r["honours"]["levels"]):
        out.append(f"累计获得国家级荣誉{num(r['honours']['national'])}项，"
                   f"本年度获得各级荣誉{num(r['honours']['year_total'])}项")
    if r["commendations"]:
        parts = "、".join(f"{c['category']}{num(c['count'])}{c['unit']}" for c in r["commendations"])
        out.append(f"表彰{parts}")
    m = r["service"]["summary"]
    if m["filed"]:
        out.append(f"全年受理企业诉求{num(m['filed'])}件，办结{num(m['resolved'])}件，"
                   f"按期办结率{m['on_time_pct']}，平均满意度{m['satisfaction']}")
    c = r["community"]
    if c["projects"]:
        given = "，".join(c["lines"])
        out.append(f"企业和商会参与对口帮扶、社会治理和公益项目{num(len(c['projects']))}个，投入{given}")
    if c["aid"]["students"]:
        out.append(f"资助品学兼优贫困学生{num(c['aid']['students'])}名")
    if r["activities"]["total"] == 0 and not t["count"] and not m["filed"]:
        out.append("本年度尚无活动、培训和企业诉求记录")
    return out


def _narratives(scope: Region, year: int, first: int) -> list[dict]:
    """The written sections of the year, in the report's order, numbered on from `first` (0-based)."""
    texts = dict(Narrative.objects.filter(region=scope, year=year).values_list("section", "text"))
    out = []
    for key, label in Narrative.Section.choices:
        text = texts.get(key, "").strip()
        if not text:
            continue  # a section nobody wrote is left out: a printed "（待填写）" would go out with the file
        out.append({"key": key, "title": str(label), "numeral": NUMERALS[first + len(out)],
                    "paragraphs": [line.strip() for line in text.splitlines() if line.strip()]})
    return out


# --- gather ----------------------------------------------------------------------------------


def gather(scope: Region, year: int) -> dict:
    """Every figure of the report for `scope` (a Region: the district or a street) and `year`."""
    period = Period.year(year)
    street = is_street(scope)
    report = {
        "year": year, "title": title(scope, year), "scope_name": scope.name, "scope_code": scope.code,
        "street": street, "issuer": f"{scope.parent.name if street and scope.parent_id else scope.name}工商联",
        "generated": f"{timezone.localdate():%Y年%-m月%-d日}",
        "party": _party(scope, period),
        "participation": _participation(scope, period),
        "training": _training(scope, year),
        "activities": _activities(scope, year),
        "streets": _streets(scope, period),
        "youth": _youth(scope, year),
        "honours": _honours(scope, year),
        "commendations": _commendations(scope, year),
        "service": _service(scope, period),
        "community": _community(scope, year),
    }
    report["summary"] = _summary(report)
    shown = _shown_sections(report)
    report["n"] = dict(zip(shown, NUMERALS, strict=False))  # the 一、二、… of the headings that are printed
    report["sub"] = {"education": _subsections(("by_year", bool(report["training"]["by_year"])),
                                                ("flagship", bool(report["training"]["flagship"])),
                                                ("activities", True))}
    report["narratives"] = _narratives(scope, year, len(shown))
    report["signature"] = {"name": report["issuer"], "date": report["generated"]}
    return report


NUMERALS = "一二三四五六七八九十"
SECTIONS = ("summary", "party", "education", "honours", "service", "community")


def _shown_sections(report: dict) -> list[str]:
    """The sections the template prints, in order: the last three only when they hold something (the
    same conditions as the {%p if %} around them in build_annual.py), so the numbering never skips."""
    shown = {"honours": report["honours"] or report["commendations"], "service": report["service"],
             "community": report["community"] or report["youth"]}
    return [key for key in SECTIONS if shown.get(key, True)]


def _subsections(*parts: tuple[str, bool]) -> dict[str, str]:
    """（一）（二）… for the sub-headings that are printed, numbered in order without gaps."""
    keys = [key for key, printed in parts if printed]
    return {key: f"（{NUMERALS[i]}）" for i, key in enumerate(keys)}


# --- .docx -----------------------------------------------------------------------------------


def apply_fonts(document, names: dict[str, str] | None = None) -> None:
    """Set the report's styles' fonts, East Asian names included (w:eastAsia), so Word/WPS use them."""
    names = names or fonts()
    styles = {s.name: s for s in document.styles}
    for style_name, key in (("Normal", "body"), ("Title", "title"), ("Heading 1", "heading1"),
                            ("Heading 2", "heading2"), ("Table Text", "body"), ("Subtitle", "heading2")):
        if style_name in styles:
            set_style_font(styles[style_name], names[key], names["latin"])


ANNEX_ROWS = 15  # a table with more data rows than this moves to an annex at the end
NO_FONT = "（服务器未安装中文字体，未能生成图表“{title}”，数据见本节表格。）"


def _chart_items(tpl, report: dict) -> dict[str, list[dict]]:
    """The charts of each section as docxtpl images, or a sentence when the server lacks a CJK font."""
    import io

    from docx.shared import Mm
    from docxtpl import InlineImage

    from shanghui.reports import charts

    out: dict[str, list[dict]] = {key: [] for key in SECTIONS}
    for png in charts.render(report):
        if png.data is None:
            out[png.section].append({"image": "", "missing": NO_FONT.format(title=png.title)})
        else:
            out[png.section].append({"image": InlineImage(tpl, io.BytesIO(png.data), width=Mm(150)), "missing": ""})
    return out


def _style_id(paragraph_element) -> str:
    from docx.oxml.ns import qn

    ppr = paragraph_element.find(qn("w:pPr"))
    style = ppr.find(qn("w:pStyle")) if ppr is not None else None
    return style.get(qn("w:val")) if style is not None else ""


def _paragraph_text(element) -> str:
    from docx.oxml.ns import qn

    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def move_long_tables_to_annexes(document, signature: str) -> list[str]:
    """Move every table longer than ANNEX_ROWS data rows to an annex (附件1, 附件2 …) after the 落款.

    In its place the body says "详见附件N。"; before the 落款 a 附件说明 lists the annexes
    (GB/T 9704). Done on the rendered file, so a template edited by staff keeps the rule.
    Returns the annexes' titles.
    """
    import re

    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml.ns import qn
    from docx.shared import Pt

    long_tables = [t for t in document.tables if len(t.rows) - 1 > ANNEX_ROWS]
    if not long_tables:
        return []
    heading_ids = {s.style_id for s in document.styles if s.name in ("Heading 1", "Heading 2")}
    titles = []
    for i, table in enumerate(long_tables, 1):
        tbl = table._tbl
        heading = next((_paragraph_text(e) for e in tbl.itersiblings(preceding=True)
                        if e.tag == qn("w:p") and _style_id(e) in heading_ids), "")
        titles.append(re.sub(r"^[（(][一二三四五六七八九十]+[）)]|^[一二三四五六七八九十]+、", "", heading).strip() or "数据表")
        ref = document.add_paragraph(f"详见附件{i}。")._p
        tbl.addprevious(ref)
    body = document.element.body
    # 附件说明 before the 落款: the last paragraph that is the signature's name.
    sign = next((p for p in reversed(document.paragraphs) if p.text.strip() == signature), None)
    if sign is not None:
        note = [f"附件：{'1．' if len(titles) > 1 else ''}{titles[0]}",
                *[f"{k}．{t}" for k, t in enumerate(titles[1:], 2)]]
        for k, line in enumerate(note):
            para = document.add_paragraph(line)
            if k:
                para.paragraph_format.left_indent = Pt(16 * 5)  # aligned under the first title (公文 style)
            sign._p.addprevious(para._p)
        sign._p.addprevious(document.add_paragraph()._p)
    for i, (table, name) in enumerate(zip(long_tables, titles, strict=True), 1):
        breaker = document.add_paragraph()
        breaker.add_run().add_break(WD_BREAK.PAGE)
        label = document.add_paragraph(f"附件{i}")
        label.paragraph_format.first_line_indent = Pt(0)
        for run in label.runs:
            run.font.name = fonts()["heading1"]
            run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), fonts()["heading1"])
        caption = document.add_paragraph(name, style="Subtitle")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        body.sectPr.addprevious(table._tbl)
    return titles


def render_docx(report: dict, target) -> None:
    """Fill the Word template with `report` and write it to `target` (a path or a binary file)."""
    import jinja2
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(template_path()))
    env = jinja2.Environment(autoescape=True)
    env.filters["pct"] = pct
    env.filters["num"] = num
    tpl.render({**report, "charts": _chart_items(tpl, report)}, jinja_env=env)
    apply_fonts(tpl.docx)
    move_long_tables_to_annexes(tpl.docx, report["signature"]["name"])
    tpl.docx.core_properties.title = report["title"]
    tpl.docx.core_properties.author = report["issuer"]
    tpl.save(target)
