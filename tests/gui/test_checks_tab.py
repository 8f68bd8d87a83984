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


def test_exempt_a_finding_and_open_its_household(qtbot, window_for, demo_db, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from fupin_desktop.services.checks import list_exemptions
    from fupin_desktop.views.checks_tab import ChecksTab

    w = window_for(demo_db)
    tab = next(t for t in w.tab_widgets if isinstance(t, ChecksTab))
    w.tabs.setCurrentWidget(tab)
    tab.as_of.setDate(QDate(2023, 12, 31))
    tab.run_check()
    qtbot.waitUntil(lambda: tab.result is not None, timeout=30000)
    busy = next(i for i in range(42) if tab.rules.item(i, 3).text() != "0"
                and any(f.household for f in tab.result.findings if f.code == tab.rules.item(i, 0).text()))
    tab.rules.selectRow(busy)
    before = int(tab.rules.item(busy, 3).text())
    tab.findings.selectRow(0)
    f = tab.current_finding()
    asked = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (asked.append(a) or "已入户核实无误", True))
    tab.exempt_current()
    assert asked
    [ex] = list_exemptions(demo_db)
    assert (ex.code, ex.household, ex.member, ex.reason) == (f.code, f.household, f.member, "已入户核实无误")
    assert int(tab.rules.item(busy, 3).text()) < before and tab.rules.item(busy, 4).text() != "0"
    assert "已豁免" in tab.findings.item(0, 4).text() or any(x.exempted for x in tab.shown)
    tab.findings.selectRow(0)
    dlg = tab.open_current()
    assert dlg is not None and dlg.form.code == tab.current_finding().household
    assert dlg.tabs.currentWidget() is dlg.findings
    codes = {dlg.findings.item(r, 0).text() for r in range(dlg.findings.rowCount())}
    assert dlg.findings.rowCount() >= 1 and codes
    dlg.reject()


def test_household_dialog_shows_its_findings_and_rechecks_them(qtbot, ctx, db):
    import dataclasses
    import datetime as dt

    from fupin_desktop.models import Household, Member, Village
    from fupin_desktop.services.households import edit as households
    from fupin_desktop.domain.idcard import check_char
    from fupin_desktop.views.households.dialog import HouseholdDialog

    body = "52272919800101001"
    with db.write() as s:
        v = Village(name="东风村")
        s.add(v)
        s.flush()
        h = Household(code="H1", village_id=v.id, household_type="一般农户")
        s.add(h)
        s.flush()
        s.add(Member(household_id=h.id, id_number=body + check_char(body), name="张三", relation="户主",
                     birth_date=dt.date(1980, 1, 1), health="健康", labour_skill="普通劳动力", education="初中",
                     basic_medical_insurance=True, critical_illness_insurance=True, pension_insurance=True))
        hid = h.id
    dlg = HouseholdDialog(ctx, hid, check_as_of=dt.date(2025, 12, 31))
    qtbot.addWidget(dlg)
    codes = lambda: [dlg.findings.item(r, 0).text() for r in range(dlg.findings.rowCount())]  # noqa: E731
    assert codes() == ["R06"] and "(1)" in dlg.tabs.tabText(5)
    assert "*" in dlg.findings.item(0, 3).text()  # the member's ID is masked
    m = households.load_household(db, hid).members[0]
    households.update_member(db, dataclasses.replace(m, ethnicity="汉族"))
    dlg.reload_lists()  # what the members page does after its own save
    assert codes() == [] and dlg.tabs.tabText(5).endswith("疑点")
    assert dlg.save() and codes() == []
