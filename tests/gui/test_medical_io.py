"""导入… / 导出 Excel / 打印台账 from the medical tab: each runs through run_task and ends with
something the clerk can check (the summary with its reject list, the workbook, the PDF)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtWidgets import QMessageBox

from fupin_desktop.services.medical import settlements as ms
from fupin_desktop.services.medical.period import Period

from .test_medical_settlements import _living_member, demo_db, tab  # noqa: F401 - fixtures

HEAD = ("姓名", "证件号码", "定点医疗机构名称", "医疗类别", "结算日期", "结算单号", "医疗费总额",
        "符合政策范围金额", "统筹基金支出", "居民大病保险", "医疗救助基金", "个人负担总金额")


def _sheet(path, member) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEAD)
    ws.append((member.name, member.id_number, "平塘县人民医院", "普通门诊", "2025-06-01", "IMP-1",
               1000, 900, 600, 0, 100, 300))
    ws.append((member.name, member.id_number, "平塘县人民医院", "普通门诊", "2025-06-02", "IMP-2",
               100, 90, 200, 0, 0, 0))  # payers above the total: refused
    ws.append((member.name, member.id_number, "平塘县人民医院", "门诊", "2025-06-03", "IMP-3",
               500, 500, 300, 0, 0, 999))  # the sheet's 个人负担 is wrong: imported, warned
    wb.save(path)


def test_import_shows_the_summary_and_saves_the_reject_list(qtbot, tab, demo_db, tmp_path,
                                                              monkeypatch):
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: None))
    member = _living_member(demo_db)
    src = tmp_path / "结算明细.xlsx"
    _sheet(src, member)
    task = tab.start_import(str(src))
    qtbot.waitUntil(lambda: getattr(tab, "import_summary", None) is not None
                    and tab.import_summary.isVisible(), timeout=10000)
    dlg = tab.import_summary
    assert not task.running
    res = dlg.result
    assert (res.rows_imported, res.rows_rejected, len(res.warning_rows)) == (2, 1, 1)
    assert "导入行数：2" in dlg.summary_text and "新增结算：2" in dlg.summary_text
    issues = [dlg.model.record(i) for i in range(dlg.model.rowCount())]
    assert [(i.row, i.code, i.reject) for i in issues] == [(3, "payers-exceed-total", True),
                                                           (4, "self-pay-mismatch", False)]
    assert issues[1].field == "个人负担总金额"  # the sheet's own column name, not a code
    assert member.name == issues[0].name

    saved = tmp_path / "问题清单.xlsx"
    assert dlg.save_list(str(saved)) == str(saved)
    from openpyxl import load_workbook

    text = "\n".join(str(c.value) for row in load_workbook(saved).active.iter_rows() for c in row)
    assert "超过总费用" in text and "个人负担总金额" in text

    rows = {r.settlement_no: r for r in ms.list_settlements(demo_db, ms.SettlementFilter(
        member_id=member.id, text="IMP-"))}
    assert set(rows) == {"IMP-1", "IMP-3"}
    assert rows["IMP-3"].self_paid == Decimal("200.00")  # computed, not the sheet's 999


def test_export_writes_the_filtered_settlements_with_text_ids(qtbot, tab, demo_db, tmp_path,
                                                             monkeypatch):
    from openpyxl import load_workbook

    from fupin_desktop.views.medical.io import export_excel

    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: None))
    year = dt.date.today().year - 1
    flt = ms.SettlementFilter(period=Period(year, quarter=2))
    out = tmp_path / "export.xlsx"
    task = export_excel(tab, tab.ctx, tab._villages, flt, path=str(out), masked=False)
    qtbot.waitUntil(lambda: not task.running, timeout=10000)
    assert task.error is None
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=False))
    head = next(i for i, r in enumerate(rows) if any(c.value == "证件号码" for c in r))
    id_col = [c.value for c in rows[head]].index("证件号码")
    data = [r for r in rows[head + 1:] if isinstance(r[0].value, int)]
    assert len(data) == ms.count_settlements(demo_db, flt) > 0
    assert all(r[id_col].data_type == "s" and len(r[id_col].value) == 18 for r in data)


def test_print_ledger_renders_the_chosen_ledger(qtbot, tab, demo_db, tmp_path):
    from fupin_desktop.reports.pdfcheck import all_fonts_embedded, extract_text, page_count
    from fupin_desktop.views.medical.io import MedicalLedgerDialog, render_ledger

    dlg = MedicalLedgerDialog(tab._villages, "signing", None, tab)
    qtbot.addWidget(dlg)
    dlg.gaps.setChecked(True)
    c = dlg.choice()
    assert (c["kind"], c["gaps_only"], c["period"].month, c["period"].quarter) == \
        ("signing", True, None, None)
    dlg.kind.setCurrentIndex(dlg.kind.findData("medical"))
    dlg.period.set_period(Period(dt.date.today().year))
    dlg.by.setCurrentIndex(dlg.by.findData("village"))
    c = dlg.choice()
    assert (c["kind"], c["by"], c["gaps_only"]) == ("medical", "village", False)

    out = tmp_path / "ledger.pdf"
    task = render_ledger(tab, tab.ctx, c, str(out), open_after=False)
    qtbot.waitUntil(lambda: not task.running, timeout=20000)
    assert task.error is None
    assert page_count(out) >= 1 and all_fonts_embedded(out)
    text = extract_text(out)
    assert "医疗救助台账" in text and "合计" in text
