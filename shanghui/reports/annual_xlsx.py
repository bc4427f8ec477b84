"""The annual work report as a workbook: one sheet per table of the report, native Excel charts.

Built from the dict of `annual.gather` (the same figures as the .docx). Values only, never
formulas (strings are escaped like every export); rates are written as numbers with a
percent number format, so the charts and the user's own sums work on them.
"""

from dataclasses import dataclass, field

from shanghui.core.exporting import escape_cell
from shanghui.core.kpis import Period
from shanghui.reports import statistics


@dataclass
class Chart:
    kind: str  # xlsxwriter chart type: column, bar, line, pie
    title: str
    categories: int  # column index of the category labels
    values: list[int]  # column indexes of the series
    percent: bool = False


@dataclass
class Sheet:
    name: str  # Chinese, at most 31 characters
    header: list[str]
    rows: list[list]
    widths: list[int]
    charts: list[Chart] = field(default_factory=list)
    percent_columns: set[int] = field(default_factory=set)  # values are rates in % (60.3 → 60.3%)


def _num(rate):
    return float(rate) if rate is not None else None


def sheets(report: dict, scope=None) -> list[Sheet]:
    out = [Sheet("概况", ["序号", "年度概况"], [[i, s] for i, s in enumerate(report["summary"], 1)], [6, 100])]
    p, part = report["party"], report["participation"]
    figures = [p["joint"], p["organisation"], p["own"], p["work"], part["member"], part["district"]]
    out.append(Sheet("主要指标", ["指标", "分子", "分母", "比率"],
                     [[f["label"], f["numerator"], f["denominator"], _num(f["rate"])] for f in figures],
                     [22, 10, 10, 10], percent_columns={3}))
    streets = report["streets"]
    out.append(Sheet(
        "分街道情况", ["街道", "联合党委", "企业数", "组织覆盖率", "工作覆盖率", "会员参与率", "全区参与率", "培训人次"],
        [[r["name"], r["joint"], r["enterprises"], _num(r["organisation"]), _num(r["work"]), _num(r["member"]),
          _num(r["district"]), r["training"]] for r in streets],
        [14, 10, 10, 12, 12, 12, 12, 10],
        charts=[Chart("column", "分街道参与率", 0, [5, 6], percent=True),
                Chart("column", "分街道党的组织和工作覆盖率", 0, [3, 4], percent=True),
                Chart("bar", "分街道培训人次", 0, [7])],
        percent_columns={3, 4, 5, 6}))
    t = report["training"]
    out.append(Sheet("历年培训人次", ["年度", "培训人次"], [[r["year"], r["count"]] for r in t["by_year"]], [10, 12],
                     charts=[Chart("column", "历年培训人次", 0, [1])]))
    if t["flagship"]:
        out.append(Sheet("品牌活动", ["品牌活动", "起始年份", "连续举办年数"],
                         [[r["name"], r["since"], r["years"]] for r in t["flagship"]], [40, 10, 14]))
    a = report["activities"]
    out.append(Sheet("全年活动", ["日期", "活动名称", "类型", "区域", "合作院校/机构", "出席人次"],
                     [[r["date"], r["title"], r["kind"], r["region"], r["partner"], r["attendance"]]
                      for r in a["rows"]], [12, 50, 12, 12, 14, 10]))
    if a["by_kind"]:
        out.append(Sheet("活动类型", ["活动类型", "场次"], [[r["kind"], r["count"]] for r in a["by_kind"]], [14, 10],
                         charts=[Chart("pie", "全年活动类型", 0, [1])]))
    h = report["honours"]
    if h:
        out.append(Sheet("荣誉", ["级别", "累计", "本年度"], [[r["level"], r["total"], r["year"]] for r in h["levels"]],
                         [12, 10, 10], charts=[Chart("column", "荣誉（按级别）", 0, [1, 2])]))
        if h["by_year"]:
            out.append(Sheet("历年荣誉", ["年度", "荣誉数"], [[r["year"], r["count"]] for r in h["by_year"]], [10, 10],
                             charts=[Chart("line", "历年获得荣誉", 0, [1])]))
    if report["commendations"]:
        out.append(Sheet("评选表彰", ["表彰类别", "数量"],
                         [[r["category"], r["count"]] for r in report["commendations"]], [24, 10]))
    s = report["service"]
    if s:
        head = ["名称", "受理", "办结", "按期办结", "按期办结率", "满意度"]
        def rows(items):
            return [[r["label"], r["filed"], r["resolved"], r["resolved_on_time"], _num(r["on_time_rate"]),
                     _num(r["mean_satisfaction"])] for r in items]
        widths = [20, 10, 10, 10, 12, 10]
        out.append(Sheet("诉求分部门", head, rows(s["by_department"]), widths, percent_columns={4},
                         charts=[Chart("column", "分部门受理和办结诉求", 0, [1, 2])]))
        out.append(Sheet("诉求分街道", head, rows(s["by_street"]), widths, percent_columns={4},
                         charts=[Chart("column", "分街道受理和办结诉求", 0, [1, 2])]))
        if s["by_category"]:
            out.append(Sheet("诉求分类别", head, rows(s["by_category"]), widths, percent_columns={4}))
    y = report["youth"]
    if y and y["growth"]:
        out.append(Sheet("青创会", ["年度", "年末会员", "新入会", "退会"],
                         [[r["year"], r["count"], r["joined"], r["left"]] for r in y["growth"]], [10, 10, 10, 10],
                         charts=[Chart("line", "青年创业者协会会员人数", 0, [1])]))
    c = report["community"]
    if c:
        kinds = [t["kind"] for t in c["totals"]]
        out.append(Sheet("公益投入", ["类别", "数量", "单位", "笔数"],
                         [[t["label"], float(t["amount"]), t["unit"], t["count"]] for t in c["totals"]],
                         [16, 12, 14, 8]))
        if c["projects"]:
            out.append(Sheet("公益项目", ["项目", *c["headers"], "笔数"],
                             [[p["title"], *[float(p[k]) for k in kinds], p["count"]] for p in c["projects"]],
                             [40, *[14] * len(kinds), 8], charts=[Chart("bar", "各项目资金投入", 0, [1])]))
    if scope is not None:
        rows, total = statistics.table(scope, Period.year(report["year"]))
        out.append(Sheet("党建统计表", ["街道", *[label for _, label in statistics.COLUMNS]],
                         [[r.name, *r.values()] for r in [*rows, total]], [14, 14, 16, 16, 16, 12]))
    return out


def _chart(book, ws, sheet: Sheet, chart: Chart, n: int):
    c = book.add_chart({"type": chart.kind})
    for col in chart.values:
        c.add_series({
            "name": [ws.name, 0, col],
            "categories": [ws.name, 1, chart.categories, n, chart.categories],
            "values": [ws.name, 1, col, n, col],
            "data_labels": {"value": chart.kind == "pie" or n <= 20, "percentage": chart.kind == "pie"},
        })
    c.set_title({"name": chart.title})
    if chart.kind != "pie":
        c.set_legend({"position": "bottom"})
        if chart.percent:
            c.set_y_axis({"num_format": '0.0"%"', "max": 100, "min": 0})
    c.set_size({"width": 760, "height": 380 if chart.kind != "bar" else max(380, 24 * n)})
    return c


def write(report: dict, target, scope=None) -> list[str]:
    """Write the workbook to `target` (a path or a binary file); returns the sheet names."""
    import xlsxwriter

    book = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    book.set_properties({"title": report["title"], "author": report["issuer"]})
    head = book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True,
                            "align": "center", "valign": "vcenter"})
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    rate = book.add_format({"border": 1, "num_format": '0.0"%"'})
    names = []
    for sheet in sheets(report, scope):
        ws = book.add_worksheet(sheet.name[:31])
        names.append(ws.name)
        for i, (h, w) in enumerate(zip(sheet.header, sheet.widths, strict=True)):
            ws.write_string(0, i, h, head)
            ws.set_column(i, i, w)
        for r, row in enumerate(sheet.rows, start=1):
            for i, v in enumerate(row):
                if v is None:
                    ws.write_blank(r, i, None, cell)
                elif isinstance(v, str):
                    ws.write_string(r, i, escape_cell(v), cell)
                else:
                    ws.write_number(r, i, v, rate if i in sheet.percent_columns else cell)
        ws.freeze_panes(1, 1)
        n = len(sheet.rows)
        if n:
            anchor_col = len(sheet.header) + 1
            for k, chart in enumerate(sheet.charts):
                ws.insert_chart(1 + k * 21, anchor_col, _chart(book, ws, sheet, chart, n))
    book.close()
    return names
