"""Household import of the national monitoring export: the database-free part."""

from __future__ import annotations

import collections
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from fupin_desktop.errors import InputError
from fupin_desktop.importers.national_export import (
    HOUSEHOLD_RECORD_FIELDS, MEMBER_RECORD_FIELDS, HouseholdRecord, MemberRecord,
    parse_national_export,
)
from fupin_desktop.importers.result import ImportIssue, ImportResult

TODAY = dt.date(2025, 11, 20)
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"

HEADER = ["序号", "县", "乡(镇)", "行政村", "户编号", "户类型", "识别监测时间", "家庭人口数",
          "人均纯收入(元)", "工资性收入(元)", "银行账号", "产业帮扶", "姓名", "证件类型", "证件号码",
          "性别", "出生日期", "与户主关系", "务工时间(月)", "是否参加大病保险"]

# valid IDs (MOD 11-2 checked) from the samples
ID_A = "522729196208023116"  # 男 1962-08-02
ID_B = "52272919650324216X"  # 女 1965-03-24
ID_C = "522729199712261133"  # 男 1997-12-26
ID_D = "522729196604075356"  # 男 1966-04-07


def person(code, name, idno, relation="户主", **extra):
    row = {"县": "长顺县", "乡(镇)": "广顺镇", "行政村": "幸福村", "户编号": code, "户类型": "脱贫户",
           "家庭人口数": None, "人均纯收入(元)": 5350.0, "工资性收入(元)": 24000.0,
           "银行账号": "6228486073815055042", "产业帮扶": "是", "姓名": name, "证件类型": "居民身份证",
           "证件号码": idno, "与户主关系": relation, "务工时间(月)": 0, "是否参加大病保险": "是"}
    row.update(extra)
    return row


def write(path: Path, rows, header=HEADER, title_rows=2, sheet_before=False, merges=()):
    wb = Workbook()
    ws = wb.active
    if sheet_before:
        ws.title = "说明"
        ws.append(["本表由系统导出,仅供核查使用。"])
        ws = wb.create_sheet("监测对象信息")
    if title_rows >= 1:
        ws.append(["（自定义）监测对象信息"])
    if title_rows >= 2:
        ws.append(["导出时间:2025-11-20 10:31:07"])
    ws.append(header)
    for i, r in enumerate(rows, 1):
        if r is None:
            ws.append([])
            continue
        r = {"序号": i, **r}
        ws.append([r.get(h) for h in header])
    for ref in merges:
        ws.merge_cells(ref)
    wb.save(path)
    return path


def parse(tmp_path, rows, **kw):
    return parse_national_export(write(tmp_path / "e.xlsx", rows, **kw), today=TODAY)


def codes(parsed):
    by = collections.defaultdict(list)
    for issue in parsed.result.rejects:
        by[issue.code].append(issue.row)
    return dict(by)


def warnings(parsed):
    by = collections.defaultdict(list)
    for issue in parsed.result.warning_rows:
        by[issue.code].append(issue.row)
    return dict(by)


# -- the samples ---------------------------------------------------------------------------------
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"samples not found at {SAMPLES}")


@needs_samples
def test_sample_clean():
    p = parse_national_export(SAMPLES / "national_export_clean.xlsx", today=TODAY)
    assert (len(p.households), len(p.members), p.result.rows_rejected) == (40, 151, 0)
    assert p.result.rows_imported == 151 and p.result.rows_skipped == 0
    assert p.result.warning_rows == []
    assert (p.sheet_name, p.header_row) == ("监测对象信息", 3)


@needs_samples
def test_sample_messy():
    p = parse_national_export(SAMPLES / "national_export_messy.xlsx", today=TODAY)
    assert (len(p.households), len(p.members), p.result.rows_rejected) == (60, 195, 18)
    assert codes(p) == {
        "id-not-text": [22, 24, 60, 78, 93, 147, 201, 212],
        "id-checksum": [66, 118, 124, 131, 186, 187],
        "id-birthdate": [106, 138],
        "id-duplicate": [92, 112],
    }
    assert p.result.rows_skipped == 2  # blank row 179, 合计 row 218
    rows = {m.row for m in p.members}
    assert not rows & {179, 218}
    by_row = {m.row: m for m in p.members}
    assert by_row[27].id_number == "522729201304231787"  # full-width digits
    assert by_row[67].id_number == "522729199506230037" and by_row[67].name == "谢诺"  # U+00A0
    assert by_row[77].id_number == "52272919760323564X"  # lower-case x
    hh = p.households["5227291010000009"]
    assert hh.per_capita_income == Decimal("5866.67")  # '5,866.67元' on its first row
    assert p.households["5227291001000016"].monitoring_date == dt.date(2021, 3, 1)  # 2021年3月
    assert p.households["5227291004000022"].monitoring_date == dt.date(2025, 11, 1)  # 202511
    assert p.households["5227291006000010"].monitoring_date == dt.date(2025, 6, 1)  # '2025-06'


@needs_samples
def test_sample_merged():
    p = parse_national_export(SAMPLES / "national_export_merged.xlsx", today=TODAY)
    assert (len(p.households), len(p.members), p.result.rows_rejected) == (29, 91, 15)
    assert codes(p) == {
        "id-checksum": [16, 20, 34, 72, 77, 102],
        "id-not-text": [32, 59],
        "id-birthdate": [33, 37, 43],
        "id-duplicate": [60, 63, 92, 93],
    }
    assert p.result.rows_skipped == 2  # blank row 101, 合计 row 111
    # merged household cells reach every member row
    hh = {m.household_code for m in p.members if m.row in (4, 5, 6)}
    assert hh == {"5227291001000001"}
    assert p.households["5227291001000001"].per_capita_income == Decimal("12666.67")
    # household 5227291001000008: both rows refused (32 id-not-text, 33 id-birthdate) -> not created
    assert "5227291001000008" not in p.households


@needs_samples
def test_sample_json_contract():
    p = parse_national_export(SAMPLES / "national_export_messy.xlsx", today=TODAY)
    out = p.result.to_json()
    assert {"rows_imported", "rows_rejected", "rows_skipped", "rejects",
            "warning_rows"} <= set(out)
    assert (out["rows_imported"], out["rows_rejected"], out["households"]) == (195, 18, 60)
    assert all({"row", "code", "message"} <= set(i) for i in out["rejects"] + out["warning_rows"])
    assert [i["row"] for i in out["rejects"]] == sorted(i["row"] for i in out["rejects"])


# -- a clean small file ------------------------------------------------------------------------------
def test_household_and_member_fields(tmp_path):
    p = parse(tmp_path, [
        person("H1", "唐玉", ID_A, **{"家庭人口数": 2, "识别监测时间": "2024-11",
                                     "性别": "男", "出生日期": "19620802"}),
        person("H1", "邓志", ID_B, "配偶", **{"家庭人口数": 2, "务工时间(月)": "6个月",
                                            "是否参加大病保险": "否"}),
    ])
    assert codes(p) == {} and warnings(p) == {}
    hh = p.households["H1"]
    assert isinstance(hh, HouseholdRecord) and hh.first_row == 4 and hh.member_count == 2
    assert (hh.county, hh.township, hh.village, hh.household_type) == ("长顺县", "广顺镇", "幸福村",
                                                                       "脱贫户")
    assert hh.monitoring_date == dt.date(2024, 11, 1) and hh.family_size == 2
    assert hh.per_capita_income == Decimal("5350.00") and hh.wage_income == Decimal("24000.00")
    assert hh.bank_account == "6228486073815055042"
    assert hh.measure_industry is True and hh.measure_health is False  # absent column -> False
    assert hh.dibao is None  # absent column
    a, b = p.members
    assert isinstance(a, MemberRecord)
    assert (a.row, a.household_code, a.name, a.id_number, a.sex, a.birth_date) == (
        4, "H1", "唐玉", ID_A, "男", dt.date(1962, 8, 2))
    assert a.is_head and not b.is_head
    assert (b.sex, b.birth_date, b.work_months, b.critical_illness_insurance) == (
        "女", dt.date(1965, 3, 24), 6, False)
    assert set(a.as_dict()) == set(MEMBER_RECORD_FIELDS)
    assert set(hh.as_dict()) == set(HOUSEHOLD_RECORD_FIELDS)


def test_records_are_slotted_for_bulk_insert():
    assert not hasattr(HouseholdRecord("x", 1), "__dict__")
    assert not hasattr(MemberRecord(1, "x", "n", ID_A, "男", dt.date(1962, 8, 2)), "__dict__")


# -- normalisation ------------------------------------------------------------------------------------
def test_id_number_normalisation(tmp_path):
    p = parse(tmp_path, [
        person("H1", "甲", "５２２７２９１９６２０８０２３１１６"),
        person("H1", "乙", " 52272919650324216x\u00a0", "配偶"),
        person(" H1 ", " 丙 ", "\u3000522729199712261133", "之子"),
    ])
    assert [m.id_number for m in p.members] == [ID_A, ID_B, ID_C]
    assert [m.household_code for m in p.members] == ["H1"] * 3
    assert p.members[2].name == "丙"


def test_name_spaces_between_chinese_characters_are_removed(tmp_path):
    p = parse(tmp_path, [person("H1", "张 三", ID_A), person("H1", "John Smith", ID_B, "配偶")])
    assert [m.name for m in p.members] == ["张三", "John Smith"]


@pytest.mark.parametrize("raw, expected", [
    ("2021/3/1", dt.date(2021, 3, 1)), ("2021-03-01", dt.date(2021, 3, 1)),
    ("2021.3.1", dt.date(2021, 3, 1)), ("20210301", dt.date(2021, 3, 1)),
    ("2021年3月1日", dt.date(2021, 3, 1)), ("202103", dt.date(2021, 3, 1)),
    ("2021-03", dt.date(2021, 3, 1)), ("2021年3月", dt.date(2021, 3, 1)),
    (dt.date(2021, 3, 5), dt.date(2021, 3, 5)), ("２０２１年３月", dt.date(2021, 3, 1)),
])
def test_household_date_forms(tmp_path, raw, expected):
    p = parse(tmp_path, [person("H1", "甲", ID_A, **{"识别监测时间": raw})])
    assert p.households["H1"].monitoring_date == expected
    assert warnings(p) == {}


@pytest.mark.parametrize("raw, expected", [
    ("12,345.60元", "12345.60"), ("１２３４５.６元", "12345.60"), ("￥8,760", "8760.00"),
    (8760.0, "8760.00"), (6266.67, "6266.67"), (" 500.00元\u00a0", "500.00"),
])
def test_household_amount_forms(tmp_path, raw, expected):
    p = parse(tmp_path, [person("H1", "甲", ID_A, **{"人均纯收入(元)": raw})])
    assert p.households["H1"].per_capita_income == Decimal(expected)


def test_bad_household_values_warn_and_stay_empty(tmp_path):
    p = parse(tmp_path, [person("H1", "甲", ID_A, **{"识别监测时间": "去年春天",
                                                    "人均纯收入(元)": "约五千元",
                                                    "家庭人口数": "三口"})])
    assert len(p.members) == 1 and codes(p) == {}
    hh = p.households["H1"]
    assert hh.monitoring_date is None and hh.per_capita_income is None and hh.family_size is None
    w = {i.code: i for i in p.result.warning_rows}
    assert {"bad-date", "bad-amount", "bad-number"} <= set(w)
    assert w["bad-date"].row == 4 and w["bad-date"].field == "monitoring_date"
    assert "第4行“识别监测时间”" in w["bad-date"].message and "去年春天" in w["bad-date"].message
    assert "第4行“人均纯收入(元)”" in w["bad-amount"].message


# -- rejects ------------------------------------------------------------------------------------------
def test_numeric_id_cell_is_refused_never_converted(tmp_path):
    p = parse(tmp_path, [person("H1", "甲", ID_A), person("H1", "乙", 522729196503242160, "配偶"),
                         person("H1", "丙", 5.227291997122611e17, "之子")])
    assert codes(p) == {"id-not-text": [5, 6]}
    assert [m.name for m in p.members] == ["甲"]
    msg = p.result.rejects[0].message
    assert msg.startswith("第5行“证件号码”是数字格式") and "文本" in msg
    assert p.result.rejects[0].name == "乙" and p.result.rejects[0].household_code == "H1"


@pytest.mark.parametrize("idno, code", [
    ("52272919620802311", "id-length"), ("", "id-length"), ("5227291962080231161", "id-length"),
    ("522729196208023117", "id-checksum"), ("52272919621302311X", "id-birthdate"),
])
def test_bad_ids_are_refused(tmp_path, idno, code):
    p = parse(tmp_path, [person("H1", "甲", ID_C, "之子"), person("H1", "乙", idno)])
    assert codes(p) == {code: [5]}
    assert p.result.rejects[0].message.startswith("第5行“证件号码”：")


def test_future_birth_date_is_refused(tmp_path):
    from fupin_desktop.domain.idcard import check_char

    body = "52272920251121001"
    p = parse(tmp_path, [person("H1", "甲", ID_A), person("H1", "乙", body + check_char(body), "之子")])
    assert codes(p) == {"id-birthdate": [5]}


def test_duplicate_id_in_another_household_refuses_later_rows(tmp_path):
    p = parse(tmp_path, [person("H1", "甲", ID_A), person("H2", "乙", ID_B),
                         person("H2", "丙", ID_A, "之子"), person("H3", "丁", ID_A.lower())])
    assert codes(p) == {"id-duplicate": [6, 7]}
    issue = p.result.rejects[0]
    assert "第4行" in issue.message and "户编号H1" in issue.message
    assert [m.row for m in p.members] == [4, 5]
    assert "H3" not in p.households  # its only row was refused


def test_duplicate_id_in_the_same_household(tmp_path):
    p = parse(tmp_path, [person("H1", "甲", ID_A), person("H1", "甲", ID_A)])
    assert codes(p) == {"id-duplicate": [5]}
    assert "本户" in p.result.rejects[0].message


def test_invalid_rows_do_not_block_a_later_valid_copy(tmp_path):
    p = parse(tmp_path, [person("H1", "甲", "522729196208023117"), person("H1", "甲", ID_A)])
    assert codes(p) == {"id-checksum": [4]} and [m.row for m in p.members] == [5]


def test_missing_household_code_and_name(tmp_path):
    p = parse(tmp_path, [person("H1", "甲", ID_A), person(None, "乙", ID_B),
                         person("H1", None, ID_C), person("  ", "丁", ID_D)])
    assert codes(p) == {"missing-household-code": [5, 7], "missing-name": [6]}
    assert p.result.rejects[0].name == "乙"
    assert "第5行缺少“户编号”" in p.result.rejects[0].message


# -- warnings ------------------------------------------------------------------------------------------
def test_unknown_region_is_a_warning(tmp_path):
    from fupin_desktop.domain.idcard import check_char

    body = "99272919620802311"
    p = parse(tmp_path, [person("H1", "甲", body + check_char(body))])
    assert len(p.members) == 1 and warnings(p) == {"id-region": [4]}


def test_no_head_and_family_size(tmp_path):
    p = parse(tmp_path, [
        person("H1", "甲", ID_A, "配偶", **{"家庭人口数": 3}),
        person("H1", "乙", ID_B, "之女", **{"家庭人口数": 3}),
        person("H2", "丙", ID_C, **{"家庭人口数": 1}),
    ])
    assert warnings(p) == {"no-head": [4], "family-size": [4]}
    w = {i.code: i.message for i in p.result.warning_rows}
    assert "户编号H1" in w["no-head"]
    assert "为3" in w["family-size"] and "2行" in w["family-size"]


def test_refused_head_row_is_named_in_the_no_head_warning(tmp_path):
    p = parse(tmp_path, [person("H1", "甲", 5.2e17, **{"家庭人口数": 2}),
                         person("H1", "乙", ID_B, "配偶", **{"家庭人口数": 2})])
    assert codes(p) == {"id-not-text": [4]}
    assert warnings(p) == {"no-head": [4]}  # family size 2 = 2 rows in the file: no warning
    assert "第4行，该行未导入" in p.result.warning_rows[0].message


def test_two_heads(tmp_path):
    p = parse(tmp_path, [person("H1", "甲", ID_A), person("H1", "乙", ID_B)])
    assert warnings(p) == {"many-heads": [4]}


def test_bank_card_failing_luhn_is_a_warning(tmp_path):
    p = parse(tmp_path, [person("H1", "甲", ID_A, **{"银行账号": "6228486073815055043"})])
    assert warnings(p) == {"bank-luhn": [4]}
    assert p.households["H1"].bank_account == "6228486073815055043"  # kept
    assert "6228486073815055043" not in p.result.warning_rows[0].message  # logs never hold it


def test_numeric_bank_account_is_not_guessed(tmp_path):
    p = parse(tmp_path, [person("H1", "甲", ID_A, **{"银行账号": 6228486073815055042})])
    assert warnings(p) == {"bank-not-text": [4]}
    assert p.households["H1"].bank_account is None


def test_sex_and_birth_date_come_from_the_id(tmp_path):
    p = parse(tmp_path, [person("H1", "甲", ID_A, **{"性别": "女", "出生日期": "1962-08-03"})])
    m = p.members[0]
    assert (m.sex, m.birth_date) == ("男", dt.date(1962, 8, 2))
    assert warnings(p) == {"id-mismatch": [4, 4]}


def test_conflicting_household_values_on_later_rows(tmp_path):
    p = parse(tmp_path, [
        person("H1", "甲", ID_A, **{"人均纯收入(元)": "5,350.00元"}),
        person("H1", "乙", ID_B, "配偶", **{"人均纯收入(元)": 5350.0}),  # same value, other form
        person("H1", "丙", ID_C, "之子", **{"人均纯收入(元)": 9999.0, "户类型": None}),
    ])
    assert warnings(p) == {"household-conflict": [6]}
    assert p.households["H1"].per_capita_income == Decimal("5350.00")
    assert p.households["H1"].household_type == "脱贫户"


def test_later_rows_fill_household_gaps(tmp_path):
    p = parse(tmp_path, [person("H1", "甲", ID_A, **{"户类型": None, "产业帮扶": None}),
                         person("H1", "乙", ID_B, "配偶")])
    assert p.households["H1"].household_type == "脱贫户"
    assert p.households["H1"].measure_industry is True


# -- layouts ------------------------------------------------------------------------------------------
def test_header_on_row_3_shuffled_columns_extra_columns_second_sheet(tmp_path):
    header = ["备注", "证件号码", "姓名", "数据来源", "户编号", "人均纯收入（元）", " 与户主关系 ", "序号"]
    rows = [person("H1", "甲", ID_A), person("H1", "乙", ID_B, "配偶")]
    for r in rows:
        r["人均纯收入（元）"] = r.pop("人均纯收入(元)")
        r[" 与户主关系 "] = r.pop("与户主关系")
    p = parse(tmp_path, rows, header=header, sheet_before=True)
    assert (p.sheet_name, p.header_row) == ("监测对象信息", 3)
    assert [m.name for m in p.members] == ["甲", "乙"]
    assert p.households["H1"].per_capita_income == Decimal("5350.00")
    assert "户类型" in p.missing_columns


def test_merged_household_cells(tmp_path):
    rows = [person("H1", "甲", ID_A, **{"家庭人口数": 3}), person(None, "乙", ID_B, "配偶"),
            person(None, "丙", ID_C, "之子"), person("H2", "丁", ID_D, **{"家庭人口数": 1})]
    for r in rows[1:3]:
        for k in ("县", "乡(镇)", "行政村", "户类型", "人均纯收入(元)", "工资性收入(元)", "银行账号"):
            r[k] = None
    cols = {h: chr(65 + i) for i, h in enumerate(HEADER)}
    merges = [f"{cols[h]}4:{cols[h]}6" for h in ("县", "户编号", "户类型", "家庭人口数", "人均纯收入(元)")]
    p = parse(tmp_path, rows, merges=merges)
    assert codes(p) == {} and warnings(p) == {}
    assert [m.household_code for m in p.members] == ["H1", "H1", "H1", "H2"]
    assert p.households["H1"].member_count == 3 and p.households["H1"].family_size == 3


def test_blank_and_total_rows_are_skipped(tmp_path):
    p = parse(tmp_path, [person("H1", "甲", ID_A), None, person("H1", "乙", ID_B, "配偶"),
                         {"序号": "合计", "家庭人口数": 2}])
    assert p.result.rows_skipped == 2 and p.result.rows_rejected == 0
    assert [m.row for m in p.members] == [4, 6]


def test_sheet_without_header_is_input_error(tmp_path):
    wb = Workbook()
    wb.active.append(["说明"])
    wb.active.append(["这里没有表头"])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(InputError, match="找不到全国防返贫监测信息系统导出表的表头"):
        parse_national_export(tmp_path / "x.xlsx")


def test_progress_is_reported(tmp_path):
    from fupin_desktop.domain.idcard import check_char

    rows = []
    for i in range(2100):
        body = f"522729{dt.date(1990, 1, 1) + dt.timedelta(days=i):%Y%m%d}001"
        rows.append(person(f"H{i}", "甲", body + check_char(body)))
    path = write(tmp_path / "big.xlsx", rows)
    calls = []
    p = parse_national_export(path, today=TODAY, progress=lambda row, last: calls.append((row, last)))
    assert len(p.members) == 2100
    assert calls == [(2003, 2103)]


# -- result contract ----------------------------------------------------------------------------------
def test_import_result_to_json():
    r = ImportResult(counts={"households_created": 3, "rows_imported": 99})
    r.rows_imported = 5
    r.rows_skipped = 1
    r.reject(ImportIssue(9, "id-checksum", "第9行…", "id_number", "H1", "甲"))
    r.reject(ImportIssue(7, "missing-name", "第7行…"))
    r.warn(ImportIssue(8, "no-head", "户…", household_code="H2"))
    assert r.to_json() == {
        "rows_imported": 5, "rows_rejected": 2, "rows_skipped": 1, "households_created": 3,
        "rejects": [{"row": 7, "code": "missing-name", "message": "第7行…"},
                    {"row": 9, "code": "id-checksum", "message": "第9行…", "field": "id_number",
                     "household_code": "H1", "name": "甲"}],
        "warning_rows": [{"row": 8, "code": "no-head", "message": "户…", "household_code": "H2"}],
    }


def test_drop_members_for_the_database_writer(tmp_path):
    p = parse(tmp_path, [person("H1", "甲", ID_A), person("H2", "乙", ID_B),
                         person("H2", "丙", ID_C, "之子")])
    p.drop_members({ID_B: ImportIssue(5, "id-duplicate", "已登记在其他户"),
                    ID_A: ImportIssue(4, "id-duplicate", "已登记在其他户")})
    assert [m.row for m in p.members] == [6]
    assert list(p.households) == ["H2"] and p.households["H2"].member_count == 1
    out = p.result.to_json()
    assert (out["rows_imported"], out["rows_rejected"], out["households"]) == (1, 2, 1)
