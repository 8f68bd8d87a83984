"""The medical, roster, attendance and survey imports check every value against the field specs:
a bad value rejects its row with the row number and the field's Chinese name — never an
exception, never a database error (over-long text used to raise StringDataRightTruncation on
PostgreSQL and abort the whole file)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from fupin_desktop.models import Settlement
from fupin_desktop.services.medical_import import import_medical
from tests.security._hostile import row, simple_xlsx
from tests.unit._medical_data import family

TODAY = dt.date(2026, 6, 15)
ENGLISH = re.compile(r"[a-z]+_[a-z]+|income\.")


def _assert_rejects(res, cases, first):
    by_row = {i.row: i for i in res.rejects}
    assert sorted(by_row) == list(range(first, first + len(cases))), \
        [(i.row, i.message) for i in res.rejects]
    for n, (_vals, label, words) in enumerate(cases, start=first):
        msg = by_row[n].message
        assert msg.startswith(f"第{n}行“{label}”"), msg
        assert "该行未导入" in msg and all(w in msg for w in words), msg
        assert not ENGLISH.search(msg), msg
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", msg), msg


# ---- medical settlements ---------------------------------------------------------------------
MED_HEADER = ("姓名", "证件号码", "医疗机构名称", "医疗类别", "入院日期", "出院日期", "结算日期",
              "结算单据号", "诊断名称", "医疗费总额", "统筹基金支出")


def _med(idno, no, **over):
    v = {"姓名": "陈燕", "证件号码": idno, "医疗机构名称": "长顺县人民医院", "医疗类别": "住院",
         "入院日期": "2025-03-01", "出院日期": "2025-03-08", "结算日期": "2025-03-09",
         "结算单据号": no, "诊断名称": "肺炎", "医疗费总额": 1000, "统筹基金支出": 600}
    v.update(over)
    return tuple(v[h] for h in MED_HEADER)


def test_medical_bad_values_reject_their_row(tmp_path, any_db):
    _, _, (idno,) = family(any_db, names=("陈燕",))
    cases = [
        (_med(idno, "JS1", 医疗机构名称="医" * 101), "医疗机构名称", ("101 个字", "100 个字的上限")),
        (_med(idno, "JS2", 诊断名称="炎" * 201), "诊断名称", ("201 个字",)),
        (_med(idno, "J" * 61), "结算单据号", ("61 个字", "60 个字的上限")),
        (_med(idno, "JS\x004"), "结算单据号", ("控制字符", "U+0000")),
        (_med(idno, "JS5", 入院日期="1899-12-31"), "入院日期", ("1900-01-01", "请核对年份")),
    ]
    rows = [row(1, MED_HEADER)] + [row(i + 2, v) for i, (v, _, _) in enumerate(cases)]
    rows.append(row(len(cases) + 2, _med(idno, "JS99", 诊断名称="肺\x07炎")))
    p = simple_xlsx(tmp_path / "m.xlsx", rows)
    res = import_medical(any_db, p, today=TODAY)
    _assert_rejects(res, cases, 2)
    assert res.rows_imported == 1
    (w,) = [i for i in res.warning_rows if i.code == "control-chars"]
    assert "“诊断名称”" in w.message
    with any_db.read() as s:
        assert s.scalars(select(Settlement.diagnosis)).all() == ["肺炎"]
        assert s.scalar(select(func.count()).select_from(Settlement)) == 1
