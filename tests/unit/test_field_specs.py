"""The field specs: every text size equals its model column's size (so a value the spec passes
fits the column on SQLite and PostgreSQL), and every field has a Chinese label."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import String

from fupin_desktop.domain import field_specs as fs
from fupin_desktop.models import Household, Member
from fupin_desktop.models import Problem
from fupin_desktop.models.medical import ChronicCard, DoctorSigning, FollowUp, Settlement
from fupin_desktop.models.posts import Assignment, Post
from fupin_desktop.models.problems import Survey

TABLES = [  # (model, specs, record field -> column where they differ)
    (Household, fs.HOUSEHOLD, {"household_code": "code", **fs.COLUMN_OF}),
    (Member, fs.MEMBER, fs.COLUMN_OF),
    (Assignment, fs.ASSIGNMENT, {}),
    (Assignment, fs.POST_ASSIGNMENT, {}),
    (Post, fs.POST, {}),
    (Settlement, fs.MEDICAL_SETTLEMENT, {}),
    (Survey, fs.SURVEY, {}),
    (ChronicCard, fs.CHRONIC_CARD, {}),
    (DoctorSigning, fs.SIGNING, {}),
    (FollowUp, fs.FOLLOW_UP, {}),
    (Problem, fs.PROBLEM, {}),
]


@pytest.mark.parametrize("model,specs,col_of", TABLES, ids=lambda x: getattr(x, "__name__", ""))
def test_text_sizes_equal_the_model_columns(model, specs, col_of):
    cols = {c.name: c for c in model.__table__.columns}
    compared = 0
    for name, sp in specs.items():
        col = cols.get(col_of.get(name, name))
        if col is None or not isinstance(col.type, String) or col.type.length is None:
            continue
        assert sp.max_len == col.type.length, (model.__name__, name, sp.max_len, col.type.length)
        compared += 1
    assert compared or specs is fs.ATTENDANCE


def test_every_text_field_of_a_string_column_has_a_spec():
    # a new String column on these tables needs a spec (else an over-long value reaches the DB)
    typed = {Settlement: fs.MEDICAL_SETTLEMENT, Post: fs.POST, ChronicCard: fs.CHRONIC_CARD,
             DoctorSigning: fs.SIGNING, FollowUp: fs.FOLLOW_UP}
    skip = {"source", "status", "end_reason", "override_rules", "override_reason", "deleted_reason",
            "deleted_by", "created_by", "updated_by"}
    for model, specs in typed.items():
        for c in model.__table__.columns:
            if isinstance(c.type, String) and c.type.length and c.name not in skip:
                assert c.name in specs, (model.__name__, c.name)


@pytest.mark.parametrize("specs", [fs.HOUSEHOLD, fs.MEMBER, fs.ASSIGNMENT, fs.POST,
                                   fs.POST_ASSIGNMENT, fs.MEDICAL_SETTLEMENT, fs.ATTENDANCE,
                                   fs.SURVEY, fs.CHRONIC_CARD, fs.SIGNING, fs.FOLLOW_UP, fs.PROBLEM])
def test_labels_are_chinese(specs):
    for sp in specs.values():
        assert not re.search(r"[A-Za-z_]", sp.label), sp
        assert re.search(r"[\u4e00-\u9fff]", sp.label), sp


def test_check_value_for_each_kind():
    today = dt.date(2025, 6, 1)
    m = fs.MEDICAL_SETTLEMENT
    assert fs.check_value(m["total_cost"], Decimal("12.50"), today) == (Decimal("12.50"), None, None)
    _v, err, _n = fs.check_value(m["total_cost"], Decimal("1000000000.01"), today)
    assert "医疗费总额" in err and "超出允许范围" in err
    _v, err, _n = fs.check_value(m["settlement_date"], dt.date(2026, 6, 2), today)
    assert "结算日期" in err and "2026-06-01" in err
    _v, err, _n = fs.check_value(m["settlement_date"], dt.datetime(1899, 1, 1, 8), today)
    assert "1900-01-01" in err
    _v, err, _n = fs.check_value(m["settlement_no"], "JS\x00001", today)
    assert "结算单据号" in err and "U+0000" in err
    v, err, note = fs.check_value(m["diagnosis"], "肺\x7f炎", today)
    assert (v, err) == ("肺炎", None) and "诊断名称" in note
    v, err, note = fs.check_value(m["note"], "第一行\n第二行\t完", today)
    assert (v, err, note) == ("第一行\n第二行\t完", None, None)
    v, _err, note = fs.check_value(m["diagnosis"], "a\ufffeb\ud800c", today)
    assert v == "abc" and note
    _v, err, _n = fs.check_value(fs.ATTENDANCE["declared_days"], 32, today)
    assert "出勤天数" in err
    _v, err, _n = fs.check_value(fs.POST["wage_standard"], Decimal(-1), today)
    assert "补贴标准" in err and "不能为负数" in err


def test_every_imported_household_and_member_column_has_a_spec():
    from fupin_desktop.importers.national_records import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

    assert [f for f in HOUSEHOLD_COLUMNS if fs.HOUSEHOLD.get(f) is None and f != "village"] == []
    assert [f for f in MEMBER_COLUMNS if fs.MEMBER.get(f) is None] == []


@pytest.mark.parametrize("text", ["0000-01", "1899-12", "2101-01"])
def test_months_out_of_range_are_refused_in_chinese(text):
    from fupin_desktop.domain.posts_calendar import parse_month

    with pytest.raises(ValueError, match="年份超出范围"):
        parse_month(text)
    assert parse_month("2025-10") == dt.date(2025, 10, 1)
