"""The demo township: valid data, deterministic for a seed, refuses a database with data."""

from __future__ import annotations

import datetime as dt
import json
import sys
import types
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from sqlalchemy import select

from fupin_desktop.errors import UserError
from fupin_desktop.models import (
    AuditLog, Household, HouseholdIncome, Measure, Member, Setting, Village, Visit)
from fupin_desktop.services import demo, settings
from fupin_desktop.domain.bankcard import luhn_ok
from fupin_desktop.services.demo.data import age_on
from fupin_desktop.domain.idcard import validate_id
from fupin_desktop.domain.income import net_income, per_capita

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def demo_db(db):
    demo.generate_demo(db, households=240, seed=7, today=TODAY)
    return db


def _all(db, model):
    with db.read() as s:
        return list(s.scalars(select(model).order_by(*model.__table__.primary_key.columns)))


def test_members_have_valid_ids_consistent_with_sex_and_birth_date(demo_db):
    members = _all(demo_db, Member)
    assert len(members) >= 240 * 3
    assert len({m.id_number for m in members}) == len(members)
    for m in members:
        check = validate_id(m.id_number, today=TODAY)
        assert check.ok, (m.id_number, check.message)
        assert check.region_known
        assert isinstance(m.id_number, str) and len(m.id_number) == 18
        assert m.sex == check.sex and m.birth_date == check.birth_date
        assert m.birth_date <= TODAY


def test_family_structure_is_plausible(demo_db):
    by_house = defaultdict(list)
    for m in _all(demo_db, Member):
        by_house[m.household_id].append(m)
    households = _all(demo_db, Household)
    assert len(households) == 240
    assert 3.0 <= sum(len(v) for v in by_house.values()) / len(households) <= 4.0
    for h in households:
        ms = by_house[h.id]
        heads = [m for m in ms if m.relation == "户主"]
        assert len(heads) == 1, h.code
        head = heads[0]
        assert head.status == "正常"
        assert h.family_size == sum(m.status == "正常" for m in ms)
        head_age = age_on(head.birth_date, TODAY)
        for m in ms:
            age = age_on(m.birth_date, TODAY)
            if m.relation in ("之子", "之女"):
                assert head_age - age >= 16, (h.code, m.relation)
            if m.relation in ("之父", "之母"):
                assert age - head_age >= 20
            if m.relation in ("之孙子", "之孙女"):
                assert head_age - age >= 32
            if m.relation == "配偶":
                assert age >= 20 and m.sex != head.sex
            if age < 6:
                assert m.education == "学龄前儿童"
            if age < 16:
                assert m.labour_skill == "无劳动力" and m.work_months == 0
            if m.status != "正常":
                assert m.status_date is not None and m.status_date <= TODAY
    values = Counter(m.health for ms in by_house.values() for m in ms)
    assert set(values) <= {"健康", "长期慢性病", "患有大病", "残疾"} and values["健康"] > len(households)


def test_villages_monitoring_and_settings(demo_db):
    villages = _all(demo_db, Village)
    assert 8 <= len(villages) <= 12
    households = _all(demo_db, Household)
    assert {h.village_id for h in households} <= {v.id for v in villages}
    monitored = [h for h in households if h.monitoring_category]
    assert 0.10 <= len(monitored) / len(households) <= 0.30
    assert {h.household_type for h in households} == {"脱贫户", "一般农户"}
    for h in monitored:
        assert h.monitoring_date is not None and h.monitoring_date <= TODAY
        assert h.risk1 is not None
        assert h.risk_eliminated in (True, False)
        if h.risk_eliminated:
            assert h.elimination_method in ("帮扶消除", "自然消除")
            assert h.monitoring_date < h.elimination_date <= TODAY
    for h in households:
        if not h.monitoring_category:
            assert h.risk1 is None and h.risk_eliminated is None
    assert any(h.risk_eliminated for h in monitored) and not all(h.risk_eliminated for h in monitored)
    accounts = [h.bank_account for h in households]
    assert sum(map(luhn_ok, accounts)) / len(accounts) >= 0.85
    assert settings.get(demo_db, settings.TOWNSHIP) == "清河镇"
    assert settings.get(demo_db, settings.FONDS_NO) == "Z012"


def test_income_for_both_years_with_some_below_threshold(demo_db):
    rows = _all(demo_db, HouseholdIncome)
    years = defaultdict(set)
    for r in rows:
        years[r.household_id].add(r.year)
        assert r.net_income == net_income(r.wage_income, r.business_income, r.property_income,
                                          r.transfer_income, r.business_expense)
        assert r.per_capita_income == per_capita(r.net_income, r.persons)
        assert isinstance(r.per_capita_income, Decimal)
    assert set(map(frozenset, years.values())) == {frozenset({2025, 2026})}
    assert len(years) == 240
    households = {h.id: h for h in _all(demo_db, Household)}
    threshold = settings.monitoring_threshold(demo_db, 2026)
    below = [r for r in rows if r.year == 2026 and r.per_capita_income < threshold]
    assert below
    # only open monitoring cases earn below the line
    assert all(households[r.household_id].monitoring_category
               and not households[r.household_id].risk_eliminated for r in below)


def test_measures_and_visits_cover_both_years(demo_db):
    measures = _all(demo_db, Measure)
    visits = _all(demo_db, Visit)
    assert {m.date.year for m in measures} == {2025, 2026}
    assert {v.date.year for v in visits} == {2025, 2026}
    assert all(m.date <= TODAY for m in measures) and all(v.date <= TODAY for v in visits)
    households = {h.id: h for h in _all(demo_db, Household)}
    for m in measures:
        attr = dict((cn, a) for a, cn in demo.MEASURE_CATEGORIES)[m.category]
        assert getattr(households[m.household_id], f"measure_{attr}") is True
    members = {m.id: m for m in _all(demo_db, Member)}
    for m in measures:
        if m.member_id is not None:
            assert members[m.member_id].household_id == m.household_id
    open_cases = [h for h in households.values() if h.monitoring_category and not h.risk_eliminated]
    visited = Counter(v.household_id for v in visits if v.date.year == 2025)
    assert all(visited[h.id] == 4 for h in open_cases)  # quarterly


def test_bulk_inserts_are_audited(demo_db):
    with demo_db.read() as s:
        bulk = {a.table_name: a.changes for a in s.scalars(
            select(AuditLog).where(AuditLog.action == "bulk"))}
        n_members = len(s.scalars(select(Member.id)).all())
    assert bulk["households"] == {"count": 240, "source": "demo"}
    assert bulk["members"]["count"] == n_members


def _snapshot(db) -> dict:
    out = {}
    for model in (Village, Household, Member, HouseholdIncome, Measure, Visit, Setting):
        cols = [c.key for c in model.__table__.columns if c.key not in ("created_at", "updated_at")]
        out[model.__tablename__] = [tuple(getattr(r, c) for c in cols) for r in _all(db, model)]
    return out


def test_same_seed_same_rows(tmp_path):
    from tests.conftest import make_sqlite_db

    snaps = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        db = make_sqlite_db(tmp_path / f"{name}.db")
        try:
            demo.generate_demo(db, households=60, seed=seed, today=TODAY)
            snaps.append(_snapshot(db))
        finally:
            db.dispose()
    assert snaps[0] == snaps[1]
    assert snaps[0]["members"] != snaps[2]["members"]


def test_refuses_a_database_with_data(demo_db):
    with pytest.raises(UserError, match="空数据库"):
        demo.generate_demo(demo_db, households=10, seed=1, today=TODAY)
    assert len(_all(demo_db, Household)) == 240


def test_cli_demo_json_and_refusal(db, capsys):
    from fupin_desktop.cli import main

    assert main(["demo", "--db", db.url, "--households", "25", "--seed", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] and out["households"] == 25 and out["counts"]["households"] == 25
    assert out["counts"]["members"] > 25
    assert main(["demo", "--db", db.url, "--json"]) == 2
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and "空数据库" in out["error"]


def test_cancel_leaves_database_empty(db):
    from fupin_desktop.services.progress import Cancelled

    def progress(done, total, text):
        if done > 10:
            raise Cancelled()

    with pytest.raises(Cancelled):
        demo.generate_demo(db, households=50, seed=1, progress=progress, today=TODAY)
    assert _all(db, Household) == [] and _all(db, Village) == [] and _all(db, Setting) == []


def test_extensions_get_the_context(db, monkeypatch):
    seen = {}

    def demo_extend(session, rng, ctx):
        seen["ctx"] = ctx
        seen["draw"] = rng.random()
        session.add(Village(name="扩展村"))  # an extension writes in the same transaction

    fake = types.ModuleType("fupin_desktop.services._fake_demo_ext")
    fake.demo_extend = demo_extend
    monkeypatch.setitem(sys.modules, fake.__name__, fake)
    monkeypatch.setattr(demo, "DEMO_EXTENSION_MODULES", (fake.__name__,))
    summary = demo.generate_demo(db, households=20, seed=9, today=TODAY)
    ctx = seen["ctx"]
    assert summary.extensions == ["_fake_demo_ext"]
    assert (ctx.year, ctx.prev_year, ctx.today) == (2026, 2025, TODAY)
    assert len(ctx.households) == 20 and 8 <= len(ctx.villages) <= 12
    assert set(ctx.households[0]) == {"id", "code", "village_id", "household_type",
                                      "monitoring_category"}
    assert set(ctx.members[0]) == {"id", "household_id", "id_number", "name", "sex", "birth_date",
                                   "relation", "health", "labour_skill", "status"}
    with db.read() as s:
        stored = {m.id: (m.id_number, m.household_id) for m in s.scalars(select(Member))}
    assert {m["id"]: (m["id_number"], m["household_id"]) for m in ctx.members} == stored
    assert summary.counts["villages"] == len(ctx.villages) + 1


def test_cli_demo_human_output_names_every_table_in_chinese(db, capsys):
    import re

    from fupin_desktop.cli import cmd_demo, main
    from fupin_desktop.models import Base

    assert main(["demo", "--db", db.url, "--households", "12", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    labels = [line.strip().split("：")[0] for line in out.splitlines() if line.startswith("  ")]
    assert labels and not [x for x in labels if re.search(r"[A-Za-z_]", x)], labels
    for table in Base.metadata.tables:  # a new table gets a name too
        if table not in ("audit_log", "settings"):
            assert not cmd_demo.table_label(table).startswith("其他记录"), table
