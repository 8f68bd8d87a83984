"""Engine and session factory: SQLite by default, PostgreSQL for an office with several clerks.

``connect(url, session_hooks=…, safety_backup=…)`` refuses a damaged file or a schema written by
a newer program, backs up and migrates an older one, and returns a ``Database`` whose ``write()``
is the single unit of work every change goes through. Every session factory gets the storage
hooks (the audit trail, audit_events.py; the derived columns, ``install_derived``) and the
``session_hooks`` the service layer passes in (the closed-period guard, services/closures.py):
storage never imports services. The program opens its database through
services/opening.py ``open_database``, which passes them.
"""

from __future__ import annotations

import contextlib
import getpass
import logging
import sqlite3
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm import Session, sessionmaker

from .errors import AccessError, ConflictError, DamagedDatabaseError, DatabaseError
from .paths import default_db_url
from .session_hooks import listen_once
from .sqlite_check import quick_check_file  # noqa: F401 - backup.py and connect() use it

log = logging.getLogger(__name__)


def normalise_url(url: str | None) -> str:
    """Accept a URL or a plain file path; pick the psycopg 3 driver for PostgreSQL."""
    if not url:
        return default_db_url()
    if "://" not in url:
        return "sqlite:///" + Path(url).expanduser().resolve().as_posix()
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # WAL lets the GUI read while a background import writes; FULL survives a power cut.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists; an existing file of ours is made
    0600 too (with its -wal / -shm)."""
    import os

    from .paths import make_private

    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError:
        return
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if p.exists():
            make_private(p)


def backup_sqlite_file(engine: Engine, out: Path) -> Path:
    """Consistent online copy of a SQLite database with the backup API."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.unlink(missing_ok=True)
    create_private_file(tmp)
    raw = engine.raw_connection()
    try:
        dst = sqlite3.connect(tmp)
        try:
            raw.driver_connection.backup(dst)
        finally:
            dst.close()
    finally:
        raw.close()
    tmp.replace(out)
    return out


def copy_attachments(src: Path, dst: Path) -> int:
    """Copy content-addressed attachments (``xx/sha256``) that ``dst`` lacks; returns how many.

    Files are named by their sha256, so an existing file is already the right one and backups
    in one folder can share one ``attachments/``."""
    from .paths import make_private

    if not src.is_dir() or src.resolve() == dst.resolve():
        return 0
    copied = 0
    for f in src.glob("??/*"):
        target = dst / f.parent.name / f.name
        if f.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".part")
            shutil.copyfile(f, tmp)
            make_private(tmp)
            tmp.replace(target)
            copied += 1
    return copied


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        # hide_parameters: a driver error never quotes the row's ID / bank / phone numbers
        engine = create_engine(url, connect_args={"timeout": 10}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    user: str = field(default_factory=lambda: _current_user())
    # The logged-in account's role (admin / clerk / auditor); None in single-user mode, where
    # nobody has created an account yet and everything is allowed as before (issue 13).
    role: str | None = None
    # One writer at a time inside this process (DESIGN.md §1: writes are serialised).
    _write_lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def location(self) -> str:
        """Where the data lives, for the status bar (no password)."""
        path = sqlite_path(self.url)
        if path is not None:
            return str(path)
        return make_url(self.url).render_as_string(hide_password=True)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self.sessions() as session:
            session.info["role"] = self.role  # reports mask personal numbers for auditors
            yield session

    @contextlib.contextmanager
    def write(self, reason: str | None = None) -> Iterator[Session]:
        """One transaction: everything inside commits together or not at all.

        A version conflict becomes ConflictError (“该记录已被他人修改，请刷新后重试”).
        ``reason`` is stored on every audit row of this unit of work.
        """
        if self.role == "auditor":  # read-only role (issue 13): one guard for every write
            raise AccessError("权限不足：审计员只能查看，不能修改数据。需要录入员或管理员权限。")
        with self.sessions() as session:
            session.info["user"] = self.user  # before any (auto)flush writes an audit row
            session.info["role"] = self.role
            session.info["reason"] = reason
            try:
                yield session
            except BaseException:
                session.rollback()
                raise
            self.commit(session)

    def commit(self, session: Session) -> None:
        """Commit ``session`` as one serialised write, translating lock and version errors."""
        session.info.setdefault("user", self.user)
        with self._write_lock:
            try:
                session.commit()
            except StaleDataError as exc:
                session.rollback()
                raise ConflictError() from exc
            except OperationalError as exc:
                session.rollback()
                if "locked" in str(exc).lower():
                    raise DatabaseError("数据库正被其他程序占用，请稍后重试。") from exc
                raise
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (service account, odd platform)
        return "unknown"


def _income_before_flush(session: Session, _ctx, _instances) -> None:
    from .domain.income import recompute
    from .models import HouseholdIncome

    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, HouseholdIncome):
            recompute(obj)


def _settlement_before_write(_mapper, _connection, target) -> None:
    from .domain.medical_calc import recompute

    recompute(target)


def install_derived(factory: sessionmaker) -> None:
    """Keep the stored derived copies in step with their inputs on every ORM flush: 纯收入 /
    人均纯收入 (domain/income.py) and 个人自付 / 政策范围内报销比例 (domain/medical_calc.py).

    The Settlement events are mapper-level, so they hold for every session. Bulk ``insert()``
    statements bypass them: callers fill the derived columns with ``recompute`` on each row."""
    from .models import Settlement

    listen_once(factory, "before_flush", _income_before_flush)  # not event.contains: see session_hooks
    for name in ("before_insert", "before_update"):
        if not event.contains(Settlement, name, _settlement_before_write):
            event.listen(Settlement, name, _settlement_before_write)


SessionHook = Callable[[sessionmaker], None]


def install_storage_hooks(factory: sessionmaker) -> None:
    """The hooks storage itself owns: an audit row for every change (audit_events) and the
    derived columns (``install_derived``)."""
    from . import audit_events

    audit_events.install(factory)
    install_derived(factory)


def connect(url: str | None = None, *, session_hooks: Sequence[SessionHook],
            safety_backup: Callable[[Database], Path | None] | None, migrate: bool = True) -> Database:
    """Open (creating if needed) and migrate the database at ``url``.

    Every session of it runs the storage hooks and each of ``session_hooks`` (given by the
    service layer: services/opening.py). ``safety_backup(db)`` (or None: no backup) is called
    before migrating a SQLite file that holds data and returns the backup's path."""
    from . import migrate as migrations

    if not session_hooks:  # without the closed-period guard closed months would take edits
        raise ValueError("connect() needs the service layer's session hooks "
                         "(open the database with services.opening.open_database)")
    url = normalise_url(url)
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > 0:
            quick_check_file(path)
        create_private_file(path)  # SQLite gives -wal / -shm the database file's mode
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseError(f"无法连接数据库：{make_url(url).render_as_string(True)}。请检查地址、网络和权限。") from exc
    db = Database(url=url, engine=engine,
                  sessions=sessionmaker(engine, expire_on_commit=False))
    install_storage_hooks(db.sessions)
    for hook in session_hooks:
        hook(db.sessions)
    try:
        migrations.check_not_newer(engine)
        if migrate:
            migrations.upgrade(db, safety_backup=safety_backup)
    except BaseException:
        engine.dispose()
        raise
    return db
