"""The generic table reader: finding the sheet and header, merges, blank and total rows."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from fupin_desktop.errors import InputError
from fupin_desktop.importers.sheet import SheetRow, SheetSpec, header_key, open_sheet

SPEC = SheetSpec(
    columns={
        "code": ("户编号",),
        "name": ("姓名",),
        "id_number": ("证件号码", "身份证号"),
        "income": ("人均纯收入",),
        "birth": ("出生日期",),
        "flag": ("是否危房户",),
    },
    required=("code", "name"),
    what="测试表",
)


def save(tmp_path, sheets, merges=(), name="t.xlsx", hidden=()):
    """sheets: {title: rows}; merges: [(sheet title, 'A4:A6')]."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
        if title in hidden:
            ws.sheet_state = "hidden"
    for title, ref in merges:
        wb[title].merge_cells(ref)
    path = tmp_path / name
    wb.save(path)
    return path


def rows_of(reader):
    return [(r.row, r.values) for r in reader]


# -- header keys ----------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, key", [
    ("人均纯收入(元)", "人均纯收入"), ("人均纯收入（元）", "人均纯收入"), (" 姓 名 ", "姓名"),
    ("务工时间(月)", "务工时间"), ("*姓名", "姓名"), ("姓名：", "姓名"), ("证件\n号码", "证件号码"),
    ("金额[元]", "金额"), ("金额【元】", "金额"), ("乡(镇)", "乡"), (1.0, "1"), (None, ""),
])
def test_header_key(raw, key):
    assert header_key(raw) == key


def test_spec_refuses_ambiguous_synonyms():
    with pytest.raises(ValueError):
        SheetSpec(columns={"a": ("姓名",), "b": ("姓名（户主）",)}, required=("a",))


# -- finding the table ------------------------------------------------------------------------------
def test_header_on_row_3_after_title_rows_columns_shuffled(tmp_path):
    path = save(tmp_path, {"数据": [
        ["（自定义）监测对象信息"],
        ["导出时间:2025-11-20"],
        ["序号", " 姓 名 ", "备注", "人均纯收入（元）", "户编号", "证件号码"],
        [1, "唐玉", "x", 5350.0, "5227291010000001", "522729196208023116"],
        [2, "邓志", None, "5,350元", "5227291010000001", "52272919650324216X"],
    ]}, merges=[("数据", "A1:F1")])
    r = open_sheet(path, SPEC)
    assert (r.sheet_name, r.header_row) == ("数据", 3)
    assert r.columns == {"name": 1, "income": 3, "code": 4, "id_number": 5}
    assert r.headers["income"] == "人均纯收入（元）"
    assert r.unknown_headers == ["序号", "备注"]
    assert set(r.missing) == {"birth", "flag"}
    assert rows_of(r) == [
        (4, {"name": "唐玉", "income": 5350.0, "code": "5227291010000001",
             "id_number": "522729196208023116"}),
        (5, {"name": "邓志", "income": "5,350元", "code": "5227291010000001",
             "id_number": "52272919650324216X"}),
    ]
    assert r.rows_skipped == 0


def test_data_on_second_sheet_after_a_note_sheet(tmp_path):
    path = save(tmp_path, {
        "说明": [["本表由系统导出,仅供核查使用。"], ["姓名为户主姓名"]],
        "监测对象信息": [["标题"], ["户编号", "姓名", "证件号码"], ["H1", "张三", "1"]],
    })
    r = open_sheet(path, SPEC)
    assert (r.sheet_name, r.sheet_index, r.header_row) == ("监测对象信息", 1, 2)
    assert [row.row for row in r] == [3]


def test_visible_sheet_preferred_over_hidden_one(tmp_path):
    path = save(tmp_path, {
        "旧数据": [["户编号", "姓名"], ["OLD", "旧"]],
        "新数据": [["户编号", "姓名"], ["NEW", "新"]],
    }, hidden=("旧数据",))
    r = open_sheet(path, SPEC)
    assert r.sheet_name == "新数据"


def test_table_that_does_not_start_at_a1(tmp_path):
    """calamine's iter_rows() starts at the first used column; indexes must follow."""
    path = save(tmp_path, {"S": [
        [], [],
        [None, None, "户编号", "姓名", "出生日期"],
        [None, None, "H1", "张三", dt.date(1980, 1, 2)],
        [None, None, "H2", "李四", None],
    ]})
    r = open_sheet(path, SPEC)
    assert r.header_row == 3 and r.columns == {"code": 2, "name": 3, "birth": 4}
    assert rows_of(r) == [(4, {"code": "H1", "name": "张三", "birth": dt.date(1980, 1, 2)}),
                          (5, {"code": "H2", "name": "李四", "birth": None})]


def test_raw_types_are_kept(tmp_path):
    path = save(tmp_path, {"S": [
        ["户编号", "姓名", "证件号码", "人均纯收入", "出生日期", "是否危房户"],
        ["H1", "张三", 522729196208023116, 12, dt.datetime(2021, 3, 1, 8, 30), True],
        ["H1", "李四", "522729196208023116", 12.5, dt.date(2021, 3, 1), "是"],
    ]})
    vals = [row.values for row in open_sheet(path, SPEC)]
    assert isinstance(vals[0]["id_number"], float)  # the importer refuses it, never converts
    assert vals[0]["birth"] == dt.datetime(2021, 3, 1, 8, 30)
    assert vals[0]["flag"] is True
    assert vals[1]["income"] == 12.5 and vals[1]["birth"] == dt.date(2021, 3, 1)
    assert isinstance(vals[1]["id_number"], str)


def test_first_of_two_same_named_columns_wins(tmp_path):
    path = save(tmp_path, {"S": [["户编号", "姓名", "姓名"], ["H1", "户主名", "成员名"]]})
    r = open_sheet(path, SPEC)
    assert [row.values["name"] for row in r] == ["户主名"]


def test_numbering_row_under_the_header_is_skipped(tmp_path):
    path = save(tmp_path, {"S": [["户编号", "姓名", "证件号码"], [1, 2, 3], ["H1", "张三", "x"]]})
    r = open_sheet(path, SPEC)
    assert [row.row for row in r] == [3] and r.skipped_rows == [2]


# -- merged cells -----------------------------------------------------------------------------------
def test_value_merged_across_rows_applies_to_every_row(tmp_path):
    path = save(tmp_path, {"S": [
        ["标题"],
        ["户编号", "姓名", "人均纯收入", "备注"],
        ["H1", "甲", 100.0, "n"],
        [None, "乙", None, None],
        [None, "丙", None, None],
        ["H2", "丁", 200.0, None],
        [None, "戊", None, None],
    ]}, merges=[("S", "A3:A5"), ("S", "C3:C5"), ("S", "A6:A7"), ("S", "C6:C7"), ("S", "D3:D7"),
                ("S", "A1:D1")])
    got = [(r.row, r.values["code"], r.values["income"]) for r in open_sheet(path, SPEC)]
    assert got == [(3, "H1", 100.0), (4, "H1", 100.0), (5, "H1", 100.0), (6, "H2", 200.0),
                   (7, "H2", 200.0)]


def test_merged_header_cells_over_two_header_rows(tmp_path):
    path = save(tmp_path, {"S": [
        ["户编号", "姓名", "收入情况", None],
        [None, None, "人均纯收入", "工资"],
        ["H1", "甲", 100.0, 50.0],
    ]}, merges=[("S", "A1:A2"), ("S", "B1:B2"), ("S", "C1:D1")])
    r = open_sheet(path, SPEC)
    assert r.header_row == 2 and set(r.columns) == {"code", "name", "income"}
    assert rows_of(r) == [(3, {"code": "H1", "name": "甲", "income": 100.0})]


def test_horizontal_merge_is_not_spread_across_columns(tmp_path):
    """A note merged across the row stays in its first cell: the row is not data."""
    path = save(tmp_path, {"S": [
        ["户编号", "姓名", "证件号码"],
        ["H1", "甲", "x"],
        ["填表人：张三  审核人：李四", None, None],
    ]}, merges=[("S", "A3:C3")])
    r = open_sheet(path, SPEC)
    assert [(row.row, row.values["name"]) for row in r] == [(2, "甲"), (3, None)]


# -- blank and total rows ---------------------------------------------------------------------------
def test_blank_and_total_rows_are_skipped_and_counted(tmp_path):
    path = save(tmp_path, {"S": [
        ["序号", "户编号", "姓名"],
        [1, "H1", "甲"],
        [None, None, None],
        [2, "H2", "乙"],
        [None, "\u3000", " "],
        [3, "H3", "丙"],
        ["合 计", None, None],
        ["小计：", "", "2人"],
        [None, "总计", None],
        [None, None, None],
        [None, None, None],
    ]})
    r = open_sheet(path, SPEC)
    assert [row.row for row in r] == [2, 4, 6]
    assert r.skipped_rows == [3, 5, 7, 8, 9]
    assert r.rows_skipped == 5  # trailing blank rows are formatting, not skipped data


def test_a_name_containing_ji_is_not_a_total_row(tmp_path):
    path = save(tmp_path, {"S": [["户编号", "姓名"], ["H1", "张计"], ["H2", "计生办"]]})
    assert [row.values["name"] for row in open_sheet(path, SPEC)] == ["张计", "计生办"]


def test_total_row_only_detected_in_the_first_columns(tmp_path):
    path = save(tmp_path, {"S": [["户编号", "a", "b", "c", "姓名"], ["H1", 1, 2, 3, "合计"]]})
    assert [row.values["name"] for row in open_sheet(path, SPEC)] == ["合计"]


# -- unusable input ---------------------------------------------------------------------------------
def test_no_recognisable_header(tmp_path):
    path = save(tmp_path, {"S": [["标题"], ["序号", "名字", "号码"], [1, "张三", "x"]]})
    with pytest.raises(InputError) as e:
        open_sheet(path, SPEC)
    assert "找不到测试表的表头" in str(e.value) and "“户编号”" in str(e.value)
    assert "\n" not in str(e.value)


def test_incomplete_header_names_the_missing_column(tmp_path):
    path = save(tmp_path, {"S": [["户编号", "证件号码"], ["H1", "x"]]})
    with pytest.raises(InputError, match="第1行，缺少“姓名”列"):
        open_sheet(path, SPEC)


def test_empty_workbook(tmp_path):
    path = save(tmp_path, {"S": []})
    with pytest.raises(InputError):
        open_sheet(path, SPEC)


def test_header_too_far_down_is_not_searched(tmp_path):
    path = save(tmp_path, {"S": [["x"]] * 40 + [["户编号", "姓名"], ["H1", "甲"]]})
    with pytest.raises(InputError):
        open_sheet(path, SPEC)


def test_unreadable_files(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"this is not a workbook")
    with pytest.raises(InputError, match="无法读取文件“junk.xlsx”"):
        open_sheet(junk, SPEC)
    with pytest.raises(InputError, match="找不到文件"):
        open_sheet(tmp_path / "missing.xlsx", SPEC)
    csv = tmp_path / "a.csv"
    csv.write_text("户编号,姓名\n")
    with pytest.raises(InputError, match="CSV"):
        open_sheet(csv, SPEC)


def test_iter_values_gives_none_for_absent_columns(tmp_path):
    path = save(tmp_path, {"S": [["户编号", "姓名"], ["H1", "甲"], ["H2", ""]]})
    r = open_sheet(path, SPEC)
    assert list(r.iter_values(["name", "birth", "code"])) == [
        (2, ("甲", None, "H1")), (3, (None, None, "H2"))]


def test_sheet_row_is_a_plain_value_object():
    row = SheetRow(4, {"name": "甲"})
    assert row.row == 4 and row.values == {"name": "甲"}
