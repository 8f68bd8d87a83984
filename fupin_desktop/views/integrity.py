"""At start, recompute the audit hash chain, the month seals and the closed archive years' seals
in the background (issue 12) and warn in the status bar (and a non-blocking dialog) when the stored
data was altered outside the program. Silent when everything is intact."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox

from .common.tasks import run_task

log = logging.getLogger(__name__)


def check_at_start(window: QMainWindow, ctx) -> None:
    from ..services.users.audit_chain import verify_chain

    def done(result) -> None:
        window.integrity_result = result
        if result.intact:
            return
        log.warning("integrity check failed: %s", result.problems[0].message)
        label = QLabel(QCoreApplication.translate("Integrity", "⚠ Data integrity check failed: records were altered outside the program"))
        label.setStyleSheet("color: #b00020; font-weight: bold;")
        label.setToolTip(result.text())
        window.statusBar().addPermanentWidget(label)
        window.integrity_label = label
        box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate("Integrity", "Data Integrity"), result.text(),
                          QMessageBox.StandardButton.Ok, window)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): the program stays usable (and tests never block)
        window.integrity_box = box

    def failed(exc: BaseException) -> None:  # e.g. the database closed meanwhile: say nothing
        log.warning("integrity check could not run: %s", type(exc).__name__)

    run_task(window, QCoreApplication.translate("Integrity", "Checking data integrity…"), lambda p: verify_chain(ctx.db),
             on_result=done, on_error=failed, cancellable=False, quiet=True)  # background: no dialog
