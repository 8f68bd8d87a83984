"""Posts to Excel: the roster and a month's attendance (both re-importable) and the bank
disbursement list (银行代发明细). services/posts/export.py loads the rows; this module writes them.

ID, bank account and 户编号 cells are text cells (formats.table_xlsx), so Excel never turns
them into numbers; amounts are numeric cells with two decimals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from ..domain.posts_calendar import SYMBOLS, month_text
from ..formats.table_xlsx import XlsxColumn, write_table_xlsx

ROSTER_COLUMNS = [
    XlsxColumn("序号", "int", 6), XlsxColumn("行政村", "text", 10),
    XlsxColumn("姓名", "text", 10), XlsxColumn("身份证号", "code", 21),
    XlsxColumn("户编号", "code", 20), XlsxColumn("岗位名称", "text", 18),
    XlsxColumn("岗位类型", "text", 10), XlsxColumn("责任区域", "text", 14),
    XlsxColumn("上岗日期", "date", 11), XlsxColumn("离岗日期", "date", 11),
    XlsxColumn("状态", "text", 6), XlsxColumn("补贴标准(元/月)", "money", 14),
    XlsxColumn("银行账号", "code", 22), XlsxColumn("开户银行", "text", 16),
    XlsxColumn("协议编号", "code", 14)]
BANK_COLUMNS = [
    XlsxColumn("序号", "int", 6), XlsxColumn("姓名", "text", 10),
    XlsxColumn("证件号码", "code", 21), XlsxColumn("银行账号", "code", 24),
    XlsxColumn("开户银行", "text", 16), XlsxColumn("金额", "money", 12),
    XlsxColumn("行政村", "text", 10), XlsxColumn("备注", "text", 24)]


def write_roster(out, assignments: Sequence, mask_id: Callable, mask_bank: Callable, *,
                 town: str, month: dt.date | None, masked: bool) -> int:
    """花名册: one row per assignment (services.posts.assignments rows) in post during
    ``month`` (None: every assignment), with the roster import's column names."""
    rows = [(i, a.village_name, a.worker_name, mask_id(a.id_number), a.household_code,
             a.post_name, a.post_type, a.duty_area, a.start_date, a.end_date, a.status,
             a.wage_standard, mask_bank(a.bank_account) if a.bank_account else None,
             a.bank_name, a.agreement_no)
            for i, a in enumerate(assignments, 1)]
    period = f"{month_text(month)}在岗人员" if month else "全部上岗记录"
    return write_table_xlsx(out, ROSTER_COLUMNS, rows, title=f"{town}公益性岗位人员花名册",
                            info=period + ("（证件号码、银行账号已打码）" if masked else ""),
                            sheet_name="花名册")


def write_attendance(out, grid, id_numbers: Mapping[int, str], mask_id: Callable, *,
                     town: str) -> int:
    """A month's sign-in sheet (services.posts.attendance.MonthGrid) in the layout the
    attendance import reads (the title names the month); ``id_numbers``: assignment id -> the
    worker's full ID number (the grid holds masked ones)."""
    cols = [XlsxColumn("序号", "int", 6), XlsxColumn("行政村", "text", 10),
            XlsxColumn("姓名", "text", 10), XlsxColumn("身份证号", "code", 21),
            XlsxColumn("岗位", "text", 16)]
    cols += [XlsxColumn(f"{d}日", "text", 4.5) for d in range(1, grid.days + 1)]
    cols += [XlsxColumn("出勤天数", "int", 8), XlsxColumn("请假天数", "int", 8),
             XlsxColumn("旷工天数", "int", 8)]
    rows = [(i, r.village_name, r.worker_name, mask_id(id_numbers[r.assignment_id]), r.post_name,
             *[SYMBOLS[c] or None for c in r.marks], r.present, r.leave, r.absent)
            for i, r in enumerate(grid.rows, 1)]
    return write_table_xlsx(out, cols, rows,
                            title=f"{town}公益性岗位人员{month_text(grid.month)}签到考勤表",
                            info="√ 出勤　事 事假　病 病假　× 旷工　空白 无岗日",
                            sheet_name="考勤")


def write_bank(out, month: dt.date, closed: bool, payments: Sequence[Sequence],
               total: Decimal) -> int:
    """银行代发明细: ``payments`` are (姓名, 证件号码, 银行账号, 开户银行, 金额, 行政村) with
    the full numbers; a payment without an account says so in 备注. Returns how many lack
    an account."""
    label = month_text(month)
    missing = 0
    rows = []
    for i, (name, id_number, account, bank, amount, village) in enumerate(payments, 1):
        note = f"{label}公益性岗位补贴"
        if not account:
            missing += 1
            note = "缺少银行账号，请补录后再报送银行"
        rows.append((i, name, id_number, account, bank, amount, village, note))
    state = "" if closed else "（试算，未关账）"
    write_table_xlsx(out, BANK_COLUMNS, rows, title=f"{label}公益性岗位补贴银行代发明细{state}",
                     info=f"共{len(rows)}笔，合计{total:,.2f}元", sheet_name="代发明细",
                     totals=("合计", f"{len(rows)}人", None, None, None, total, None, None))
    return missing
