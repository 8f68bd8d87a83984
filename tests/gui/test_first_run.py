"""First start: the setup wizard (township, codes, data folder, then an import or the demo),
skippable and reopened from 设置; before any database its folder decides where the file goes."""

from __future__ import annotations

from fupin_desktop import gui
from fupin_desktop.services import settings
from fupin_desktop.views import first_run
from fupin_desktop.views.first_run import IMPORT, LATER, LOAD_DEMO, SetupAnswers


def _answer(monkeypatch, answers, shown=None):
    def fake(parent, db, *, data_dir=""):
        if shown is not None:
            shown.append((db, data_dir))
        return answers

    monkeypatch.setattr(first_run, "run_wizard", fake)


def _answers(start, **kw):
    values = dict(township="清河镇", county="平塘县", fonds_no="Z012", region="522727104000",
                  data_dir="", start=start)
    values.update(kw)
    return SetupAnswers(**values)


def test_demo_choice_loads_the_demo_township(window_for, db, qtbot, monkeypatch):
    from fupin_desktop.views import demo_action

    monkeypatch.setattr(demo_action, "DEMO_HOUSEHOLDS", 25)
    monkeypatch.setattr(demo_action.QMessageBox, "information", lambda *a, **k: None)
    w = window_for(db)
    _answer(monkeypatch, _answers(LOAD_DEMO, township="我填的镇"))
    gui.offer_first_run(w, w.ctx)
    qtbot.waitUntil(lambda: "25 户" in w.count_label.text(), timeout=20000)
    assert settings.get(db, settings.TOWNSHIP) != "我填的镇"  # the demo brings its own names


def test_import_choice_stores_the_settings_and_starts_the_import(window_for, db, monkeypatch):
    w = window_for(db)
    started = []
    for tab in w.tab_widgets:
        if hasattr(tab, "start_import"):
            monkeypatch.setattr(tab, "start_import", lambda t=tab: started.append(t))
            break
    _answer(monkeypatch, _answers(IMPORT))
    gui.offer_first_run(w, w.ctx)
    assert started and started[0] is w.tabs.currentWidget()
    info = settings.township_info(db)
    assert (info.township, info.county, info.fonds_no) == ("清河镇", "平塘县", "Z012")
    assert settings.get(db, settings.REGION_CODE) == "522727104000"


def test_skipped_wizard_changes_nothing_and_reopens_from_the_settings_menu(window_for, db, monkeypatch):
    w = window_for(db)
    shown = []
    _answer(monkeypatch, None, shown)
    gui.offer_first_run(w, w.ctx)
    assert len(shown) == 1 and settings.get(db, settings.TOWNSHIP) == ""
    act = next(a for a in w.settings_menu.actions() if a.text() == "设置向导…")
    assert w.settings_menu.title() == "设置(&S)"
    _answer(monkeypatch, _answers(LATER), shown)
    act.trigger()
    assert len(shown) == 2 and settings.get(db, settings.TOWNSHIP) == "清河镇"


def test_not_offered_when_the_database_has_data(window_for, demo_db, monkeypatch):
    w = window_for(demo_db)
    monkeypatch.setattr(first_run, "run_wizard",
                        lambda *a, **k: (_ for _ in ()).throw(AssertionError("offered")))
    gui.offer_first_run(w, w.ctx)


def _wizard(qtbot, **kw):
    from fupin_desktop.views.app import create_app

    create_app()
    wiz = first_run.SetupWizard(**kw)
    qtbot.addWidget(wiz)
    wiz.show()
    return wiz


def test_wizard_validates_the_codes_and_collects_the_answers(qtbot, tmp_path):
    wiz = _wizard(qtbot, data_dir=str(tmp_path / "data"))
    assert wiz.windowTitle() == "设置向导"
    assert not wiz.township_page.isComplete()  # a township name is needed to go on
    wiz.township_page.township.setText("清河镇")
    assert wiz.township_page.isComplete()
    wiz.next()
    wiz.codes_page.fonds.setText("Z-012")
    wiz.codes_page.region.setText("5227271")
    wiz.next()
    assert wiz.currentPage() is wiz.codes_page  # refused, with both reasons shown
    assert "字母或数字" in wiz.codes_page.error.text() and "12位数字" in wiz.codes_page.error.text()
    wiz.codes_page.fonds.setText("z012")
    wiz.codes_page.region.setText("522727104000")
    wiz.next()
    assert wiz.currentPage() is wiz.folder_page
    wiz.next()
    assert (tmp_path / "data").is_dir()
    wiz.start_page.demo_radio.setChecked(True)
    a = wiz.answers()
    assert (a.township, a.fonds_no, a.region, a.start) == ("清河镇", "Z012", "522727104000", LOAD_DEMO)
    assert a.data_dir == str(tmp_path / "data")


def test_wizard_over_an_open_database_keeps_its_folder(qtbot, tmp_path):
    wiz = _wizard(qtbot, data_dir=str(tmp_path), folder_fixed=True,
                  values={"township": "清河镇"})
    assert wiz.folder_page.folder.isReadOnly() and not wiz.folder_page.browse.isEnabled()
    assert wiz.township_page.township.text() == "清河镇"


def test_before_any_database_the_chosen_folder_holds_it(qapp, tmp_path, monkeypatch):
    from fupin_desktop import paths

    monkeypatch.delenv("FUPIN_DATA_DIR")
    monkeypatch.setattr("platformdirs.user_data_path", lambda *a, **k: tmp_path / "default")
    chosen = tmp_path / "办公室数据"
    shown = []
    _answer(monkeypatch, _answers(LATER, data_dir=str(chosen)), shown)

    class W:
        def __init__(self):
            self.props = {}

        def setProperty(self, k, v):  # noqa: N802
            self.props[k] = v

    answers = gui.setup_before_database(W())
    assert shown and shown[0][1] == str(tmp_path / "default")
    assert answers.data_dir == str(chosen)
    assert paths.default_db_path() == chosen.resolve() / "fupin.db"
    monkeypatch.delenv("FUPIN_DATA_DIR")  # a later run finds it through the pointer file
    assert paths.user_data_dir() == chosen.resolve()
