"""services/bulk_sql.py: the fast inserts (SQLite executemany, PostgreSQL COPY) store exactly what
SQLAlchemy's insert stores; version-checked bulk updates refuse rows changed since they were read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import insert, select, text

from fupin_desktop.models import Household, HouseholdIncome, Village
from fupin_desktop.services.bulk_sql import bulk_insert, bulk_insert_rows, bulk_update_versioned

NOW = dt.datetime(2025, 11, 20, 10, 31, 7, 123456)


def _household(code, **kw):
    row = dict(code=code, village_id=1, monitoring_date=dt.date(2024, 3, 1), family_size=4,
               risk_eliminated=True, dangerous_house=False, phone="13800000000", version=1,
               created_at=NOW, updated_at=NOW, helper_name=None)
    row.update(kw)
    return row


def test_fast_insert_stores_what_sqlalchemy_stores(any_db):
    with any_db.write() as s:
        s.add(Village(name="青石村"))
        s.flush()
        bulk_insert(s, Household.__table__, [_household("A"), _household("B", helper_name="王五")])
        s.execute(insert(Household.__table__), [_household("C"), _household("D", helper_name="王五")])
        hid = s.scalar(select(Household.id).where(Household.code == "A"))
        inc = dict(household_id=hid, persons=3, wage_income=Decimal("12345.67"),
                   business_expense=None, net_income=Decimal("0.10"), version=1,
                   created_at=NOW, updated_at=NOW)
        bulk_insert(s, HouseholdIncome.__table__, [dict(inc, year=2024)])
        s.execute(insert(HouseholdIncome.__table__), [dict(inc, year=2025)])
    with any_db.read() as s:
        raw = {r[0]: r[1:] for r in s.execute(text(
            "SELECT code, monitoring_date, family_size, risk_eliminated, dangerous_house, phone, "
            "created_at, helper_name FROM households"))}
        incs = s.execute(text("SELECT wage_income, business_expense, net_income, created_at "
                              "FROM household_incomes ORDER BY year")).all()
        orm = s.scalar(select(Household).where(Household.code == "A"))
    assert raw["A"] == raw["C"] and raw["B"] == raw["D"]  # byte-for-byte the same storage
    assert incs[0] == incs[1]
    assert orm.monitoring_date == dt.date(2024, 3, 1) and orm.created_at == NOW
    assert orm.risk_eliminated is True and orm.dangerous_house is False


def test_versioned_update_refuses_a_stale_row(any_db):
    with any_db.write() as s:
        s.add(Village(name="青石村"))
        s.flush()
        bulk_insert(s, Household.__table__, [_household("A"), _household("B")])
    with any_db.read() as s:
        rows = {r.code: r for r in s.execute(select(Household.id, Household.code, Household.version))}
    with any_db.write() as s:
        assert bulk_update_versioned(s, Household.__table__,
                                     [(rows["A"], {"phone": ("13800000000", "1")})], NOW)
    with any_db.write() as s:  # A is at version 2 now: the copy read before is stale
        assert not bulk_update_versioned(s, Household.__table__,
                                         [(rows["B"], {"phone": ("13800000000", "2")}),
                                          (rows["A"], {"phone": ("1", "3")})], NOW)
        s.rollback()
    with any_db.read() as s:
        got = dict(s.execute(select(Household.code, Household.phone)).all())
        versions = dict(s.execute(select(Household.code, Household.version)).all())
    assert got == {"A": "1", "B": "13800000000"} and versions == {"A": 2, "B": 1}


def test_tuple_rows_store_what_dict_rows_store(any_db):
    """bulk_insert_rows (the members' path: tuples, processors run column by column) against
    bulk_insert: a date column with None between values, the same value twice, a new value."""
    keys = ["code", "village_id", "monitoring_date", "family_size", "version", "created_at",
            "updated_at"]
    dates = [dt.date(2024, 3, 1), None, dt.date(2024, 3, 1), dt.date(2023, 1, 9), None]
    with any_db.write() as s:
        s.add(Village(name="青石村"))
        s.flush()
        bulk_insert(s, Household.__table__,
                    [dict(zip(keys, (f"D{i}", 1, d, i, 1, NOW, NOW))) for i, d in enumerate(dates)])
        bulk_insert_rows(s, Household.__table__, keys,
                         [(f"T{i}", 1, d, i, 1, NOW, NOW) for i, d in enumerate(dates)])
    with any_db.read() as s:
        raw = {r[0]: r[1:] for r in s.execute(text(
            "SELECT code, monitoring_date, family_size, created_at FROM households"))}
        orm = {h.code: h.monitoring_date for h in s.scalars(select(Household))}
    for i, d in enumerate(dates):
        assert raw[f"T{i}"] == raw[f"D{i}"]
        assert orm[f"T{i}"] == d


def test_member_texts_longer_than_their_column_are_cut_with_a_warning_each():
    """The writer's last guard (the field specs refuse such values first): found column by
    column, warned in file order (member, then field), cut to the column's length; a column
    holding a non-text value is looked at value by value."""
    from types import SimpleNamespace

    from fupin_desktop.importers.result import ImportResult
    from fupin_desktop.services.households.importing import _Writer

    checked = [("name", "name", 4), ("work_months", "work_months", None), ("health", "health", 3)]
    part = [SimpleNamespace(row=r, household_code="H1", name=f"人{r}") for r in (5, 6, 7)]
    rows = [("张三李四王", 3, "残疾人"), ("李四", 2, "长期慢性病"), ("王五六七八", True, None)]
    w = SimpleNamespace(res=ImportResult())
    _Writer._truncate_long(w, part, rows, checked)
    assert rows == [("张三李四", 3, "残疾人"), ("李四", 2, "长期慢"), ("王五六七", True, None)]
    said = [(i.row, i.code, i.field) for i in w.res.warning_rows]
    assert said == [(5, "too-long", "name"), (6, "too-long", "health"), (7, "too-long", "name")]
    rows = [("张三", 3, 7)]  # a number where text belongs: looked at one by one, left alone
    _Writer._truncate_long(w, part[:1], rows, checked)
    assert rows == [("张三", 3, 7)]
