"""Values that used to be stored (or crash) are refused at the household import boundary.

Measured before: NUL/BEL/ESC in a name were stored (later Excel exports crashed), 人均纯收入
1e20 and negative incomes were stored, 2^63 raised OverflowError (exit 1), and on PostgreSQL a
300-character name raised StringDataRightTruncation without naming the row.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import String, func, select

from fupin_desktop.domain import field_specs as fs
from fupin_desktop.models import Household, HouseholdIncome, Member
from fupin_desktop.services.households.importing import import_households
from fupin_desktop.domain.idcard import check_char
from tests.security._hostile import row, simple_xlsx

HEADER = ("户编号", "行政村", "姓名", "证件号码", "与户主关系", "人均纯收入", "工资性收入",
          "家庭人口数", "健康状况")
TODAY = dt.date(2025, 6, 1)


def ident(i: int) -> str:
    body = f"52272919800101{i:03d}"
    return body + check_char(body)


def good(i: int, **over):
    v = {"户编号": f"52272910100{i:05d}", "行政村": "幸福村", "姓名": f"张{i}", "证件号码": ident(i),
         "与户主关系": "户主", "人均纯收入": 8000, "工资性收入": 12000, "家庭人口数": 1,
         "健康状况": "健康"}
    v.update(over)
    return tuple(v[h] for h in HEADER)


CASES = [  # (row values, field label in the message, words in the message)
    (good(1, 姓名="张\x00三"), "姓名", ("控制字符", "U+0000")),
    (good(2, 姓名="李\x07四\x1b"), "姓名", ("控制字符", "U+0007")),
    (good(3, 人均纯收入=1e20), "人均纯收入", ("超出允许范围",)),
    (good(4, 工资性收入=-5), "工资性收入", ("超出允许范围", "不能为负数")),
    (good(5, 家庭人口数=2 ** 63), "家庭人口数", ("超出允许范围", str(2 ** 63))),
    (good(6, 姓名="王" * 300), "姓名", ("300 个字", "40 个字的上限")),
    (good(7, 健康状况="良" * 41), "健康状况", ("41 个字",)),
]


def test_spec_sizes_equal_the_model_columns():
    for model, specs in ((Household, fs.HOUSEHOLD), (Member, fs.MEMBER)):
        cols = {c.name: c for c in model.__table__.columns}
        for name, sp in specs.items():
            col = cols.get({"household_code": "code"}.get(name, fs.COLUMN_OF.get(name, name)))
            if col is None or not isinstance(col.type, String):
                continue
            assert sp.max_len == col.type.length, (model.__name__, name)


def test_labels_are_chinese():
    assert fs.label("wage_income") == "工资性收入"
    assert fs.label("income.2024.wage_income") == "2024年工资性收入"
    assert fs.label("low_income_support") == "享受低保"
    assert fs.label("code") == "户编号"


def test_bad_values_reject_their_row_with_the_chinese_field(tmp_path, any_db):
    rows = [row(1, HEADER)] + [row(i + 2, vals) for i, (vals, _, _) in enumerate(CASES)]
    rows.append(row(len(CASES) + 2, good(99)))
    p = simple_xlsx(tmp_path / "bad.xlsx", rows)
    res = import_households(any_db, p, today=TODAY, year=2024)
    by_row = {i.row: i for i in res.rejects}
    assert sorted(by_row) == list(range(2, len(CASES) + 2)), [i.message for i in res.rejects]
    for n, (_vals, lab, words) in enumerate(CASES, start=2):
        msg = by_row[n].message
        assert msg.startswith(f"第{n}行“{lab}”"), msg
        assert "该行未导入" in msg and all(w in msg for w in words), msg
        assert "\x00" not in msg and "\x07" not in msg
    with any_db.read() as s:
        names = s.scalars(select(Member.name)).all()
        assert names == ["张99"]
        assert s.scalar(select(func.count()).select_from(Household)) == 1
        assert s.scalar(select(func.max(HouseholdIncome.declared_per_capita))) == 8000


def test_control_characters_in_free_text_are_removed_with_a_warning(tmp_path, db):
    p = simple_xlsx(tmp_path / "c.xlsx", [row(1, HEADER), row(2, good(1, 健康状况="健\x01康"))])
    res = import_households(db, p, today=TODAY, year=2024)
    assert res.rows_imported == 1
    w = [i for i in res.warning_rows if i.code == "control-chars"]
    assert w and "“健康状况”" in w[0].message
    with db.read() as s:
        assert s.scalar(select(Member.health)) == "健康"


def test_masked_values_in_messages():
    sp = fs.HOUSEHOLD["bank_account"]
    _v, err, _n = fs.check(sp, "6" * 41)
    assert "6" * 10 not in err and "*" in err


@pytest.mark.parametrize("value,ok", [(dt.date(1899, 12, 31), False), (dt.date(1900, 1, 1), True),
                                      (dt.date(2026, 6, 1), True), (dt.date(2026, 6, 2), False)])
def test_date_range(value, ok):
    assert (fs.check_date(fs.HOUSEHOLD["monitoring_date"], value, TODAY) is None) is ok


def test_audit_summaries_name_fields_in_chinese():
    from fupin_desktop.models import AuditLog
    from fupin_desktop.services.users.audit_log import _summary

    row = AuditLog(action="update", table_name="household_incomes", record_id="1",
                   record_key="1/2024", changes={"wage_income": ["100.00", "200.00"]})
    assert "工资性收入：100.00 → 200.00" in _summary(row)


def test_assignment_bank_and_agreement_fields_are_checked():
    import dataclasses

    from fupin_desktop.errors import ValidationError
    from fupin_desktop.services.posts import assignments as pa

    fields = {f.name for f in dataclasses.fields(pa.AssignmentInput)}
    base = {f: None for f in fields}
    base.update(start_date=dt.date(2025, 1, 1))
    for name, value, words in (("agreement_no", "协" * 61, "协议编号"),
                               ("bank_account", "6" * 41, "银行账号"),
                               ("bank_name", "农\x00行", "控制字符")):
        with pytest.raises(ValidationError) as e:
            pa._check_fields(pa.AssignmentInput(**{**base, name: value}))
        assert words in str(e.value) and name in e.value.errors
    pa._check_fields(pa.AssignmentInput(**{**base, "bank_account": "6222 0012 3456 7890"}))


def test_backup_only_columns_are_checked_too(tmp_path, any_db):
    """村民小组, 住址, 未上学原因 and 状态说明 come from our own backups; over-long values used
    to be cut with a warning, a control character stored."""
    header = (*HEADER, "村民小组", "家庭住址", "义务教育阶段未上学原因", "状态说明")
    rows = [row(1, header),
            row(2, (*good(1), "组" * 61, None, None, None)),
            row(3, (*good(2), None, "址" * 201, None, None)),
            row(4, (*good(3), None, None, "因" * 61, None)),
            row(5, (*good(4), None, None, None, "外出\x00务工"))]
    res = import_households(any_db, simple_xlsx(tmp_path / "b.xlsx", rows), today=TODAY, year=2024)
    assert res.rows_imported == 1 and sorted(i.row for i in res.rejects) == [2, 3, 4]
    msgs = {i.row: i.message for i in res.rejects}
    assert msgs[2].startswith("第2行“村民小组”有 61 个字") and "“住址”" in msgs[3]
    assert "义务教育阶段未上学原因" in msgs[4]
    w = [i for i in res.warning_rows if i.code == "control-chars"]
    assert w and "“状态说明”" in w[0].message
    with any_db.read() as s:
        assert s.scalar(select(Member.status_note)) == "外出务工"
