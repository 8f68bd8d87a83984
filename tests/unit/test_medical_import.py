"""`fupin import medical`: synonyms, every reject code, warnings, idempotence, all-or-nothing,
and the sample file."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from fupin_desktop import cli
from fupin_desktop.errors import InputError
from fupin_desktop.services.medical.importing import import_medical
from fupin_desktop.models import AuditLog, Settlement
from fupin_desktop.services.progress import Cancelled

from ._medical_data import family, make_id

TODAY = dt.date(2026, 6, 15)
SAMPLE_HEADER = ["序号", "姓名", "证件号码", "医疗机构名称", "医院等级", "医疗类别", "入院日期",
                 "出院日期", "结算日期", "结算单据号", "诊断名称", "医疗费总额", "符合政策范围金额",
                 "统筹基金支出", "居民大病保险", "医疗救助基金", "其他支出", "个人负担总金额"]


def write_xlsx(path, header, rows, title="2025年医疗费用一站式结算明细表"):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def row(n, name, idno, no, total, policy, basic, critical=0, assist=0, other=0, self_paid=None,
        care="住院", adm="2025-03-01", dis="2025-03-08", settled="2025-03-09", level="县"):
    if self_paid is None:
        self_paid = round(total - basic - critical - assist - other, 2)
    return [n, name, idno, "长顺县人民医院", level, care, adm, dis, settled, no, "肺炎", total,
            policy, basic, critical, assist, other, self_paid]


def codes(res):
    return {i.row: i.code for i in res.rejects}


def test_sample_headers_import_and_derive(db, tmp_path):
    _, (mid,), (idno,) = family(db, names=("陈燕",))
    p = write_xlsx(tmp_path / "m.xlsx", SAMPLE_HEADER, [
        row(1, "陈燕", idno, "JS1", 57265.48, 46489.74, 29067.79, 5653.17, 8053.35, 0, 14491.17),
        row(2, "陈燕", idno, "JS2", 236.13, 206.69, 115.48, 0, 44.1, 0, 76.55, care="门诊",
            adm=None, dis=None, settled=dt.date(2025, 6, 26), level="乡镇"),
    ])
    res = import_medical(db, p, today=TODAY)
    assert (res.rows_imported, res.rows_rejected, res.warning_rows) == (2, 0, [])
    with db.read() as s:
        rows = {x.settlement_no: x for x in s.scalars(select(Settlement))}
    r1 = rows["JS1"]
    assert (r1.member_id, r1.care_type, r1.hospital_level) == (mid, "住院", "县")
    assert r1.total_cost == D("57265.48") and r1.critical_insurance == D("5653.17")
    assert r1.self_paid == D("14491.17") and r1.policy_ratio == D("0.9201")
    assert rows["JS2"].admission_date is None and rows["JS2"].settlement_date == dt.date(2025, 6, 26)
    assert rows["JS2"].source == "导入"


def test_other_synonyms_units_and_type_names(db, tmp_path):
    _, (mid,), (idno,) = family(db, names=("周霞",))
    header = ["姓 名", "身份证号", "就诊医院", "医疗机构级别", "就诊类型", "入院时间", "出院时间",
              "结算时间", "结算单号", "疾病名称", "总费用(元)", "政策范围内费用（元）",
              "基本医保统筹", "大病保险", "医疗救助", "其他保障", "其他保障类型", "个人自付",
              "先诊疗后付费", "一站式结算"]
    p = write_xlsx(tmp_path / "m.xlsx", header, [
        ["周霞", idno, "广顺镇卫生院", "乡镇卫生院", "门特", None, None, "2025/5/6", "N-1",
         "高血压", "1,000.00元", "900", "600", "0", "100", "50", "慈善", "250.00", "是", "√"],
    ], title=None)
    res = import_medical(db, p, today=TODAY)
    assert res.rows_imported == 1, res.to_json()
    with db.read() as s:
        r = s.scalar(select(Settlement))
    assert (r.care_type, r.hospital_level, r.other_kind) == ("门诊慢特病", "乡镇", "慈善")
    assert r.other_support == D("50.00") and r.self_paid == D("250.00")
    assert r.pay_after_treatment is True and r.one_stop is True


def test_every_reject_code(db, tmp_path):
    _, _, (a, b) = family(db, names=("甲", "乙"))
    stranger = make_id(dt.date(1990, 1, 1))
    bad_check = a[:17] + ("0" if a[17] != "0" else "1")
    rows = [
        row(1, "甲", a, "OK1", 100, 90, 50),                                   # row 3 ok
        row(2, "甲", 522729199001011234, "R1", 100, 90, 50),                    # 4 id-not-text
        row(3, "甲", a[:17], "R2", 100, 90, 50),                               # 5 id-length
        row(4, "甲", bad_check, "R3", 100, 90, 50),                            # 6 id-checksum
        row(5, "甲", "52272919901301123X", "R4", 100, 90, 50),                 # 7 id-birthdate
        row(6, "丙", stranger, "R5", 100, 90, 50),                             # 8 unknown-member
        row(7, "甲", a, "R6", 100, 90, 80, 0, 30),                             # 9 payers-exceed
        row(8, "甲", a, "R7", 100, 90, 50, adm="2025-03-08", dis="2025-03-01"),  # 10 dates
        row(9, "甲", a, "R8", 100, 90, 50, settled="2026-06-16", dis="2026-06-16"),  # 11 future
        row(10, "甲", a, "R9", 100, 90, -5),                                   # 12 negative
        row(11, "甲", a, "R10", 100, 120, 50),                                 # 13 policy-exceeds
        row(12, "乙", b, "OK1", 100, 90, 50),                                  # 14 duplicate
        row(13, "乙", b, None, 100, 90, 50),                                   # 15 missing-value
        row(14, "乙", b, "R12", "一百", 90, 50, self_paid=""),                         # 16 bad-value
        row(15, "乙", b, "R13", 100, 90, 50, care="急救"),                      # 17 bad-value
        row(16, "乙", b, "R14", 100, 90, 50, settled="2025-02-30"),            # 18 dates
    ]
    res = import_medical(db, write_xlsx(tmp_path / "m.xlsx", SAMPLE_HEADER, rows), today=TODAY)
    assert codes(res) == {
        4: "id-not-text", 5: "id-length", 6: "id-checksum", 7: "id-birthdate",
        8: "unknown-member", 9: "payers-exceed-total", 10: "dates", 11: "dates",
        12: "negative-amount", 13: "policy-exceeds-total", 14: "duplicate-settlement",
        15: "missing-value", 16: "bad-value", 17: "bad-value", 18: "dates"}
    assert res.rows_imported == 1 and res.rows_rejected == 15
    msgs = {i.row: i.message for i in res.rejects}
    assert "与第3行重复" in msgs[14]
    assert "出院日期 2025-03-01 早于入院日期 2025-03-08" in msgs[10]
    assert "晚于今天" in msgs[11]
    assert msgs[4].startswith("第4行“证件号码”是数字格式")
    assert stranger not in msgs[8]  # the full ID never appears in a message
    with db.read() as s:
        assert s.scalars(select(Settlement.settlement_no)).all() == ["OK1"]


def test_self_pay_mismatch_tolerance_and_other_warnings(db, tmp_path):
    _, _, (a,) = family(db, names=("李霞",))
    rows = [row(1, "李霞", a, "W1", 405.17, 342.32, 241.53, 0, 41.31, 0, 122.34),   # 0.01 off: ok
            row(2, "李霞", a, "W2", 405.17, 342.32, 241.53, 0, 41.31, 0, 132.33),   # 10.00 off
            row(3, "李小霞", a, "W3", 100, 90, 50, level="一级")]
    res = import_medical(db, write_xlsx(tmp_path / "m.xlsx", SAMPLE_HEADER, rows), today=TODAY)
    assert res.rows_imported == 3 and res.rows_rejected == 0
    warns = sorted((w.row, w.code) for w in res.warning_rows)
    assert warns == [(4, "self-pay-mismatch"), (5, "bad-value"), (5, "name-mismatch")]
    w = next(w for w in res.warning_rows if w.code == "self-pay-mismatch")
    assert "相差 10.00 元" in w.message
    with db.read() as s:
        assert s.scalar(select(Settlement.self_paid).where(Settlement.settlement_no == "W2")) == D("122.33")


def test_dead_member_is_imported_with_a_warning(db, tmp_path):
    _, _, (a,) = family(db, names=("王军",), status="死亡", status_date=dt.date(2025, 1, 1))
    res = import_medical(db, write_xlsx(tmp_path / "m.xlsx", SAMPLE_HEADER,
                                        [row(1, "王军", a, "D1", 100, 90, 50)]), today=TODAY)
    assert res.rows_imported == 1 and [w.code for w in res.warning_rows] == ["member-not-alive"]


def test_reimport_is_idempotent_and_updates_by_settlement_number(db, tmp_path):
    _, _, (a,) = family(db, names=("甲",))
    p = write_xlsx(tmp_path / "m.xlsx", SAMPLE_HEADER, [row(1, "甲", a, "U1", 100, 90, 50),
                                                        row(2, "甲", a, "U2", 200, 90, 50)])
    first = import_medical(db, p, today=TODAY)
    assert first.counts["settlements_created"] == 2
    again = import_medical(db, p, today=TODAY)
    assert (again.counts["settlements_created"], again.counts["settlements_updated"],
            again.counts["settlements_unchanged"]) == (0, 0, 2)
    p2 = write_xlsx(tmp_path / "m2.xlsx", SAMPLE_HEADER, [row(1, "甲", a, "U1", 100, 90, 60)])
    upd = import_medical(db, p2, today=TODAY)
    assert upd.counts["settlements_updated"] == 1
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Settlement)) == 2
        r = s.scalar(select(Settlement).where(Settlement.settlement_no == "U1"))
        assert r.basic_insurance == D("60.00") and r.self_paid == D("40.00")
        audit = s.scalars(select(AuditLog).where(AuditLog.table_name == "medical_settlements",
                                                 AuditLog.action == "update")).all()
        assert len(audit) == 1 and audit[0].changes["basic_insurance"] == ["50.00", "60.00"]


def test_all_or_nothing_on_cancel(db, tmp_path):
    _, _, (a,) = family(db, names=("甲",))
    p = write_xlsx(tmp_path / "m.xlsx", SAMPLE_HEADER, [row(1, "甲", a, "C1", 100, 90, 50)])

    def cancel_at_write(done, total, text):
        if "写入" in text:
            raise Cancelled()

    with pytest.raises(Cancelled):
        import_medical(db, p, today=TODAY, progress=cancel_at_write)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Settlement)) == 0


def test_blank_and_total_rows_are_skipped(db, tmp_path):
    _, _, (a,) = family(db, names=("甲",))
    rows = [row(1, "甲", a, "B1", 100, 90, 50), [None] * 18,
            row(2, "甲", a, "B2", 100, 90, 50), ["合计"] + [None] * 10 + [200] + [None] * 6]
    res = import_medical(db, write_xlsx(tmp_path / "m.xlsx", SAMPLE_HEADER, rows), today=TODAY)
    assert (res.rows_imported, res.rows_rejected, res.rows_skipped) == (2, 0, 2)


def test_a_sheet_without_the_header_is_unusable_input(db, tmp_path):
    p = write_xlsx(tmp_path / "m.xlsx", ["姓名", "证件号码", "金额"], [["甲", "1", 3]])
    with pytest.raises(InputError, match="找不到医疗结算明细的表头"):
        import_medical(db, p, today=TODAY)


def test_cli_json_contract_and_report(db, tmp_path, capsys):
    _, _, (a,) = family(db, names=("甲",))
    p = write_xlsx(tmp_path / "m.xlsx", SAMPLE_HEADER, [row(1, "甲", a, "J1", 100, 90, 50),
                                                        row(2, "甲", a, "J1", 100, 90, 50)])
    report = tmp_path / "rejects.xlsx"
    code = cli.main(["--db", db.url, "--json", "import", "medical", str(p), "--report", str(report)])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["ok"] is True
    assert {"rows_imported", "rows_rejected", "rows_skipped", "rejects", "warning_rows"} <= set(data)
    assert data["rejects"] == [{"row": 4, "code": "duplicate-settlement", "message": data["rejects"][0]["message"],
                                "field": "settlement_no", "household_code": data["rejects"][0]["household_code"],
                                "name": "甲"}]
    from python_calamine import CalamineWorkbook

    cells = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    assert any("duplicate-settlement" in map(str, r) for r in cells)


def test_sample_file(db, samples):
    try:
        from fupin_desktop.services.households.importing import import_households
    except ImportError as exc:  # pragma: no cover - depends on the households importer
        pytest.skip(f"户信息导入尚不可用：{exc}")
    import_households(db, samples / "national_export_messy.xlsx")
    res = import_medical(db, samples / "medical_settlements_2025.xlsx", today=TODAY)
    assert res.rows_imported == 38
    assert codes(res) == {9: "payers-exceed-total", 11: "dates"}
    assert [(w.row, w.code) for w in res.warning_rows] == [(13, "self-pay-mismatch")]
    assert "相差 10.00 元" in res.warning_rows[0].message
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(samples / "medical_settlements_2025.xlsx"))
    declared = {r[9]: D(repr(r[17])).quantize(D("0.01"))
                for r in sheet.get_sheet_by_index(0).to_python()[2:]}
    with db.read() as s:
        stored = dict(s.execute(select(Settlement.settlement_no, Settlement.self_paid)).all())
    assert len(stored) == 38
    # the stored 个人自付 is the computed one: it equals the sheet's everywhere but on row 13
    differ = {no for no, v in stored.items() if v != declared[no]}
    assert differ == {"JS20250000011"}
    assert stored["JS20250000011"] == D("122.33") and declared["JS20250000011"] == D("132.33")


def test_amount_beyond_the_column_range_is_rejected(any_db, tmp_path):
    # an ID number in 医疗费总额: a reject on that row, not a database error for the whole file
    _, _, (idno,) = family(any_db, names=("陈燕",))
    p = write_xlsx(tmp_path / "m.xlsx", SAMPLE_HEADER, [
        row(1, "陈燕", idno, "JS1", 100.0, 90.0, 50.0),
        row(2, "陈燕", idno, "JS2", "522729199001016165", 90.0, 50.0, self_paid=""),
    ])
    res = import_medical(any_db, p, today=TODAY)
    assert (res.rows_imported, codes(res)) == (1, {4: "bad-value"})
    assert "超出可录入的最大金额" in res.rejects[0].message
    with any_db.read() as s:
        assert s.scalars(select(Settlement.settlement_no)).all() == ["JS1"]


def test_long_numeric_settlement_number_is_rejected_not_truncated(db, tmp_path):
    # a 20-digit 单据号 in a number cell has lost its last digits: matching on what is left could
    # overwrite another settlement, so the row is refused; a short numeric one is kept as text
    _, _, (idno,) = family(db, names=("陈燕",))
    p = write_xlsx(tmp_path / "m.xlsx", SAMPLE_HEADER, [
        row(1, "陈燕", idno, 20250311000012345678, 100.0, 90.0, 50.0),
        row(2, "陈燕", idno, 20250311000012345679, 100.0, 90.0, 50.0),
        row(3, "陈燕", idno, 123456, 100.0, 90.0, 50.0),
    ])
    res = import_medical(db, p, today=TODAY)
    assert (res.rows_imported, codes(res)) == (1, {3: "bad-value", 4: "bad-value"})
    assert "15位有效数字" in res.rejects[0].message
    with db.read() as s:
        assert s.scalars(select(Settlement.settlement_no)).all() == ["123456"]
