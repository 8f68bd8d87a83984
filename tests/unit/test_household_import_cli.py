"""`fupin import households` end to end, and the --report workbook the clerk fixes rows from."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from fupin_desktop import cli
from fupin_desktop.exporters.import_report import write_import_report
from fupin_desktop.importers.result import ImportIssue, ImportResult

EXPECTED_KEYS = {"households_created", "households_updated", "members_created", "members_updated",
                 "rows_imported", "rows_rejected", "rows_skipped", "rejects", "warning_rows"}


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_is_exactly_one_object_with_the_contract(capsys, tmp_path, samples):
    db = str(tmp_path / "c.db")
    code, out, _ = run(capsys, "--db", db, "--json", "import", "households",
                       str(samples / "national_export_messy.xlsx"))
    assert code == 0
    data = json.loads(out)  # fails on anything printed besides the one object
    assert data["ok"] is True and EXPECTED_KEYS <= set(data)
    assert (data["households_created"], data["members_created"], data["rows_rejected"]) == (60, 195, 18)
    assert data["rows_skipped"] == 2 and data["income_year"] == 2025
    assert [r["row"] for r in data["rejects"] if r["code"] == "id-duplicate"] == [92, 112]
    assert all(set(r) >= {"row", "code", "message"} for r in data["rejects"] + data["warning_rows"])
    code, out, _ = run(capsys, "--db", db, "--json", "import", "households",
                       str(samples / "national_export_messy.xlsx"))
    again = json.loads(out)
    assert again["households_created"] == again["members_created"] == 0
    assert again["households_updated"] == again["members_updated"] == 0


def test_human_summary_and_report(capsys, tmp_path, samples):
    report = tmp_path / "rejects.xlsx"
    code, out, err = run(capsys, "--db", str(tmp_path / "c.db"), "import", "households",
                         str(samples / "national_export_merged.xlsx"), "--report", str(report))
    assert code == 0 and err == ""
    assert "新增 29 户" in out and "新增 91 人" in out and "未导入 15 行" in out
    assert "第16行 [id-checksum]" in out and str(report) in out
    wb = load_workbook(report)
    ws = wb["未导入的行"]
    assert [c.value for c in ws[3]] == ["行号", "户编号", "姓名", "字段", "原因代码", "说明"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert [int(r[0]) for r in rows] == [16, 20, 32, 33, 34, 37, 43, 59, 60, 63, 72, 77, 92, 93, 102]
    assert ws.freeze_panes == "A4"
    assert all(ws.cell(row=i, column=2).data_type == "s" for i in range(4, 4 + len(rows)))
    assert {r[3] for r in rows} == {"证件号码"}
    warn = [[c.value for c in r] for r in wb["警告"].iter_rows(min_row=4)]
    assert {w[4] for w in warn} == {"no-head"}


def test_sheet_without_header_exits_2_with_one_line(capsys, tmp_path, samples):
    db = str(tmp_path / "c.db")
    code, out, err = run(capsys, "--db", db, "import", "households",
                         str(samples / "post_roster_2025.xlsx"))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("错误：") and "表头" in err
    code, out, _ = run(capsys, "--db", db, "--json", "import", "households",
                       str(samples / "post_roster_2025.xlsx"))
    data = json.loads(out)
    assert code == 2 and data["ok"] is False and "户编号" in data["error"]


def test_report_writes_text_cells_for_any_importer(tmp_path):
    res = ImportResult(rows_imported=3)
    res.reject(ImportIssue(7, "id-checksum", "第7行证件号码校验位不符", "id_number",
                           "5227291010000001", "张三"))
    res.warn(ImportIssue(4, "bank-luhn", "第4行银行账号未通过校验", "bank_account", "5227291010000001"))
    n = write_import_report(res, tmp_path / "r.xlsx", title="考勤导入结果")
    assert n == 2
    wb = load_workbook(tmp_path / "r.xlsx")
    ws = wb["未导入的行"]
    assert ws["A1"].value == "考勤导入结果" and "未导入 1 行" in ws["A2"].value
    assert [c.value for c in ws[4]] == ["7", "5227291010000001", "张三", "证件号码", "id-checksum",
                                        "第7行证件号码校验位不符"]
    assert ws["B4"].number_format == "@"
    assert [c.value for c in wb["警告"][4]][:5] == ["4", "5227291010000001", None, "银行账号", "bank-luhn"]
    assert wb["警告"].print_title_rows == "$3:$3"
