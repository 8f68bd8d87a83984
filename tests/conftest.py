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


# Building the schema (create_all + triggers + alembic stamp) costs ≈0.5 s on SQLite and ≈1.3 s
# on PostgreSQL; done for every test it was most of the suite's time. It is built once per
# process instead: SQLite copies a template file, PostgreSQL replays the recorded DDL into the
# test's own fresh schema. Each test still gets a database of its own.
_TEMPLATES: dict[str, object] = {}


def _template_dir() -> Path:
    import atexit
    import shutil
    import tempfile

    if "dir" not in _TEMPLATES:
        d = Path(tempfile.mkdtemp(prefix="fupin-test-templates-"))
        atexit.register(shutil.rmtree, d, True)
        _TEMPLATES["dir"] = d
    return _TEMPLATES["dir"]  # type: ignore[return-value]


def _copy_sqlite(src: Path, dst: Path) -> None:
    import shutil

    dst.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        dst.with_name(dst.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o600)


def _sqlite_template() -> Path:
    if "sqlite" not in _TEMPLATES:
        from fupin_desktop.services.opening import open_database

        path = _template_dir() / "schema.db"
        db = open_database("sqlite:///" + path.as_posix(), migrate=False)
        _create_schema(db)
        db.dispose()  # the last connection to close checkpoints the WAL into the file
        _TEMPLATES["sqlite"] = path
    return _TEMPLATES["sqlite"]  # type: ignore[return-value]


def make_sqlite_db(path: Path):
    from fupin_desktop.services.opening import open_database

    _copy_sqlite(_sqlite_template(), path)
    return open_database("sqlite:///" + path.as_posix(), migrate=False)


def _pg_admin():
    if "pg_admin" not in _TEMPLATES:
        from sqlalchemy import create_engine

        _TEMPLATES["pg_admin"] = create_engine(PG_URL)
    return _TEMPLATES["pg_admin"]


def _pg_open(schema: str):
    from sqlalchemy import make_url

    from fupin_desktop.services.opening import open_database

    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return open_database(url.render_as_string(hide_password=False), migrate=False)


def _pg_new_schema() -> str:
    from sqlalchemy import text

    schema = "t_" + uuid.uuid4().hex[:12]
    with _pg_admin().begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    return schema


def _pg_drop_schema(schema: str) -> None:
    from sqlalchemy import text

    with _pg_admin().begin() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def _pg_schema_script() -> list:
    """The statements (with their parameters) that build the schema, recorded once from a real
    create_all + stamp into a scratch schema; catalogue look-ups (SELECT …) are left out."""
    if "pg_script" not in _TEMPLATES:
        from sqlalchemy import event

        schema = _pg_new_schema()
        db = _pg_open(schema)
        script: list = []

        def record(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SELECT", "SHOW")):
                script.append((statement, parameters, executemany))

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            _create_schema(db)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
            db.dispose()
            _pg_drop_schema(schema)
        _TEMPLATES["pg_script"] = script
    return _TEMPLATES["pg_script"]  # type: ignore[return-value]


def make_pg_db():
    """A database handle whose tables live in a fresh PostgreSQL schema; returns (db, cleanup)."""
    script = _pg_schema_script()
    schema = _pg_new_schema()
    db = _pg_open(schema)
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        batch: list[str] = []  # parameterless statements go in one round trip
        for statement, parameters, executemany in script:
            if parameters or executemany:
                if batch:
                    cur.execute(";\n".join(batch))
                    batch = []
                (cur.executemany if executemany else cur.execute)(statement, parameters)
            else:
                # executed with (empty) parameters the driver read "%%" as "%"; without any
                # it takes the text as it is
                batch.append(statement.replace("%%", "%") if parameters is not None else statement)
        if batch:
            cur.execute(";\n".join(batch))
        cur.close()
        raw.commit()
    finally:
        raw.close()

    def cleanup():
        db.dispose()
        _pg_drop_schema(schema)

    return db, cleanup


def load_demo(db, **kwargs):
    """``generate_demo(db, **kwargs)``, made once per process for each (backend, arguments,
    day) and copied into ``db`` afterwards: the same rows, without generating them again for
    every test. ``db`` must be empty and freshly made by this module's fixtures."""
    import datetime as dt

    from fupin_desktop.services.demo import generate_demo

    key = (db.engine.dialect.name, tuple(sorted(kwargs.items())), dt.date.today())
    cache = _TEMPLATES.setdefault("demo", {})
    if db.is_sqlite:
        from fupin_desktop.database import sqlite_path

        if key not in cache:
            path = _template_dir() / f"demo-{len(cache)}.db"
            template = make_sqlite_db(path)
            summary = generate_demo(template, **kwargs)
            template.dispose()
            cache[key] = (path, summary)
        path, summary = cache[key]
        db.engine.dispose()  # the file is replaced under the (closed) pool
        _copy_sqlite(path, sqlite_path(db.url))
        return summary
    from sqlalchemy import text

    from fupin_desktop.models import Base

    if key not in cache:
        template, _cleanup = make_pg_db()  # dropped with the process (see _drop_pg_templates)
        summary = generate_demo(template, **kwargs)
        schema = _pg_schema_of(template)
        template.dispose()
        _TEMPLATES.setdefault("pg_templates", []).append(schema)
        cache[key] = (schema, summary)
    schema, summary = cache[key]
    target = _pg_schema_of(db)
    with db.engine.begin() as c:
        for table in Base.metadata.sorted_tables:
            c.execute(text(f'INSERT INTO "{target}"."{table.name}" SELECT * FROM "{schema}"."{table.name}"'))
        for name, last in c.execute(text("SELECT sequencename, last_value FROM pg_sequences "
                                         "WHERE schemaname = :s"), {"s": schema}).all():
            if last is not None:
                c.execute(text("SELECT setval(:q, :v)"), {"q": f'"{target}"."{name}"', "v": last})
    return summary


def _pg_schema_of(db) -> str:
    from sqlalchemy import text

    with db.engine.connect() as c:
        return c.execute(text("SELECT current_schema()")).scalar()


@pytest.fixture(autouse=True, scope="session")
def _drop_pg_templates():
    yield
    for schema in _TEMPLATES.get("pg_templates", []):
        _pg_drop_schema(schema)


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
