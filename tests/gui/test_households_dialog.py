"""The household dialog: open with Enter, edit and save, a stale edit, validation that keeps the
typing, a new household, income computed while typing, members marked 迁出, measures, settings."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from fupin_desktop.services.households import edit as households, registry
from fupin_desktop.services import settings
from tests.gui.waiting import wait_loaded


@pytest.fixture
def demo_db(any_db):
    """The demo township on SQLite and, with FUPIN_TEST_PG_URL, on PostgreSQL."""
    from fupin_desktop.services.demo import generate_demo

    generate_demo(any_db, households=40, seed=7)
    return any_db


@pytest.fixture
def tab(qtbot, demo_db):
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.households.tab import HouseholdsTab

    create_app()
    t = HouseholdsTab(AppContext(demo_db))
    qtbot.addWidget(t)
    t.resize(1300, 800)
    t.show()
    qtbot.waitExposed(t)
    wait_loaded(qtbot, t)  # the register is read in a worker once shown
    return t


def _open(qtbot, tab, row: int = 0, monitored: bool | None = None):
    if monitored is not None:
        box = tab.filters.category_box
        box.setCurrentIndex(box.findData("__any__" if monitored else "__none__"))
        wait_loaded(qtbot, tab)
    tab.table.setFocus()
    tab.table.selectRow(row)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)  # Enter opens
    qtbot.waitUntil(lambda: getattr(tab, "dialog", None) is not None and tab.dialog.isVisible(),
                    timeout=10_000)
    return tab.dialog


def _type(field, text: str) -> None:
    w = field.widget
    w.setFocus()
    if hasattr(w, "selectAll"):
        w.selectAll()
    w.insert(text) if hasattr(w, "insert") else w.setPlainText(text)


def _ctrl_s(qtbot, dlg) -> None:
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow, timeout=10_000)
    target = dlg.focusWidget() or dlg
    qtbot.keyClick(target, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def test_enter_opens_the_selected_household(qtbot, tab, demo_db):
    dlg = _open(qtbot, tab, row=5)
    hid = tab.model.id_at(5)
    assert dlg.form.id == hid
    assert dlg.basic["code"].text() == registry.rows(demo_db, [hid])[0].code
    assert dlg.members.model.rowCount() == len(households.load_household(demo_db, hid).members)


def test_edit_and_save_persists_and_updates_the_table(qtbot, tab, demo_db):
    dlg = _open(qtbot, tab, row=2)
    hid, version = dlg.form.id, dlg.form.version
    _type(dlg.basic["helper_name"], "张新帮")
    _type(dlg.basic["bank_account"], "6228480402564890018")
    _ctrl_s(qtbot, dlg)
    saved = households.load_household(demo_db, hid)
    assert saved.helper_name == "张新帮"
    assert saved.bank_account == "6228480402564890018"  # text end to end
    assert saved.version == version + 1
    assert dlg.isVisible() and dlg.form.version == version + 1  # stays open, ready for more
    assert "保存" in dlg.status.text()
    col = next(i for i, c in enumerate(tab.model.columns) if c.key == "helper_name")
    qtbot.waitUntil(lambda: tab.model.index(tab.model.row_of(hid), col).data() == "张新帮",
                    timeout=10_000)


def test_stale_edit_shows_conflict_and_keeps_typing(qtbot, tab, demo_db):
    dlg = _open(qtbot, tab, row=3)
    hid = dlg.form.id
    # another clerk saves the same household meanwhile
    other = households.load_household(demo_db, hid)
    households.save_household(demo_db, dataclasses.replace(other, address="别人改的地址"))
    _type(dlg.basic["helper_name"], "我的修改")
    _type(dlg.basic["address"], "我填的地址")
    assert dlg.save() is False
    assert dlg.isVisible()
    assert dlg.banner_box.isVisible()
    assert "该记录已被他人修改" in dlg.banner.text() and "请刷新后重试" in dlg.banner.text()
    assert dlg.reload_button.isVisible()
    assert dlg.basic["helper_name"].text() == "我的修改"  # nothing typed is lost
    assert dlg.basic["address"].text() == "我填的地址"
    stored = households.load_household(demo_db, hid)
    assert stored.address == "别人改的地址" and stored.helper_name != "我的修改"


def test_validation_message_next_to_the_field_and_typing_kept(qtbot, tab, demo_db):
    dlg = _open(qtbot, tab, monitored=True)
    hid, before = dlg.form.id, households.load_household(demo_db, dlg.form.id)
    dlg.basic["monitoring_date"].set_text("")  # a monitored household needs this date
    _type(dlg.basic["group_name"], "三组")
    _type(dlg.basic["family_size"], "abc")  # not a number: caught before the service
    assert dlg.save() is False
    assert dlg.basic["family_size"].error.isVisible()
    assert "整数" in dlg.basic["family_size"].error.text()
    _type(dlg.basic["family_size"], "4")
    assert dlg.save() is False
    err = dlg.basic["monitoring_date"].error
    assert err.isVisible() and "识别监测时间" in err.text()
    assert dlg.basic["group_name"].text() == "三组"
    assert households.load_household(demo_db, hid) == before  # nothing written
    dlg.basic["monitoring_date"].set_text("2024-03-01")
    assert dlg.save() is True
    assert households.load_household(demo_db, hid).group_name == "三组"
    assert not dlg.basic["monitoring_date"].error.isVisible()


@pytest.mark.parametrize("code", ["522799000000000001", "新H-001"])
def test_new_household_with_ctrl_n(qtbot, tab, demo_db, code):
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(tab, "dialog", None) is not None and tab.dialog.isVisible(),
                    timeout=10_000)
    dlg = tab.dialog
    assert dlg.form.id is None
    assert not dlg.members.isEnabled()  # members come after the household exists
    vid, _name = registry.village_choices(demo_db)[1]
    _type(dlg.basic["code"], code)
    dlg.basic["village_id"].set_value(vid)
    dlg.basic["household_type"].set_value("一般农户")
    assert dlg.save() is True
    assert dlg.form.id is not None and dlg.members.isEnabled()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 41, timeout=10_000)
    assert tab.current_id() == dlg.form.id
    assert dlg.form.code == code and "新增" not in dlg.windowTitle()


def test_income_computed_while_typing_and_saved(qtbot, tab, demo_db):
    dlg = _open(qtbot, tab, row=1)
    dlg.show_page("income")
    year = max([i.year for i in dlg.form.incomes] + [2000]) + 1
    dlg.income.add_year(year)
    f = dlg.income.form
    f["persons"].set_text("")
    _type(f["persons"], "3")
    _type(f["wage_income"], "12,000")
    _type(f["business_income"], "3000.5")
    _type(f["business_expense"], "1,000元")
    assert dlg.income.net_label.text() == "14,000.50"
    assert dlg.income.pc_label.text() == "4,666.83"  # 14000.50 / 3, half-up
    threshold = settings.monitoring_threshold(demo_db, year)
    assert dlg.income.threshold_label.text() == f"{threshold:,.2f}"
    assert (dlg.income.verdict.text() == "低于监测线") == (Decimal("4666.83") < threshold)
    assert dlg.save() is True
    inc = next(i for i in households.load_household(demo_db, dlg.form.id).incomes if i.year == year)
    assert inc.net_income == Decimal("14000.50") and inc.per_capita_income == Decimal("4666.83")


def test_mark_member_moved_out_keeps_the_record(qtbot, tab, demo_db):
    dlg = _open(qtbot, tab, row=4)
    dlg.show_page("members")
    page = dlg.members
    page.table.selectRow(page.model.rowCount() - 1)
    member = page.current()
    sd = page.mark_status()
    sd.form["status"].set_value("迁出")
    _type(sd.form["status_date"], "2024-05-06")
    _type(sd.form["status_note"], "迁往贵阳")
    sd.accept()
    assert not sd.isVisible()
    stored = next(m for m in households.load_household(demo_db, dlg.form.id).members
                  if m.id == member.id)
    assert (stored.status, stored.status_date) == ("迁出", dt.date(2024, 5, 6))
    assert any(m.id == member.id and m.status == "迁出" for m in page.model.rows)  # still listed


def test_member_with_bad_id_is_refused_next_to_the_field(qtbot, tab, demo_db):
    dlg = _open(qtbot, tab, row=6)
    n = len(dlg.form.members)
    dlg.show_page("members")
    dlg.members.add()
    md = dlg.members.dialog
    _type(md.form["name"], "王小明")
    from fupin_desktop.domain.idcard import check_char

    body = "52272720100101001"
    wrong = "0" if check_char(body) != "0" else "1"
    _type(md.form["id_number"], body + wrong)  # wrong check character
    md.form["relation"].set_value("之子")
    md.accept()
    assert md.isVisible()
    assert md.form["id_number"].error.isVisible()
    assert "校验" in md.form["id_number"].error.text()
    assert md.form["name"].text() == "王小明"  # the typing stays
    md.form["id_number"].set_text(body + check_char(body))
    md.accept()
    assert not md.isVisible(), md.banner.text()
    assert len(households.load_household(demo_db, dlg.form.id).members) == n + 1
    assert dlg.members.model.rowCount() == n + 1


def test_stale_member_edit_keeps_the_small_dialog_open(qtbot, tab, demo_db):
    dlg = _open(qtbot, tab, row=8)
    dlg.show_page("members")
    dlg.members.table.selectRow(0)
    dlg.members.edit_current()
    md = dlg.members.dialog
    member = md.record
    households.update_member(demo_db, dataclasses.replace(member, education="大专"))  # other clerk
    _type(md.form["health"], "残疾")
    md.accept()
    assert md.isVisible() and "该记录已被他人修改" in md.banner.text()
    assert md.form["health"].text() == "残疾"
    stored = next(m for m in households.load_household(demo_db, dlg.form.id).members
                  if m.id == member.id)
    assert stored.education == "大专" and stored.health != "残疾"
    md.reject()
    # closing the small dialog reloads the list: it now shows the other clerk's version
    assert next(m for m in dlg.members.model.rows if m.id == member.id).education == "大专"


def test_add_measure_and_visit(qtbot, tab, demo_db):
    dlg = _open(qtbot, tab, row=7)
    hid = dlg.form.id
    before = households.load_household(demo_db, hid)
    dlg.show_page("measures")
    dlg.measures.add()
    md = dlg.measures.dialog
    md.form["category"].set_value("产业帮扶")
    _type(md.form["date"], "2024年3月")
    _type(md.form["content"], "发放鸡苗50只")
    _type(md.form["amount"], "1,250.00")
    md.accept()
    assert not md.isVisible(), md.banner.text()
    after = households.load_household(demo_db, hid)
    assert len(after.measures) == len(before.measures) + 1
    new = next(m for m in after.measures if m.content == "发放鸡苗50只")
    assert new.amount == Decimal("1250.00") and new.date == dt.date(2024, 3, 1)
    assert dlg.measures.model.rowCount() == len(after.measures)
    dlg.show_page("visits")
    dlg.visits.add()
    vd = dlg.visits.dialog
    _type(vd.form["date"], "2024-04-02")
    _type(vd.form["visitor"], "李干部")
    _type(vd.form["findings"], "家中老人住院")
    vd.accept()
    assert not vd.isVisible(), vd.banner.text()
    assert len(households.load_household(demo_db, hid).visits) == len(before.visits) + 1


def test_settings_dialog_edits_thresholds_per_year(qtbot, ctx):
    from fupin_desktop.views.households.settings_dialog import HouseholdSettingsDialog

    dlg = HouseholdSettingsDialog(ctx)
    qtbot.addWidget(dlg)
    known = settings.monitoring_thresholds(ctx.db)
    assert dlg.table.rowCount() == len(known)
    dlg.add_year()
    new_year = max(known) + 1
    dlg.table.item(dlg.table.rowCount() - 1, 1).setText("8,100")
    dlg.edits[settings.TOWNSHIP].setText("清河镇")
    dlg.save()
    assert settings.monitoring_thresholds(ctx.db)[new_year] == Decimal("8100.00")
    assert settings.get(ctx.db, settings.TOWNSHIP) == "清河镇"

    dlg2 = HouseholdSettingsDialog(ctx)
    qtbot.addWidget(dlg2)
    dlg2.show()
    dlg2.table.item(0, 1).setText("abc")
    dlg2.save()
    assert dlg2.error_label.isVisible() and "金额" in dlg2.error_label.text()
    assert dlg2.isVisible()  # stays open with the table as typed
    assert dlg2.table.item(0, 1).text() == "abc"
    assert settings.monitoring_thresholds(ctx.db) == {**known, new_year: Decimal("8100.00")}


def test_a_visit_in_a_closed_archive_year_is_saved_only_as_a_correction(qtbot, tab, demo_db):
    from PySide6.QtCore import QTimer
    from sqlalchemy import select

    from fupin_desktop.models import ArchiveYear, AuditLog

    with demo_db.write() as s:
        year = s.scalar(select(ArchiveYear).where(ArchiveYear.year == 2024))
        if year is None:
            s.add(ArchiveYear(year=2024, closed=True))
        else:
            year.closed = True
    dlg = _open(qtbot, tab, row=7)
    hid = dlg.form.id
    before = len(households.load_household(demo_db, hid).visits)
    dlg.show_page("visits")

    def add_visit(reason):
        dlg.visits.add()
        vd = dlg.visits.dialog
        _type(vd.form["date"], "2024-04-02")
        _type(vd.form["visitor"], "李干部")
        _type(vd.form["findings"], "补录的走访")
        seen = []

        def answer():
            prompt = vd.correction_dialog
            seen.append(prompt.ok_button.isEnabled())  # no reason written yet
            if reason is None:
                prompt.reject()
            else:
                prompt.reason_edit.setPlainText(reason)
                seen.append(prompt.ok_button.isEnabled())
                prompt.ok_button.click()

        QTimer.singleShot(0, answer)
        vd.accept()
        return vd, seen

    vd, seen = add_visit(None)  # cancelled: nothing saved, the typing and the refusal stay
    assert seen == [False]
    assert vd.isVisible() and "2024年度档案已关闭" in vd.banner.text()
    assert vd.form["visitor"].value() == "李干部"
    assert len(households.load_household(demo_db, hid).visits) == before
    vd.reject()
    vd, seen = add_visit("漏录的走访记录")
    assert seen == [False, True]
    assert not vd.isVisible(), vd.banner.text()
    assert len(households.load_household(demo_db, hid).visits) == before + 1
    with demo_db.read() as s:
        assert s.scalar(select(AuditLog.reason).where(AuditLog.table_name == "visits")
                        .order_by(AuditLog.id.desc()).limit(1)) == "更正：漏录的走访记录"
