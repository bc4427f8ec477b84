"""Downloadable .xlsx import templates, built from the kind's columns.

Sheet 1 "数据" is what gets filled in and uploaded: Chinese headers (required ones
marked with *), code columns formatted as text so Excel cannot turn an ID number
into 1.10101E+17, and drop-downs for coded fields. The lists behind the drop-downs
live on a hidden sheet (a list typed into the validation itself is limited to 255
characters, too short for 17 streets). Sheet 2 "填写说明" explains each column and
shows an example row; the example is not on the data sheet, so it can never be
imported by accident.
"""

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .kinds import Kind

DATA_ROWS = 10_000  # how far down the drop-downs and text formats reach
HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
REQUIRED_FONT = Font(bold=True, color="C00000")


def build_template(kind: Kind, by) -> bytes:
    """The template for `kind`, its drop-downs listing what `by` may use (e.g. her own chambers)."""
    book = Workbook()
    data = book.active
    data.title = "数据"
    guide = book.create_sheet("填写说明")
    lists = book.create_sheet("选项")
    lists.sheet_state = "hidden"

    list_col = 0
    for i, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(i)
        cell = data.cell(row=1, column=i, value=("*" if column.required else "") + column.header)
        cell.font = REQUIRED_FONT if column.required else Font(bold=True)
        cell.fill = HEAD_FILL
        data.column_dimensions[letter].width = max(column.width, len(column.header) * 2 + 2)
        if column.text_format:
            # "@" is Excel's text format: long codes keep every digit.
            data.column_dimensions[letter].number_format = "@"
            for r in range(2, 202):
                data.cell(row=r, column=i).number_format = "@"
        options = column.options(by) if column.options else None
        if options:
            list_col += 1
            list_letter = get_column_letter(list_col)
            lists.cell(row=1, column=list_col, value=column.header)
            for r, option in enumerate(options, start=2):
                lists.cell(row=r, column=list_col, value=option)
            ref = f"{quote_sheetname(lists.title)}!${list_letter}$2:${list_letter}${len(options) + 1}"
            validation = DataValidation(type="list", formula1=ref, allow_blank=True, showErrorMessage=True,
                                        errorTitle="请从下拉列表中选择", error=f"“{column.header}”请从下拉列表中选择。")
            validation.add(f"{letter}2:{letter}{DATA_ROWS}")
            data.add_data_validation(validation)
        if column.parse.__name__ == "date":
            validation = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                                        showErrorMessage=True, error="请填写日期，如2018-03-01。")
            validation.add(f"{letter}2:{letter}{DATA_ROWS}")
            data.add_data_validation(validation)
    data.freeze_panes = "A2"

    guide.append([f"{kind.label}导入模板 填写说明"])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append(["1. 在“数据”工作表第2行起逐行填写，一行一条记录；带*的列为必填。"])
    guide.append([f"2. 按{'、'.join(kind.header(n) for n in kind.key if any(c.name == n for c in kind.columns))}"
                  "识别已有记录：已有的更新，没有的新增；同一文件导入两次不会重复。"])
    guide.append(["3. 导入时先校验全部行：只要有一行出错，整个文件都不会写入，并可下载标出错误的报告。"])
    guide.append(["4. 可以导入.xlsx、.xls、.ods和.csv（UTF-8或GBK编码）文件；列的顺序不限，列名也可用下表中的别名。"])
    guide.append([])
    guide.append(["列名", "是否必填", "说明", "也可用的列名", "示例"])
    for cell in guide[guide.max_row]:
        cell.font, cell.fill = Font(bold=True), HEAD_FILL
    for column in kind.columns:
        guide.append([column.header, "必填" if column.required else "", column.note, "、".join(column.aliases),
                      _example(column.example)])
    guide.append([])
    guide.append(["示例行（仅作参考，请勿粘贴到“数据”工作表中导入）："])
    guide.append([c.header for c in kind.columns])
    for cell in guide[guide.max_row]:
        cell.font, cell.fill = Font(bold=True), HEAD_FILL
    guide.append([_example(c.example) for c in kind.columns])
    for letter, width in zip("ABCDE", (22, 10, 60, 40, 28), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=8):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _example(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value
