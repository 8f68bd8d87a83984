"""档案 tab: a small year builds off the GUI thread with progress, can be cancelled half-way
and then resumed, checks clean, closes; registered files are added and removed from the tab."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from fupin_desktop.archive.package import BuildCancelled
from fupin_desktop.services.demo import generate_demo
from fupin_desktop.views.archive import actions as archive_actions
from fupin_desktop.views.common import print_preview

YEAR = 2025


@pytest.fixture
def tab(qtbot, db, monkeypatch):
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.archive.tab import ArchiveTab
    from fupin_desktop.views.common.context import AppContext

    generate_demo(db, households=40, seed=7, today=dt.date(2025, 11, 20))
    create_app()
    t = ArchiveTab(AppContext(db))
    qtbot.addWidget(t)
    t.errors, t.opened = [], []
    monkeypatch.setattr(archive_actions, "show_error", lambda parent, exc, title=None: t.errors.append(exc))
    monkeypatch.setattr(archive_actions, "open_path", lambda p: t.opened.append(str(p)))
    monkeypatch.setattr(print_preview, "show_preview", lambda parent, p, title="": t.opened.append(str(p)))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    t.resize(1200, 700)
    t.show()
    qtbot.waitExposed(t)
    qtbot.waitUntil(lambda: t.info is not None, timeout=20000)
    t.year_combo.setCurrentIndex(t.year_combo.findData(YEAR))
    qtbot.waitUntil(lambda: t.info is not None and t.info.year == YEAR, timeout=20000)
    return t


def wait_done(qtbot, task, timeout=120000):
    qtbot.waitUntil(lambda: not task.running, timeout=timeout)
    return task


def test_build_with_progress_cancel_resume_verify_and_close(qtbot, tab, tmp_path):
    items = len(tab.rows)
    generated = [r for r in tab.rows if r.origin == "generated"]
    assert items > 40 and generated
    assert all(r.pages is None for r in generated)  # never built: pages unknown until rendered
    assert all(r.pages for r in tab.rows if r.origin == "registered")  # scans know theirs
    out = tmp_path / "bag"
    task = tab.build(str(out))
    seen = []
    task.signals.progressed.connect(lambda d, t, s: seen.append((d, t, s)))
    # wait until some items are finished in the worker processes, then cancel
    qtbot.waitUntil(lambda: any(d >= 2 and t == items for d, t, _ in seen), timeout=120000)
    task.cancel()
    wait_done(qtbot, task)
    assert len(tab.errors) == 1 and isinstance(tab.errors[0], BuildCancelled)
    assert any("生成归档文件" in s for _, _, s in seen)
    assert not (out / "bagit.txt").exists()  # a cancelled build never looks like a finished bag

    # building again continues: what was finished before is skipped
    task = wait_done(qtbot, tab.build(str(out)))
    assert task.error is None, task.error
    result = task.result
    assert result.items == items and result.skipped >= 2 and result.rendered == items - result.skipped
    assert tab.report_dialog is not None and "已生成" in tab.report_dialog.text.toPlainText()
    qtbot.waitUntil(lambda: tab.rows and all(r.pages for r in tab.rows), timeout=20000)
    assert sum(g.pages for g in tab.group_model.rows[1:]) == result.pages
    assert tab.group_model.rows[0].boxes == result.boxes

    task = wait_done(qtbot, tab.verify(str(out)))
    assert task.result.ok, task.result.text()
    assert tab.report_dialog.windowTitle() == "检测通过"

    tab.close_year()
    wait_done(qtbot, tab.task)
    qtbot.waitUntil(lambda: tab.info.closed, timeout=20000)
    assert "已于" in tab.status.text() and not tab.close_action.isEnabled()
    assert not tab.thickness.isEnabled()  # a closed year keeps the box size it was packed in


def test_add_and_remove_a_registered_file(qtbot, tab, tmp_path, monkeypatch):
    from PIL import Image

    scan = tmp_path / "公示照片.png"
    Image.new("RGB", (640, 480), (240, 240, 240)).save(scan)

    def fill(dlg):
        assert dlg.title.text() == "公示照片"  # the file name is the starting title
        dlg.title.setText("2025年度动态调整公示照片")
        dlg.doc_no.setText("清乡振〔2025〕12号")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(archive_actions.ItemDialog, "exec", fill)
    before = len(tab.rows)
    demo_scans = {r.key for r in tab.rows if r.origin == "registered"}  # the demo township's
    tab.add_files([str(scan)])
    qtbot.waitUntil(lambda: len(tab.rows) == before + 1, timeout=20000)
    row = next(r for r in tab.rows if r.origin == "registered" and r.key not in demo_scans)
    assert row.title == "2025年度动态调整公示照片" and row.pages == 1 and row.file_type == "PNG"
    assert row.doc_no == "清乡振〔2025〕12号" and row.code.startswith("Z012-WS·2025-D30-ZH-")
    tab.select_key(row.key)
    tab.remove_selected()
    qtbot.waitUntil(lambda: len(tab.rows) == before, timeout=20000)
    assert not tab.errors


def test_search_and_group_filter_the_items(qtbot, tab):
    pk = next(i for i, g in enumerate(tab.group_model.rows) if getattr(g, "category", "") == "PK")
    tab.group_table.selectRow(pk)
    shown = [tab.item_model.record(tab.proxy.mapToSource(tab.proxy.index(r, 0)).row())
             for r in range(tab.proxy.rowCount())]
    assert shown and all(r.category == "PK" for r in shown)
    tab.search.setText(shown[0].title)
    assert tab.proxy.rowCount() == 1


def test_triggered_actions_do_not_pass_checked_as_a_path(qtbot, tab, monkeypatch):
    """Ctrl+N / Ctrl+B / 检测数据包 through their QActions: the `checked` flag must never
    arrive as a path or a folder (it crashed and saved `archive/out/2025=false`)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QFileDialog

    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: (asked.append("open"), ([], ""))[1])
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: (asked.append("dir"), "")[1])
    from fupin_desktop.views.archive import actions as archive_actions

    # 生成数据包 asks for its folder in its own dialog: answer it by cancelling
    monkeypatch.setattr(archive_actions.BuildDialog, "exec",
                        lambda self: (asked.append("build"), archive_actions.BuildDialog.DialogCode.Rejected)[1])
    for act in (tab.add_action, tab.build_action, tab.verify_action):
        act.trigger()
    assert asked.count("dir") >= 1 and "open" in asked and "build" in asked
    assert tab.errors == []
    assert str(QSettings().value(f"archive/out/{YEAR}", "")) not in ("false", "False")
