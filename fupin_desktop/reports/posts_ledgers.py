"""Posts ledgers: 公益性岗位人员台账, 签到考勤表, 工资发放花名册, 发放公示, 年度汇总.

Each builder returns a PostsTable from the same services the tab uses; ``write_ledger`` renders
it to PDF (or Excel for a .xlsx path). Totals rows are sums of the printed rows (Decimal, to the
fen), so a printed total always equals the database total for the same filter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..errors import InputError
from ..services import settings
from ..services.posts_assignments import assignment_on, list_assignments
from ..services.posts_attendance import month_grid
from ..services.posts_calendar import SYMBOLS, month_text, parse_month
from ..services.posts_payroll import annual_summary, wage_run
from ..services.posts_wages import ZERO
from .posts_render import PCol, PostsTable, render

KINDS = {
    "posts": "公益性岗位人员台账",
    "attendance": "公益性岗位签到考勤表",
    "payroll": "公益性岗位补贴发放花名册",
    "payroll-notice": "公益性岗位补贴发放公示",
    "wages-annual": "公益性岗位补贴年度汇总",
}
WEEKDAYS = "一二三四五六日"


def _township(db) -> tuple[str, str, object]:
    info = settings.township_info(db)
    mask_id, _, _ = settings.masker(db)
    return info.township, info.unit, mask_id


def posts_table(db, *, month=None, village_id: int | None = None,
                today: dt.date | None = None, as_of: dt.date | None = None) -> PostsTable:
    """Everyone in post during ``month`` (default: the current month; with ``as_of``: that
    day's month, the assignments as they stood that day — a later 离岗 not yet shown)."""
    m0 = parse_month(month or as_of or (today or dt.date.today()))
    town, _, _ = _township(db)
    found = list_assignments(db, month=m0, village_id=village_id)
    if as_of is not None:
        found = [assignment_on(a, as_of) for a in found if a.start_date <= as_of]
    rows = [(i, a.village_name, a.worker_name, a.id_number, a.household_code, a.post_name,
             a.post_type, a.duty_area or "", a.start_date, a.end_date, a.status, a.wage_standard,
             a.bank_account or "")
            for i, a in enumerate(found, 1)]
    cols = [PCol("no", "序号", 0.4, "int"), PCol("village", "行政村", 0.8),
            PCol("name", "姓名", 0.7), PCol("id", "证件号码", 1.6, "code"),
            PCol("hh", "户编号", 1.5, "code"), PCol("post", "岗位名称", 1.2),
            PCol("type", "岗位类型", 0.8, "center"), PCol("area", "责任区域", 1.0),
            PCol("start", "上岗日期", 0.9, "date"), PCol("end", "离岗日期", 0.9, "date"),
            PCol("status", "状态", 0.5, "center"), PCol("std", "补贴标准\n(元/月)", 0.8, "money"),
            PCol("bank", "银行账号", 1.6, "code")]
    total = sum((r[11] for r in rows), ZERO)
    return PostsTable(f"{town}{KINDS['posts']}", f"{month_text(m0)}在岗人员，共{len(rows)}人",
                      cols, rows, ("合计", "", f"{len(rows)}人", "", "", "", "", "", None, None, "",
                                   total, ""), sheet_name="岗位人员", meta={"total": total})


def attendance_table(db, month, *, village_id: int | None = None) -> PostsTable:
    grid = month_grid(db, month, village_id=village_id)
    town, _, _ = _township(db)
    cols = [PCol("no", "序号", 0.5, "int"), PCol("village", "行政村", 1.2), PCol("name", "姓名", 1.2),
            PCol("post", "岗位", 1.6)]
    cols += [PCol(f"d{d}", f"{d}\n{WEEKDAYS[w]}", 0.45, "mark")
             for d, w in zip(range(1, grid.days + 1), grid.weekdays)]
    cols += [PCol("p", "出勤", 0.6, "int"), PCol("l", "请假", 0.6, "int"), PCol("a", "旷工", 0.6, "int")]
    rows = []
    for i, r in enumerate(grid.rows, 1):
        days = [SYMBOLS[c] if r.can_mark(d) else "—" for d, c in enumerate(r.marks, 1)]
        rows.append((i, r.village_name, r.worker_name, r.post_name, *days, r.present, r.leave, r.absent))
    totals = ("合计", "", f"{len(rows)}人", "", *([""] * grid.days),
              sum(r.present for r in grid.rows), sum(r.leave for r in grid.rows),
              sum(r.absent for r in grid.rows))
    state = "（已关账）" if grid.closed else ""
    return PostsTable(f"{town}公益性岗位人员{month_text(grid.month)}签到考勤表",
                      f"√ 出勤　事 事假　病 病假　× 旷工　— 不在岗{state}", cols, rows, totals,
                      signoff=("考勤员", "村负责人", "日期"), sheet_name="考勤", font_size=8.0,
                      meta={"present": totals[-3]})


def _payroll_rows(db, month, village_id):
    run = wage_run(db, month, village_id=village_id)
    if not run.slips:
        raise InputError(f"{month_text(run.month)}没有在岗人员或补贴记录")
    return run


def payroll_table(db, month, *, village_id: int | None = None) -> PostsTable:
    """工资发放花名册: masked IDs, days, every amount, a signature column, totals."""
    run = _payroll_rows(db, month, village_id)
    town, _, mask_id = _township(db)
    cols = [PCol("no", "序号", 0.4, "int"), PCol("village", "行政村", 0.8), PCol("name", "姓名", 0.7),
            PCol("id", "证件号码", 1.6, "code"), PCol("post", "岗位", 1.1),
            PCol("req", "应出勤\n天数", 0.5, "int"), PCol("present", "出勤\n天数", 0.5, "int"),
            PCol("absent", "旷工\n天数", 0.5, "int"), PCol("grade", "考核\n等次", 0.5, "center"),
            PCol("base", "应发补贴", 0.9, "money"), PCol("minus", "扣款", 0.8, "money"),
            PCol("plus", "奖励及更正", 0.8, "money"), PCol("amount", "实发金额", 0.9, "money"),
            PCol("sign", "领取人签字", 1.4, "sign")]
    rows = [(i, x.village_name, x.worker_name, mask_id(x.id_number), x.post_name, x.required_days,
             x.present_days, x.absent_days, x.grade or "", x.base, x.deductions, x.additions, x.amount,
             "") for i, x in enumerate(run.slips, 1)]
    totals = ("合计", "", f"{len(rows)}人", "", "", sum(r[5] for r in rows), sum(r[6] for r in rows),
              sum(r[7] for r in rows), "", sum((r[9] for r in rows), ZERO),
              sum((r[10] for r in rows), ZERO), sum((r[11] for r in rows), ZERO),
              sum((r[12] for r in rows), ZERO), "")
    state = "已关账" if run.closed else "试算表（未关账，不作发放依据）"
    return PostsTable(f"{town}{KINDS['payroll']}",
                      f"{month_text(run.month)}　{state}　实发合计 {totals[12]:,.2f} 元", cols, rows,
                      totals, sheet_name="发放花名册", meta={"total": totals[12], "closed": run.closed})


def notice_table(db, month, *, village_id: int | None = None) -> PostsTable:
    """公示 list: masked IDs (pattern from the settings), days, grade, amount."""
    run = _payroll_rows(db, month, village_id)
    town, unit, mask_id = _township(db)
    cols = [PCol("no", "序号", 0.4, "int"), PCol("village", "行政村", 0.9), PCol("name", "姓名", 0.8),
            PCol("id", "证件号码", 1.6, "code"), PCol("post", "岗位", 1.2),
            PCol("present", "出勤天数", 0.6, "int"), PCol("grade", "考核等次", 0.6, "center"),
            PCol("amount", "发放金额（元）", 0.9, "money")]
    rows = [(i, x.village_name, x.worker_name, mask_id(x.id_number), x.post_name, x.present_days,
             x.grade or "", x.amount) for i, x in enumerate(run.slips, 1)]
    total = sum((r[7] for r in rows), ZERO)
    return PostsTable(f"{town}{month_text(run.month)}{KINDS['payroll-notice']}",
                      f"公示期：自公布之日起7日。如有异议，请向{unit or '乡镇'}乡村振兴办公室反映。",
                      cols, rows, ("合计", "", f"{len(rows)}人", "", "", "", "", total),
                      signoff=("公示单位（盖章）", "公示日期"), sheet_name="公示",
                      meta={"total": total, "closed": run.closed})


def annual_table(db, year: int, *, village_id: int | None = None, include_open: bool = False,
                 today: dt.date | None = None) -> PostsTable:
    summary = annual_summary(db, year, village_id=village_id, include_open=include_open, today=today)
    town, _, mask_id = _township(db)
    cols = [PCol("no", "序号", 0.4, "int"), PCol("village", "行政村", 0.8), PCol("name", "姓名", 0.7),
            PCol("id", "证件号码", 1.6, "code"), PCol("post", "岗位", 1.6)]
    cols += [PCol(f"m{m}", f"{m}月", 0.75, "money") for m in range(1, 13)]
    cols += [PCol("total", "全年合计", 0.9, "money"), PCol("days", "出勤\n天数", 0.5, "int")]
    rows = [(i, r.village_name, r.worker_name, mask_id(r.id_number), r.post_names, *r.months,
             r.total, r.present_days) for i, r in enumerate(summary.rows, 1)]
    totals = ("合计", "", f"{len(rows)}人", "", "", *summary.month_totals, summary.total,
              sum(r.present_days for r in summary.rows))
    shown = "、".join(f"{m}月" for m in summary.closed) or "无"
    note = f"已关账月份：{shown}"
    if summary.included_open:
        note += f"；试算月份：{'、'.join(f'{m}月' for m in summary.included_open)}"
    return PostsTable(f"{town}{year}年{KINDS['wages-annual']}", note, cols, rows, totals,
                      sheet_name="年度汇总", font_size=8.0, meta={"total": summary.total})


@dataclass(frozen=True)
class LedgerResult:
    kind: str
    out: str
    pages_or_rows: int
    rows: int
    total: Decimal | None


def write_ledger(db, kind: str, out, *, month=None, year: int | None = None,
                 village_id: int | None = None, today: dt.date | None = None,
                 progress=None, title: str | None = None) -> LedgerResult:
    """Build and render one posts ledger (``kind`` in KINDS) to ``out`` (.pdf or .xlsx).
    ``posts`` with a ``year`` (no month): the holders as they stood on its 31 December (or
    today while it runs). ``title``: printed instead of the default (the archive's 题名)."""
    today = today or dt.date.today()
    if kind in ("attendance", "payroll", "payroll-notice") and month is None:
        raise InputError(f"生成“{KINDS[kind]}”须指定月份（--month 2025-10）")
    if kind == "posts":
        as_of = min(dt.date(year, 12, 31), today) if year and month is None else None
        table = posts_table(db, month=month, village_id=village_id, today=today, as_of=as_of)
    elif kind == "attendance":
        table = attendance_table(db, month, village_id=village_id)
    elif kind == "payroll":
        table = payroll_table(db, month, village_id=village_id)
    elif kind == "payroll-notice":
        table = notice_table(db, month, village_id=village_id)
    elif kind == "wages-annual":
        table = annual_table(db, year or today.year, village_id=village_id, today=today)
    else:
        raise InputError(f"未知的台账类型“{kind}”")
    if title:
        table.title = title
    _, unit, _ = _township(db)
    n = render(table, out, unit=unit, today=today, progress=progress)
    return LedgerResult(kind, str(out), n, len(table.rows), table.meta.get("total"))
