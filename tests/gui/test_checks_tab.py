"""数据检查 tab: runs the check in the background and lists rules with counts and findings."""
from __future__ import annotations

from PySide6.QtCore import QDate


def test_checks_tab_runs_and_shows_findings(qtbot, window_for, demo_db, tmp_path):
    from fupin_desktop.views.checks_tab import ChecksTab

    w = window_for(demo_db)
    tab = next(t for t in w.tab_widgets if isinstance(t, ChecksTab))
    w.tabs.setCurrentWidget(tab)
    tab.as_of.setDate(QDate(2023, 12, 31))
    tab.run_check()
    qtbot.waitUntil(lambda: tab.result is not None, timeout=30000)
    assert tab.rules.rowCount() == 42 and tab.rules.item(0, 0).text() == "R01"
    busy = next(i for i in range(42) if tab.rules.item(i, 3).text() != "0")
    tab.rules.selectRow(busy)
    assert tab.findings.rowCount() == int(tab.rules.item(busy, 3).text())
    assert not tab.grab().isNull()
