"""Wage rules with hand-computed amounts (standard 500.00, 22 required days unless stated).

Daily-rate deductions are one fraction of the standard, rounded once:
旷工 n days = 500 × 2 × n ÷ 22; n days short = 500 × n ÷ 22.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fupin_desktop.errors import UserError, ValidationError
from fupin_desktop.models import AuditLog
from fupin_desktop.models.posts import WageLine, WageRun, WageSlip
from fupin_desktop.services.posts.attendance import list_corrections, set_marks
from fupin_desktop.services.posts.inspections import InspectionInput, add_inspection, rectify
from fupin_desktop.services.posts.payroll import (annual_summary, close_month, preview_wages,
                                                  wage_run)
from fupin_desktop.services.posts.rules import save_rules
from tests.unit import _posts_data as d

OCT = dt.date(2025, 10, 1)
TODAY = dt.date(2026, 3, 1)


def put(db, aid, month, spec, days=31, reason=None):
    m = d.marks(spec, days)
    return set_marks(db, month, [(aid, i + 1, c) for i, c in enumerate(m) if c != "."],
                     reason=reason)


def slip(db, aid, month=OCT):
    run = preview_wages(db, month)
    (s,) = [x for x in run.slips if x.assignment_id == aid]
    assert s.amount == sum(ln.amount for ln in s.lines)  # total is the sum of its lines
    return s


def amounts(s):
    return {ln.code: ln.amount for ln in s.lines}


def test_full_month_full_attendance_is_the_standard(db):
    _, aid = d.worker(db)
    put(db, aid, OCT, "P26")
    s = slip(db, aid)
    assert amounts(s) == {"base": Decimal("500.00")}
    assert (s.present_days, s.required_days, s.grade) == (26, 22, "合格")


def test_absent_days_deducted_at_twice_the_daily_rate(db):
    _, aid = d.worker(db)
    put(db, aid, OCT, "P20 A2 L3")
    s = slip(db, aid)
    assert amounts(s) == {"base": Decimal("500.00"), "absent": Decimal("-90.91")}  # 90.909…
    assert s.amount == Decimal("409.09")
    assert "旷工2天：500.00 ÷ 22 × 2倍 × 2天" in s.lines[1].label


def test_attendance_below_required_days_deducted_per_day(db):
    _, aid = d.worker(db)
    put(db, aid, OCT, "P18 A1 S4")  # short = 22 - 18 - 1 = 3
    s = slip(db, aid)
    assert amounts(s) == {"base": Decimal("500.00"), "absent": Decimal("-45.45"),
                          "shortfall": Decimal("-68.18")}  # 45.4545…, 68.1818…
    assert s.amount == Decimal("386.37")
    assert "差3天：500.00 ÷ 22 × 3天" in s.lines[2].label


def test_fixed_deductions_from_settings(db):
    _, aid = d.worker(db)
    save_rules(db, {"posts.absent_day_deduction": "30", "posts.shortfall_day_deduction": "10.5"})
    put(db, aid, OCT, "P18 A1 S4")
    s = slip(db, aid)
    assert amounts(s) == {"base": Decimal("500.00"), "absent": Decimal("-30.00"),
                          "shortfall": Decimal("-31.50")}
    assert s.amount == Decimal("438.50")


def test_post_required_days_override_the_rule(db):
    _, aid = d.worker(db, standard="600", required_days=20)
    put(db, aid, OCT, "P18")  # daily 600/20 = 30.00, short 2
    s = slip(db, aid)
    assert amounts(s) == {"base": Decimal("600.00"), "shortfall": Decimal("-60.00")}


def test_partial_month_start_prorates_base_and_required_days(db):
    _, aid = d.worker(db, start=dt.date(2025, 10, 12))  # in post 12..31 = 20 days
    put(db, aid, OCT, ".11 P14")  # days 1–11 are outside the assignment
    s = slip(db, aid)
    # base 500 × 20 ÷ 31 = 322.580… → 322.58; required 22 × 20 ÷ 31 = 14.19 → 14
    assert s.in_post_days == 20 and s.required_days == 14
    assert amounts(s) == {"base": Decimal("322.58")}


def test_partial_month_end_prorates_and_deducts_shortfall(db):
    _, aid = d.worker(db, end=dt.date(2025, 10, 15))  # 15 days; required 22×15/31 = 10.6 → 11
    put(db, aid, OCT, "P9")
    s = slip(db, aid)
    # base 500 × 15 ÷ 31 = 241.935… → 241.94; short 11 - 9 = 2: 500 × 2 ÷ 22 = 45.4545… → 45.45
    assert amounts(s) == {"base": Decimal("241.94"), "shortfall": Decimal("-45.45")}
    assert s.amount == Decimal("196.49")


def test_marks_outside_the_assignment_are_refused(db):
    _, aid = d.worker(db, start=dt.date(2025, 10, 12))
    with pytest.raises(ValidationError) as err:
        set_marks(db, OCT, [(aid, 11, "√")])
    assert "11日不在上岗期间" in str(err.value)


def _inspect(db, aid, day, score=None, flag=None, deadline=None, problem=None):
    return add_inspection(db, InspectionInput(aid, day, "村支书", score, flag,
                                              problem or ("垃圾未清运" if flag == "黄旗" else None),
                                              deadline))


def test_red_flag_bonus_and_excellent_grade_bonus(db):
    _, aid = d.worker(db)
    put(db, aid, OCT, "P26")
    _inspect(db, aid, dt.date(2025, 10, 3), 95, "红旗")
    _inspect(db, aid, dt.date(2025, 10, 10), 92)  # average 93.5 ≥ 90 → 优秀
    s = slip(db, aid)
    assert s.grade == "优秀"
    assert amounts(s) == {"base": Decimal("500.00"), "red": Decimal("20.00"), "grade": Decimal("50.00")}
    assert s.amount == Decimal("570.00")


def test_unrectified_yellow_flag_deducted_in_the_deadline_month(db):
    _, aid = d.worker(db)
    put(db, aid, OCT, "P26")
    put(db, aid, dt.date(2025, 9, 1), "P26", days=30)
    _inspect(db, aid, dt.date(2025, 9, 26), 70, "黄旗")  # default deadline +7 days = Oct 3
    _inspect(db, aid, dt.date(2025, 10, 10), 96)  # 优秀 by score, capped at 合格 by the flag
    sep = slip(db, aid, dt.date(2025, 9, 1))
    assert "yellow" not in amounts(sep)
    s = slip(db, aid)
    assert s.grade == "合格"
    assert amounts(s) == {"base": Decimal("500.00"), "yellow": Decimal("-50.00")}


def test_yellow_flag_rectified_in_time_costs_nothing(db):
    _, aid = d.worker(db)
    put(db, aid, OCT, "P26")
    v = _inspect(db, aid, dt.date(2025, 10, 3), 70, "黄旗", deadline=dt.date(2025, 10, 10))
    rectify(db, v.id, dt.date(2025, 10, 9))
    assert "yellow" not in amounts(slip(db, aid))
    v2 = _inspect(db, aid, dt.date(2025, 10, 13), 70, "黄旗", deadline=dt.date(2025, 10, 20))
    rectify(db, v2.id, dt.date(2025, 10, 22))  # too late: still deducted
    assert amounts(slip(db, aid))["yellow"] == Decimal("-50.00")


def test_failing_grade_from_absences_and_its_setting(db):
    _, aid = d.worker(db)
    save_rules(db, {"posts.grade_bonus": {"优秀": "50", "合格": "0", "不合格": "-30"}})
    put(db, aid, OCT, "P23 A3")
    s = slip(db, aid)
    assert s.grade == "不合格"  # 3 旷工 days reach posts.grade_fail_absent_days
    assert amounts(s) == {"base": Decimal("500.00"), "absent": Decimal("-136.36"),
                          "grade": Decimal("-30.00")}


def test_grade_thresholds_are_settings(db):
    _, aid = d.worker(db)
    put(db, aid, OCT, "P26")
    _inspect(db, aid, dt.date(2025, 10, 3), 85)
    assert slip(db, aid).grade == "合格"
    save_rules(db, {"posts.grade_thresholds": {"优秀": 85, "合格": 60}})
    assert slip(db, aid).grade == "优秀"


def test_revocation_proposed_after_n_yellow_flags_in_m_months(db):
    _, aid = d.worker(db)
    for day in (dt.date(2025, 5, 2), dt.date(2025, 8, 1), dt.date(2025, 10, 3)):
        v = _inspect(db, aid, day, 60, "黄旗")
        rectify(db, v.id, day)
    put(db, aid, OCT, "P26")
    s = slip(db, aid)
    assert s.revocation_proposed and "建议撤销岗位" in s.note
    assert s.amount == Decimal("500.00")  # only proposed, nothing deducted
    save_rules(db, {"posts.revocation_window_months": 5})  # May falls outside Jun–Oct
    assert not slip(db, aid).revocation_proposed


def test_deductions_never_make_the_wage_negative(db):
    _, aid = d.worker(db, standard="300")
    put(db, aid, OCT, "A26")  # 300 × 2 × 26 ÷ 22 = 709.09 > 300
    s = slip(db, aid)
    assert s.amount == Decimal("0.00")
    assert amounts(s)["floor"] == Decimal("409.09")


def test_close_month_stores_every_line_and_locks_rules(any_db):
    _, a1 = d.worker(any_db, name="甲")
    _, a2 = d.worker(any_db, name="乙", standard="300")
    put(any_db, a1, OCT, "P20 A2 L3")
    put(any_db, a2, OCT, "P26")
    run = close_month(any_db, OCT, today=TODAY)
    assert run.closed and run.total == Decimal("709.09")
    save_rules(any_db, {"posts.absent_day_factor": "1"})  # a later change of rules
    stored = wage_run(any_db, OCT)
    assert stored.closed and stored.total == Decimal("709.09")
    assert sorted((x.worker_name, x.amount) for x in stored.slips) == [
        ("乙", Decimal("300.00")), ("甲", Decimal("409.09"))]
    assert preview_wages(any_db, OCT).total == Decimal("754.55")  # what it would be now
    with any_db.read() as s:
        assert s.scalar(select(func.count()).select_from(WageLine)) == 3
        assert s.scalar(select(func.sum(WageSlip.amount))) == Decimal("709.09")
        assert s.scalar(select(WageRun.total)) == Decimal("709.09")
        assert s.scalar(select(func.count()).select_from(AuditLog)
                        .where(AuditLog.table_name == "post_wage_slips")) == 1
    with pytest.raises(UserError):
        close_month(any_db, OCT, today=TODAY)


def test_close_refuses_missing_attendance_unless_confirmed(db):
    _, aid = d.worker(db)
    with pytest.raises(ValidationError) as err:
        close_month(db, OCT, today=TODAY)
    assert "张三" in str(err.value)
    run = close_month(db, OCT, today=TODAY, allow_missing_attendance=True)
    # no attendance at all: nothing computed (not a 22-day shortfall deducting the standard)
    (x,) = run.slips
    assert x.attendance_missing and x.amount == Decimal("0.00") and x.grade is None
    assert [ln.code for ln in x.lines] == ["missing"] and "未录入考勤" in x.lines[0].label
    stored = wage_run(db, OCT).slips[0]
    assert stored.attendance_missing and [ln.code for ln in stored.lines] == ["missing"]
    # attendance entered after the close: the whole wage is a 更正 paid in November
    saved = put(db, aid, OCT, "P26", reason="考勤表迟交")
    assert [c.amount for c in saved.corrections] == [Decimal("500.00")]


def test_closed_month_correction_becomes_a_line_in_the_next_month(any_db):
    _, aid = d.worker(any_db)
    put(any_db, aid, OCT, "P20 A2 L3")  # days 21, 22 are 旷工
    put(any_db, aid, dt.date(2025, 11, 1), "P25", days=30)
    close_month(any_db, OCT, today=TODAY)
    with pytest.raises(ValidationError):  # a closed month needs a reason
        set_marks(any_db, OCT, [(aid, 21, "√")])
    saved = set_marks(any_db, OCT, [(aid, 21, "√"), (aid, 22, "√")], reason="补交请假条，核实为出勤")
    (c,) = saved.corrections
    assert c.amount == Decimal("90.91") and c.target_month == dt.date(2025, 11, 1)
    assert c.changes == "21日 ×→√；22日 ×→√"
    assert wage_run(any_db, OCT).total == Decimal("409.09")  # the closed month is unchanged
    nov = slip(any_db, aid, dt.date(2025, 11, 1))
    assert amounts(nov) == {"base": Decimal("500.00"), "correction": Decimal("90.91")}
    assert "2025年10月考勤更正" in nov.lines[-1].label
    assert [x.amount for x in list_corrections(any_db, month=OCT)] == [Decimal("90.91")]


def test_correction_skips_closed_months_and_can_recover(db):
    _, aid = d.worker(db)
    put(db, aid, OCT, "P26")
    put(db, aid, dt.date(2025, 11, 1), "P25", days=30)
    close_month(db, OCT, today=TODAY)
    close_month(db, dt.date(2025, 11, 1), today=TODAY)
    saved = set_marks(db, OCT, [(aid, 1, "×")], reason="核实当天未出勤")
    (c,) = saved.corrections
    # 500 → 500 - 45.45 (no shortfall: 25 present + 1 absent ≥ 22)
    assert c.amount == Decimal("-45.45") and c.target_month == dt.date(2025, 12, 1)
    dec = slip(db, aid, dt.date(2025, 12, 1))
    assert amounts(dec)["correction"] == Decimal("-45.45")


def test_correction_paid_even_after_the_worker_left(db):
    _, aid = d.worker(db, end=dt.date(2025, 10, 31))
    put(db, aid, OCT, "P20 A2")
    close_month(db, OCT, today=TODAY)
    set_marks(db, OCT, [(aid, 21, "√")], reason="核实")
    nov = preview_wages(db, dt.date(2025, 11, 1))
    (s,) = nov.slips
    # 409.09 (2 旷工) → 454.55 (1 旷工): the correction is the difference of the two wages
    assert s.in_post_days == 0 and s.amount == Decimal("45.46")
    assert [ln.code for ln in s.lines] == ["correction"]


def test_annual_summary_sums_closed_months(db):
    _, aid = d.worker(db)
    put(db, aid, dt.date(2025, 9, 1), "P26", days=30)
    put(db, aid, OCT, "P20 A2 L3")
    close_month(db, dt.date(2025, 9, 1), today=TODAY)
    close_month(db, OCT, today=TODAY)
    summary = annual_summary(db, 2025, today=TODAY)
    (row,) = summary.rows
    assert row.months[8] == Decimal("500.00") and row.months[9] == Decimal("409.09")
    assert row.total == summary.total == Decimal("909.09")
    assert summary.closed == [9, 10]


def test_rules_are_validated_stored_and_audited(db):
    with pytest.raises(ValidationError) as err:
        save_rules(db, {"posts.age_min": "abc", "posts.red_flag_bonus": "-5",
                        "posts.grade_thresholds": {"优秀": 50, "合格": 60}, "nonsense": 1})
    assert set(err.value.errors) == {"posts.age_min", "posts.red_flag_bonus",
                                     "posts.grade_thresholds", "nonsense"}
    with pytest.raises(ValidationError):
        save_rules(db, {"posts.age_min": 70})  # above the stored maximum of 65
    rules = save_rules(db, {"posts.red_flag_bonus": "25", "posts.one_per_household": "否"},
                       reason="镇党委会议决定")
    assert rules.red_flag_bonus == Decimal("25.00") and rules.one_per_household is False
    with db.read() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.table_name == "settings")).all()
    assert {r.record_key for r in rows} == {"posts.red_flag_bonus", "posts.one_per_household"}
    assert all(r.reason == "镇党委会议决定" for r in rows)
