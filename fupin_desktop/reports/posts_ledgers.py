"""Posts ledgers: 公益性岗位人员台账, 签到考勤表, 工资发放花名册, 发放公示, 年度汇总.

Each builder lays out a PostsTable from the plain data of services/posts_ledger_data (the same
services the tab uses); ``write_ledger`` renders it to PDF (or Excel for a .xlsx path). Totals
rows are sums of the printed rows (Decimal, to the fen), so a printed total always equals the
database total for the same filter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..domain.posts_calendar import SYMBOLS, count_marks, month_text
from .posts_render import PCol, PostsTable, render

KINDS = {
    "posts": "公益性岗位人员台账",
    "attendance": "公益性岗位签到考勤表",
    "payroll": "公益性岗位补贴发放花名册",
    "payroll-notice": "公益性岗位补贴发放公示",
    "wages-annual": "公益性岗位补贴年度汇总",
}
WEEKDAYS = "一二三四五六日"
ZERO = Decimal("0.00")


def posts_table(data) -> PostsTable:
    """Everyone in post during ``data.month`` (services/posts_ledger_data.posts_data)."""
    m0, town, found = data.month, data.town, data.source
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


def attendance_table(data) -> PostsTable:
    """签到考勤表. A closed month prints each row as it stood when the month was closed and,
    under it, one 更正 line per later correction (the changed days' new marks, the days after
    it, and before/after, why, who, when); the 合计 row is the month as paid, like the payroll."""
    grid, town, corr = data.source, data.town, data.corrections
    cols = [PCol("no", "序号", 0.5, "int"), PCol("village", "行政村", 1.2), PCol("name", "姓名", 1.2),
            PCol("post", "岗位", 1.6)]
    cols += [PCol(f"d{d}", f"{d}\n{WEEKDAYS[w]}", 0.45, "mark")
             for d, w in zip(range(1, grid.days + 1), grid.weekdays)]
    cols += [PCol("p", "出勤", 0.6, "int"), PCol("l", "请假", 0.6, "int"), PCol("a", "旷工", 0.6, "int")]
    rows = []
    present = leave = absent = 0
    for i, r in enumerate(grid.rows, 1):
        marks = grid.closed_marks(r)
        c = count_marks(marks)
        present, leave, absent = present + c.present, leave + c.leave, absent + c.absent
        days = [SYMBOLS[m] if r.can_mark(d) else "—" for d, m in enumerate(marks, 1)]
        rows.append((i, r.village_name, r.worker_name, r.post_name, *days, c.present, c.leave,
                     c.absent))
        for x in corr.get(r.assignment_id, []):
            changed = x.changed_days
            days = [(SYMBOLS[changed[d]] or "空") if d in changed else ""
                    for d in range(1, grid.days + 1)]
            rows.append(("更正", x.when[:10], r.worker_name, x.text(), *days, x.after.present,
                         x.after.leave, x.after.absent))
    totals = ("合计", "", f"{len(grid.rows)}人", "", *([""] * grid.days), present, leave, absent)
    state = "（已关账）" if grid.closed else ""
    if grid.corrections:
        state += f"　关账后更正{len(grid.corrections)}条（见“更正”行，合计为关账时数）"
    return PostsTable(f"{town}公益性岗位人员{month_text(grid.month)}签到考勤表",
                      f"√ 出勤　事 事假　病 病假　× 旷工　— 不在岗{state}", cols, rows, totals,
                      signoff=("考勤员", "村负责人", "日期"), sheet_name="考勤", font_size=8.0,
                      meta={"present": present, "correction_lines": len(grid.corrections),
                            "records": len(grid.rows)})


def _slip_order(run):
    """Workers without attendance first (they are not paid yet), then the payroll order."""
    return sorted(run.slips, key=lambda x: not x.attendance_missing)


def _missing_note(run) -> str:
    names = [s.worker_name for s in run.missing_attendance]
    return f"　未录入考勤{len(names)}人（列在最前，不计发）：{'、'.join(names)}" if names else ""


MISSING = "未录入考勤"


def payroll_table(data) -> PostsTable:
    """工资发放花名册: masked IDs, days, every amount, a signature column, totals. A closed month
    adds, under a worker's row, one 更正 line per later correction (days after it, the
    difference, where it is paid, why, who, when) and a 更正金额 column; 实发 stays as paid."""
    run, town, mask_id, corr = data.source, data.town, data.mask_id, data.corrections
    cols = [PCol("no", "序号", 0.4, "int"), PCol("village", "行政村", 0.8), PCol("name", "姓名", 0.7),
            PCol("id", "证件号码", 1.6, "code"), PCol("post", "岗位", 1.1),
            PCol("req", "应出勤\n天数", 0.5, "int"), PCol("present", "出勤\n天数", 0.5, "int"),
            PCol("absent", "旷工\n天数", 0.5, "int"), PCol("grade", "考核\n等次", 0.5, "center"),
            PCol("base", "应发补贴", 0.9, "money"), PCol("minus", "扣款", 0.8, "money"),
            PCol("plus", "奖励及更正", 0.8, "money"), PCol("amount", "实发金额", 0.9, "money")]
    with_corr = bool(run.corrections)
    if with_corr:
        cols.append(PCol("corr", "关账后\n更正金额", 0.8, "money"))
    cols.append(PCol("sign", "领取人签字", 1.4, "sign"))
    rows = []
    sums = [0, 0, 0, ZERO, ZERO, ZERO, ZERO, ZERO]
    for i, x in enumerate(_slip_order(run), 1):
        blank = x.attendance_missing and not x.amount
        money = (None, None, None, None) if blank else (x.base, x.deductions, x.additions, x.amount)
        grade = MISSING if x.attendance_missing else (x.grade or "")
        row = (i, x.village_name, x.worker_name, mask_id(x.id_number), x.post_name, x.required_days,
               x.present_days, x.absent_days, grade, *money)
        rows.append(row + ((None,) if with_corr else ()) + ("",))
        for k, v in enumerate((x.required_days, x.present_days, x.absent_days, *money)):
            sums[k] += v or 0
        for c in corr.get(x.assignment_id, []):
            rows.append(("更正", c.when[:10], x.worker_name, "", c.text(), x.required_days,
                         c.after.present, c.after.absent, "", None, None, None, None, c.amount,
                         f"计入{month_text(c.target_month)}"))
            sums[7] += c.amount
    totals = ("合计", "", f"{len(run.slips)}人", "", "", *sums[:3], "", *sums[3:7])
    totals += ((sums[7],) if with_corr else ()) + ("",)
    state = "已关账" if run.closed else "试算表（未关账，不作发放依据）"
    sub = f"{month_text(run.month)}　{state}　实发合计 {sums[6]:,.2f} 元"
    if with_corr:
        sub += f"　关账后更正{len(run.corrections)}条，差额 {sums[7]:+,.2f} 元计入以后月份发放"
    sub += _missing_note(run)
    return PostsTable(f"{town}{KINDS['payroll']}", sub, cols, rows, totals, sheet_name="发放花名册",
                      meta={"total": sums[6], "closed": run.closed, "corrections": sums[7],
                            "records": len(run.slips),
                            "missing": [s.worker_name for s in run.missing_attendance]})


def notice_table(data) -> PostsTable:
    """公示 list: masked IDs (pattern from the settings), days, grade, amount; 更正 lines like
    the payroll's."""
    run, town, unit, mask_id = data.source, data.town, data.unit, data.mask_id
    corr = data.corrections
    cols = [PCol("no", "序号", 0.4, "int"), PCol("village", "行政村", 0.9), PCol("name", "姓名", 0.8),
            PCol("id", "证件号码", 1.6, "code"), PCol("post", "岗位", 1.2),
            PCol("present", "出勤天数", 0.6, "int"), PCol("grade", "考核等次", 0.6, "center"),
            PCol("amount", "发放金额（元）", 0.9, "money")]
    with_corr = bool(run.corrections)
    if with_corr:
        cols.append(PCol("corr", "关账后更正\n金额（元）", 0.9, "money"))
    rows = []
    total = corr_total = ZERO
    for i, x in enumerate(_slip_order(run), 1):
        amount = None if x.attendance_missing and not x.amount else x.amount
        total += amount or ZERO
        rows.append((i, x.village_name, x.worker_name, mask_id(x.id_number), x.post_name,
                     x.present_days, MISSING if x.attendance_missing else (x.grade or ""), amount)
                    + ((None,) if with_corr else ()))
        for c in corr.get(x.assignment_id, []):
            rows.append(("更正", c.when[:10], x.worker_name, "", c.text(), c.after.present, "",
                         None, c.amount))
            corr_total += c.amount
    totals = ("合计", "", f"{len(run.slips)}人", "", "", "", "", total)
    totals += (corr_total,) if with_corr else ()
    sub = f"公示期：自公布之日起7日。如有异议，请向{unit or '乡镇'}乡村振兴办公室反映。"
    if with_corr:
        sub += f"关账后更正{len(run.corrections)}条，差额计入以后月份发放。"
    sub += _missing_note(run).strip("　")
    return PostsTable(f"{town}{month_text(run.month)}{KINDS['payroll-notice']}", sub,
                      cols, rows, totals, signoff=("公示单位（盖章）", "公示日期"), sheet_name="公示",
                      meta={"total": total, "closed": run.closed, "corrections": corr_total,
                            "records": len(run.slips),
                            "missing": [s.worker_name for s in run.missing_attendance]})


def annual_table(data) -> PostsTable:
    summary, town, mask_id, year = data.source, data.town, data.mask_id, data.year
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
    missing: list[str] | None = None  # payroll / 公示: workers without attendance (not paid)
    corrections: Decimal | None = None  # closed payroll / 公示: sum of the 更正 lines


TABLES = {"posts": posts_table, "attendance": attendance_table, "payroll": payroll_table,
          "payroll-notice": notice_table, "wages-annual": annual_table}


def write_ledger(data, out, *, today: dt.date | None = None, progress=None,
                 title: str | None = None) -> LedgerResult:
    """Lay out and render one posts ledger (``data``: services/posts_ledger_data) to ``out``
    (.pdf or .xlsx). ``title``: printed instead of the default (the archive's 题名)."""
    table = TABLES[data.kind](data)
    if title:
        table.title = title
    n = render(table, out, unit=data.unit, today=today or dt.date.today(), progress=progress)
    return LedgerResult(data.kind, str(out), n, table.meta.get("records", len(table.rows)),
                        table.meta.get("total"),
                        table.meta.get("missing"), table.meta.get("corrections") or None)
