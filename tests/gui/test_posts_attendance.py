"""考勤 page: marks typed in the grid show at once with the totals, are saved together and are
what the database holds; days outside an assignment cannot be marked; a closed month asks for
a written reason and turns the change into a correction; a stale grid is refused, not saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from fupin_desktop.services.posts.attendance import list_corrections, month_grid, set_marks
from fupin_desktop.services.posts.payroll import close_month
from fupin_desktop.views.posts.grid_model import FIXED
from fupin_desktop.views.posts.widgets import ReasonDialog
from tests.gui.waiting import wait_loaded
from tests.unit import _posts_data as d

OCT = dt.date(2025, 10, 1)


@pytest.fixture
def db(any_db):
    """These tests run on SQLite and, with FUPIN_TEST_PG_URL, on PostgreSQL too."""
    return any_db


@pytest.fixture
def workers(db):
    full = d.worker(db, name="张三", standard="440.00", required_days=22)[1]
    # starts on 16 October: days 1–15 are outside the assignment
    late = d.worker(db, name="李四", standard="310.00", start=dt.date(2025, 10, 16))[1]
    return full, late


@pytest.fixture
def page(qtbot, db, workers):
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.posts.tab import PostsTab

    create_app()
    tab = PostsTab(AppContext(db))
    qtbot.addWidget(tab)
    tab.resize(1300, 700)
    tab.show()
    qtbot.waitExposed(tab)
    p = tab.show_page("attendance")
    p.month.set_month(OCT)
    wait_loaded(qtbot, p)  # the grid is read in a worker
    p.tab = tab
    return p


def _row(page, assignment_id):
    return page.model.row_index(assignment_id)


def _cell(page, row, day):
    return page.model.index(row, FIXED + day - 1)


def _total(page, row, k):
    return page.model.index(row, page.model.total_column(k)).data()


def _go(qtbot, page, row, day):
    page.window().activateWindow()  # a dialog just closed may have taken the activation
    page.view.setFocus()
    page.view.setCurrentIndex(_cell(page, row, day))
    qtbot.waitUntil(page.view.hasFocus)


def test_keyboard_marks_show_with_totals_and_are_saved(qtbot, page, db, workers):
    full, _late = workers
    r = _row(page, full)
    assert page.model.rowCount() == 2 and _total(page, r, 0) == "0"
    _go(qtbot, page, r, 1)
    # 1 √, 2 事, 3 病, 4 ×, then √ again: each key marks the day and moves to the next
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_1):
        qtbot.keyClick(page.view, key)
    assert [_cell(page, r, day).data() for day in range(1, 7)] == ["√", "事", "病", "×", "√", ""]
    assert page.view.currentIndex() == _cell(page, r, 6)
    assert (_total(page, r, 0), _total(page, r, 1), _total(page, r, 2)) == ("2", "2", "1")
    assert "出勤 2 人天" in page.summary.text() and "（5 格尚未保存）" in page.summary.text()
    assert month_grid(db, OCT).rows[0].marks.startswith("....")  # nothing stored yet
    qtbot.keyClick(page.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S
    assert not page.model.pending
    stored = {row.assignment_id: row for row in month_grid(db, OCT).rows}[full]
    assert stored.marks[:6] == "PLSAP."
    assert (stored.present, stored.leave, stored.absent) == (2, 2, 1)
    # Delete clears a day again, and the pause saves it without Ctrl+S
    _go(qtbot, page, r, 4)
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    assert _total(page, r, 2) == "0"
    qtbot.waitUntil(lambda: not page.model.pending, timeout=10_000)
    stored = {row.assignment_id: row for row in month_grid(db, OCT).rows}[full]
    assert stored.marks[:6] == "PLS.P."


def test_a_selected_block_is_filled_but_days_outside_the_assignment_are_not(qtbot, page, db,
                                                                              workers):
    full, late = workers
    rows = sorted((_row(page, full), _row(page, late)))
    sel = QItemSelection(_cell(page, rows[0], 13), _cell(page, rows[1], 17))  # 13–17 Oct, both
    page.view.setFocus()
    page.view.selectionModel().select(sel, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    qtbot.keyClick(page.view, Qt.Key.Key_1)
    page.save_pending()
    by_id = {row.assignment_id: row for row in month_grid(db, OCT).rows}
    assert by_id[full].marks[12:17] == "PPPPP"
    assert by_id[late].marks[12:17] == "...PP"  # 16 and 17 only: in post from the 16th
    # a day before the start cannot be marked: nothing changes and the clerk is told why
    _go(qtbot, page, _row(page, late), 3)
    qtbot.keyClick(page.view, Qt.Key.Key_4)
    assert not page.model.pending and _cell(page, _row(page, late), 3).data() == ""
    assert "不在" in page.status.text() or "不能" in page.status.text()


def _answer_reason(qtbot, text: str | None, seen: list):
    """When the reason dialog opens: note its text, type ``text`` and accept (None: cancel)."""

    def answer():
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, ReasonDialog):
            QTimer.singleShot(20, answer)
            return
        seen.append(dlg.explanation.text())
        if text is None:
            dlg.reject()
        else:
            assert not dlg.ok.isEnabled()  # no reason, no OK
            dlg.text.insertPlainText(text)  # as typed (QTest cannot type Chinese)
            dlg.ok.click()

    QTimer.singleShot(0, answer)


def test_a_closed_month_asks_for_a_reason_and_records_a_correction(qtbot, page, db, workers):
    full, _late = workers
    set_marks(db, OCT, [(full, day, "P") for day in range(1, 23)] + [(full, 23, "A")])
    close_month(db, OCT, allow_missing_attendance=True, today=dt.date(2025, 11, 5))
    page.reload()
    wait_loaded(qtbot, page)
    assert page.model.grid.closed and page.banner.isVisible()
    r = _row(page, full)
    # cancelling the reason changes nothing
    seen: list[str] = []
    _answer_reason(qtbot, None, seen)
    _go(qtbot, page, r, 23)
    qtbot.keyClick(page.view, Qt.Key.Key_1)
    assert seen and "2025年10月" in seen[0]
    assert _cell(page, r, 23).data() == "×" and not page.model.pending
    # with a reason the mark is changed and the difference goes to November as a correction
    _answer_reason(qtbot, "补登：当日在村委会帮忙", seen)
    _go(qtbot, page, r, 23)
    qtbot.keyClick(page.view, Qt.Key.Key_1)
    assert _cell(page, r, 23).data() == "√"
    page.save_pending()
    (corr,) = list_corrections(db, month=OCT)
    assert corr.reason == "补登：当日在村委会帮忙" and corr.target_month == dt.date(2025, 11, 1)
    assert corr.amount > Decimal("0.00")  # the absent-day deduction is given back
    assert "23日 ×→√" in corr.changes
    assert "更正" in page.status.text() and "2025年11月" in page.status.text()
    # the reason holds for the month: the next change does not ask again
    _go(qtbot, page, r, 24)
    qtbot.keyClick(page.view, Qt.Key.Key_1)
    page.save_pending()
    assert len(list_corrections(db, month=OCT)) == 2


def test_a_grid_changed_by_another_clerk_is_refused_and_reloaded(qtbot, page, db, workers,
                                                                  monkeypatch):
    full, _late = workers
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    r = _row(page, full)
    _go(qtbot, page, r, 2)
    set_marks(db, OCT, [(full, 2, "S")])  # another clerk, meanwhile
    qtbot.keyClick(page.view, Qt.Key.Key_4)
    assert page.save_pending() is False
    wait_loaded(qtbot, page)  # reloaded: what is stored
    assert warnings and "他人修改" in warnings[0]
    assert _cell(page, _row(page, full), 2).data() == "病"  # the grid shows what is stored
    assert {row.assignment_id: row for row in month_grid(db, OCT).rows}[full].marks[1] == "S"


def test_day_columns_keep_their_width_from_a_30_to_a_31_day_month(qtbot, page):
    from fupin_desktop.views.posts.grid_model import AttendanceView

    page.month.set_month(dt.date(2025, 11, 1))  # 30 days: column 31 is the 出勤 total
    wait_loaded(qtbot, page)
    assert page.model.days == 30
    page.month.set_month(OCT)  # 31 days: column 31 is day 31 again
    wait_loaded(qtbot, page)
    assert page.model.days == 31
    widths = {page.view.columnWidth(FIXED + day - 1) for day in range(1, 32)}
    assert widths == {AttendanceView.DAY_WIDTH}
    assert page.model.headerData(page.model.total_column(0), Qt.Orientation.Horizontal) == "出勤"


def test_fill_a_range_skipping_sundays(qtbot, page, db, workers, monkeypatch):
    from fupin_desktop.views.posts.attendance_page import FillDialog

    full, late = workers

    def fake_exec(dlg):
        assert (dlg.first.value(), dlg.last.value()) == (1, 31)  # nothing selected: whole month
        dlg.everyone.setChecked(True)
        return FillDialog.DialogCode.Accepted

    monkeypatch.setattr(FillDialog, "exec", fake_exec)
    page.fill()
    wait_loaded(qtbot, page)
    by_id = {row.assignment_id: row for row in month_grid(db, OCT).rows}
    sundays = [day for day in range(1, 32) if dt.date(2025, 10, day).weekday() == 6]
    assert all(by_id[full].marks[day - 1] == "." for day in sundays)
    assert by_id[full].present == 31 - len(sundays)
    assert by_id[late].marks[:15] == "." * 15  # before the start: left alone
    assert by_id[late].present == sum(1 for day in range(16, 32) if day not in sundays)
    assert _total(page, _row(page, full), 0) == str(31 - len(sundays))  # the grid was reloaded


def test_a_month_loads_in_a_worker_the_grid_takes_no_marks_meanwhile_and_the_newest_wins(
        qtbot, page, db, workers, monkeypatch):
    """Issue 11: the grid is read off the GUI thread. Marks typed before switching month are
    saved first (as before); while the next month loads the grid is greyed with 正在加载… and
    takes no marks (the arriving data would replace them); a month the clerk left before it
    arrived is dropped."""
    import threading
    import time

    from fupin_desktop.services.posts import attendance
    from fupin_desktop.views.common.tasks import running_tasks

    full, _late = workers
    nov, dec = dt.date(2025, 11, 1), dt.date(2025, 12, 1)
    release = threading.Event()
    real = attendance.month_grid

    def slow_grid(db_, month, *a, **k):
        if month == nov:
            release.wait(3)
        return real(db_, month, *a, **k)

    monkeypatch.setattr(attendance, "month_grid", slow_grid)
    r = _row(page, full)
    _go(qtbot, page, r, 1)
    qtbot.keyClick(page.view, Qt.Key.Key_1)  # typed, not saved yet
    assert page.model.pending
    start = time.monotonic()
    page.month.set_month(nov)
    assert time.monotonic() - start < 1.5  # the window did not wait for November
    assert month_grid(db, OCT).rows[_row(page, full)].marks[0] == "P"  # saved before leaving
    assert page.loader.pending and not page.view.isEnabled()
    assert "正在加载" in page.summary.text()
    assert not page.buttons["P"].isEnabled() and not page.fill_button.isEnabled()
    qtbot.wait(50)  # events flow while it loads
    page.mark([(r, 2)], "P")  # a mark that reaches the page anyway is refused
    assert not page.model.pending and page.model.grid.month == OCT

    page.month.set_month(dec)  # the clerk moves on before November arrived
    wait_loaded(qtbot, page)
    assert page.model.grid.month == dec and page.view.isEnabled()
    assert page.buttons["P"].isEnabled() and "正在加载" not in page.summary.text()
    release.set()  # November ends last: dropped
    qtbot.waitUntil(lambda: not running_tasks(), timeout=10_000)
    assert page.model.grid.month == dec and page.view.isEnabled()


def test_a_month_that_fails_to_load_leaves_the_grid_usable(qtbot, page, db, workers, monkeypatch):
    """The error is shown and the grid (still the month before) takes marks again."""
    from fupin_desktop.errors import UserError
    from fupin_desktop.services.posts import attendance

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))

    def broken(*_a, **_k):
        raise UserError("数据库暂时无法读取，请稍后重试")

    monkeypatch.setattr(attendance, "month_grid", broken)
    page.month.set_month(dt.date(2025, 11, 1))
    wait_loaded(qtbot, page)
    assert warnings and "无法读取" in warnings[0]
    assert page.view.isEnabled() and page.buttons["P"].isEnabled()
    assert "正在加载" not in page.summary.text()
