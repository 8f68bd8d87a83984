"""Backup and restore.

A backup is always a single SQLite file (portable, opens anywhere): made with the SQLite backup
API from a SQLite database, or by copying every table from PostgreSQL. Restore refuses a file
that fails ``PRAGMA quick_check`` or was written by a newer program, and takes a safety backup of
the current data first.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, insert, select, text

# backup_sqlite_file / copy_attachments live in storage: services/autobackup.py uses them too
from .database import (Database, backup_sqlite_file, copy_attachments, create_private_file,
                       quick_check_file, sqlite_path)
from .errors import DamagedDatabaseError, InputError
from .paths import user_data_dir

log = logging.getLogger(__name__)

__all__ = ["backup", "restore", "backup_sqlite_file", "check_backup_file", "sqlite_path"]


def _copy_tables(src: Engine, dst: Engine, *, clear_target: bool) -> int:
    """Copy every row of every table (dependency order) from ``src`` to ``dst``, one transaction."""
    from .models import Base

    tables = list(Base.metadata.sorted_tables)
    alembic = MetaData()
    alembic.reflect(src, only=["alembic_version"])
    copied = 0
    with src.connect() as s, dst.begin() as d:
        if d.dialect.name == "postgresql":  # the closed-month triggers let a restore through
            from .models.triggers import PG_MAINTENANCE

            d.execute(text(PG_MAINTENANCE))
        if clear_target:
            for t in reversed(tables):
                d.execute(t.delete())
            d.execute(text("DELETE FROM alembic_version"))
        for t in tables:
            rows = [dict(r._mapping) for r in s.execute(select(t))]
            if rows:
                d.execute(insert(t), rows)
                copied += len(rows)
        for row in s.execute(select(alembic.tables["alembic_version"])):
            d.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"),
                      {"v": row.version_num})
        if d.dialect.name == "postgresql":  # keep sequences ahead of the copied ids
            for t in tables:
                if "id" in t.c and t.c.id.autoincrement is not False and t.c.id.primary_key:
                    d.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM \"{t.name}\"), 0) + 1, false)"))
    return copied


def _attachments_of(db: Database) -> Path:
    from .services.attachments import attachments_dir

    return attachments_dir(db)


def backup(db: Database, out: str | Path) -> Path:
    """Back up the database to ``out`` (one SQLite file) and the scanned documents to
    ``attachments/`` beside it (the same layout as beside the live database)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if db.is_sqlite:
        backup_sqlite_file(db.engine, out)
    else:
        _backup_server(db, out)
    copy_attachments(_attachments_of(db), out.parent / "attachments")
    return out


def _backup_server(db: Database, out: Path) -> Path:
    from .models import Base

    tmp = out.with_name(out.name + ".part")
    tmp.unlink(missing_ok=True)
    create_private_file(tmp)
    target = create_engine("sqlite:///" + tmp.as_posix())
    try:
        Base.metadata.create_all(target)
        with target.begin() as c:
            c.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        _copy_tables(db.engine, target, clear_target=False)
    finally:
        target.dispose()
    tmp.replace(out)
    return out


def check_backup_file(path: Path, db: Database | None = None, *, other_township: bool = False) -> None:
    """Refuse anything that is not this program's database (for this township): a damaged file,
    a schema written by a newer program, missing tables or columns, another township's data."""
    if not path.is_file():
        raise InputError(f"找不到备份文件：{path}")
    try:
        quick_check_file(path)
        con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
        try:
            rows = con.execute("PRAGMA integrity_check").fetchall()
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            columns = {t: {r[1] for r in con.execute(f'PRAGMA table_info("{t}")')} for t in tables}
        finally:
            con.close()
    except (DamagedDatabaseError, sqlite3.DatabaseError) as exc:
        raise InputError(f"所选文件 {path.name} 已损坏或不是本程序的备份，无法恢复；当前数据未改动。") from exc
    if rows != [("ok",)]:
        raise InputError(f"所选文件 {path.name} 未通过完整性检查（{rows[0][0]}），无法恢复；当前数据未改动。")
    from . import migrate

    engine = create_engine("sqlite:///" + path.as_posix())
    try:
        migrate.check_not_newer(engine)
        rev = migrate.current_revision(engine)
        if rev is None:
            raise InputError(f"{path.name} 不是本程序的备份文件（缺少数据库结构版本）。当前数据未改动。")
        if rev == migrate.head_revision():
            _check_structure(path, tables, columns)
        if db is not None and not other_township:
            _check_township(db, engine, path)
    finally:
        engine.dispose()


def _check_structure(path: Path, tables: set[str], columns: dict[str, set[str]]) -> None:
    from .models import Base

    for t in Base.metadata.sorted_tables:
        if t.name not in tables:
            raise InputError(f"{path.name} 不是本程序的数据库：缺少数据表“{t.name}”。当前数据未改动。")
        missing = [c.name for c in t.columns if c.name not in columns[t.name]]
        if missing:
            raise InputError(f"{path.name} 不是本程序的数据库：数据表“{t.name}”缺少字段"
                             f"“{'、'.join(missing[:5])}”。当前数据未改动。")


def _township_of(conn_or_session) -> tuple[str, str]:
    import json

    from .services.settings import FONDS_NO, TOWNSHIP

    vals = {}
    for key, value in conn_or_session.execute(
            text("SELECT key, value FROM settings WHERE key IN (:a, :b)"), {"a": TOWNSHIP, "b": FONDS_NO}):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        vals[key] = str(value or "").strip()
    return vals.get(TOWNSHIP, ""), vals.get(FONDS_NO, "")


def _check_township(db: Database, engine: Engine, path: Path) -> None:
    try:
        with db.engine.connect() as c:
            here = _township_of(c)
        with engine.connect() as c:
            there = _township_of(c)
    except Exception:  # noqa: BLE001 - no settings table yet: nothing to compare
        return
    for label, a, b in (("乡镇名称", here[0], there[0]), ("全宗号", here[1], there[1])):
        if a and b and a != b:
            raise InputError(f"{path.name} 是另一个乡镇的数据（{label}：备份为“{b}”，当前为“{a}”），"
                             "未恢复，当前数据未改动。如确需用它替换当前数据，请加 --other-township。")


def restore(db: Database, src: str | Path, *, other_township: bool = False) -> Path:
    """Replace the data of ``db`` with the backup at ``src``. Returns the safety backup's path."""
    from .services.users.access import require_admin

    require_admin(db)
    src = Path(src)
    check_backup_file(src, db, other_township=other_township)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    here = sqlite_path(db.url)
    safety_dir = here.parent if here else user_data_dir() / "backups"
    safety = backup(db, safety_dir / f"before-restore-{stamp}.db")
    if db.is_sqlite:
        with db._write_lock:
            db.engine.dispose()
            source = sqlite3.connect(f"file:{src.as_posix()}?mode=ro", uri=True)
            raw = db.engine.raw_connection()
            try:
                source.backup(raw.driver_connection)
            finally:
                raw.close()
                source.close()
            db.engine.dispose()
    else:
        source = create_engine("sqlite:///" + src.as_posix())
        try:
            with db._write_lock:
                _copy_tables(source, db.engine, clear_target=True)
        finally:
            source.dispose()
    copy_attachments(src.parent / "attachments", _attachments_of(db))
    from . import migrate

    migrate.upgrade(db, safety_backup=None)  # the safety copy was taken above
    log.info("restored from backup; safety copy at %s", safety)
    return safety

