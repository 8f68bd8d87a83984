"""First start on an empty database: the clerk is offered the demo township or an import."""

from __future__ import annotations

from fupin_desktop import gui
from fupin_desktop.views import first_run


def _choose(monkeypatch, choice):
    def fake_exec(self):
        self.choice = choice
        return 1

    monkeypatch.setattr(first_run.FirstRunDialog, "exec", fake_exec)


def test_demo_choice_loads_the_demo_township(window_for, db, qtbot, monkeypatch):
    from fupin_desktop.views import demo_action

    monkeypatch.setattr(demo_action, "DEMO_HOUSEHOLDS", 25)
    monkeypatch.setattr(demo_action.QMessageBox, "information", lambda *a, **k: None)
    w = window_for(db)
    _choose(monkeypatch, first_run.LOAD_DEMO)
    gui.offer_first_run(w, w.ctx)
    qtbot.waitUntil(lambda: "25 户" in w.count_label.text(), timeout=20000)


def test_import_choice_starts_the_households_import(window_for, db, monkeypatch):
    w = window_for(db)
    started = []
    for tab in w.tab_widgets:
        if hasattr(tab, "start_import"):
            monkeypatch.setattr(tab, "start_import", lambda t=tab: started.append(t))
            break
    _choose(monkeypatch, first_run.IMPORT)
    gui.offer_first_run(w, w.ctx)
    assert started and started[0] is w.tabs.currentWidget()


def test_not_offered_when_the_database_has_data(window_for, demo_db, monkeypatch):
    w = window_for(demo_db)
    monkeypatch.setattr(first_run.FirstRunDialog, "exec",
                        lambda self: (_ for _ in ()).throw(AssertionError("offered")))
    gui.offer_first_run(w, w.ctx)


def test_dialog_texts_are_chinese(qtbot):
    from fupin_desktop.views.app import create_app

    create_app()
    dlg = first_run.FirstRunDialog()
    qtbot.addWidget(dlg)
    assert dlg.demo_button.text() == "加载示例数据"
    assert dlg.import_button.text() == "导入数据…"
    assert dlg.windowTitle() == "欢迎使用"
