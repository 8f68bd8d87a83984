"""Shared fixtures: every test gets a fresh database.

``db``      a fresh SQLite file database (schema from the models, stamped at head).
``any_db``  the same test on SQLite and, when FUPIN_TEST_PG_URL is set, on PostgreSQL
            (a private schema per test, dropped afterwards); skipped with a reason otherwise.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# copies of the sample exports the importers must handle (test data lives in the repo)
SAMPLES = Path(__file__).resolve().parent / "data" / "samples"
PG_URL = os.environ.get("FUPIN_TEST_PG_URL")


@pytest.fixture(autouse=True, scope="session")
def _test_today():
    """``FUPIN_TEST_TODAY=YYYY-MM-DD`` runs the suite as if it were that day (the clock ticks on
    from 09:00 there): CI runs the date-sensitive tests again on 1 January and 31 December."""
    day = os.environ.get("FUPIN_TEST_TODAY")
    if not day:
        yield
        return
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime.fromisoformat(day).replace(hour=9), tick=True):
        yield


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path, monkeypatch):
    # never touch the clerk's real data directory from a test
    monkeypatch.setenv("FUPIN_DATA_DIR", str(tmp_path / "userdata"))
    # QSettings (window geometry, column widths) must not leak between tests or into ~/.config
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("FUPIN_DB_URL", raising=False)


def _create_schema(db) -> None:
    from alembic import command

    from fupin_desktop import migrate
    from fupin_desktop.models import Base

    Base.metadata.create_all(db.engine)
    with db.engine.begin() as conn:
        command.stamp(migrate._config(conn), "head")


def make_sqlite_db(path: Path):
    from fupin_desktop.database import open_database

    db = open_database("sqlite:///" + path.as_posix(), migrate=False)
    _create_schema(db)
    return db


def make_pg_db():
    """A database handle whose tables live in a fresh PostgreSQL schema; returns (db, cleanup)."""
    from sqlalchemy import create_engine, make_url, text

    from fupin_desktop.database import open_database

    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    db = open_database(url.render_as_string(hide_password=False), migrate=False)
    _create_schema(db)

    def cleanup():
        db.dispose()
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return db, cleanup


@pytest.fixture
def db(tmp_path):
    d = make_sqlite_db(tmp_path / "test.db")
    yield d
    d.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request, tmp_path):
    if request.param == "sqlite":
        d = make_sqlite_db(tmp_path / "test.db")
        yield d
        d.dispose()
        return
    if not PG_URL:
        pytest.skip("PostgreSQL 测试需要环境变量 FUPIN_TEST_PG_URL（CI 会设置）")
    d, cleanup = make_pg_db()
    yield d
    cleanup()


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"样例文件目录不存在：{SAMPLES}")
    return SAMPLES
