"""Posts to Excel: the roster and a month's attendance (both re-importable) and the bank
disbursement list (银行代发明细).

ID, bank account and 户编号 cells are text cells (exporters.table_xlsx), so Excel never turns
them into numbers; amounts are numeric cells with two decimals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..errors import InputError
from ..services import settings
from ..services.posts_assignments import list_assignments
from ..services.posts_attendance import month_grid
from ..domain.posts_calendar import SYMBOLS, month_text, parse_month
from ..services.posts_payroll import wage_run
from ..services.posts_wages import ZERO
from .table_xlsx import XlsxColumn, write_table_xlsx


@dataclass(frozen=True)
class ExportResult:
    out: str
    rows: int
    total: Decimal | None = None
    missing_accounts: int = 0


def _maskers(db, masked: bool):
    mask_id, mask_bank, _ = settings.output_maskers(db, masked)
    return mask_id, mask_bank


def export_posts(db, out, *, month=None, village_id: int | None = None, masked: bool = False,
                 today: dt.date | None = None) -> ExportResult:
    """The roster of people in post during ``month`` (default: everyone ever assigned), with the
    roster import's column names so the file can be edited and imported again."""
    m0 = parse_month(month) if month is not None else None
    mid, mbank = _maskers(db, masked)
    town = settings.township_info(db).township
    rows = [(i, a.village_name, a.worker_name, mid(a.id_number), a.household_code, a.post_name,
             a.post_type, a.duty_area, a.start_date, a.end_date, a.status, a.wage_standard,
             mbank(a.bank_account) if a.bank_account else None, a.bank_name, a.agreement_no)
            for i, a in enumerate(list_assignments(db, month=m0, village_id=village_id), 1)]
    cols = [XlsxColumn("序号", "int", 6), XlsxColumn("行政村", "text", 10),
            XlsxColumn("姓名", "text", 10), XlsxColumn("身份证号", "code", 21),
            XlsxColumn("户编号", "code", 20), XlsxColumn("岗位名称", "text", 18),
            XlsxColumn("岗位类型", "text", 10), XlsxColumn("责任区域", "text", 14),
            XlsxColumn("上岗日期", "date", 11), XlsxColumn("离岗日期", "date", 11),
            XlsxColumn("状态", "text", 6), XlsxColumn("补贴标准(元/月)", "money", 14),
            XlsxColumn("银行账号", "code", 22), XlsxColumn("开户银行", "text", 16),
            XlsxColumn("协议编号", "code", 14)]
    period = f"{month_text(m0)}在岗人员" if m0 else "全部上岗记录"
    n = write_table_xlsx(out, cols, rows, title=f"{town}公益性岗位人员花名册",
                         info=period + ("（证件号码、银行账号已打码）" if masked else ""),
                         sheet_name="花名册")
    return ExportResult(str(out), n)


def export_attendance(db, out, month, *, village_id: int | None = None,
                      masked: bool = False) -> ExportResult:
    """A month's sign-in sheet in the layout the attendance import reads (title names the month)."""
    grid = month_grid(db, month, village_id=village_id)
    with db.read() as s:
        ids = _full_ids(s, [r.assignment_id for r in grid.rows])
    mid, _ = _maskers(db, masked)
    town = settings.township_info(db).township
    cols = [XlsxColumn("序号", "int", 6), XlsxColumn("行政村", "text", 10),
            XlsxColumn("姓名", "text", 10), XlsxColumn("身份证号", "code", 21),
            XlsxColumn("岗位", "text", 16)]
    cols += [XlsxColumn(f"{d}日", "text", 4.5) for d in range(1, grid.days + 1)]
    cols += [XlsxColumn("出勤天数", "int", 8), XlsxColumn("请假天数", "int", 8),
             XlsxColumn("旷工天数", "int", 8)]
    rows = [(i, r.village_name, r.worker_name, mid(ids[r.assignment_id]), r.post_name,
             *[SYMBOLS[c] or None for c in r.marks], r.present, r.leave, r.absent)
            for i, r in enumerate(grid.rows, 1)]
    n = write_table_xlsx(out, cols, rows,
                         title=f"{town}公益性岗位人员{month_text(grid.month)}签到考勤表",
                         info="√ 出勤　事 事假　病 病假　× 旷工　空白 无岗日", sheet_name="考勤")
    return ExportResult(str(out), n)


def _full_ids(s, assignment_ids: list[int]) -> dict[int, str]:
    from sqlalchemy import select

    from ..models import Member
    from ..models.posts import Assignment

    out = {}
    for i in range(0, len(assignment_ids), 900):
        out.update(dict(s.execute(select(Assignment.id, Member.id_number)
                                  .join(Member, Member.id == Assignment.member_id)
                                  .where(Assignment.id.in_(assignment_ids[i:i + 900]))).all()))
    return out


def _current_accounts(db, assignment_ids: list[int]) -> dict[int, tuple[str | None, str | None]]:
    from sqlalchemy import select

    from ..models.posts import Assignment

    if not assignment_ids:
        return {}
    with db.read() as s:
        return {aid: (acc, bank) for aid, acc, bank in s.execute(
            select(Assignment.id, Assignment.bank_account, Assignment.bank_name)
            .where(Assignment.id.in_(assignment_ids)))}


def export_bank(db, out, month, *, village_id: int | None = None) -> ExportResult:
    """银行代发明细: 姓名, 证件号码, 银行账号 (text cells), 金额 — one row per worker paid."""
    from ..services.access import ADMIN, CLERK, require

    require(db, ADMIN, CLERK)  # a bank file is useless masked, so an auditor gets none
    run = wage_run(db, month, village_id=village_id)
    label = month_text(run.month)
    slips = [x for x in run.slips if x.amount > 0]
    if not slips:
        raise InputError(f"{label}没有需要发放的补贴")
    cols = [XlsxColumn("序号", "int", 6), XlsxColumn("姓名", "text", 10),
            XlsxColumn("证件号码", "code", 21), XlsxColumn("银行账号", "code", 24),
            XlsxColumn("开户银行", "text", 16), XlsxColumn("金额", "money", 12),
            XlsxColumn("行政村", "text", 10), XlsxColumn("备注", "text", 24)]
    # an account entered after the month was closed is still the one to pay into
    current = _current_accounts(db, [x.assignment_id for x in slips if not x.bank_account])
    missing = 0
    rows = []
    for i, x in enumerate(slips, 1):
        note = f"{label}公益性岗位补贴"
        account, bank = x.bank_account, x.bank_name
        if not account:
            account, bank = current.get(x.assignment_id, (None, None))
        if not account:
            missing += 1
            note = "缺少银行账号，请补录后再报送银行"
        rows.append((i, x.worker_name, x.id_number, account, bank, x.amount, x.village_name, note))
    total = sum((x.amount for x in slips), ZERO)
    state = "" if run.closed else "（试算，未关账）"
    write_table_xlsx(out, cols, rows, title=f"{label}公益性岗位补贴银行代发明细{state}",
                     info=f"共{len(rows)}笔，合计{total:,.2f}元", sheet_name="代发明细",
                     totals=("合计", f"{len(rows)}人", None, None, None, total, None, None))
    return ExportResult(str(out), len(rows), total, missing)
