"""更正: a record of a closed wage month or archive year changes only with a written reason.

A save that a closed period refuses (services.closures.ClosedPeriodError) asks the clerk for the
reason here and, given one, runs again as a correction: the reason and the user go to the audit
log and the year's seal is renewed. Cancelling leaves the record and what was typed as they were.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from ...services.closures import ClosedPeriodError

T = TypeVar("T")


class CorrectionDialog(QDialog):
    """The refusal, and a box for the reason; 提交更正 only once a reason is written."""

    def __init__(self, message: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Correction"))
        layout = QVBoxLayout(self)
        refusal = QLabel(message)
        refusal.setWordWrap(True)
        refusal.setProperty("role", "error")
        layout.addWidget(refusal)
        hint = QLabel(self.tr("The reason is recorded with your name in the audit log."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setPlaceholderText(self.tr("Reason for the correction (required)"))
        self.reason_edit.setFixedHeight(80)
        layout.addWidget(self.reason_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Save as Correction"))
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason_edit.textChanged.connect(
            lambda: self.ok_button.setEnabled(bool(self.reason())))
        self.setMinimumWidth(460)

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()


def ask_correction(parent: QWidget, message: str) -> str | None:
    """The clerk's reason for a correction, or None when cancelled."""
    dlg = CorrectionDialog(message, parent)
    parent.correction_dialog = dlg  # tests reach the open prompt here
    try:
        return dlg.reason() if dlg.exec() == QDialog.DialogCode.Accepted else None
    finally:
        parent.correction_dialog = None
        dlg.deleteLater()


def save_or_correct(parent: QWidget, save: Callable[[str | None], T]) -> T:
    """``save(None)``; when a closed period refuses it, ask for the reason and ``save(reason)``
    as a correction. A cancelled prompt re-raises the refusal (shown like any other)."""
    try:
        return save(None)
    except ClosedPeriodError as exc:
        reason = ask_correction(parent, str(exc))
        if reason is None:
            raise
        return save(reason)
