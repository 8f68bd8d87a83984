"""Login dialog, idle lock, role gating and masked lists in the GUI (issue 13)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit
from sqlalchemy import select

from fupin_desktop.models import AuditLog
from fupin_desktop.services.users import accounts as users
from fupin_desktop.views.accounts import LoginDialog

FULL_ID = re.compile(r"^\d{17}[\dX]$")


@pytest.fixture
def office(demo_db):
    users.add_user(demo_db, "boss", "admin", "boss-pass-1")
    users.login(demo_db, "boss", "boss-pass-1")
    users.add_user(demo_db, "li", "clerk", "li-pass-1")
    users.add_user(demo_db, "wang", "auditor", "wang-pass-1")
    return demo_db


def test_login_dialog_keeps_the_reason_until_the_password_is_right(qtbot, office):
    dlg = LoginDialog(office)
    qtbot.addWidget(dlg)
    dlg.name_edit.setText("li")
    dlg.password_edit.setText("wrong-password")
    dlg._try()
    assert dlg.result() != QDialog.DialogCode.Accepted
    assert dlg.error_label.text() == "用户名或密码错误。"
    assert dlg.password_edit.text() == ""  # cleared, the name stays
    dlg.password_edit.setText("li-pass-1")
    dlg._try()
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert (office.user, office.role) == ("li", "clerk")
    # the name is remembered for next time, the password is not
    again = LoginDialog(office)
    qtbot.addWidget(again)
    assert again.name_edit.text() == "li" and again.password_edit.text() == ""


def test_single_user_mode_says_login_is_not_enabled(window_for, demo_db):
    w = window_for(demo_db)
    assert w.accounts.label.text() == "未启用登录"
    assert w.accounts.users_action.isVisible()
    assert not w.accounts.lock_action.isVisible()


def test_status_bar_names_user_and_role(window_for, office):
    users.login(office, "li", "li-pass-1")
    w = window_for(office)
    assert w.accounts.label.text() == "当前用户：li · 角色：录入员"
    assert not w.accounts.users_action.isVisible()  # 用户管理 is the admin's


def test_auditor_does_not_see_write_actions(window_for, office):
    users.login(office, "wang", "wang-pass-1")
    w = window_for(office)
    tab = w.show_tab("HouseholdsTab")
    assert not tab.import_action.isVisible()
    assert not tab.settings_action.isVisible()
    assert tab.export_action.isVisible()  # reading and exporting (masked) stay
    assert not w._database_actions[1].isVisible()  # 恢复
    # switching to the clerk brings them back
    users.login(office, "li", "li-pass-1")
    w.accounts.refresh()
    assert tab.import_action.isVisible()


def test_auditor_does_not_see_the_write_entries_of_tabs_not_built_yet(window_for, office):
    users.login(office, "wang", "wang-pass-1")
    w = window_for(office)
    assert "HouseholdsTab" not in [type(t).__name__ for t in w.built_tabs()]
    entries = {a.text(): a for a in w.file_menu_actions()}
    assert not entries["导入户信息…"].isVisible() and not entries["岗位规则…"].isVisible()
    assert not entries["生成数据包…"].isVisible()
    assert entries["导出 Excel…"].isVisible() and entries["打印台账…"].isVisible()
    users.login(office, "li", "li-pass-1")
    w.accounts.refresh()
    assert entries["导入户信息…"].isVisible() and entries["岗位规则…"].isVisible()


def _first_member_ids(qtbot, w):
    tab = w.show_tab("HouseholdsTab")
    tab.table.selectRow(0)
    qtbot.waitUntil(lambda: tab.member_model.rowCount() > 0, timeout=5000)
    model = tab.member_model
    col = [c.key for c in model.columns].index("id_number")
    return tab, [model.index(r, col).data() for r in range(model.rowCount())]


def test_lists_mask_ids_and_a_clerk_reveals_one_row_audited(qtbot, window_for, office):
    users.login(office, "li", "li-pass-1")
    w = window_for(office)
    tab, shown = _first_member_ids(qtbot, w)
    assert shown and all("*" in v for v in shown)
    tab.member_table.setCurrentIndex(tab.member_model.index(0, 0))
    tab.member_table._reveal.trigger()
    col = [c.key for c in tab.member_model.columns].index("id_number")
    assert FULL_ID.match(tab.member_model.index(0, col).data())
    with office.read() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == "查看完整信息")).all()
    assert [r.user for r in rows] == ["li"]


def test_an_auditor_cannot_reveal(qtbot, window_for, office, monkeypatch):
    users.login(office, "wang", "wang-pass-1")
    w = window_for(office)
    shown_errors = []
    monkeypatch.setattr("fupin_desktop.views.accounts.show_error", lambda parent, exc, *a: shown_errors.append(str(exc)))
    tab, _ = _first_member_ids(qtbot, w)
    tab.member_table.setCurrentIndex(tab.member_model.index(0, 0))
    tab.member_table._reveal.trigger()
    _, shown = _first_member_ids(qtbot, w)
    assert all("*" in v for v in shown)
    assert shown_errors and "审计员" in shown_errors[0]


def test_idle_lock_asks_for_the_password_and_keeps_unsaved_typing(qtbot, window_for, office):
    users.login(office, "li", "li-pass-1")
    w = window_for(office)
    editor = QLineEdit(w)  # stands for a half-filled form
    editor.setText("未保存的内容")
    editor.show()
    seen = {}

    def answer():
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, LoginDialog):
            QTimer.singleShot(20, answer)
            return
        seen["title"] = dlg.windowTitle()
        seen["name"] = dlg.name_edit.text()
        seen["readonly"] = dlg.name_edit.isReadOnly()
        dlg.password_edit.setText("wrong-password")
        dlg._try()
        seen["error"] = dlg.error_label.text()
        dlg.password_edit.setText("li-pass-1")
        dlg._try()

    QTimer.singleShot(20, answer)
    w.accounts.watcher.timer.setInterval(30)  # instead of 30 minutes
    w.accounts.watcher.timer.start()
    qtbot.waitUntil(lambda: "error" in seen and QApplication.activeModalWidget() is None, timeout=5000)
    assert seen["title"] == "已锁定" and seen["name"] == "li" and seen["readonly"]
    assert seen["error"] == "用户名或密码错误。"
    assert editor.text() == "未保存的内容"
    assert (office.user, office.role) == ("li", "clerk")


def test_audit_log_filters_by_user_and_opens_the_household(qtbot, window_for, office):
    from fupin_desktop.services.households import edit as households
    from fupin_desktop.views.accounts import AuditLogDialog

    users.login(office, "li", "li-pass-1")
    with office.read() as s:
        from fupin_desktop.models import Household

        hid = s.scalar(select(Household.id).order_by(Household.id).limit(1))
    form = households.load_household(office, hid)
    form.helper_name = "新责任人"
    households.save_household(office, form)
    w = window_for(office)
    dlg = AuditLogDialog(w.ctx, w)
    qtbot.addWidget(dlg)
    dlg.user_edit.setText("li")
    dlg.reload()
    assert dlg.entries and {e.user for e in dlg.entries} == {"li"}
    row = next(i for i, e in enumerate(dlg.entries) if e.entity == "households")
    assert "新责任人" in dlg.entries[row].summary
    assert dlg.open_record(row)
    tab = w.tab("HouseholdsTab")
    assert tab.dialog is not None and tab.dialog.isVisible()
    tab.dialog.close()
