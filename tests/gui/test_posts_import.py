"""导入上岗花名册 / 导入考勤表 from the posts tab: the import runs in the background and ends
with a summary naming the rejected rows, savable as an Excel list; the pages show the result."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.gui.waiting import wait_loaded


@pytest.fixture
def tab(qtbot, db, samples):
    from fupin_desktop.services.households.importing import import_households
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.posts.tab import PostsTab

    import_households(db, samples / "national_export_messy.xlsx")
    create_app()
    t = PostsTab(AppContext(db))
    qtbot.addWidget(t)
    t.show()
    qtbot.waitExposed(t)
    return t


def _summary(qtbot, tab, task):
    assert task is not None
    qtbot.waitUntil(lambda: not task.running, timeout=30000)
    assert task.error is None, task.error
    qtbot.waitUntil(lambda: getattr(tab, "import_summary", None) is not None)
    dlg = tab.import_summary
    qtbot.addWidget(dlg)
    return dlg


def test_roster_then_attendance(qtbot, tab, samples, tmp_path, monkeypatch):
    dlg = _summary(qtbot, tab, tab.start_import(str(samples / "post_roster_2025.xlsx")))
    assert "导入行数：12" in dlg.summary_text and "未导入行数：1" in dlg.summary_text
    assert [(i.row, i.code) for i in dlg.issues if i.reject] == [(5, "not-eligible")]
    assert "一般农户" in dlg.issues[0].message
    # the list is saved for the clerk to fix the file
    out = tmp_path / "问题清单.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    dlg.save_list()
    from openpyxl import load_workbook

    rows = [[c.value for c in r] for r in load_workbook(out)["未导入的行"].iter_rows(min_row=4)]
    assert rows[0][0] == "5" and rows[0][4] == "not-eligible"
    dlg.close()
    tab.import_summary = None
    people = tab.show_page("people")
    people.status.setCurrentIndex(0)  # all statuses
    assert people.model.rowCount() == 12

    task = tab.start_attendance_import(str(samples / "attendance_2025-10.xlsx"))
    qtbot.waitUntil(lambda: getattr(tab, "import_preview", None) is not None, timeout=30000)
    preview = tab.import_preview
    qtbot.addWidget(preview)
    # first what would change, per worker; nothing is written yet
    assert preview.model.rowCount() == 10 and all(r.added > 0 for r in preview.model.rows)
    assert "10" in preview.text.text() and preview.result.dry_run
    att = tab.show_page("attendance")
    att.month.set_month(dt.date(2025, 10, 1))
    att.reload()
    wait_loaded(qtbot, att)  # the grid is read in a worker
    assert all(r.present == 0 for r in att.model.rows)
    preview.accept()
    qtbot.waitUntil(lambda: getattr(tab, "import_task", None) is not None)
    dlg = _summary(qtbot, tab, tab.import_task)
    assert [(i.row, i.code) for i in dlg.issues if i.reject] == [(5, "id-checksum"),
                                                                  (7, "unknown-member")]
    assert "2025-10" in dlg.head.text()  # the month read from the sheet's title
    att = tab.show_page("attendance")
    att.month.set_month(dt.date(2025, 10, 1))
    att.reload()
    wait_loaded(qtbot, att)  # the grid is read in a worker
    by_name = {r.worker_name: r for r in att.model.rows}
    assert (by_name["郭红"].present, by_name["郭红"].absent) == (25, 2)  # as the sheet says


def test_cancelling_the_attendance_preview_writes_nothing(qtbot, tab, samples):
    _summary(qtbot, tab, tab.start_import(str(samples / "post_roster_2025.xlsx"))).close()
    tab.import_summary = None
    task = tab.start_attendance_import(str(samples / "attendance_2025-10.xlsx"))
    qtbot.waitUntil(lambda: getattr(tab, "import_preview", None) is not None, timeout=30000)
    assert task.error is None
    preview = tab.import_preview
    qtbot.addWidget(preview)
    preview.reject()
    assert getattr(tab, "import_task", None) is None and tab.import_summary is None
    att = tab.show_page("attendance")
    att.month.set_month(dt.date(2025, 10, 1))
    att.reload()
    wait_loaded(qtbot, att)  # the grid is read in a worker
    assert all(r.present == 0 for r in att.model.rows)
