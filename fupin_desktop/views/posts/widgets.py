"""Small pieces the posts pages share: the month picker (年月 with ◀ ▶), the written-reason
dialog (closed months, eligibility overrides, 离岗 / 撤销), and a list model with per-row colours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPlainTextEdit, QToolButton,
    QVBoxLayout, QWidget,
)

from ..common.widgets import MedicalListModel

OVERDUE = QColor("#ffd7d5")  # yellow flag past its deadline, revocation proposed
NOTICE = QColor("#ffe9c7")  # eligibility override, attendance missing


def first_of_month(day: dt.date | None = None) -> dt.date:
    return (day or dt.date.today()).replace(day=1)


class MonthPicker(QWidget):
    """A month: ◀ 2025年10月 ▶ (PgUp / PgDn in the box step a month too)."""

    changed = Signal()

    def __init__(self, month: dt.date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = QDateEdit()
        self.edit.setDisplayFormat("yyyy年M月")
        self.edit.setDateRange(QDate(2000, 1, 1), QDate(2100, 12, 1))
        self.edit.setCurrentSection(QDateEdit.Section.MonthSection)
        self.prev = QToolButton()
        self.prev.setText("◀")
        self.prev.setToolTip(self.tr("Previous month"))
        self.next = QToolButton()
        self.next.setText("▶")
        self.next.setToolTip(self.tr("Next month"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.prev)
        row.addWidget(self.edit)
        row.addWidget(self.next)
        self.setFocusProxy(self.edit)
        self.set_month(month or first_of_month())
        self.prev.clicked.connect(lambda: self.step(-1))
        self.next.clicked.connect(lambda: self.step(1))
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())
        QShortcut(QKeySequence(Qt.Key.Key_PageUp), self.edit, activated=lambda: self.step(-1),
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_PageDown), self.edit, activated=lambda: self.step(1),
                  context=Qt.ShortcutContext.WidgetShortcut)

    def month(self) -> dt.date:
        d = self.edit.date()
        return dt.date(d.year(), d.month(), 1)

    def set_month(self, month: dt.date) -> None:
        self.edit.setDate(QDate(month.year, month.month, 1))

    def step(self, n: int) -> None:
        self.edit.setDate(self.edit.date().addMonths(n))


class ReasonDialog(QDialog):
    """Asks for a written reason; 确定 stays disabled until something is written."""

    def __init__(self, title: str, explanation: str, parent: QWidget | None = None,
                 ok_text: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.explanation = QLabel(explanation)
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(self.tr("Reason (required)"))
        self.text.setFixedHeight(80)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok_text:
            self.ok.setText(ok_text)
        self.ok.setEnabled(False)
        self.text.textChanged.connect(lambda: self.ok.setEnabled(bool(self.reason())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self._accept_if_ok)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.text)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.text.setFocus()

    def reason(self) -> str:
        return self.text.toPlainText().strip()

    def _accept_if_ok(self) -> None:
        if self.reason():
            self.accept()


def ask_written_reason(parent: QWidget, title: str, explanation: str,
                       ok_text: str | None = None) -> str | None:
    """The clerk's written reason, or None when cancelled."""
    dlg = ReasonDialog(title, explanation, parent, ok_text)
    ok = dlg.exec() == QDialog.DialogCode.Accepted
    dlg.deleteLater()
    return dlg.reason() if ok and dlg.reason() else None


class ColouredListModel(MedicalListModel):
    """A list model whose rows may each carry a background colour (``colour(row) -> QColor``)."""

    colour: Callable[[object], QColor | None] | None = None
    tip: Callable[[object], str | None] | None = None
    # a cell's own words instead of its value (e.g. 未录入考勤 where 0.00 would mislead)
    text: Callable[[object, object], str | None] | None = None

    def _cell(self, row, column, role: int):
        if row is not None and self.text is not None and role == Qt.ItemDataRole.DisplayRole:
            t = self.text(row, column)
            if t is not None:
                return t
        if row is not None and self.colour is not None and role == Qt.ItemDataRole.BackgroundRole:
            c = self.colour(row)
            if c is not None:
                return c
        if row is not None and self.tip is not None and role == Qt.ItemDataRole.ToolTipRole:
            t = self.tip(row)
            if t:
                return t
        return super()._cell(row, column, role)
