"""Deleted members and households in the medical ledgers and the medical import (issue 10 §5):
the money was paid, so their settlements stay in the ledgers, marked 已删除; a new settlement
row for a member of a deleted household is refused, naming why."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from fupin_desktop.services.medical.export import export_medical
from fupin_desktop.services.medical.importing import import_medical
from fupin_desktop.reports.medical_ledgers import (
    chronic_ledger, medical_ledger, render_medical_ledger, signing_ledger)
from fupin_desktop.services.medical.ledger_data import (
    chronic_data, medical_data, medical_ledger_data, signing_data)
from fupin_desktop.services.medical import chronic as mc
from fupin_desktop.services.medical import settlement_edit as me
from fupin_desktop.services.medical import signing as sg
from fupin_desktop.services.households.edit import remove_household, remove_member
from fupin_desktop.services.medical.period import Period

from ._medical_data import family, form

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def town(any_db):
    db = any_db
    ha, (a1, a2), ids_a = family(db, village="甲村", code="HA", names=("赵一", "赵二"))
    hb, (b1,), ids_b = family(db, village="乙村", code="HB", names=("钱三",))
    for mid, no in ((a1, "S1"), (a2, "S2"), (b1, "S3")):
        me.save_settlement(db, form(mid, settlement_no=no, settlement_date="2025-03-11",
                                    admission_date="2025-03-01", discharge_date="2025-03-10",
                                    total_cost="1000.00", policy_cost="1000.00",
                                    basic_insurance="600.00", medical_assistance="100.00",
                                    critical_insurance="0", other_support="0"), today=TODAY)
    hyp = next(d.id for d in mc.list_disease_types(db) if d.name == "高血压")
    mc.save_chronic_card(db, {"member_id": b1, "disease_id": hyp, "card_no": "MT2"})
    sg.save_signing(db, {"member_id": b1, "doctor_name": "韦芳", "signed_date": "2025-01-05"})
    remove_household(db, hb, "重复登记")
    remove_member(db, a2, "录入错误")
    return db, ids_a, ids_b


def test_ledgers_keep_deleted_people_marked(town, tmp_path):
    db, _, _ = town
    with db.read() as s:
        led = medical_ledger(medical_data(s, Period(2025)))
        people = medical_ledger(medical_data(s, Period(2025), by="person"))
        cards = chronic_ledger(chronic_data(s, today=TODAY))
        signings = signing_ledger(signing_data(s, today=TODAY))
    assert sorted(r[2] for r in led.rows) == ["赵一", "赵二（已删除）", "钱三（已删除）"]
    keys = [c.key for c in led.columns]
    assert led.totals[keys.index("total_cost")] == D("3000.00")  # the money stays counted
    assert sorted(r[3] for r in people.rows) == ["赵一", "赵二（已删除）", "钱三（已删除）"]
    assert [r[3] for r in cards.rows] == ["钱三（已删除）"]
    assert [r[3] for r in signings.rows] == ["钱三（已删除）"]

    from openpyxl import load_workbook

    out = tmp_path / "m.xlsx"
    data = medical_ledger_data(db, "medical", period=Period(2025), today=TODAY)
    render_medical_ledger(data, out, today=TODAY)
    names = {c.value for row in load_workbook(out).active.iter_rows() for c in row}
    assert "钱三（已删除）" in names and "赵一" in names


def test_export_marks_deleted_people(town, tmp_path):
    from openpyxl import load_workbook

    db, _, _ = town
    out = tmp_path / "e.xlsx"
    assert export_medical(db, out) == 3
    ws = load_workbook(out).active
    header = [c.value for c in ws[2]]
    col = header.index("人员已删除")
    name = header.index("姓名")
    marks = {r[name]: r[col] for r in ws.iter_rows(min_row=3, max_row=5, values_only=True)}
    assert marks == {"赵一": None, "赵二": "已删除", "钱三": "已删除"}


def test_import_refuses_members_of_deleted_households(town, tmp_path):
    from openpyxl import Workbook

    db, ids_a, ids_b = town
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "证件号码", "医疗机构名称", "医疗类别", "入院日期", "出院日期", "结算日期",
               "结算单据号", "医疗费总额", "符合政策范围金额", "统筹基金支出"])
    for name, idno, no in (("赵一", ids_a[0], "N1"), ("赵二", ids_a[1], "N2"),
                           ("钱三", ids_b[0], "N3")):
        ws.append([name, idno, "县医院", "住院", "2025-04-01", "2025-04-05", "2025-04-06", no,
                   500, 500, 300])
    path = tmp_path / "in.xlsx"
    wb.save(path)
    res = import_medical(db, path, today=TODAY)
    assert res.rows_imported == 1
    why = {i.row: (i.code, i.message) for i in res.rejects}
    assert why[3][0] == "member-deleted" and "已从户编号HA中删除" in why[3][1]
    assert why[4][0] == "household-deleted" and "该户已删除" in why[4][1]
    assert "第4行" in why[4][1] and "HB" in why[4][1]


def test_no_new_settlement_for_a_deleted_household(town):
    from fupin_desktop.errors import ValidationError
    from fupin_desktop.services.medical.settlements import (
        SettlementFilter, list_settlements, search_members)

    db, _, ids_b = town
    assert search_members(db, "钱三") == []  # the picker no longer offers them
    old = next(r for r in list_settlements(db, SettlementFilter()) if r.settlement_no == "S3")
    with pytest.raises(ValidationError) as err:
        me.save_settlement(db, form(old.member_id, settlement_date="2025-04-11",
                                    admission_date="2025-04-01", discharge_date="2025-04-10"),
                           today=TODAY)
    assert "该户已删除" in str(err.value) and "HB" in str(err.value)
    # the settlement paid before the deletion can still be corrected
    data = {**old.form_data(), "diagnosis": "肺炎更正"}
    saved = me.save_settlement(db, data, settlement_id=old.id, version=old.version, today=TODAY)
    assert saved.diagnosis == "肺炎更正" and saved.person_deleted
