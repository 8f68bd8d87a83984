"""工资 page: the month's wages with each line of the computation, 结账并打印花名册 (close the
month, print the payroll PDF with embedded fonts whose total is the database's), and the rules
dialog (a changed rule changes the preview; a bad value is named and nothing is saved)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import select

from fupin_desktop.models import AuditLog, Setting
from fupin_desktop.models.posts import WageRun
from fupin_desktop.reports.pdfcheck import all_fonts_embedded, extract_text
from fupin_desktop.services.posts.attendance import set_marks
from fupin_desktop.services.posts.payroll import is_month_closed
from fupin_desktop.views.common import print_preview
from tests.gui.waiting import wait_loaded
from tests.unit import _posts_data as d

OCT = dt.date(2025, 10, 1)


@pytest.fixture
def db(any_db):
    """These tests run on SQLite and, with FUPIN_TEST_PG_URL, on PostgreSQL too."""
    return any_db


@pytest.fixture
def workers(db):
    zhang = d.worker(db, name="张三", standard="440.00", required_days=22)[1]
    wang = d.worker(db, name="王五", standard="500.00", required_days=22)[1]
    li = d.worker(db, name="李四", standard="300.00")[1]  # no attendance entered
    # 张三: 20 days present, 2 absent → 440 − 2 × (440 ÷ 22 × 2) = 360.00
    set_marks(db, OCT, [(zhang, day, "P") for day in range(1, 21)] + [(zhang, 21, "A"), (zhang, 22, "A")])
    # 王五: 22 days present → 500.00
    set_marks(db, OCT, [(wang, day, "P") for day in range(1, 23)])
    return zhang, wang, li


@pytest.fixture
def page(qtbot, db, workers, monkeypatch):
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.posts.tab import PostsTab

    create_app()
    tab = PostsTab(AppContext(db))
    qtbot.addWidget(tab)
    tab.resize(1300, 760)
    tab.show()
    qtbot.waitExposed(tab)
    p = tab.show_page("wages")
    p.month.set_month(OCT)
    _loaded(qtbot, p)
    p.tab = tab
    p.opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: p.opened.append(url.toLocalFile()))

    def preview(parent, path, title=""):  # a generated PDF opens in the print preview
        assert Path(path).is_file()
        p.opened.append(str(path))

    monkeypatch.setattr(print_preview, "show_preview", preview)
    return p


def _loaded(qtbot, page):
    """The month's wages are computed off the GUI thread: wait until the page shows them."""
    qtbot.waitUntil(lambda: not page.loader.pending and page.run is not None, timeout=10_000)


def _slip_row(page, name):
    return next(i for i, s in enumerate(page.model.rows) if s.worker_name == name)


def test_preview_shows_every_line_and_totals_are_the_sum(qtbot, page):
    assert not page.run.closed and "试算" in page.state.text()
    assert {s.worker_name: s.amount for s in page.model.rows} == {
        "张三": Decimal("360.00"), "王五": Decimal("500.00"), "李四": Decimal("0.00")}
    page.table.selectRow(_slip_row(page, "张三"))
    lines = page.lines_model.rows
    assert [ln.amount for ln in lines] == [Decimal("440.00"), Decimal("-80.00")]
    assert "旷工" in lines[1].label and lines[1].quantity == "2"
    assert "360.00" in page.lines_sum.text()
    amount_col = next(i for i, c in enumerate(page.model.columns) if c.key == "amount")
    assert page.model.index(_slip_row(page, "张三"), amount_col).data() == "360.00"
    # 李四 has no attendance: his cell says so rather than showing a payable-looking 0.00
    assert page.model.index(_slip_row(page, "李四"), amount_col).data() == "未录入考勤"
    assert "实发 860.00" in page.totals.text()  # 360 + 500 + 0, to the fen
    assert "李四" in page.warning.text()  # nobody entered his attendance


def test_close_month_and_print_the_payroll(qtbot, page, db, tmp_path, monkeypatch):
    asked = []

    def question(_parent, _title, text, *a, **k):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    out = tmp_path / "花名册.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    page.close_button.click()
    qtbot.waitUntil(lambda: bool(page.opened), timeout=30000)
    _loaded(qtbot, page)
    qtbot.waitUntil(lambda: page.run.closed, timeout=10_000)  # reloaded after the close
    assert len(asked) == 2 and "860.00" in asked[0] and "李四" in asked[1]  # confirm, then missing
    assert page.opened == [str(out)]
    assert is_month_closed_db(db, OCT)
    with db.read() as s:
        total = s.scalar(select(WageRun.total).where(WageRun.month == OCT))
    assert total == Decimal("860.00")
    assert all_fonts_embedded(out)
    text = extract_text(out)
    assert "张三" in text and "王五" in text and "已关账" in text
    assert f"{total:,.2f}" in text
    # the page now shows the stored run; the month cannot be closed twice
    assert page.run.closed and "关账" in page.state.text()
    assert not page.close_button.isEnabled()
    # and the attendance of the month asks for a reason from now on
    att = page.tab.show_page("attendance")
    att.month.set_month(OCT)
    att.reload()
    wait_loaded(qtbot, att)  # the grid is read in a worker
    assert att.model.grid.closed and att.banner.isVisible()


def is_month_closed_db(db, month) -> bool:
    with db.read() as s:
        return is_month_closed(s, month)


def test_cancelling_the_confirmation_closes_nothing(qtbot, page, db, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: pytest.fail("no file is asked for"))
    assert page.close_and_print() is None
    assert not is_month_closed_db(db, OCT)


def test_rules_dialog_changes_the_preview_and_names_a_bad_value(qtbot, page, db):
    from fupin_desktop.views.posts.rules_dialog import PostRulesDialog

    dlg = PostRulesDialog(page.ctx, page)
    qtbot.addWidget(dlg)
    ed = dlg.editors["posts.absent_day_deduction"].parts[""]
    ed.setText("abc")
    dlg.accept()
    assert dlg.errors["posts.absent_day_deduction"].isVisibleTo(dlg)
    assert "金额" in dlg.errors["posts.absent_day_deduction"].text()
    with db.read() as s:
        assert s.get(Setting, "posts.absent_day_deduction") is None  # nothing saved
    ed.setText("30")
    dlg.reason.setText("乡镇会议决定")
    dlg.accept()
    assert dlg.result() == dlg.DialogCode.Accepted
    with db.read() as s:  # only the changed rule was written, with the clerk's reason
        assert s.scalars(select(Setting.key).where(Setting.key.like("posts.%"))).all() == [
            "posts.absent_day_deduction"]
        reasons = s.scalars(select(AuditLog.reason).where(AuditLog.table_name == "settings")).all()
    assert "乡镇会议决定" in reasons
    page.reload()
    _loaded(qtbot, page)
    assert {s.worker_name: s.amount for s in page.model.rows}["张三"] == Decimal("380.00")


@pytest.mark.parametrize("button", ["payroll_button", "notice_button"])
def test_printing_a_payroll_with_missing_attendance_asks_first(qtbot, page, tmp_path, monkeypatch,
                                                               button):
    asked, answer = [], [QMessageBox.StandardButton.No]

    def question(_parent, _title, text, *a, **k):
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)
    out = tmp_path / "p.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    getattr(page, button).click()
    assert len(asked) == 1 and "李四" in asked[0] and "未录入考勤" in asked[0]
    assert not out.exists() and page.opened == []  # “No”: nothing printed
    answer[0] = QMessageBox.StandardButton.Yes
    getattr(page, button).click()
    qtbot.waitUntil(lambda: bool(page.opened), timeout=30000)
    text = extract_text(out)
    assert "未录入" in text and "李四" in text


def test_printing_a_complete_month_does_not_ask(qtbot, page, db, tmp_path, monkeypatch, workers):
    set_marks(db, OCT, [(workers[2], day, "P") for day in range(1, 23)])
    page.reload()
    _loaded(qtbot, page)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("nothing to confirm"))
    out = tmp_path / "p.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    page.payroll_button.click()
    qtbot.waitUntil(lambda: bool(page.opened), timeout=30000)
    assert out.exists()
