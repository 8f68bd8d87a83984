"""Every new session factory gets the audit, closed-period and derived-income hooks, even when it
reuses the memory address of a freed one (SQLAlchemy's event.contains keyed them by address, so a
recycled address once left a database without its audit trail)."""

from __future__ import annotations

import argparse
import ast
import gc
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from fupin_desktop import audit_events, database
from fupin_desktop.services import closures


def _listeners(factory, name):
    return list(getattr(factory().dispatch, name))


def test_each_new_factory_is_hooked_even_at_a_recycled_address():
    seen = set()
    recycled = 0
    for i in range(300):
        factory = sessionmaker()
        recycled += id(factory) in seen
        seen.add(id(factory))
        for install in (audit_events.install, closures.install, database.install_derived):
            install(factory)
            install(factory)  # twice: still one listener
        assert _listeners(factory, "after_flush").count(audit_events._after_flush) == 1
        assert _listeners(factory, "before_flush").count(database._income_before_flush) == 1
        assert _listeners(factory, "before_flush").count(closures._before_flush) == 1
        assert _listeners(factory, "after_commit").count(closures._clear) == 1
        del factory
        if i % 10 == 0:
            gc.collect()
    assert recycled > 0  # the situation the bug needed did occur


# ------------------------------------------------------------------------------ entry points

PKG = Path(__file__).resolve().parents[2] / "fupin_desktop"


def assert_all_hooks(db) -> None:
    """``db``'s sessions run the audit trail, the closed-period guard and the derived income."""
    factory = db.sessions
    assert _listeners(factory, "after_flush").count(audit_events._after_flush) == 1
    assert _listeners(factory, "before_flush").count(database._income_before_flush) == 1
    assert _listeners(factory, "before_flush").count(closures._before_flush) == 1
    assert _listeners(factory, "after_commit").count(closures._clear) == 1
    assert _listeners(factory, "after_rollback").count(closures._clear) == 1


def test_the_test_databases_have_every_hook(any_db):
    assert_all_hooks(any_db)


def test_every_way_the_program_opens_a_database_installs_every_hook(tmp_path):
    from fupin_desktop.cli.common import open_db_for
    from fupin_desktop.services.archive import render as archive_render
    from fupin_desktop.services.opening import open_database

    opened = [open_database(str(tmp_path / "a.db")),  # GUI start-up, 打开数据库, tests, tools
              open_database(str(tmp_path / "b.db"), migrate=False, backup=False),
              open_db_for(argparse.Namespace(db=str(tmp_path / "c.db")))]  # every CLI command
    opened.append(archive_render.database("sqlite:///" + (tmp_path / "d.db").as_posix()))  # workers
    try:
        for db in opened:
            assert_all_hooks(db)
    finally:
        archive_render._DBS.clear()
        for db in opened:
            db.dispose()


def test_a_hooked_database_audits_and_guards_its_writes(tmp_path):
    """Behaviour, not only listeners: an audit row per change and a closed year refuses edits."""
    from fupin_desktop.models import ArchiveYear, AuditLog, Household, HouseholdIncome, Village
    from fupin_desktop.services.opening import open_database

    db = open_database(str(tmp_path / "h.db"))
    try:
        with db.write() as s:
            v = Village(name="一村")
            s.add(v)
            s.flush()
            h = Household(code="H001", village_id=v.id)
            s.add(h)
            s.flush()
            s.add(HouseholdIncome(household_id=h.id, year=2024, persons=2, wage_income=Decimal("2000")))
        with db.write() as s:  # closed afterwards: a closed year takes no new income either
            s.add(ArchiveYear(year=2024, closed=True))
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(AuditLog)) >= 3
            assert s.scalar(select(HouseholdIncome.per_capita_income)) == Decimal("1000")
        with pytest.raises(closures.ClosedPeriodError), db.write() as s:
            s.scalar(select(HouseholdIncome)).wage_income = Decimal("3000")
    finally:
        db.dispose()


def test_only_services_opening_connects_and_nobody_makes_a_session_factory():
    """database.connect needs the service layer's hooks: only services/opening.py calls it, and no
    module builds a sessionmaker of its own (one would run without the hooks)."""
    callers, factories = [], []
    for path in PKG.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(PKG).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "connect" and \
                    isinstance(node.value, ast.Name) and node.value.id == "database":
                callers.append(rel)
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("database") and \
                    any(a.name == "connect" for a in node.names):
                callers.append(rel)
            if isinstance(node, ast.Call) and rel != "database.py" and "sessionmaker" in (
                    getattr(node.func, "id", None), getattr(node.func, "attr", None)):
                factories.append(rel)
    assert sorted(set(callers)) == ["services/opening.py"]
    assert factories == []


def test_connect_refuses_to_open_without_the_service_layers_hooks(tmp_path):
    with pytest.raises(ValueError, match="services.opening.open_database"):
        database.connect(str(tmp_path / "x.db"), session_hooks=(), safety_backup=None)
    with pytest.raises(TypeError):
        database.connect(str(tmp_path / "x.db"))  # type: ignore[call-arg]
