"""What every tab shares: the open database, a change bus and the error display."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QWidget

from ...errors import ConflictError, UserError
from ...services.progress import Cancelled

log = logging.getLogger(__name__)


class AppContext(QObject):
    # kind ("households", "members", "posts", …) and the ids that changed ([] = many/unknown)
    changed = Signal(str, list)
    database_replaced = Signal()

    def __init__(self, db, parent: QObject | None = None):
        super().__init__(parent)
        self.db = db

    def replace_database(self, db) -> None:
        old, self.db = self.db, db
        if old is not None and old is not db:
            old.dispose()
        self.database_replaced.emit()



def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    """Clerk-facing error: the Chinese message for UserError; a short note for a bug (details logged)."""
    from PySide6.QtWidgets import QMessageBox  # here: its enums are made on import (start-up)

    if isinstance(exc, Cancelled):
        QMessageBox.information(parent, title or QCoreApplication.translate("Errors", "Cancelled"), str(exc))
        return
    if isinstance(exc, ConflictError):
        QMessageBox.warning(parent, title or QCoreApplication.translate("Errors", "Record changed"), str(exc))
        return
    if isinstance(exc, UserError):
        QMessageBox.warning(parent, title or QCoreApplication.translate("Errors", "Cannot continue"), str(exc))
        return
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    QMessageBox.critical(
        parent, title or QCoreApplication.translate("Errors", "Program error"),
        QCoreApplication.translate("Errors", "An unexpected error occurred; nothing was saved. Details are in the log file:\n%1")
        .replace("%1", _log_file_hint()))


def _log_file_hint() -> str:
    from ...logsetup import log_file

    return str(log_file())
