"""Database layer: pragmas, audit rows, optimistic locking, soft delete, refusal of bad files."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select, text

from fupin_desktop.errors import ConflictError
from fupin_desktop.models import AuditLog, Household, HouseholdIncome, Village


def _household(db, code="H001"):
    with db.write() as s:
        v = Village(name="东风村")
        s.add(v)
        s.flush()
        h = Household(code=code, village_id=v.id, household_type="脱贫户")
        s.add(h)
        s.flush()
        return h.id


def test_sqlite_pragmas(db):
    with db.engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert c.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_audit_rows_for_insert_update_delete(any_db):
    hid = _household(any_db)
    with any_db.write(reason="核实电话") as s:
        h = s.get(Household, hid)
        h.phone = "13800000000"
    with any_db.write() as s:
        inc = HouseholdIncome(household_id=hid, year=2025, persons=2, wage_income=1000)
        s.add(inc)
    with any_db.write() as s:
        s.delete(s.scalars(select(HouseholdIncome)).one())
    with any_db.read() as s:
        rows = s.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    actions = [(r.table_name, r.action) for r in rows]
    assert ("households", "insert") in actions
    upd = [r for r in rows if r.table_name == "households" and r.action == "update"]
    assert len(upd) == 1
    assert upd[0].changes == {"phone": [None, "13800000000"]}
    assert upd[0].reason == "核实电话"
    assert upd[0].record_key == "H001"
    assert ("household_incomes", "delete") in actions
    # the user is known from the first flush on, not only at commit
    assert {r.user for r in rows} == {any_db.user}


def test_failed_write_leaves_nothing(any_db):
    with pytest.raises(RuntimeError):
        with any_db.write() as s:
            s.add(Village(name="西村"))
            s.flush()
            raise RuntimeError("boom")
    with any_db.read() as s:
        assert s.scalars(select(Village)).all() == []
        assert s.scalars(select(AuditLog)).all() == []


def test_optimistic_lock_conflict_two_connections(any_db):
    """Two clerks load the same household on separate connections; the second save is refused."""
    hid = _household(any_db)
    clerk_a, clerk_b = any_db.sessions(), any_db.sessions()
    try:
        a, b = clerk_a.get(Household, hid), clerk_b.get(Household, hid)
        assert clerk_a.connection() is not clerk_b.connection()
        clerk_a.commit()
        clerk_b.commit()  # end the read transactions (no expiry): each clerk holds a loaded copy
        a.phone = "111"
        any_db.commit(clerk_a)
        b.phone = "222"
        with pytest.raises(ConflictError) as err:
            any_db.commit(clerk_b)
        assert str(err.value) == "该记录已被他人修改，请刷新后重试"
    finally:
        clerk_a.close()
        clerk_b.close()
    with any_db.read() as s:
        h = s.get(Household, hid)
        assert (h.phone, h.version) == ("111", 2)
