"""总览 tab: figures computed off the GUI thread, drawn as bar charts, saved as PNG."""
from __future__ import annotations

from PySide6.QtCore import QDate


def test_overview_tab_draws_and_saves_png(qtbot, window_for, demo_db, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from fupin_desktop.views.overview_tab import OverviewTab

    w = window_for(demo_db)
    tab = next(t for t in w.tab_widgets if isinstance(t, OverviewTab))
    w.tabs.setCurrentWidget(tab)
    tab.as_of.setDate(QDate(2025, 12, 31))
    tab.refresh()
    qtbot.waitUntil(lambda: tab.data is not None, timeout=30000)
    assert sum(n for _k, n in tab.data.by_type) == 40
    assert tab.charts["village"].items and tab.charts["income"].items
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    saved = tab.save_png()
    assert len(saved) == 6 and all((tmp_path / p.split("/")[-1]).stat().st_size > 1000 for p in saved)
    tab.resize(1100, 900)
    assert tab.grab().save(str(tmp_path / "tab.png"))
