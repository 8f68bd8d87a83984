"""Every reject and warning of every importer names the field as the clerk sees it (户编号,
工资性收入 …), never by its code name (``income.wage_income``, ``bank_account``): measured before,
68 warnings of a household import named fields in English."""

from __future__ import annotations

import datetime as dt
import re

from fupin_desktop.services.posts.attendance_import import import_attendance
from fupin_desktop.services.households.importing import import_households
from fupin_desktop.services.medical.importing import import_medical
from fupin_desktop.services.posts.importing import import_roster
from tests.security import test_field_specs_import as hh
from tests.security._hostile import row, simple_xlsx

ENGLISH = re.compile(r"[a-z]+_[a-z]+|income\.|\b(?:id_number|household_code|field|None)\b")
TODAY = dt.date(2026, 6, 15)


def _english(res) -> list[str]:
    return [f"{i.row} {i.code} {i.message}" for i in (*res.rejects, *res.warning_rows)
            if ENGLISH.search(i.message)]


def test_sample_imports_name_every_field_in_chinese(db, samples):
    seen = 0
    for res in (import_households(db, samples / "national_export_messy.xlsx"),
                import_households(db, samples / "national_export_merged.xlsx"),
                import_households(db, samples / "national_export_clean.xlsx"),
                import_roster(db, samples / "post_roster_2025.xlsx", today=TODAY),
                import_attendance(db, samples / "attendance_2025-10.xlsx", today=TODAY),
                import_medical(db, samples / "medical_settlements_2025.xlsx", today=TODAY)):
        assert _english(res) == []
        seen += len(res.rejects) + len(res.warning_rows)
    assert seen > 40  # the samples do carry rejects and warnings


def test_bad_household_values_name_fields_in_chinese(db, tmp_path):
    header = (*hh.HEADER, "银行账号", "户联系电话", "识别监测时间", "务工时间")
    extra = [("6" * 41, None, None, None), (None, "1" * 41, None, None),
             (None, None, "1850-01-01", None), (None, None, None, 13),
             ("622848\x0004025", None, None, None)]
    rows = [row(1, header)]
    for i, (vals, _lab, _w) in enumerate(hh.CASES):
        rows.append(row(i + 2, (*vals, None, None, None, None)))
    for j, ex in enumerate(extra, start=len(hh.CASES) + 2):
        rows.append(row(j, (*hh.good(50 + j), *ex)))
    res = import_households(db, simple_xlsx(tmp_path / "bad.xlsx", rows), today=hh.TODAY,
                            year=2024)
    assert len(res.rejects) + len(res.warning_rows) >= len(hh.CASES) + len(extra)
    assert _english(res) == []


def test_backup_income_sheet_values_are_checked_by_the_specs(tmp_path):
    from openpyxl import Workbook

    from fupin_desktop.importers.backup_incomes import SHEET_NAME, parse_backup_incomes

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    ws.append(["户编号", "收入年度", "收入计算人口数", "工资性收入(元)", "转移性收入(元)"])
    ws.append(["H1", 2024, 3, 1e20, 500])
    ws.append(["H1", 2025, 2 ** 63, -5, 100])
    ws.append(["H1", 99999, 3, 100, 100])
    p = tmp_path / "backup.xlsx"
    wb.save(p)
    recs, issues = parse_backup_incomes(p)
    assert [(r.year, r.values) for r in recs] == [(2024, {"persons": 3, "transfer_income": 500}),
                                                  (2025, {"transfer_income": 100})]
    msgs = [i.message for i in issues]
    assert any("“工资性收入”" in m and "超出允许范围" in m for m in msgs), msgs
    assert any("“收入计算人口数”" in m for m in msgs) and any("收入年度" in m for m in msgs), msgs
    assert not any(ENGLISH.search(m) for m in msgs), msgs


def test_import_report_field_column_is_chinese(db, samples, tmp_path):
    """The 字段 column of the import report used to show the code name (``wage_income``,
    ``d5``, ``q:R3``) for every field missing from a short list."""
    from openpyxl import load_workbook

    from fupin_desktop.exporters.import_report import write_import_report
    from fupin_desktop.importers.result import ImportIssue
    from fupin_desktop.domain import field_specs as fs

    res = import_households(db, samples / "national_export_messy.xlsx")
    for key in ("wage_income", "income.2024.wage_income", "d5", "q:R3", "declared_days",
                "settlement_no", "hospital_name", "agreement_no", "bank_name", "start_date",
                "visitors", "duty_area", "post_name", "mark", "risk1", "helper_phone"):
        res.warn(ImportIssue(99, "x", "说明", key))
    p = tmp_path / "report.xlsx"
    write_import_report(res, p)
    ws = load_workbook(p)["警告"]
    shown = [ws.cell(r, 4).value for r in range(4, ws.max_row + 1)]
    assert shown and not [v for v in shown if v and re.search(r"[A-Za-z_]{2,}", v)], shown
    for specs in (fs.HOUSEHOLD, fs.MEMBER, fs.MEDICAL_SETTLEMENT, fs.POST, fs.POST_ASSIGNMENT,
                  fs.ATTENDANCE, fs.SURVEY):
        for key in specs:
            assert not re.search("[A-Za-z]", fs.label(key)), key
