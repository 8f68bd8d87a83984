"""Open the program's database: the one way in for the CLI, the GUI, the tests and the tools.

Storage (database.py, migrate.py) does not import services; the behaviour it needs from this
layer is passed in here:
- ``SESSION_HOOKS``: installed on every session factory next to storage's own hooks (the audit
  trail and the derived columns): the closed-period guard (issue 12, services/closures.py);
- the safety backup before a migration (services/autobackup.py).

A database opened without them would write unaudited rows or edit closed months, so
``database.connect`` takes them as required arguments and nothing else calls it.
"""

from __future__ import annotations

from pathlib import Path

from .. import database
from .. import migrate as migrations
from ..database import Database
from . import closures

# every sessionmaker of an opened database gets these (after audit_events / install_derived)
SESSION_HOOKS: tuple[database.SessionHook, ...] = (closures.install,)


def migration_backup(db: Database) -> Path | None:
    """The verified automatic backup taken before migrating a SQLite file (reason "migration")."""
    from . import autobackup

    info = autobackup.before(db, "migration")
    return info.path if info is not None else None


def open_database(url: str | None = None, *, migrate: bool = True, backup: bool = True) -> Database:
    """Open (creating if needed) and migrate the database at ``url``: it refuses a damaged file or a
    schema written by a newer program, and backs up an older SQLite file before migrating it."""
    return database.connect(url, session_hooks=SESSION_HOOKS,
                            safety_backup=migration_backup if backup else None, migrate=migrate)


def upgrade(db: Database, *, backup: bool = True, progress=None) -> Path | None:
    """Bring the schema to head (after a safety backup unless ``backup`` is false); returns the
    backup's path, if one was made."""
    return migrations.upgrade(db, safety_backup=migration_backup if backup else None, progress=progress)
