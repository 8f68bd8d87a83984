"""Medical ledgers (PDF/Excel), the export, the household-file section and the CLI commands."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest

from fupin_desktop import cli
from fupin_desktop.services.medical.export import export_medical
from fupin_desktop.services.medical.importing import import_medical
from fupin_desktop.reports import pdfcheck
from fupin_desktop.services.medical.household_data import household_medical_section
from fupin_desktop.reports.medical_ledgers import (
    chronic_ledger, medical_ledger, render_medical_ledger, signing_ledger)
from fupin_desktop.services.medical.ledger_data import (
    chronic_data, medical_data, medical_ledger_data, signing_data)
from fupin_desktop.services.medical import chronic as mc
from fupin_desktop.services.medical import settlement_edit as me
from fupin_desktop.services.medical import signing as sg
from fupin_desktop.services.medical.period import Period

from ._medical_data import family, form

TODAY = dt.date(2026, 6, 15)
MONEY = ("total_cost", "policy_cost", "basic_insurance", "critical_insurance",
         "medical_assistance", "other_support", "self_paid")


@pytest.fixture
def town(db):
    """Two villages, three people, five settlements in 2025 (one in Q4) and one in 2026."""
    ha, (a1, a2), _ = family(db, village="甲村", code="HA", names=("赵一", "赵二"),
                             net_income={2025: "20000"})
    hb, (b1,), _ = family(db, village="乙村", code="HB", names=("钱三",))
    specs = [(a1, "S1", "2025-02-10", "10000.01", "6000.00", "1500.33"),
             (a1, "S2", "2025-05-20", "333.33", "111.11", "22.22"),
             (a2, "S3", "2025-07-01", "2500.00", "1500.00", "0.00"),
             (b1, "S4", "2025-11-30", "45678.90", "30000.00", "5000.05"),
             (b1, "S5", "2025-12-31", "0.03", "0.01", "0.01"),
             (b1, "S6", "2026-01-02", "800.00", "400.00", "100.00")]
    for mid, no, day, total, basic, assist in specs:
        d = dt.date.fromisoformat(day)
        me.save_settlement(db, form(mid, settlement_no=no, settlement_date=day,
                                    admission_date=str(d - dt.timedelta(days=3)),
                                    discharge_date=day, total_cost=total, policy_cost=total,
                                    basic_insurance=basic, medical_assistance=assist,
                                    critical_insurance="0", other_support="0"), today=TODAY)
    return db, (ha, hb), (a1, a2, b1)


def column_sums(ledger):
    keys = [c.key for c in ledger.columns]
    out = {}
    for k in MONEY:
        if k in keys:
            j = keys.index(k)
            out[k] = (sum((r[j] for r in ledger.rows), D("0.00")), ledger.totals[j])
    return out


@pytest.mark.parametrize("by", ["settlement", "person", "village"])
def test_totals_equal_the_sum_of_rows(town, by):
    db, _, _ = town
    with db.read() as s:
        led = medical_ledger(medical_data(s, Period(2025), by=by))
    for key, (rows_sum, total) in column_sums(led).items():
        assert rows_sum == total, key
    keys = [c.key for c in led.columns]
    total = led.totals[keys.index("total_cost")]
    # 10000.01 + 333.33 + 2500.00 + 45678.90 + 0.03
    assert total == D("58512.27")
    # payers: 7500.34 + 133.33 + 1500 + 35000.05 + 0.02 = 44133.74 ; / 58512.27 -> 0.7543
    assert led.totals[keys.index("policy_ratio")] == D("0.7543")


def test_period_and_village_filters(town):
    db, _, _ = town
    with db.read() as s:
        q4 = medical_ledger(medical_data(s, Period(2025, quarter=4)))
        dec = medical_ledger(medical_data(s, Period(2025, month=12)))
        v = medical_ledger(medical_data(s, Period(2025), village="甲村"))
        people = medical_ledger(medical_data(s, Period(2025), by="person"))
    nos = lambda led: [r[9] for r in led.rows]  # noqa: E731
    assert nos(q4) == ["S4", "S5"] and nos(dec) == ["S5"]
    assert nos(v) == ["S1", "S2", "S3"] and v.title.endswith("甲村医疗救助台账")
    assert q4.subtitle == "结算期间：2025年第4季度"
    # per person: 赵一 has two settlements summed
    zhao = next(r for r in people.rows if r[3] == "赵一")
    assert zhao[5] == 2 and zhao[7] == D("10333.34")


def test_pdf_embeds_fonts_and_shows_the_figures(town, tmp_path):
    db, _, _ = town
    out = tmp_path / "m.pdf"
    data = medical_ledger_data(db, "medical", period=Period(2025), today=TODAY)
    pages = render_medical_ledger(data, out, today=TODAY)
    assert pages == pdfcheck.page_count(out) == 1
    assert pdfcheck.all_fonts_embedded(out)
    text = pdfcheck.extract_text(out)
    for needle in ("医疗救助台账", "钱三", "45,678.90", "58,512.27", "第 1 页 共 1 页", "合计"):
        assert needle in text, needle


def test_excel_ledger_keeps_ids_as_text(town, tmp_path):
    from openpyxl import load_workbook

    db, _, _ = town
    out = tmp_path / "m.xlsx"
    data = medical_ledger_data(db, "medical", period=Period(2025), today=TODAY)
    n = render_medical_ledger(data, out, today=TODAY)
    assert n == 5
    ws = load_workbook(out).active
    header = [c.value for c in ws[3]]
    id_col = header.index("证件号码") + 1
    cell = ws.cell(row=4, column=id_col)
    assert isinstance(cell.value, str) and len(cell.value) == 18 and cell.number_format == "@"
    total_col = header.index("总费用") + 1
    assert ws.cell(row=9, column=1).value == "合计"
    assert D(str(ws.cell(row=9, column=total_col).value)) == D("58512.27")
    assert ws.freeze_panes == "A4"


def test_export_reimports_without_change_and_masks(town, tmp_path):
    from openpyxl import load_workbook

    db, _, _ = town
    out = tmp_path / "e.xlsx"
    assert export_medical(db, out) == 6
    ws = load_workbook(out).active
    assert ws["A1"].value == "医疗救助结算明细"
    header = [c.value for c in ws[2]]
    assert "结算单据号" in header and "个人自付" in header
    res = import_medical(db, out, today=TODAY)
    assert res.rows_rejected == 0 and res.counts["settlements_unchanged"] == 6
    masked = tmp_path / "p.xlsx"
    export_medical(db, masked, masked=True)
    ids = [r[4].value for r in load_workbook(masked).active.iter_rows(min_row=3, max_row=8)]
    assert all("********" in v and len(v) == 18 for v in ids)


def test_chronic_and_signing_ledgers(town, tmp_path):
    db, _, (a1, a2, b1) = town
    hyp = next(d.id for d in mc.list_disease_types(db) if d.name == "高血压")
    mc.save_chronic_card(db, {"member_id": a1, "disease_id": hyp, "card_no": "MT1"})
    mc.save_chronic_card(db, {"member_id": b1, "disease_id": hyp, "card_no": "MT2"})
    s1 = sg.save_signing(db, {"member_id": a1, "doctor_name": "韦芳", "signed_date": "2025-01-05"})
    sg.save_follow_up(db, s1.id, {"date": "2025-03-01", "content": "随访"})
    with db.read() as s:
        cards = chronic_ledger(chronic_data(s, today=TODAY))
        unsigned = chronic_ledger(chronic_data(s, unsigned_only=True, today=TODAY))
        signings = signing_ledger(signing_data(s, today=TODAY))
        overdue = signing_ledger(signing_data(s, overdue_only=True, today=TODAY))
    assert sorted((r[3], r[10]) for r in cards.rows) == [("赵一", "已签约"), ("钱三", "未签约")]
    assert [r[3] for r in unsigned.rows] == ["钱三"]
    assert [(r[3], r[10], r[11]) for r in signings.rows] == [("赵一", 1, dt.date(2025, 3, 1))]
    assert [r[3] for r in overdue.rows] == ["赵一"]
    for kind, gaps in (("chronic", False), ("chronic", True), ("signing", False)):
        out = tmp_path / f"{kind}{gaps}.pdf"
        data = medical_ledger_data(db, kind, gaps_only=gaps, today=TODAY)
        render_medical_ledger(data, out, today=TODAY)
        assert pdfcheck.all_fonts_embedded(out)
        assert ("钱三" if kind == "chronic" else "韦芳") in pdfcheck.extract_text(out)


def test_household_section(town, tmp_path):
    from fupin_desktop.reports.document import DocumentBuilder

    db, (ha, hb), (a1, _a2, _b1) = town
    with db.read() as s:
        sections = household_medical_section(s, ha)
        none = household_medical_section(s, 999999)
    assert none == []
    titles = [t for t, _, _ in sections]
    assert titles == ["医疗费用年度汇总（因病返贫监测）", "就医结算明细"]
    summary = sections[0][2]
    # 2025: self-paid 2499.68 + 200.00 + 1000.00 = 3699.68 of net 20000 (0.18498 -> 18.50 %)
    assert summary == [["2025", "3", "12,833.34", "9,133.66", "3,699.68", "20,000.00", "18.50%",
                        "未达预警标准"]]
    assert [r[0] for r in sections[1][2]] == ["赵一", "赵一", "赵二"]
    doc = DocumentBuilder("一户一档")
    for title, cols, rows in sections:
        doc.section(title).table(cols, rows)
    out = tmp_path / "h.pdf"
    doc.build(out)
    assert pdfcheck.all_fonts_embedded(out) and "未达预警标准" in pdfcheck.extract_text(out)


def test_cli_ledger_export_and_alerts(town, tmp_path, capsys):
    db, _, _ = town
    url = db.url
    code = cli.main(["--db", url, "--json", "ledger", "medical", "--out", str(tmp_path / "q.pdf"),
                     "--year", "2025", "--quarter", "4", "--village", "乙村"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["pages"] == 1
    assert "钱三" in pdfcheck.extract_text(tmp_path / "q.pdf")
    code = cli.main(["--db", url, "--json", "ledger", "medical", "--out", str(tmp_path / "x.pdf"),
                     "--village", "丙村"])
    assert code == 2 and "找不到行政村“丙村”" in json.loads(capsys.readouterr().out)["error"]
    code = cli.main(["--db", url, "--json", "export", "medical", str(tmp_path / "e.xlsx"),
                     "--month", "2025-12"])
    assert code == 0 and json.loads(capsys.readouterr().out)["rows"] == 1
    for argv in (["ledger", "chronic", "--out", str(tmp_path / "c.pdf")],
                 ["ledger", "signing", "--overdue", "--out", str(tmp_path / "s.xlsx")],
                 ["ledger", "medical", "--by", "village", "--year", "2025", "--out", str(tmp_path / "v.pdf")]):
        assert cli.main(["--db", url, "--json", *argv]) == 0, capsys.readouterr()
        capsys.readouterr()
    code = cli.main(["--db", url, "--json", "alerts", "medical", "--year", "2025"])
    data = json.loads(capsys.readouterr().out)
    # 钱三's household in 2025: (45678.90 − 35000.05) + (0.03 − 0.02) = 10678.86
    assert code == 0 and data["count"] == 1
    alert = data["alerts"][0]
    assert alert["household_code"] == "HB" and alert["self_paid_total"] == "10678.86"
    assert alert["triggers"] == ["amount"]
    code = cli.main(["--db", url, "alerts", "medical", "--year", "2025"])
    human = capsys.readouterr().out
    assert "户编号HB" in human and "10,678.86" in human


def test_cli_signing_overdue_months_option(db, tmp_path, capsys):
    today = dt.date.today()
    _, (mid,), _ = family(db, names=("孙四",))
    s = sg.save_signing(db, {"member_id": mid, "doctor_name": "韦芳",
                             "signed_date": today - dt.timedelta(days=400)})
    sg.save_follow_up(db, s.id, {"date": today - dt.timedelta(days=45), "content": "随访"})
    out = str(tmp_path / "s.xlsx")
    base = ["--db", db.url, "--json", "ledger", "signing", "--overdue", "--out", out]
    assert cli.main(base) == 0  # default 3 months: followed up 45 days ago, not overdue
    assert json.loads(capsys.readouterr().out)["rows"] == 0
    assert cli.main(base + ["--months", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 1
    assert cli.main(base + ["--months", "0"]) == 2
    assert "--months 0" in json.loads(capsys.readouterr().out)["error"]
