"""Migrations: from empty to head, the models and the migrations agree, newer schemas refused."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text

from fupin_desktop import migrate
from fupin_desktop.errors import DamagedDatabaseError, SchemaTooNewError
from fupin_desktop.services.opening import open_database


def test_migrate_from_empty_matches_models(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from fupin_desktop.models import Base

    db = open_database(str(tmp_path / "new.db"))
    try:
        assert migrate.current_revision(db.engine) == migrate.head_revision()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                    Base.metadata)
        assert diff == [], "models changed without a migration: python tools/new_migration.py MSG"
    finally:
        db.dispose()


def test_migrations_on_postgresql():
    import os

    url = os.environ.get("FUPIN_TEST_PG_URL")
    if not url:
        pytest.skip("PostgreSQL 测试需要环境变量 FUPIN_TEST_PG_URL（CI 会设置）")
    import uuid

    from sqlalchemy import make_url

    schema = "m_" + uuid.uuid4().hex[:10]
    admin = create_engine(url)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        db = open_database(make_url(url).update_query_dict(
            {"options": f"-csearch_path={schema}"}).render_as_string(False))
        assert migrate.current_revision(db.engine) == migrate.head_revision()
        db.dispose()
    finally:
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_newer_schema_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "newer.db"
    open_database(str(path)).dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError) as err:
        open_database(str(path))
    assert "更新版本" in str(err.value)
    assert path.read_bytes() == before


def test_damaged_file_is_refused(tmp_path):
    path = tmp_path / "broken.db"
    db = open_database(str(path))
    with db.engine.begin() as c:  # enough rows to fill many b-tree pages
        c.execute(text("INSERT INTO villages (name, sort_order, version, created_at, updated_at) "
                       "VALUES (:n, 0, 1, '2025-01-01', '2025-01-01')"),
                  [{"n": f"村{i:05d}" * 4} for i in range(3000)])
    with db.engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # garble the header of every b-tree page after the first: where the corruption lands must
    # not depend on the layout (a freelist page would hide it from quick_check)
    for start in range(page_size, len(data), page_size):
        data[start:start + 8] = b"\xab" * 8
    path.write_bytes(bytes(data))
    with pytest.raises(DamagedDatabaseError) as err:
        open_database(str(path))
    assert "损坏" in str(err.value)


def test_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库" * 200, encoding="utf-8")
    with pytest.raises(DamagedDatabaseError):
        open_database(str(path))


def test_older_database_is_backed_up_then_migrated(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    db = open_database(str(path))
    with db.engine.begin() as c:
        c.execute(text("INSERT INTO villages (name, sort_order, version, created_at, updated_at) "
                       "VALUES ('旧村', 0, 1, '2025-01-01', '2025-01-01')"))
    db.dispose()
    # pretend the database predates the newest migration
    monkeypatch.setattr(migrate, "needs_upgrade", lambda engine: True)
    db = open_database(str(path))
    db.dispose()
    backups = list((tmp_path / "backups").glob("old-*-migration.db"))
    assert len(backups) == 1
    con = sqlite3.connect(backups[0])
    assert con.execute("SELECT name FROM villages").fetchall() == [("旧村",)]
    assert con.execute("PRAGMA quick_check").fetchone() == ("ok",)
    con.close()
