"""Opening the database at start: refuse a newer schema, migrate an older one in the background
(with a progress dialog and a backup first), and take the day's automatic backup."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from .common.tasks import run_task

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Startup", text)


def open_and_upgrade(parent: QWidget | None, url: str | None, on_ready: Callable[[object], None],
                     on_refused: Callable[[BaseException], None]) -> None:
    """Open ``url`` without migrating; a schema older than the program's is backed up and
    migrated on the thread pool (QProgressDialog via run_task) before ``on_ready(db)``.
    A damaged or newer database calls ``on_refused(error)``."""
    from .. import migrate
    from ..errors import UserError
    from ..services.opening import open_database, upgrade

    try:
        db = open_database(url, migrate=False)
    except UserError as exc:
        on_refused(exc)
        return
    if not migrate.needs_upgrade(db.engine):
        on_ready(db)
        return
    old = migrate.current_revision(db.engine)

    def failed(exc: BaseException) -> None:
        log.error("migration failed", exc_info=(type(exc), exc, exc.__traceback__))
        db.dispose()
        on_refused(exc)

    title = (_tr("Upgrading the database from version %1 to %2…")
             .replace("%1", old or "—").replace("%2", migrate.head_revision())) if old else \
        _tr("Creating the database…")
    run_task(parent, title, lambda progress: upgrade(db, progress=progress),
             cancellable=False, on_result=lambda _backup: on_ready(db), on_error=failed)


def refuse(parent: QWidget | None, exc: BaseException) -> None:
    from ..errors import UserError

    text = str(exc) if isinstance(exc, UserError) else _tr(
        "The database could not be upgraded; it was left as it was. Details are in the log file.")
    QMessageBox.critical(parent, _tr("Cannot open database"), text)


def start_backup(parent: QWidget | None, db) -> None:
    """The day's automatic backup, off the GUI thread; a failure is shown, not fatal."""
    from ..services import autobackup

    if not db.is_sqlite:
        return

    def failed(exc: BaseException) -> None:
        QMessageBox.warning(parent, _tr("Automatic Backup"),
                            _tr("The automatic backup failed: %1").replace("%1", str(exc)))

    run_task(parent, _tr("Backing up…"), lambda _p: autobackup.daily_backup(db),
             cancellable=False, on_error=failed)
