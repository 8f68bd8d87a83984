"""问题整改 page and 入户排查 form (issue 15), driven like a clerk with qtbot."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QMessageBox

from fupin_desktop.services.problems import tracking as ps
from fupin_desktop.services.problems import survey as svc

from ..unit._problems_data import CODES, make_register
from .waiting import wait_loaded


@pytest.fixture
def reg(db):
    make_register(db)
    return db


@pytest.fixture
def page(qtbot, qapp, reg):
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.problems.tab import ProblemsTab

    create_app()  # the app's font and translations
    ctx = AppContext(reg)
    tab = ProblemsTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1300, 700)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def test_problem_page_filters_marks_overdue_red_and_moves_a_problem_to_closed(qtbot, page, reg, tmp_path):
    late = ps.add_problem(reg, household_code=CODES[0], category="住房安全", text="屋顶漏雨",
                          due=dt.date(2026, 3, 1))
    ps.add_problem(reg, household_code=CODES[2], category="饮水安全", text="水量不足",
                   due=dt.date(2026, 9, 1))
    page.today = dt.date(2026, 5, 1)
    page.refresh()
    m = page.model
    assert m.rowCount() == 2
    red = m.index(0, m.COL_STATUS).data(Qt.ItemDataRole.ForegroundRole)
    assert m.rows[0].id == late and red is not None and red.color().name() == "#c62828"
    assert m.index(1, m.COL_STATUS).data(Qt.ItemDataRole.ForegroundRole) is None
    assert "逾期" in m.index(0, m.COL_STATUS).data()
    page.overdue_box.setChecked(True)
    assert [r.id for r in m.rows] == [late]
    page.overdue_box.setChecked(False)
    page.village_box.setCurrentIndex(page.village_box.findData("新寨村"))
    assert [r.household for r in m.rows] == [CODES[2]]
    page.village_box.setCurrentIndex(0)
    page.responsible_box.setCurrentIndex(page.responsible_box.findData("付帅"))
    assert [r.id for r in m.rows] == [late]
    page.responsible_box.setCurrentIndex(0)

    # bulk deadline for both
    page.table.selectAll()
    from fupin_desktop.views.problems.tab import ActionDialog, DeadlineDialog

    dd = DeadlineDialog(2, page)
    dd.due.setDate(QDate(2026, 12, 31))
    page.set_deadline(dd)
    assert {r.due for r in m.rows} == {dt.date(2026, 12, 31)} and not any(r.overdue for r in m.rows)

    page.select_id(late)
    page.run_action("start")
    from PIL import Image

    Image.new("RGB", (20, 20), "white").save(tmp_path / "photo.png")
    dlg = ActionDialog("resolve", 1, page)
    dlg.note.setPlainText("已修缮")
    dlg.files.append(str(tmp_path / "photo.png"))
    page.select_id(late)
    page.run_action("resolve", dlg)
    dlg = ActionDialog("close", 1, page)
    dlg.note.setPlainText("核验属实")
    dlg.confirmer.setText("王核验")
    page.select_id(late)
    page.run_action("close", dlg)
    row = next(r for r in m.rows if r.id == late)
    assert row.status == "已销号"
    page.select_id(late)
    history = page.history.toPlainText()
    for step in ("登记问题", "开始整改", "整改完成", "核验销号", "王核验", "已修缮"):
        assert step in history
    assert page.evidence.count() == 1 and "photo.png" in page.evidence.item(0).text()
    assert "龙潭村" in page.progress_label.text()
    page.grab().save(str(tmp_path / "problems_page.png"))


def test_survey_form_is_prefilled_saves_answers_and_creates_problems(qtbot, qapp, reg, monkeypatch, tmp_path,
                                                                     time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 9, 0), tick=True)
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.problems.survey_dialog import SurveyDialog

    create_app()
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    svc.save_survey(reg, svc.SurveyInput(CODES[1], dt.date(2025, 4, 1), "旧排查", {"F1": "是"}))
    dlg = SurveyDialog(reg, CODES[1])
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    # the register's answers are there already, marked as such
    h1 = dlg.inputs["H1"]
    assert isinstance(h1, QComboBox) and h1.currentData() == "否" and h1.styleSheet()
    assert dlg.inputs["F1"].currentData() == "是"
    assert dlg.inputs["F2"].currentData() is None
    # the household's earlier survey is listed; selecting it shows its answers
    assert dlg.history.count() == 1 and "旧排查" in dlg.history.item(0).text()
    dlg.history.setCurrentRow(0)
    assert "家庭成员是否吃得饱" in dlg.old_answers.toPlainText()
    dlg.grab().save(str(tmp_path / "survey_form.png"))

    dlg.date.setDate(QDate(2026, 4, 20))
    dlg.visitors.setText("王芳 李军")
    dlg.set_answer("W1", "否")
    dlg.notes.setPlainText("水窖渗漏")
    dlg.save()
    assert dlg.result() == dlg.DialogCode.Accepted and len(dlg.saved.problems) == 2  # H1, W1
    rows = svc.list_surveys(reg, CODES[1])
    assert rows[0].date == dt.date(2026, 4, 20) and rows[0].answers["W1"] == "否"
    assert sorted(rows[0].problem_answers) == ["H1", "W1"]
    probs = ps.list_problems(reg, ps.ProblemFilter(source="入户排查"))
    assert sorted(p.category for p in probs) == ["住房安全", "饮水安全"]


def test_survey_form_without_visitors_shows_the_message_and_saves_nothing(qtbot, qapp, reg, monkeypatch):
    from fupin_desktop.views.problems import survey_dialog

    shown = []
    monkeypatch.setattr(survey_dialog, "show_error", lambda parent, exc: shown.append(str(exc)))
    dlg = survey_dialog.SurveyDialog(reg, CODES[0])
    qtbot.addWidget(dlg)
    dlg.save()
    assert shown and "排查人员" in shown[0]
    assert svc.list_surveys(reg, CODES[0]) == []


def test_households_tab_opens_the_survey_form_and_main_window_has_the_page(qtbot, window_for, reg):
    w = window_for(reg)
    titles = [w.tabs.tabText(i) for i in range(w.tabs.count())]
    assert "问题整改" in titles
    tab = w.show_tab("HouseholdsTab")
    wait_loaded(qtbot, tab)
    tab.select_id(tab.model.ids[0])
    tab.survey_action.trigger()
    assert tab.survey_dialog is not None and tab.survey_dialog.code in CODES
    tab.survey_dialog.reject()
