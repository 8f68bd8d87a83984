"""The month grid and marking days: ranges, stale grids, closed months, inspections rules."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from fupin_desktop.errors import ConflictError, UserError, ValidationError
from fupin_desktop.models import AuditLog
from fupin_desktop.services.posts.assignments import (AssignmentInput, end_assignment,
                                                      list_assignments, update_assignment)
from fupin_desktop.services.posts.attendance import fill_range, month_grid, set_marks
from fupin_desktop.domain.posts_calendar import parse_mark, parse_month
from fupin_desktop.services.posts.inspections import (InspectionInput, add_inspection,
                                                      delete_inspection, list_inspections, rectify,
                                                      update_inspection)
from fupin_desktop.services.posts.payroll import close_month
from tests.unit import _posts_data as d

OCT = dt.date(2025, 10, 1)
TODAY = dt.date(2026, 1, 5)


def test_grid_lists_workers_in_post_that_month_with_markable_days(any_db):
    _, a1 = d.worker(any_db, name="甲", start=dt.date(2025, 10, 12))
    _, a2 = d.worker(any_db, name="乙", end=dt.date(2025, 10, 20))
    d.worker(any_db, name="丙", start=dt.date(2025, 11, 1))
    grid = month_grid(any_db, "2025-10")
    assert grid.days == 31 and grid.weekdays[0] == 2  # 2025-10-01 was a Wednesday
    rows = {r.worker_name: r for r in grid.rows}
    assert set(rows) == {"甲", "乙"}
    assert (rows["甲"].first_day, rows["甲"].last_day) == (12, 31)
    assert (rows["乙"].first_day, rows["乙"].last_day) == (1, 20)
    assert rows["甲"].version == 0 and rows["甲"].marks == "." * 31


def test_fill_range_skips_days_outside_the_assignment_and_sundays(any_db):
    _, aid = d.worker(any_db, start=dt.date(2025, 10, 12))
    saved = fill_range(any_db, OCT, [aid], 1, 31, "√", skip_weekdays=(6,))
    (row,) = month_grid(any_db, OCT).rows
    assert row.marks[:11] == "." * 11
    assert row.marks[11] == "." and row.marks[12] == "P"  # Oct 12 was a Sunday
    assert row.present == 17 and saved.versions[aid] == row.version == 1


def test_stale_grid_gets_conflict_not_overwrite(any_db):
    _, aid = d.worker(any_db)
    set_marks(any_db, OCT, [(aid, 1, "√")])
    grid_a = month_grid(any_db, OCT)  # two clerks open the same month
    grid_b = month_grid(any_db, OCT)
    va = {aid: grid_a.rows[0].version}
    vb = {aid: grid_b.rows[0].version}
    set_marks(any_db, OCT, [(aid, 2, "×")], versions=va)
    with pytest.raises(ConflictError):
        set_marks(any_db, OCT, [(aid, 2, "√")], versions=vb)
    assert month_grid(any_db, OCT).rows[0].marks[:2] == "PA"


def test_unknown_mark_is_refused(db):
    _, aid = d.worker(db)
    with pytest.raises(ValidationError):
        set_marks(db, OCT, [(aid, 1, "?")])
    with pytest.raises(ValidationError):
        set_marks(db, parse_month("2025-02"), [(aid, 30, "√")])


def test_marks_edit_is_audited_old_to_new(db):
    _, aid = d.worker(db)
    set_marks(db, OCT, [(aid, 1, "√")])
    set_marks(db, OCT, [(aid, 1, "事")])
    with db.read() as s:
        upd = s.scalars(select(AuditLog).where(AuditLog.table_name == "post_attendance",
                                               AuditLog.action == "update")).one()
    assert upd.changes["marks"] == ["P" + "." * 30, "L" + "." * 30]


def test_mark_symbols():
    assert [parse_mark(x) for x in ("√", "✓", " 事 ", "病假", "×", "x", "", None)] == \
        ["P", "P", "L", "S", "A", "A", ".", "."]
    with pytest.raises(ValueError):
        parse_mark("5")


def test_end_date_cannot_cut_into_a_paid_month(db):
    _, aid = d.worker(db)
    fill_range(db, OCT, [aid], 1, 31, "√")
    close_month(db, OCT, today=TODAY)
    with pytest.raises(ValidationError):
        end_assignment(db, aid, dt.date(2025, 10, 15), "离岗", "外出务工")
    a = end_assignment(db, aid, dt.date(2025, 11, 15), "撤销", "黄旗累计3面")
    assert (a.status, a.end_reason, a.end_date) == ("撤销", "黄旗累计3面", dt.date(2025, 11, 15))


def test_editing_the_end_date_keeps_the_status_in_step(db):
    mid, aid = d.worker(db)
    (a,) = list_assignments(db)
    left = update_assignment(db, aid, AssignmentInput(mid, a.post_id, a.start_date,
                                                      dt.date(2025, 3, 31)), a.version)
    assert left.status == "离岗"  # not still 在岗 after an end date was entered
    assert [x.worker_name for x in list_assignments(db, status="在岗")] == []
    back = update_assignment(db, aid, AssignmentInput(mid, a.post_id, a.start_date, None),
                             left.version)
    assert back.status == "在岗" and back.end_date is None


def test_fill_range_race_on_a_new_month_row_is_a_conflict(db, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from fupin_desktop.services.posts import attendance as posts_attendance

    _, aid = d.worker(db)

    def racing(*a, **k):  # the other clerk's INSERT of the same (assignment, month) won
        raise IntegrityError("INSERT", {}, Exception("unique"))

    monkeypatch.setattr(posts_attendance, "set_marks_in", racing)
    with pytest.raises(ConflictError):
        fill_range(db, OCT, [aid], 1, 5, "√")


def test_inspection_grade_deadline_and_closed_month_rules(db):
    _, aid = d.worker(db)
    v = add_inspection(db, InspectionInput(aid, dt.date(2025, 10, 3), "村支书", 65, "黄旗", "垃圾未清运"))
    assert v.grade == "合格" and v.deadline == dt.date(2025, 10, 10)  # default 7 days
    assert v.overdue(dt.date(2025, 10, 11))
    with pytest.raises(ValidationError):  # a yellow flag must name the problem
        add_inspection(db, InspectionInput(aid, dt.date(2025, 10, 10), score=60, flag="黄旗"))
    with pytest.raises(ValidationError):
        add_inspection(db, InspectionInput(aid, dt.date(2025, 10, 10), score=101))
    assert [x.id for x in list_inspections(db, overdue_on=dt.date(2025, 10, 11))] == [v.id]
    fill_range(db, OCT, [aid], 1, 31, "√")
    close_month(db, OCT, today=TODAY)
    with pytest.raises(UserError):
        add_inspection(db, InspectionInput(aid, dt.date(2025, 10, 17), score=90))
    with pytest.raises(UserError):
        update_inspection(db, v.id, InspectionInput(aid, v.date, "村支书", 90, None), v.version)
    with pytest.raises(UserError):
        delete_inspection(db, v.id, "录错")
    r = rectify(db, v.id, dt.date(2025, 10, 20))  # a late fix changes no paid wage: allowed
    assert r.rectified and list_inspections(db, overdue_on=dt.date(2025, 10, 21)) == []
