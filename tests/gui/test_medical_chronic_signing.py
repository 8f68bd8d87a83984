"""慢性病卡, 家庭医生签约 and the gap lists: a card entered through its form, a rule shown next
to its field, a chronic patient signed straight from the gap list, an overdue follow-up recorded."""

from __future__ import annotations

import datetime as dt

from PySide6.QtTest import QTest

from fupin_desktop.services.medical import chronic as mc
from fupin_desktop.services.medical import signing as sg

from .test_medical_settlements import _living_member, demo_db, tab  # noqa: F401 - fixtures


def _pick(qtbot, dlg, member) -> None:
    dlg.picker.widget.setFocus()
    QTest.keyClicks(dlg.picker.widget, member.id_number)
    qtbot.waitUntil(lambda: dlg.picker.chosen is not None, timeout=10_000)


def test_new_card_through_the_form(qtbot, tab, demo_db):
    page = tab.show_page("chronic")
    member = _living_member(demo_db)
    before = len(mc.list_chronic_cards(demo_db, member_id=member.id))
    dlg = tab.new_record()
    _pick(qtbot, dlg, member)
    disease = dlg.form["disease_id"].widget
    disease.setCurrentIndex(disease.findText("肺结核"))
    dlg.form["card_no"].widget.setText("MT-GUI-0001")
    dlg.form["approved_date"].widget.setText("2025-05-01")
    dlg.form["review_date"].widget.setText("2025-04-01")  # before approval
    dlg.accept()
    assert dlg.isVisible()
    assert "复审日期不能早于认定日期" in dlg.form["review_date"].error.text()
    assert dlg.form["card_no"].widget.text() == "MT-GUI-0001"  # the typing stays

    dlg.form["review_date"].widget.setText("2027-05-01")
    dlg.accept()
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=10_000)
    cards = mc.list_chronic_cards(demo_db, member_id=member.id)
    assert len(cards) == before + 1
    card = next(c for c in cards if c.card_no == "MT-GUI-0001")
    assert (card.disease_name, card.approved_date) == ("肺结核", dt.date(2025, 5, 1))
    assert page.current().id == card.id  # the list shows and selects the new card


def test_sign_a_chronic_patient_from_the_gap_list(qtbot, tab, demo_db):
    gaps = tab.show_page("gaps")
    qtbot.waitUntil(lambda: not gaps.loader.pending, timeout=10_000)  # loaded off the GUI thread
    unsigned = sg.chronic_without_signing(demo_db)
    assert gaps.counts[0] == len(unsigned) > 0
    first = gaps.unsigned_model.record(0)
    gaps.unsigned_table.selectRow(0)
    gaps.sign_current()
    dlg = tab.signing.dialog
    assert tab.current_page() is tab.signing
    assert dlg.picker.chosen.id == first.member_id  # the patient is already chosen
    dlg.form["doctor_name"].widget.insert("王医生")
    dlg.form["team"].widget.insert("清河镇卫生院家庭医生团队")
    dlg.form["signed_date"].widget.setText(dt.date.today().isoformat())
    dlg.accept()
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=10_000)
    assert tab.signing.current().member_id == first.member_id

    tab.show_page("gaps")
    qtbot.waitUntil(lambda: not gaps.loader.pending, timeout=10_000)
    assert gaps.counts[0] == len(unsigned) - 1
    assert first.member_id not in [gaps.unsigned_model.record(i).member_id
                                   for i in range(gaps.unsigned_model.rowCount())]


def test_record_an_overdue_follow_up(qtbot, tab, demo_db):
    gaps = tab.show_page("gaps")
    qtbot.waitUntil(lambda: not gaps.loader.pending, timeout=10_000)
    overdue = sg.signings_without_followup(demo_db)
    assert gaps.counts[1] == len(overdue) > 0
    signing = gaps.overdue_model.record(0)
    gaps.overdue_table.selectRow(0)
    gaps.follow_up_current()
    dlg = tab.signing.dialog
    dlg.form["content"].widget.setPlainText("入户随访，测量血压，调整用药")
    dlg.form["date"].widget.setText(dt.date.today().isoformat())
    dlg.accept()
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=10_000)
    fus = sg.list_follow_ups(demo_db, signing.id)
    assert fus[-1].date == dt.date.today() and "调整用药" in fus[-1].content
    assert fus[-1].doctor_name == signing.doctor_name  # prefilled from the signing

    tab.show_page("gaps")
    qtbot.waitUntil(lambda: not gaps.loader.pending, timeout=10_000)
    assert gaps.counts[1] == len(overdue) - 1


def test_signing_page_shows_the_follow_ups_of_the_selected_signing(qtbot, tab, demo_db):
    page = tab.show_page("signing")
    rows = [page.model.record(i) for i in range(page.model.rowCount())]
    with_fu = next(i for i, r in enumerate(rows) if r.follow_up_count >= 2)
    page.table.selectRow(with_fu)
    assert page.fu_model.rowCount() == rows[with_fu].follow_up_count
    assert rows[with_fu].member_name in page.fu_title.text()


def test_enter_opens_a_card_and_delete_asks_for_a_reason(qtbot, tab, demo_db, monkeypatch):
    from PySide6.QtCore import Qt

    from fupin_desktop.views.common import list_page

    page = tab.show_page("chronic")
    assert page.model.rowCount() > 1
    card = page.current()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter opens the selected card
    assert page.dialog.isVisible() and card.member_name in page.dialog.windowTitle()
    page.dialog.reject()

    reasons = [None, "重复录入"]
    monkeypatch.setattr(list_page, "ask_reason", lambda *a: reasons.pop(0))
    ids = lambda: {c.id for c in mc.list_chronic_cards(demo_db)}  # noqa: E731
    tab.delete_current()  # no reason given: kept
    assert card.id in ids()
    tab.delete_current()
    assert card.id not in ids()
    assert page.current() is not None and page.current().id != card.id  # the list follows
