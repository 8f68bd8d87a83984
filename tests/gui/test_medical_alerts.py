"""返贫风险预警: the demo's households that trip the alert are listed with the numbers; the clerk
marks one for monitoring (因病) and records a 健康帮扶 measure; the thresholds are settings."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QInputDialog

from fupin_desktop.services.households import edit as households
from fupin_desktop.services.medical.alerts import compute_alerts
from fupin_desktop.services.medical.settings import alert_thresholds, policy_targets

from .test_medical_settlements import demo_db, tab  # noqa: F401 - shared fixtures

YEAR = 2026  # demo_db is made on 2026-06-15: its settlements run up to that day


def _alerts_page(qtbot, tab):
    page = tab.show_page("alerts")
    qtbot.waitUntil(lambda: page.task is not None and not page.task.running, timeout=10000)
    return page


def test_demo_households_that_trip_the_alert_are_listed_with_their_numbers(qtbot, tab, demo_db):
    expected = compute_alerts(demo_db, YEAR).alerts
    assert expected, "the demo township must contain households that trip the alert"
    page = _alerts_page(qtbot, tab)
    shown = [page.model.record(i) for i in range(page.model.rowCount())]
    assert [a.household_code for a in shown] == [a.household_code for a in expected]
    assert tab.pages.tabText(4).endswith(f"({len(expected)})")

    top = shown[0]
    assert page.current().household_code == top.household_code
    money = f"{top.self_paid_total:,.2f}"
    assert money in page.details.text()  # the number that triggered it, as a sentence
    assert "10,000.00" in page.details.text() or "50.00%" in page.details.text()
    cell = page.model.index(0, [c.key for c in page.model.columns].index("self_paid_total"))
    assert cell.data() == money
    assert "10,000.00" in page.rule_label.text() and "50.00%" in page.rule_label.text()


def test_mark_for_monitoring_and_record_a_health_measure(qtbot, tab, demo_db, monkeypatch):
    page = _alerts_page(qtbot, tab)
    rows = [page.model.record(i) for i in range(page.model.rowCount())]
    target = next(r for r in rows if not r.monitoring_category)
    page.table.selectRow(rows.index(target))
    assert page.current().household_id == target.household_id

    monkeypatch.setattr(QInputDialog, "getItem",
                        staticmethod(lambda *a, **k: ("突发严重困难户", True)))
    page.mark_monitoring()
    qtbot.waitUntil(lambda: not page.task.running, timeout=10000)
    form = households.load_household(demo_db, target.household_id)
    assert form.monitoring_category == "突发严重困难户"
    assert "因病" in [getattr(form, f"risk{i}") for i in range(1, 6)]
    now = page.current()
    assert now.household_id == target.household_id and now.monitored_for_illness
    assert "突发严重困难户" in page.details.text()

    dlg = page.record_measure()
    content = dlg.form["content"].widget
    content.setPlainText("申请临时救助，落实大病医疗救助二次报销")
    dlg.form["amount"].widget.setText("2000")
    dlg.accept()
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: not page.task.running, timeout=10000)
    measures = households.load_household(demo_db, target.household_id).measures
    health = [m for m in measures if m.category == "健康帮扶" and "二次报销" in m.content]
    assert len(health) == 1 and str(health[0].amount) == "2000.00"
    assert page.current().health_measures == target.health_measures + 1


def test_measure_without_content_stays_open_with_the_message(qtbot, tab, demo_db):
    page = _alerts_page(qtbot, tab)
    dlg = page.record_measure()
    dlg.form["content"].widget.setPlainText("")
    dlg.accept()
    assert dlg.isVisible()
    assert "请填写帮扶措施内容" in dlg.form["content"].error.text()


def test_settings_change_the_thresholds_and_targets(qtbot, tab, demo_db):
    from fupin_desktop.views.medical.settings_dialog import MedicalSettingsDialog

    dlg = MedicalSettingsDialog(tab.ctx, tab, YEAR)
    qtbot.addWidget(dlg)
    dlg.share.widget.setText("150%")
    dlg.save()
    assert dlg.result() != dlg.DialogCode.Accepted
    assert "0 到 100%" in dlg.share.error.text()
    with demo_db.read() as s:
        assert str(alert_thresholds(s).income_share) == "0.50"  # nothing saved from a bad form

    dlg.share.widget.setText("80%")
    dlg.amount.widget.setText("30000")
    dlg.inpatient.widget.setText("85")
    dlg.year.setValue(YEAR - 1)  # edits of the year shown before are kept
    dlg.chronic.widget.setText("70%")
    dlg.save()
    assert dlg.result() == dlg.DialogCode.Accepted
    with demo_db.read() as s:
        th = alert_thresholds(s)
        assert (str(th.self_paid_amount), str(th.income_share)) == ("30000.00", "0.8000")
        assert str(policy_targets(s, YEAR)["住院"]) == "0.8500"
        assert str(policy_targets(s, YEAR - 1)["门诊慢特病"]) == "0.7000"

    page = _alerts_page(qtbot, tab)
    page.reload()
    qtbot.waitUntil(lambda: not page.task.running, timeout=10000)
    expected = compute_alerts(demo_db, YEAR).alerts
    assert page.model.rowCount() == len(expected)
    assert all(a.self_paid_total >= 30000 or (a.income_share or 0) >= 0.8 or "no-income" in a.triggers
               for a in expected)


def test_open_household_from_an_alert(qtbot, tab, demo_db):
    page = _alerts_page(qtbot, tab)
    dlg = page.open_household()
    qtbot.waitUntil(dlg.isVisible, timeout=10_000)
    assert dlg.form.id == page.current().household_id
    assert dlg.tabs.currentWidget() is dlg.measures  # where the clerk records what was done
    dlg.done(0)
