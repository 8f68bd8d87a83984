"""Schema migrations with Alembic, run automatically when the program opens a database.

Before migrating a SQLite file that already holds data, a consistent, verified copy is taken
with the SQLite backup API into the automatic backups (never a raw file copy, which can tear a
WAL database): the caller passes ``safety_backup`` (services/opening.py passes
services/autobackup.py's), so storage never imports services.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, inspect

from .errors import SchemaTooNewError

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def known_revisions() -> list[str]:
    """Revision ids this program ships, oldest first.

    Migration files are named ``NNNN_message.py`` with revision id ``NNNN`` (a linear history),
    so start-up can check the schema without importing Alembic (≈0.3 s).
    """
    return sorted(p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py"))


def head_revision() -> str:
    return known_revisions()[-1]


def current_revision(engine: Engine) -> str | None:
    from sqlalchemy import text

    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_not_newer(engine: Engine) -> None:
    """Refuse a database whose schema this program does not know (written by a newer version)."""
    rev = current_revision(engine)
    if rev is None:
        return
    if rev not in known_revisions():
        from . import __version__

        raise SchemaTooNewError(
            f"该数据库由更新版本的程序创建（数据库结构版本 {rev}；本程序版本 {__version__}，"
            f"只认识到结构版本 {head_revision()}），本程序无法安全打开。"
            "请安装新版本的程序后再打开，数据未作任何改动。"
        )


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != head_revision()


def upgrade(db, *, safety_backup: Callable[[object], Path | None] | None, progress=None) -> Path | None:
    """Bring the schema to head. Returns the path of the safety backup, if one was made.

    ``safety_backup(db)`` makes the backup taken first when a SQLite file holds data (None: no
    backup, e.g. right after a restore). ``progress(done, total, text)`` (optional) hears of the
    two steps: backup, migration."""
    report = progress or (lambda *_: None)
    if not needs_upgrade(db.engine):
        return None
    from alembic import command  # only now: importing Alembic costs ≈0.3 s of start-up

    backup_path = None
    if safety_backup is not None and db.is_sqlite and inspect(db.engine).get_table_names():
        report(0, 2, "正在备份数据库…")
        backup_path = safety_backup(db)
    report(1, 2, f"正在升级数据库结构到版本 {head_revision()}…")
    with db.engine.begin() as conn:
        command.upgrade(_config(conn), "head")
    return backup_path
