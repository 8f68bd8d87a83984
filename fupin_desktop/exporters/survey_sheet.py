"""入户排查录入表 (Excel entry sheet): one row per household and visit, one column per question.

Teams that visit on paper type their answers here; ``fupin survey import`` reads it back. The
household columns are filled from the register, the answers are left empty (drop-down lists for
是/否 and choice questions); a second sheet lists every question with its allowed answers.
"""

from __future__ import annotations


from ..domain.survey import HEAD, NOTES_TITLE, VERSION_TITLE, question_header  # noqa: F401


def write_survey_sheet(path, tpl, households) -> int:
    """``households``: (户编号, 行政村, 户主) tuples. Returns the number of household rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..formats.table_xlsx import neutralise_sheet, print_setup, save_atomic

    wb = Workbook()
    ws = wb.active
    ws.title = "入户排查录入"
    titles = [t for t, _ in HEAD] + [VERSION_TITLE] + [question_header(q) for q in tpl.questions] \
        + [NOTES_TITLE]
    ncols = len(titles)
    ws.append([f"{tpl.name}（第{tpl.version}版）录入表：每户每次走访填一行；未走访的户不填排查日期即可"])
    ws["A1"].font = Font(size=13, bold=True)
    ws.append(titles)
    head_fill = PatternFill("solid", fgColor="E0E0E0")
    for j in range(1, ncols + 1):
        c = ws.cell(row=2, column=j)
        c.font = Font(bold=True)
        c.fill = head_fill
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        width = HEAD[j - 1][1] if j <= len(HEAD) else (8 if j == len(HEAD) + 1 else 14)
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.column_dimensions[get_column_letter(ncols)].width = 30
    ws.row_dimensions[2].height = 60
    n = 0
    for code, village, head in households:
        n += 1
        r = n + 2
        ws.cell(row=r, column=1, value=code).number_format = "@"
        ws.cell(row=r, column=2, value=village)
        ws.cell(row=r, column=3, value=head)
        ws.cell(row=r, column=4).number_format = "yyyy-mm-dd"
        ws.cell(row=r, column=len(HEAD) + 1, value=tpl.version)
    last = max(n + 2, 3) + 200  # room for second visits typed below
    first_q = len(HEAD) + 2
    for j, q in enumerate(tpl.questions, first_q):
        if q.type in ("yesno", "choice"):
            dv = DataValidation(type="list", formula1='"' + ",".join(q.choices) + '"',
                                allow_blank=True, showErrorMessage=True,
                                errorTitle="答案不在可选范围内", error="请从下拉列表中选择")
            col = get_column_letter(j)
            dv.add(f"{col}3:{col}{last}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "D3"
    print_setup(ws, ncols, (2, 2))
    neutralise_sheet(ws)

    info = wb.create_sheet("问题说明")
    info.append(["编号", "部分", "问题", "类型", "可选答案", "视为问题的答案", "问题类别"])
    kinds = {"yesno": "是/否", "choice": "选择", "number": "数字", "text": "文字"}
    for q in tpl.questions:
        flag = "、".join(q.problem) if q.problem else (
            f"小于 {q.below}" if q.below is not None else (f"大于 {q.above}" if q.above is not None else ""))
        info.append([q.id, q.section, q.text, kinds[q.type], "、".join(q.choices), flag, q.category])
    for col, w in zip("ABCDEFG", (6, 14, 50, 8, 24, 16, 12)):
        info.column_dimensions[col].width = w
    print_setup(info, 7, (1, 1), landscape=True)  # the 问题 column is 50 wide
    neutralise_sheet(info)

    save_atomic(wb, path)
    return n
