"""打印台账, 导出 Excel and 一户一档 from the tab: the file is produced off the GUI thread and then
opened; the choices made in the dialogs (kind, village, masking) reach the output."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from fupin_desktop.reports.pdfcheck import all_fonts_embedded, extract_text, page_count
from fupin_desktop.services.households import registry
from fupin_desktop.views.households import printing as households_print
from fupin_desktop.views.common import print_preview
from tests.gui.waiting import wait_loaded


@pytest.fixture
def tab(qtbot, demo_db, monkeypatch, tmp_path):
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.households.tab import HouseholdsTab

    create_app()
    t = HouseholdsTab(AppContext(demo_db))
    qtbot.addWidget(t)
    t.show()
    qtbot.waitExposed(t)
    wait_loaded(qtbot, t)  # the register is read in a worker once shown
    t.opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: t.opened.append(url.toLocalFile()))

    def preview(parent, path, title=""):  # a generated PDF opens in the print preview
        assert Path(path).is_file()
        t.opened.append(str(path))

    monkeypatch.setattr(print_preview, "show_preview", preview)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    return t


def _accept_with(monkeypatch, cls, setup):
    def fake_exec(self):
        setup(self)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(cls, "exec", fake_exec)


def test_print_members_ledger_of_one_village_opens_the_pdf(qtbot, tab, demo_db, tmp_path,
                                                           monkeypatch):
    vid, village = registry.village_choices(demo_db)[0]
    tab.filters.village_box.setCurrentIndex(tab.filters.village_box.findData(vid))

    def setup(dlg):
        assert dlg.village.currentData() == village  # the tab's village filter is the default
        dlg.kind.setCurrentIndex(dlg.kind.findData("members"))

    _accept_with(monkeypatch, households_print.HouseholdLedgerDialog, setup)
    out = tmp_path / "台账.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    tab.print_ledger()
    qtbot.waitUntil(lambda: bool(tab.opened), timeout=30000)
    assert tab.opened == [str(out)]
    text = extract_text(out)
    ours = registry.ids(demo_db, registry.RegistryFilter(village_id=vid))
    other = registry.ids(demo_db, registry.RegistryFilter())
    name_here = registry.members_of(demo_db, ours[0])[0].name
    assert village in text and name_here in text
    foreign = [h for h in other if h not in ours]
    foreign_code = registry.rows(demo_db, foreign[:1])[0].code
    assert foreign_code not in text  # only the chosen village
    assert all_fonts_embedded(out)


def test_export_members_masked(qtbot, tab, demo_db, tmp_path, monkeypatch):
    def setup(dlg):
        dlg.kind.setCurrentIndex(dlg.kind.findData("members"))
        dlg.masked.setChecked(True)

    _accept_with(monkeypatch, households_print.ExportDialog, setup)
    out = tmp_path / "成员.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    done = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: done.append(a))
    tab.export_excel()
    qtbot.waitUntil(lambda: bool(done), timeout=30000)
    from openpyxl import load_workbook

    ws = load_workbook(out).active
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    some_id = registry.members_of(demo_db, tab.model.id_at(0))[0].id_number
    assert some_id not in values  # masked for a public list
    assert any(v.startswith(some_id[:6]) and "*" in v and v.endswith(some_id[-4:]) for v in values)


def test_household_files_one_pdf_for_the_selection(qtbot, tab, demo_db, tmp_path, monkeypatch):
    tab.table.selectRow(0)
    tab.table.selectionModel().select(
        tab.model.index(2, 0),
        tab.table.selectionModel().SelectionFlag.Select | tab.table.selectionModel().SelectionFlag.Rows)
    chosen = tab.selected_ids()
    assert len(chosen) == 2
    monkeypatch.setattr(households_print, "ask_one_or_each", lambda parent, n: "one")
    out = tmp_path / "一户一档.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    tab.print_household_files()
    qtbot.waitUntil(lambda: bool(tab.opened), timeout=60000)
    text = extract_text(out)
    for hid in chosen:
        assert registry.rows(demo_db, [hid])[0].code in text
        assert registry.members_of(demo_db, hid)[0].name in text
    assert page_count(out) >= 2


def test_household_files_one_each_in_a_folder(qtbot, tab, demo_db, tmp_path, monkeypatch):
    tab.table.selectAll()
    monkeypatch.setattr(households_print, "ask_one_or_each", lambda parent, n: "each")
    folder = tmp_path / "档案"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    tab.table.clearSelection()
    for r in (1, 3, 5):
        tab.table.selectionModel().select(
            tab.model.index(r, 0),
            tab.table.selectionModel().SelectionFlag.Select | tab.table.selectionModel().SelectionFlag.Rows)
    tab.print_household_files()
    qtbot.waitUntil(lambda: bool(tab.opened), timeout=60000)
    assert tab.opened == [str(folder)]
    files = sorted(folder.glob("*.pdf"))
    assert len(files) == 3
    codes = {registry.rows(demo_db, [tab.model.id_at(r)])[0].code for r in (1, 3, 5)}
    assert {f.name.split("_")[0] for f in files} == codes
