"""岗位 and 考核 pages: the post form names a missing wage next to its field and saves a good one;
an inspection's grade follows its score and a yellow flag gets its deadline; Ctrl+N / Enter act
on the page shown; the tab's title and file actions are in Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from fupin_desktop.services.posts.assignments import list_posts
from fupin_desktop.services.posts.inspections import list_inspections
from tests.unit import _posts_data as d

OCT = dt.date(2025, 10, 1)


@pytest.fixture
def tab(qtbot, db):
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.posts.tab import PostsTab

    create_app()
    t = PostsTab(AppContext(db))
    qtbot.addWidget(t)
    t.show()
    qtbot.waitExposed(t)
    return t


def test_tab_title_and_file_actions_are_chinese(tab):
    from fupin_desktop.views.posts.tab import PostsTab

    assert PostsTab.tab_title() == "公益性岗位"
    texts = [a.text() for a in tab.file_actions()]
    assert "导入上岗花名册…" in texts and "导入考勤表…" in texts
    assert [tab.pages.tabText(i) for i in range(tab.pages.count())] == [
        "岗位", "人员", "考勤", "考核", "工资"]


def test_new_post_form(qtbot, tab, db):
    with db.write() as s:
        d.village(s, "东风村")
    tab.refresh()
    page = tab.show_page("posts")
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Ctrl+N
    dlg = page.dialog
    qtbot.addWidget(dlg)
    dlg.form["name"].set_text("东风村护林员（后山）")
    dlg.form["post_type"].set_text("护林员")
    dlg.form["village_id"].widget.setCurrentIndex(1)
    dlg.accept()  # no wage standard yet
    assert dlg.isVisible()
    assert "补贴标准" in dlg.form["wage_standard"].error.text()
    assert list_posts(db) == []
    dlg.form["wage_standard"].set_text("650")
    dlg.accept()
    (p,) = list_posts(db)
    assert (p.name, p.post_type, p.village_name, p.wage_standard) == (
        "东风村护林员（后山）", "护林员", "东风村", Decimal("650.00"))
    assert page.model.rowCount() == 1 and page.current().id == p.id


def test_inspection_grade_follows_the_score_and_yellow_flag_gets_a_deadline(qtbot, tab, db):
    _mid, aid = d.worker(db, name="张三", start=dt.date(2025, 1, 1))
    page = tab.show_page("inspections")
    page.month.set_month(OCT)
    dlg = page.new_record()
    qtbot.addWidget(dlg)
    dlg.form["assignment_id"].set_value(aid)
    dlg.form["date"].set_text("2025-10-10")
    dlg.form["score"].widget.setText("")
    qtbot.keyClicks(dlg.form["score"].widget, "55")
    grade = dlg.form.layout.itemAt(4, dlg.form.layout.ItemRole.FieldRole).widget()
    assert grade.text() == "不合格"
    dlg.form["flag"].set_text("黄旗")
    dlg.accept()  # a yellow flag must name the problem
    assert dlg.isVisible() and dlg.form["problem"].error.text()
    dlg.form["problem"].set_text("河道垃圾未清理")
    dlg.accept()
    (i,) = list_inspections(db, month=OCT)
    assert (i.score, i.grade, i.flag) == (55, "不合格", "黄旗")
    assert i.deadline == dt.date(2025, 10, 17)  # the rule: 7 days after the inspection
    assert page.model.rowCount() == 1


def test_rectifying_a_yellow_flag_of_a_closed_month_asks_for_a_reason(qtbot, tab, db, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from fupin_desktop.services.posts.attendance import fill_range
    from fupin_desktop.services.posts.inspections import InspectionInput, add_inspection
    from fupin_desktop.services.posts.payroll import close_month, wage_run
    from fupin_desktop.views.posts import widgets as posts_widgets

    _mid, aid = d.worker(db, name="张三", start=dt.date(2025, 1, 1))
    fill_range(db, OCT, [aid], 1, 22, "√")
    add_inspection(db, InspectionInput(aid, dt.date(2025, 10, 3), "村支书", 70, "黄旗", "垃圾未清运",
                                       dt.date(2025, 10, 10)))
    close_month(db, OCT, today=dt.date(2025, 12, 1))
    page = tab.show_page("inspections")
    page.month.set_month(OCT)
    page.reload()
    page.table.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("2025-10-09", True))
    reasons = [None]
    monkeypatch.setattr(posts_widgets, "ask_written_reason", lambda *a, **k: reasons.pop(0))
    page.rectify_current()  # cancelled at the reason: nothing changes
    assert not list_inspections(db, month=OCT)[0].rectified
    reasons.append("整改记录漏登")
    page.rectify_current()
    assert list_inspections(db, month=OCT)[0].rectified
    (c,) = wage_run(db, OCT).corrections
    assert c.reason == "整改记录漏登" and c.amount == Decimal("50.00")


def test_posts_ledger_dialog_hands_its_choices_to_the_writer(qtbot, tab, db, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from fupin_desktop.views.posts import output

    with db.write() as s:
        d.village(s, "东风村")
        vid = d.village(s, "西岭村")
    villages = [(vid - 1, "东风村"), (vid, "西岭村")]
    calls = []
    monkeypatch.setattr(output, "print_kind", lambda parent, ctx, kind, **k: calls.append((kind, k)))

    def accept(dlg):
        assert (dlg.month.month(), dlg.village.currentData()) == (OCT, vid)  # the tab's choices
        assert dlg.month.isEnabled() and not dlg.year.isEnabled()
        dlg.kind.setCurrentIndex(dlg.kind.findData("wages-annual"))
        assert not dlg.month.isEnabled() and dlg.year.isEnabled()  # the 年度汇总 is per year
        dlg.xlsx.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(output.PostsLedgerDialog, "exec", accept)
    output.print_ledger(tab, tab.ctx, villages, OCT, vid)
    assert calls == [("wages-annual", {"month": None, "year": 2025, "village": (vid, "西岭村"),
                                        "ext": ".xlsx"})]


def test_enter_opens_and_delete_asks_for_a_reason(qtbot, tab, db, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from fupin_desktop.services.posts.assignments import PostInput, save_post
    from fupin_desktop.views.common import list_page

    _mid, _aid = d.worker(db, name="张三")  # a post with a holder
    free = save_post(db, PostInput(name="东风村护路员", post_type="护路员",
                                   wage_standard=Decimal("500"), village_id=list_posts(db)[0].village_id))
    page = tab.show_page("posts")
    page.reload(keep=free.id)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter opens the selected post
    assert page.dialog.isVisible() and "东风村护路员" in page.dialog.windowTitle()
    page.dialog.reject()

    reasons = [None, "岗位撤销"]
    monkeypatch.setattr(list_page, "ask_reason", lambda *a: reasons.pop(0))
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    tab.delete_current()  # no reason given: kept
    assert free.id in [p.id for p in list_posts(db)]
    tab.delete_current()
    assert [p.name for p in list_posts(db)] == ["东风村保洁员张三"]
    assert page.model.rowCount() == 1 and page.current().name == "东风村保洁员张三"

    reasons.append("重复")  # a post someone holds is refused, with the reason why
    tab.delete_current()
    assert len(shown) == 1 and "离岗" in shown[0]
    assert page.model.rowCount() == 1


def test_search_filters_the_loaded_rows_and_enter_goes_to_the_first_match(qtbot, tab, db):
    d.worker(db, name="张三", post_type="保洁员")
    d.worker(db, name="李四", post_type="护林员")
    page = tab.show_page("people")
    assert page.model.rowCount() == 2
    li = next(page.model.record(i) for i in range(2) if page.model.record(i).worker_name == "李四")
    page.focus_search()
    qtbot.keyClicks(page.search, li.id_number[-8:].lower())  # an x typed finds an X
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)  # after typing pauses
    assert page.count.text() == "1 条上岗记录"
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.table.hasFocus() and page.current().worker_name == "李四"
    posts = tab.show_page("posts")
    posts.reload()  # loaded with the tab, before the workers were added
    posts.search.setText("护林")
    qtbot.keyClick(posts.search, Qt.Key.Key_Return)
    assert [posts.model.record(i).post_type for i in range(posts.model.rowCount())] == ["护林员"]
