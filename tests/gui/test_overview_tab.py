"""总览 tab: figures computed off the GUI thread, drawn as bar charts, saved as PNG."""
from __future__ import annotations

from PySide6.QtCore import QDate

from tests.gui.waiting import wait_loaded


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


def test_clicking_a_bar_opens_the_list_behind_it(qtbot, window_for, demo_db, tmp_path):
    from PySide6.QtCore import Qt

    from fupin_desktop.services.households.registry import RegistryFilter

    w = window_for(demo_db)
    tab = w.show_tab("OverviewTab")
    w.resize(1300, 900)
    tab.as_of.setDate(QDate(2025, 12, 31))
    tab.refresh()
    qtbot.waitUntil(lambda: tab.data is not None, timeout=30000)
    households = w.tab("HouseholdsTab")

    def click(key, index):
        w.show_tab("OverviewTab")
        chart = tab.charts[key]
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=chart.bar_center(index))
        wait_loaded(qtbot, households)  # the register is read in a worker

    # a village: the register of that village, nothing else filtered
    village, n = tab.data.by_village[1]
    click("village", 1)
    assert w.tabs.currentWidget() is households
    assert households.filters.village_name() == village
    assert households.filters.current_filter().household_type is None
    assert households.model.rowCount() == n
    # a household type: that type in every village (the village filter is reset)
    kind, n = next((k, n) for k, n in tab.data.by_type if k != "未填写")
    click("type", [k for k, _n in tab.data.by_type].index(kind))
    f = households.filters.current_filter()
    assert (f.household_type, f.village_id) == (kind, None)
    assert households.model.rowCount() == n
    # a risk: the monitored households with that risk
    risk = tab.data.monitored_by_risk[0][0]
    click("risk", 0)
    f = households.filters.current_filter()
    assert f == RegistryFilter(risk=risk, monitored=True)
    # a rule: the 疑点 list of that rule, on the overview's date
    checks = w.tab("ChecksTab")
    code, count = sorted(tab.data.findings.items())[0]
    click("findings", 0)
    assert w.tabs.currentWidget() is checks
    qtbot.waitUntil(lambda: checks.result is not None and bool(checks.shown), timeout=30000)
    assert {f.code for f in checks.shown} == {code}
    assert len([f for f in checks.shown if not f.exempted]) == count
    tab.grab().save(str(tmp_path / "overview.png"))
    w.grab().save("/tmp/s4c/after_click.png")
