"""更正 lines: a closed month's attendance sheet, payroll and 公示 show every later correction,
and the two ledgers always reconcile (corrections included)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from fupin_desktop.reports.pdfcheck import extract_text
from fupin_desktop.reports.posts_ledgers import (attendance_table, notice_table, payroll_table,
                                                 write_ledger)
from fupin_desktop.services.posts.ledger_data import attendance_data, payroll_data
from fupin_desktop.services.posts.attendance import month_grid, set_marks
from fupin_desktop.services.posts.payroll import close_month, wage_run
from tests.unit import _posts_data as d

pytestmark = pytest.mark.date_sensitive  # CI runs it again on 1 Jan and 31 Dec

OCT = dt.date(2026, 10, 1)
TODAY = dt.date(2027, 1, 5)


def put(db, aid, month, spec, days=31, reason=None):
    m = d.marks(spec, days)
    return set_marks(db, month, [(aid, i + 1, c) for i, c in enumerate(m) if c != "."],
                     reason=reason)


@pytest.fixture
def corrected(any_db):
    """October 2026 closed for three workers, then corrected twice for 甲 and once for 乙."""
    db = any_db
    _, a1 = d.worker(db, name="甲", start=dt.date(2026, 1, 1))
    _, a2 = d.worker(db, name="乙", standard="300", start=dt.date(2026, 1, 1))
    _, a3 = d.worker(db, name="丙", standard="800", start=dt.date(2026, 1, 1))
    put(db, a1, OCT, "P20 A2 L3")  # 21, 22 旷工
    put(db, a2, OCT, "P26")
    put(db, a3, OCT, "P22")
    close_month(db, OCT, today=TODAY)
    with time_machine.travel(dt.datetime(2026, 11, 3, 9, 30), tick=False):
        set_marks(db, OCT, [(a1, 21, "√")], reason="补交请假条，核实21日出勤")
    with time_machine.travel(dt.datetime(2026, 11, 4, 10, 0), tick=False):
        set_marks(db, OCT, [(a1, 22, "√"), (a1, 23, "×")], reason="考勤员记错日期")
        set_marks(db, OCT, [(a2, 1, "×")], reason="核实1日未出勤")
    return db, (a1, a2, a3)


def _split(table):
    """(main rows, 更正 rows) of a ledger table."""
    main = [r for r in table.rows if r[0] != "更正"]
    corr = [r for r in table.rows if r[0] == "更正"]
    return main, corr


def test_attendance_sheet_and_payroll_reconcile_with_corrections(corrected):
    db, (a1, a2, a3) = corrected
    att = attendance_table(attendance_data(db, OCT))
    pay = payroll_table(payroll_data(db, OCT))
    a_main, a_corr = _split(att)
    p_main, p_corr = _split(pay)
    assert len(a_corr) == len(p_corr) == 3
    # the rows as paid: the attendance sheet prints the marks the payroll was computed from
    a_days = {r[2]: (r[-3], r[-1]) for r in a_main}  # name -> (出勤, 旷工)
    p_days = {r[2]: (r[6], r[7]) for r in p_main}
    assert a_days == p_days == {"甲": (20, 2), "乙": (26, 0), "丙": (22, 0)}
    assert att.totals[-3] == pay.totals[6] == 68 and att.totals[-1] == pay.totals[7] == 2
    # the 更正 lines carry the same days after each correction, in the same order
    assert [(r[2], r[-3], r[-1]) for r in a_corr] == [(r[2], r[6], r[7]) for r in p_corr] == [
        ("乙", 25, 1), ("甲", 21, 1), ("甲", 22, 1)]  # payroll order, oldest correction first
    # and the last 更正 of each worker is what the attendance grid holds today
    grid = {r.worker_name: (r.present, r.absent) for r in month_grid(db, OCT).rows}
    last = {r[2]: (r[-3], r[-1]) for r in a_corr}
    assert grid == {**a_days, **last}
    # money: 实发 is what was signed for; the differences are paid in November
    assert pay.meta["total"] == wage_run(db, OCT).total == Decimal("1509.09")
    # 乙 300 - 300×2÷22 = 272.73; 甲 409.09 → 454.55 (one 旷工 day less) → 454.55
    assert [r[13] for r in p_corr] == [Decimal("-27.27"), Decimal("45.46"), Decimal("0.00")]
    assert pay.totals[13] == pay.meta["corrections"] == Decimal("18.19")
    nov = wage_run(db, dt.date(2026, 11, 1))
    assert sum((ln.amount for s in nov.slips for ln in s.lines if ln.code == "correction"),
               Decimal(0)) == Decimal("18.19")


def test_correction_line_says_before_after_who_when_why(corrected):
    db, _ = corrected
    att = attendance_table(attendance_data(db, OCT))
    (_, first, second) = _split(att)[1]
    text = first[3]
    assert "21日 ×→√" in text and "出勤20→21天" in text and "旷工2→1天" in text
    assert "补交请假条，核实21日出勤" in text and "更正人：root" in text
    assert "2026-11-03 09:30" in text and "+45.46元计入2026年11月发放" in text
    assert first[1] == "2026-11-03"
    # the changed days carry their new marks, the others stay empty
    day_cells = second[4:4 + 31]
    assert day_cells[21] == "√" and day_cells[22] == "×"
    assert [c for i, c in enumerate(day_cells) if i not in (21, 22)] == [""] * 29
    assert "补贴金额不变" in second[3]  # 22日 ×→√ and 23日 √→×: same days, same wage


def test_notice_shows_corrections_without_changing_the_paid_total(corrected):
    db, _ = corrected
    t = notice_table(payroll_data(db, OCT, kind="payroll-notice"))
    main, corr = _split(t)
    assert t.meta["total"] == sum(r[7] for r in main) == Decimal("1509.09")
    assert [(r[2], r[5], r[8]) for r in corr] == [("乙", 25, Decimal("-27.27")),
                                                  ("甲", 21, Decimal("45.46")),
                                                  ("甲", 22, Decimal("0.00"))]
    assert t.totals[8] == Decimal("18.19")


def test_month_without_corrections_keeps_its_columns(any_db):
    _, aid = d.worker(any_db, start=dt.date(2026, 1, 1))
    put(any_db, aid, OCT, "P22")
    close_month(any_db, OCT, today=TODAY)
    pay = payroll_table(payroll_data(any_db, OCT))
    assert [c.title for c in pay.columns][-2:] == ["实发金额", "领取人签字"]
    assert not _split(pay)[1] and not _split(attendance_table(attendance_data(any_db, OCT)))[1]


def test_payroll_pdf_prints_the_correction_line(corrected, tmp_path):
    db, _ = corrected
    out = tmp_path / "payroll.pdf"
    write_ledger(payroll_data(db, OCT), out, today=TODAY)
    text = "".join(extract_text(out).split())
    assert "更正" in text and "补交请假条" in text and "18.19" in text and "1,509.09" in text
    out = tmp_path / "att.xlsx"
    write_ledger(attendance_data(db, OCT), out, today=TODAY)  # Excel takes the 更正 rows too


# -- a yellow flag rectified after its deadline month was closed ------------------------------

def _yellow(db, aid, day, deadline):
    from fupin_desktop.services.posts.inspections import InspectionInput, add_inspection

    return add_inspection(db, InspectionInput(aid, day, "村支书", 70, "黄旗", "垃圾未清运", deadline))


@pytest.fixture
def flagged(any_db):
    """October 2026 closed with a yellow flag unrectified at its deadline (−50.00)."""
    db = any_db
    _, aid = d.worker(db, start=dt.date(2026, 1, 1))
    put(db, aid, OCT, "P22")
    v = _yellow(db, aid, dt.date(2026, 10, 3), dt.date(2026, 10, 10))
    close_month(db, OCT, today=TODAY)
    assert wage_run(db, OCT).total == Decimal("450.00")
    return db, aid, v


def test_rectifying_a_yellow_flag_of_a_closed_month_needs_a_reason(flagged):
    from fupin_desktop.errors import ValidationError
    from fupin_desktop.services.posts.inspections import (list_inspections,
                                                          rectification_closed_month, rectify)

    db, aid, v = flagged
    assert rectification_closed_month(db, v.id, True, dt.date(2026, 10, 9)) == OCT
    assert rectification_closed_month(db, v.id, True, dt.date(2026, 10, 11)) is None  # still late
    with pytest.raises(ValidationError) as err:
        rectify(db, v.id, dt.date(2026, 10, 9), v.version)
    assert "2026年10月已关账" in str(err.value) and "原因" in str(err.value)
    assert not list_inspections(db, month=OCT)[0].rectified  # nothing changed
    assert wage_run(db, OCT).corrections == []


def test_rectifying_a_yellow_flag_of_a_closed_month_is_a_correction(flagged):
    from fupin_desktop.services.posts.inspections import rectify

    db, aid, v = flagged
    with time_machine.travel(dt.datetime(2026, 11, 2, 8, 0), tick=False):
        rectify(db, v.id, dt.date(2026, 10, 9), v.version, reason="整改记录漏登，10月9日已整改")
    assert wage_run(db, OCT).total == Decimal("450.00")  # paid figures never change
    pay = payroll_table(payroll_data(db, OCT))
    (c,) = _split(pay)[1]
    assert c[13] == Decimal("50.00") and "黄旗整改更正" in c[4] and "漏登" in c[4]
    assert "按期整改" in c[4] and "更正人：root" in c[4] and "2026-11-02 08:00" in c[4]
    (a,) = _split(attendance_table(attendance_data(db, OCT)))[1]
    assert a[3] == c[4] and (a[-3], a[-1]) == (c[6], c[7]) == (22, 0)  # days unchanged
    nov = wage_run(db, dt.date(2026, 11, 1))
    (line,) = [ln for s in nov.slips for ln in s.lines if ln.code == "correction"]
    assert line.amount == Decimal("50.00") and "2026年10月黄旗整改更正" in line.label


def test_a_closed_months_flag_changes_only_by_rectification_or_correction(flagged):
    from fupin_desktop.errors import ValidationError
    from fupin_desktop.services.closures import ClosedPeriodError
    from fupin_desktop.services.posts.inspections import (InspectionInput, list_inspections,
                                                          update_inspection)

    db, aid, v = flagged

    def ver():
        return list_inspections(db, month=OCT)[0].version

    other = InspectionInput(aid, v.date, "乡检查组", 70, "黄旗", "垃圾未清运", v.deadline)
    with pytest.raises(ClosedPeriodError):  # the closed month's record itself: only as a 更正
        update_inspection(db, v.id, other, ver())
    data = InspectionInput(aid, v.date, "村支书", 70, "黄旗", "垃圾未清运", v.deadline)
    update_inspection(db, v.id, data, ver())  # same rectification: no 更正
    assert wage_run(db, OCT).corrections == []
    data.rectified, data.rectified_date = True, dt.date(2026, 10, 12)  # too late: still −50
    update_inspection(db, v.id, data, ver())  # the paid wage stands: no 更正
    assert wage_run(db, OCT).corrections == []
    data.rectified_date = dt.date(2026, 10, 10)  # on the deadline: not deducted after all
    with pytest.raises(ValidationError):
        update_inspection(db, v.id, data, ver())
    update_inspection(db, v.id, data, ver(), reason="整改日期登记错误")
    (c,) = wage_run(db, OCT).corrections
    assert c.amount == Decimal("50.00") and c.kind == "inspection" and "逾期未整改→按期整改" in c.changes
