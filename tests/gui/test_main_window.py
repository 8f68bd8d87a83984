"""The main window: opens, Chinese menus, counts of the demo township, tabs present."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase


def _menu_texts(menu):
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_window_opens_with_chinese_menus_and_counts(window_for, demo_db):
    w = window_for(demo_db)
    menus = [m.title() for m in (w.file_menu, w.help_menu)]
    assert menus == ["文件(&F)", "帮助(&H)"]
    file_items = [a.text() for a in w.file_menu_actions()]
    for item in ("打开数据库…", "备份…", "恢复…", "退出"):
        assert item in file_items
    assert _menu_texts(w.help_menu) == ["关于"]
    assert w.windowTitle().startswith("乡村振兴台账管理系统")
    from fupin_desktop.services.overview import counts

    c = counts(demo_db)
    assert c["households"] == 40
    assert f"{c['households']} 户" in w.count_label.text()
    assert str(demo_db.location) in w.db_label.text()
    # 总览 comes first (the first thing a clerk sees), the households register next
    assert w.tabs.count() >= 2
    assert [w.tabs.tabText(i) for i in range(2)] == ["总览", "户信息"]
    assert w.tabs.widget(0) is w.tab("OverviewTab") is w.tab("overview_tab")


def test_bundled_font_is_the_application_font(window_for, db):
    w = window_for(db)
    families = QFontDatabase.families()
    assert "WenQuanYi Micro Hei" in families
    assert w.font().family() == "WenQuanYi Micro Hei"


def test_chinese_renders_without_tofu(window_for, db, tmp_path):
    """Render a label in the app font and compare with a rendering of a missing glyph box."""
    from PySide6.QtGui import QFontMetrics

    w = window_for(db)
    fm = QFontMetrics(w.font())
    # inFontUcs4: PySide's str → QChar conversion misreports some CJK code points in inFont()
    for ch in "户信息公益性岗位医疗救助档案乡村振兴台账":
        assert fm.inFontUcs4(ord(ch)), ch
    path = tmp_path / "window.png"
    assert w.grab().save(str(path))
    assert path.stat().st_size > 5000


def test_status_counts_follow_changes(window_for, db, qtbot):
    from fupin_desktop.models import Household, Village

    w = window_for(db)
    assert "0 户" in w.count_label.text()
    with db.write() as s:
        v = Village(name="新村")
        s.add(v)
        s.flush()
        s.add(Household(code="X1", village_id=v.id))
    w.ctx.changed.emit("households", [])
    qtbot.waitUntil(lambda: "1 户" in w.count_label.text(), timeout=10_000)


def test_window_icon_comes_from_the_bundled_resources(window_for, db):
    from PySide6.QtWidgets import QApplication

    window_for(db)
    icon = QApplication.instance().windowIcon()
    assert not icon.isNull()
    assert not icon.pixmap(32, 32).toImage().isNull()


def test_the_file_menu_groups_its_items_in_submenus(window_for, db):
    w = window_for(db)
    top = _menu_texts(w.file_menu)
    assert top == ["导入(&I)", "导出(&X)", "打印(&P)", "设置(&S)", "数据库(&D)", "退出"]

    def sub(title):
        return _menu_texts(next(a.menu() for a in w.file_menu.actions() if a.text() == title))

    assert sub("导入(&I)") == ["导入户信息…", "导入上岗花名册…", "导入考勤表…", "导入医疗结算明细…"]
    assert "生成数据包…" in sub("导出(&X)") and "导出岗位 Excel…" in sub("导出(&X)")
    assert {"打印台账…", "一户一档…", "打印医疗台账…", "打印纸质文件…"} <= set(sub("打印(&P)"))
    assert sub("数据库(&D)") == ["打开数据库…", "连接服务器数据库…", "备份…", "恢复…"]
    # every tab file action is still there, with its shortcut (a tab once built puts its own
    # actions in the place of the stand-ins the menu holds until then)
    tabs = w.tab_widgets
    actions = {a.text(): a for a in w.file_menu_actions()}
    for tab in tabs:
        for act in getattr(tab, "file_actions", list)():
            assert actions[act.text()] is act
    assert actions["打开数据库…"].shortcut().toString() == "Ctrl+O"
    assert actions["生成数据包…"].shortcut().toString() == "Ctrl+B"
    assert actions["打印台账…"].shortcut().toString() == "Ctrl+P"


def test_ctrl_s_with_nothing_to_edit_says_so(window_for, db, qtbot):
    from PySide6.QtCore import Qt

    w = window_for(db)
    w.activateWindow()
    w.tab("HouseholdsTab").table.setFocus()
    qtbot.keyClick(w.tab("HouseholdsTab").table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert w.statusBar().currentMessage() == "没有需要保存的修改"


def test_ctrl_s_in_an_unchanged_household_dialog_saves_nothing(window_for, demo_db, qtbot):
    from PySide6.QtCore import Qt

    from fupin_desktop.models import AuditLog

    w = window_for(demo_db)
    tab = w.show_tab("HouseholdsTab")
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=10_000)
    with demo_db.read() as s:
        before = s.query(AuditLog).count()
    tab.table.selectRow(0)
    tab.open_current()
    dlg = tab.dialog
    qtbot.waitUntil(dlg.isVisible, timeout=10_000)
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow, timeout=10_000)
    qtbot.keyClick(dlg.focusWidget() or dlg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dlg.status.text() == "没有需要保存的修改"
    with demo_db.read() as s:
        assert s.query(AuditLog).count() == before
    dlg.close()


def test_only_the_tab_shown_is_built_at_start(window_for, db, qtbot):
    w = window_for(db)
    assert [type(t).__name__ for t in w.built_tabs()] == ["OverviewTab"]
    assert [w.tabs.tabText(i) for i in range(w.tabs.count())] == [
        "总览", "户信息", "公益性岗位", "医疗救助", "档案", "问题整改", "数据检查"]
    # choosing a tab builds it, in its place, under its object name
    w.tabs.setCurrentIndex(2)
    posts = w.tabs.currentWidget()
    assert type(posts).__name__ == "PostsTab" and posts.objectName() == "posts_tab"
    assert w.tabs.indexOf(posts) == 2 and w.tabs.tabText(2) == "公益性岗位"
    qtbot.waitUntil(posts.isVisible, timeout=10_000)
    assert [type(t).__name__ for t in w.built_tabs()] == ["OverviewTab", "PostsTab"]
    # asking for a tab builds it without showing it; tabs.widget(i) never hands out a stand-in
    assert w.tab("medical_tab") is w.tabs.widget(3) and w.tabs.currentIndex() == 2
    assert w.tab("NoSuchTab") is None


def test_the_stand_in_menu_entries_match_the_tabs_actions(window_for, db):
    """What the 文件 menu shows for a tab not built yet (main_window.TABS) is what the tab brings
    once built: same entries, same order, same submenus, same shortcuts."""
    from fupin_desktop.views.main_window import TABS

    def menus():
        return [[(a.text(), a.shortcut().toString(), a.isVisible()) for a in m.actions() if not a.isSeparator()]
                for m in (w.import_menu, w.export_menu, w.print_menu, w.settings_menu)]

    w = window_for(db)
    before = menus()
    stand_ins = {id(a) for _n, a in w.pending_file_actions()}
    assert len(stand_ins) == sum(len(s.file_actions) for s in TABS) == 17
    for spec in TABS:
        assert w.tabs.tabText(TABS.index(spec)) == spec.title() == spec.load().tab_title()
    w.tab_widgets  # build them all
    assert not w.pending_file_actions()
    assert menus() == before
    assert not stand_ins & {id(a) for a in w.file_menu_actions()}


def test_a_file_menu_entry_of_a_tab_not_built_yet_builds_it_and_runs(window_for, db, monkeypatch):
    from fupin_desktop.views.households.tab import HouseholdsTab
    from fupin_desktop.views.posts.tab import PostsTab

    calls = []
    monkeypatch.setattr(HouseholdsTab, "start_import", lambda self, path=None: calls.append(("hh", self)))
    monkeypatch.setattr(PostsTab, "edit_rules", lambda self: calls.append(("rules", self)))
    w = window_for(db)
    entries = {a.text(): a for a in w.file_menu_actions()}
    assert len(w.built_tabs()) == 1
    entries["导入户信息…"].trigger()
    assert calls == [("hh", w.tab("HouseholdsTab"))]
    assert [type(t).__name__ for t in w.built_tabs()] == ["OverviewTab", "HouseholdsTab"]
    assert w.tabs.currentIndex() == 0  # as before: the action runs on the tab, not shown
    entries["岗位规则…"].trigger()
    assert calls[-1] == ("rules", w.tab("PostsTab"))
    # the built tabs' own actions took their stand-ins' places
    now = {a.text(): a for a in w.file_menu_actions()}
    assert now["导入户信息…"] is w.tab("HouseholdsTab").import_action
    assert now["岗位规则…"] is w.tab("PostsTab").rules_action


def test_current_tab_loaded_waits_for_the_overview_and_for_a_list(window_for, demo_db, qtbot):
    """bench_startup's "ready" quits when this says the tab on screen shows its data."""
    w = window_for(demo_db)
    overview = w.tabs.currentWidget()
    qtbot.waitUntil(w.current_tab_loaded, timeout=10_000)
    assert overview.data is not None  # the counts arrived, not just the tab
    overview.data = None
    assert not w.current_tab_loaded()
    tab = w.show_tab("HouseholdsTab")
    qtbot.waitUntil(w.current_tab_loaded, timeout=10_000)
    assert tab.model.rowCount() > 0
