"""The import report a clerk fixes the source file from: rejected rows and warnings in Excel.

Two sheets, “未导入的行” and “警告”, each with 行号, 户编号, 姓名, 字段, 原因代码, 说明 and a
summary line above the header. Every cell is text (a 户编号 must not become 5.2e+15), panes are
frozen below the header, which repeats on every printed page. Works for every importer's
ImportResult (households, posts, attendance, medical).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..domain.field_specs import label

# field keys the importers use -> the column title a clerk knows
FIELD_LABELS = {
    "household_code": "户编号", "name": "姓名", "id_number": "证件号码", "id_type": "证件类型",
    "village": "行政村", "relation": "与户主关系", "family_size": "家庭人口数", "sex": "性别",
    "birth_date": "出生日期", "bank_account": "银行账号", "phone": "联系电话",
    "member_phone": "家庭成员联系电话", "monitoring_date": "识别监测时间",
    "elimination_date": "风险消除时间", "per_capita_income": "人均纯收入", "work_months": "务工时间",
}

COLUMNS = (("行号", 8), ("户编号", 20), ("姓名", 10), ("字段", 16), ("原因代码", 18), ("说明", 90))


def _summary(result) -> str:
    parts = [f"导入 {result.rows_imported} 行", f"未导入 {result.rows_rejected} 行",
             f"跳过空行及合计行 {result.rows_skipped} 行", f"警告 {len(result.warning_rows)} 条"]
    return "，".join(parts)


def write_import_report(result, path, title: str | None = None,
                        field_labels: Mapping[str, str] | None = None) -> int:
    """Write ``result``'s rejects and warnings to ``path`` (.xlsx); returns the number of
    issues written. ``field_labels`` adds/overrides field key -> column title."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from ..formats.table_xlsx import neutralise_sheet, print_setup, save_atomic

    labels = {**FIELD_LABELS, **(field_labels or {})}
    wb = Workbook()
    wb.remove(wb.active)
    written = 0
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="E0E0E0")
    wrap = Alignment(wrap_text=True, vertical="top")
    for sheet_title, issues in (("未导入的行", result.rejects), ("警告", result.warning_rows)):
        ws = wb.create_sheet(sheet_title)
        ws["A1"] = title or "导入结果"
        ws["A1"].font = Font(bold=True, size=14)
        ws["A2"] = _summary(result)
        for j, (name, width) in enumerate(COLUMNS, 1):
            c = ws.cell(row=3, column=j, value=name)
            c.font, c.fill = head_font, head_fill
            c.alignment = Alignment(horizontal="center")
            ws.column_dimensions[get_column_letter(j)].width = width
        r = 3
        for issue in sorted(issues, key=lambda i: (i.row, i.code)):
            r += 1
            values = (str(issue.row), issue.household_code or "", issue.name or "",
                      labels.get(issue.field or "") or label(issue.field or ""), issue.code,
                      issue.message)
            for j, v in enumerate(values, 1):
                c = ws.cell(row=r, column=j, value=v)
                c.number_format = "@"  # text: 户编号 and 行号 stay as typed
                if j == len(values):
                    c.alignment = wrap
            written += 1
        if r == 3:
            ws.cell(row=4, column=1, value="（无）")
        ws.freeze_panes = "A4"
        print_setup(ws, len(COLUMNS), (3, 3), landscape=True)  # the 说明 column is 90 wide
        neutralise_sheet(ws)  # names and messages quote the source file's cells
    save_atomic(wb, path)
    return written
