"""The 就医结算 page and form: derived figures update while amounts are typed, messages appear
next to their field, a save persists, a failed save keeps the typing, a stale edit is refused,
and the footer totals equal the rows the filter matches."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from fupin_desktop.domain.medical_totals import summarize
from fupin_desktop.services.medical import settlements as ms
from fupin_desktop.services.medical.period import Period


@pytest.fixture
def demo_db(any_db):
    """The demo township (with a year of settlements) on SQLite and, when set up, PostgreSQL.
    Made and used on a fixed day (mid-year: the year shown has settlements, incomes below the
    threshold), so that no test depends on today's date."""
    import time_machine

    from fupin_desktop.services.demo import generate_demo

    with time_machine.travel(dt.datetime(2026, 6, 15, 9, 0), tick=True):
        generate_demo(any_db, households=40, seed=7)
        yield any_db


@pytest.fixture
def tab(qtbot, demo_db):
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.medical.tab import MedicalTab

    create_app()
    t = MedicalTab(AppContext(demo_db))
    qtbot.addWidget(t)
    t.resize(1300, 800)
    t.show()
    qtbot.waitExposed(t)
    yield t
    # nothing may run on after the test: its database is gone by then
    from PySide6.QtCore import QThreadPool

    from fupin_desktop.views.common.widgets import MemberPicker

    for picker in t.findChildren(MemberPicker):
        picker.timer.stop()
    # the workers themselves: a task whose page was closed never reports back to the task set
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0, timeout=30000)


def _living_member(db):
    for ch in "王李张刘陈杨黄吴罗":
        for m in ms.search_members(db, ch, limit=50):
            if m.status == "正常":
                return m
    raise AssertionError("the demo has no living member")


def _new_dialog(qtbot, tab):
    tab.show_page("settlements")
    tab.settlements.table.setFocus()
    QTest.keyClick(tab.settlements.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(tab, "dialog", None) is not None and tab.dialog.isVisible(),
                    timeout=10_000)
    return tab.dialog


def _pick_by_id(qtbot, dlg, member) -> None:
    dlg.picker.widget.setFocus()
    QTest.keyClicks(dlg.picker.widget, member.id_number)
    qtbot.waitUntil(lambda: dlg.picker.chosen is not None, timeout=10_000)
    assert dlg.picker.chosen.id == member.id


def _type(field, text: str) -> None:
    """Type into a box, replacing its text (Chinese arrives through the input method)."""
    w = field.widget
    w.setFocus()
    w.selectAll()
    if text.isascii():
        QTest.keyClicks(w, text)
    else:
        w.insert(text)


def _fill_rest(dlg, number: str) -> None:
    dlg.form["hospital_name"].widget.insert("县人民医院")
    dlg.form["care_type"].widget.setCurrentText("住院")
    _type(dlg.form["admission_date"], "2025-03-01")
    _type(dlg.form["discharge_date"], "2025-03-08")
    _type(dlg.form["settlement_no"], number)
    _type(dlg.form["settlement_date"], "2025-03-08")


def test_derived_figures_follow_the_typing_and_save_persists(qtbot, tab, demo_db):
    dlg = _new_dialog(qtbot, tab)
    _pick_by_id(qtbot, dlg, member := _living_member(demo_db))
    assert member.household_code in dlg.picker.info.text()

    _type(dlg.form["total_cost"], "1000")
    assert dlg.self_paid_field.widget.text() == "1,000.00"
    assert dlg.ratio_field.widget.text() == ""  # no 政策范围内费用 yet: no ratio
    _type(dlg.form["policy_cost"], "800")
    assert dlg.ratio_field.widget.text() == "0.00%"
    _type(dlg.form["basic_insurance"], "600")
    assert (dlg.self_paid_field.widget.text(), dlg.ratio_field.widget.text()) == ("400.00", "75.00%")
    QTest.keyClicks(dlg.form["critical_insurance"].widget, "1")  # keystroke by keystroke
    assert dlg.self_paid_field.widget.text() == "399.00"
    QTest.keyClicks(dlg.form["critical_insurance"].widget, "00")
    assert (dlg.self_paid_field.widget.text(), dlg.ratio_field.widget.text()) == ("300.00", "87.50%")
    _type(dlg.form["other_support"], "0.005")  # a third decimal is a typo: refused, not counted
    assert dlg.payers_field.widget.text() == "700.00"
    assert "超过两位小数" in dlg.form.values()[1]["other_support"]
    _type(dlg.form["other_support"], "0.01")
    assert dlg.payers_field.widget.text() == "700.01"
    assert dlg.self_paid_field.widget.text() == "299.99"
    assert dlg.outside_field.widget.text() == "200.00"

    # payers above 总费用: the message sits next to 个人自付, while typing
    _type(dlg.form["medical_assistance"], "500")
    assert dlg.self_paid_field.widget.text() == "-200.01"
    assert not dlg.self_paid_field.error.isHidden()
    assert "超过总费用 1,000.00 元" in dlg.self_paid_field.error.text()
    _type(dlg.form["medical_assistance"], "0")
    assert dlg.self_paid_field.error.isHidden()

    _fill_rest(dlg, "GUI-2025-0001")
    assert "低于 2025 年住院目标比例 90.00%" in dlg.target_label.text()
    QTest.keyClick(dlg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dlg.settlement_id is not None, timeout=10_000)
    assert dlg.banner_box.isHidden()

    row = ms.get_settlement(demo_db, dlg.settlement_id)
    assert (row.member_id, row.settlement_no, row.care_type) == (member.id, "GUI-2025-0001", "住院")
    assert row.total_cost == Decimal("1000.00") and row.other_support == Decimal("0.01")
    assert row.self_paid == Decimal("299.99") and row.policy_ratio == Decimal("0.8750")
    assert row.below_target and row.source == "录入"
    # the list shows and selects it (the filter is this year by default: widen it first)
    tab.settlements.period.set_period(Period(2025, quarter=1))
    tab.settlements.select_id(row.id)
    assert tab.settlements.current().settlement_no == "GUI-2025-0001"


# the offscreen platform cannot raise a popup or grab the keyboard for it; it says so
@pytest.mark.qt_log_ignore("This plugin does not support raise",
                           "This plugin does not support grabbing the keyboard")
def test_popup_picks_a_member_by_name(qtbot, tab, demo_db):
    member = _living_member(demo_db)
    dlg = _new_dialog(qtbot, tab)
    dlg.picker.widget.setFocus()
    dlg.picker.widget.insert(member.name)  # Chinese text: typed through the input method
    popup = dlg.picker.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=10_000)
    row = next(i for i, m in enumerate(dlg.picker.matches) if m.id == member.id)
    for _ in range(row):  # the first match is highlighted already
        QTest.keyClick(popup, Qt.Key.Key_Down)
    QTest.keyClick(popup, Qt.Key.Key_Return)
    assert dlg.picker.chosen is not None and dlg.picker.chosen.id == member.id
    assert dlg.picker.widget.text() == f"{member.name}　{member.id_number}"
    # typing over a chosen member forgets it: nothing is guessed
    QTest.keyClick(dlg.picker.widget, Qt.Key.Key_Backspace)
    assert dlg.picker.chosen is None
    with pytest.raises(ValueError):
        dlg.picker.value()


def test_failed_save_keeps_the_typing_and_names_the_field(qtbot, tab, demo_db):
    existing = ms.list_settlements(demo_db, ms.SettlementFilter(limit=1))[0]
    before = ms.count_settlements(demo_db)
    dlg = _new_dialog(qtbot, tab)
    _pick_by_id(qtbot, dlg, _living_member(demo_db))
    _type(dlg.form["total_cost"], "1234.5")
    _type(dlg.form["policy_cost"], "2000")  # above 总费用
    _fill_rest(dlg, existing.settlement_no)  # a number already on file
    assert not dlg.save()

    assert "已存在" in dlg.form["settlement_no"].error.text()
    assert not dlg.form["settlement_no"].error.isHidden()
    assert "不能超过总费用" in dlg.form["policy_cost"].error.text()
    assert dlg.form["total_cost"].widget.text() == "1234.5"  # exactly as typed
    assert dlg.form["settlement_no"].widget.text() == existing.settlement_no
    assert "2" in dlg.banner.text() and not dlg.banner_box.isHidden()
    assert ms.count_settlements(demo_db) == before

    _type(dlg.form["policy_cost"], "1000")
    _type(dlg.form["settlement_no"], "GUI-NEW-1")
    assert dlg.save()
    assert ms.count_settlements(demo_db) == before + 1


def test_over_long_hospital_name_is_named_by_the_field_spec(qtbot, tab, demo_db):
    before = ms.count_settlements(demo_db)
    dlg = _new_dialog(qtbot, tab)
    _pick_by_id(qtbot, dlg, _living_member(demo_db))
    _type(dlg.form["total_cost"], "100")
    _fill_rest(dlg, "GUI-LONG-1")
    dlg.form["hospital_name"].widget.insert("医" * 100)  # 105 characters: the column holds 100
    assert not dlg.save()
    assert "“医疗机构名称”有 105 个字" in dlg.form["hospital_name"].error.text()
    assert dlg.form["hospital_name"].widget.text() == "县人民医院" + "医" * 100
    assert ms.count_settlements(demo_db) == before


def test_stale_edit_is_refused_and_keeps_the_typing(qtbot, tab, demo_db):
    from fupin_desktop.services.medical.settlement_edit import save_settlement

    tab.show_page("settlements")
    tab.settlements.table.setFocus()
    tab.settlements.table.selectRow(0)
    QTest.keyClick(tab.settlements.table, Qt.Key.Key_Return)  # Enter opens
    qtbot.waitUntil(lambda: getattr(tab, "dialog", None) is not None and tab.dialog.isVisible(),
                    timeout=10_000)
    dlg = tab.dialog
    row = tab.settlements.current()
    assert dlg.settlement_id == row.id
    # another clerk saves the same settlement first
    other = row.form_data()
    other["note"] = "他人修改"
    save_settlement(demo_db, other, row.id, row.version)

    _type(dlg.form["diagnosis"], "肺炎（复核）")
    assert not dlg.save()
    assert "该记录已被他人修改，请刷新后重试" in dlg.banner.text()
    assert not dlg.reload_button.isHidden()
    assert dlg.form["diagnosis"].widget.text() == "肺炎（复核）"
    assert ms.get_settlement(demo_db, row.id).diagnosis == row.diagnosis


def test_filters_and_footer_totals_match_the_rows(qtbot, tab, demo_db):
    page = tab.show_page("settlements")
    year = dt.date.today().year
    page.period.set_period(Period(year))
    all_rows = ms.list_settlements(demo_db, ms.SettlementFilter(period=Period(year)))
    assert page.model.rowCount() == len(all_rows) > 0
    t = summarize(all_rows)
    assert (page.totals.count, page.totals.self_paid, page.totals.medical_assistance) == \
        (t.count, t.self_paid, t.medical_assistance)
    assert f"{t.self_paid:,.2f}" in page.totals_label.text()

    page.below_check.setChecked(True)
    below = [r for r in all_rows if r.below_target]
    assert page.model.rowCount() == len(below) > 0
    assert all(page.model.record(i).below_target for i in range(page.model.rowCount()))
    assert page.totals.self_paid == sum((r.self_paid for r in below), Decimal("0.00"))

    page.below_check.setChecked(False)
    page.type_box.setCurrentIndex(page.type_box.findData("住院"))
    assert page.model.rowCount() == sum(r.care_type == "住院" for r in all_rows)
    first = page.model.record(0)
    page.table.setFocus()
    QTest.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Ctrl+F
    assert page.search.hasFocus()
    QTest.keyClicks(page.search, first.settlement_no)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.current().id == first.id


def test_delete_asks_for_a_reason_and_hides_the_row(qtbot, tab, demo_db, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    page = tab.show_page("settlements")
    page.period.set_period(None)
    row = page.current()
    count = page.model.rowCount()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("重复录入", True)))
    tab.delete_current()
    assert page.model.rowCount() == count - 1
    assert ms.get_settlement(demo_db, row.id).deleted


def test_save_and_new_keeps_the_hospital_and_clears_the_person_and_amounts(qtbot, tab, demo_db):
    dlg = _new_dialog(qtbot, tab)
    _pick_by_id(qtbot, dlg, _living_member(demo_db))
    _type(dlg.form["total_cost"], "300")
    _fill_rest(dlg, "GUI-SN-1")
    dlg.save_new_button.click()
    saved = ms.list_settlements(demo_db, ms.SettlementFilter(text="GUI-SN-1"))
    assert [r.total_cost for r in saved] == [Decimal("300.00")]
    assert dlg.settlement_id is None and dlg.windowTitle() == "新增就医结算"
    assert dlg.form["hospital_name"].widget.text() == "县人民医院"
    assert dlg.form["care_type"].text() == "住院"
    assert dlg.form["settlement_date"].widget.text() == "2025-03-08"
    assert dlg.picker.chosen is None and dlg.picker.widget.text() == ""
    assert dlg.form["total_cost"].widget.text() == "" and dlg.form["settlement_no"].text() == ""
    assert dlg.self_paid_field.widget.text() == ""


def test_changes_made_elsewhere_show_when_the_tab_is_shown_again(qtbot, tab, demo_db):
    from fupin_desktop.services.medical.settlement_edit import save_settlement

    page = tab.show_page("settlements")
    page.period.set_period(None)
    count = page.model.rowCount()
    tab.hide()  # the clerk works in another tab, e.g. imports there
    save_settlement(demo_db, {"member_id": _living_member(demo_db).id, "hospital_name": "县医院",
                              "care_type": "门诊", "settlement_no": "ELSEWHERE-1",
                              "settlement_date": dt.date.today(), "total_cost": "10"})
    tab.ctx.changed.emit("medical", [])
    assert page.model.rowCount() == count  # nothing is queried for a hidden tab
    tab.show()
    qtbot.waitExposed(tab)
    assert page.model.rowCount() == count + 1


def test_settlements_of_a_deleted_household_are_listed_marked(qtbot, tab, demo_db):
    from fupin_desktop.services.households.edit import remove_household

    year = dt.date.today().year
    rows = ms.list_settlements(demo_db, ms.SettlementFilter(period=Period(year)))
    victim = rows[0]
    remove_household(demo_db, victim.household_id, "测试删除")
    page = tab.show_page("settlements")
    page.period.set_period(Period(year))
    page.reload()
    assert page.model.rowCount() == len(rows)  # the money was paid: still listed
    col = next(i for i, c in enumerate(page.model.columns) if c.key == "display_name")
    shown = {page.model.index(i, col).data() for i in range(page.model.rowCount())
             if page.model.record(i).household_id == victim.household_id}
    assert f"{victim.member_name}（已删除）" in shown
    assert all(name.endswith("（已删除）") for name in shown)
