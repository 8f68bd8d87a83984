"""Form fields with their validation message next to them, for the household dialogs.

Each field keeps exactly what the clerk typed (a date or an amount stays text in its box until
saved), parses it on ``value()`` with the same parsers the importer uses, and shows a message
under itself when the parser or the service rejects it — the typing is never thrown away.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget,
)

from .list_model import mono_font

YES, NO = "是", "否"


class Field(QWidget):
    """One labelled input. ``kind``: text, code, choice, lookup ((data, text) pairs), tristate,
    check, int, date, money, memo."""

    edited = Signal()

    def __init__(self, name: str, label: str, kind: str = "text", choices=(),
                 placeholder: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.name, self.label, self.kind = name, label, kind
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        if kind in ("choice", "tristate"):
            w = QComboBox()
            items = ["", YES, NO] if kind == "tristate" else ["", *choices]
            w.addItems(items)
            w.currentIndexChanged.connect(self.edited)
        elif kind == "lookup":
            w = QComboBox()
            w.addItem("", None)
            for data, text in choices:
                w.addItem(text, data)
            w.currentIndexChanged.connect(self.edited)
        elif kind == "check":
            w = QCheckBox(label)
            w.toggled.connect(self.edited)
        elif kind == "memo":
            w = QPlainTextEdit()
            w.setTabChangesFocus(True)
            w.setFixedHeight(60)
            w.textChanged.connect(self.edited)
        else:
            w = QLineEdit()
            hints = {"date": self.tr("YYYY-MM-DD"), "money": "0.00"}
            w.setPlaceholderText(placeholder or hints.get(kind, ""))
            if kind == "code":
                w.setFont(mono_font())
            w.textEdited.connect(self.edited)
        self.widget = w
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(w)
        layout.addWidget(self.error)
        self.setFocusProxy(w)

    # -- value ---------------------------------------------------------------------------------
    def set_value(self, value) -> None:
        w = self.widget
        if self.kind == "lookup":
            w.setCurrentIndex(max(0, w.findData(value)) if value is not None else 0)
        elif self.kind == "choice":
            text = "" if value is None else str(value)
            if w.findText(text) < 0:  # old data may hold a value no longer offered
                w.addItem(text)
            w.setCurrentIndex(w.findText(text))
        elif self.kind == "tristate":
            w.setCurrentIndex(0 if value is None else (1 if value else 2))
        elif self.kind == "check":
            w.setChecked(bool(value))
        elif self.kind == "memo":
            w.setPlainText("" if value is None else str(value))
        elif self.kind == "money":
            w.setText("" if value is None else f"{Decimal(value):.2f}")
        elif self.kind == "date":
            w.setText(value.isoformat() if isinstance(value, dt.date) else (value or ""))
        else:
            w.setText("" if value is None else str(value))

    def set_text(self, text: str) -> None:
        """Put back exactly what was typed earlier (line edits and combo boxes)."""
        w = self.widget
        if isinstance(w, QLineEdit):
            w.setText(text)
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(max(0, w.findText(text)))
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText(text)
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(text))

    def text(self) -> str:
        w = self.widget
        if isinstance(w, QComboBox):
            return w.currentText()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QCheckBox):
            return YES if w.isChecked() else ""
        return w.text()

    def value(self):
        """The parsed value (None when empty); raises ValueError with a Chinese message."""
        from ...domain.normalize import parse_amount, parse_date

        if self.kind == "lookup":
            return self.widget.currentData()
        text = self.text().strip()
        if self.kind == "tristate":
            return None if not text else text == YES
        if self.kind == "check":
            return True if text else None
        if not text:
            return None
        if self.kind == "date":
            return parse_date(text)
        if self.kind == "money":
            return parse_amount(text)
        if self.kind == "int":
            try:
                return int(text)
            except ValueError:
                raise ValueError(f"“{text}”不是整数") from None
        return text

    # -- messages ------------------------------------------------------------------------------
    def set_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.widget.setProperty("invalid", bool(message))
        self.widget.style().unpolish(self.widget)
        self.widget.style().polish(self.widget)


class FieldForm:
    """A set of fields laid out in a QFormLayout; reads and writes a record by attribute name."""

    def __init__(self, layout: QFormLayout | None = None):
        self.layout = layout
        self.fields: dict[str, Field] = {}
        self.dirty = False  # something was typed since load()

    def add(self, name: str, label: str, kind: str = "text", choices=(), placeholder: str = "",
            layout: QFormLayout | None = None) -> Field:
        f = self.create(name, label, kind, choices, placeholder)
        target = layout or self.layout
        if kind == "check":
            target.addRow("", f)
        else:
            target.addRow(label, f)
        return f

    def create(self, name: str, label: str, kind: str = "text", choices=(),
               placeholder: str = "") -> Field:
        """A field of this form that the caller places itself (e.g. in a grid)."""
        f = Field(name, label, kind, choices, placeholder)
        self.fields[name] = f
        f.edited.connect(lambda f=f: self._edited(f))
        return f

    def _edited(self, f: Field) -> None:
        self.dirty = True
        f.set_error(None)

    def __getitem__(self, name: str) -> Field:
        return self.fields[name]

    def load(self, record) -> None:
        for name, f in self.fields.items():
            f.blockSignals(True)
            f.set_value(getattr(record, name, None))
            f.blockSignals(False)
            f.set_error(None)
        self.dirty = False

    def values(self) -> tuple[dict, dict[str, str]]:
        """(name → parsed value, name → message) for every field; messages are shown."""
        values, errors = {}, {}
        for name, f in self.fields.items():
            try:
                values[name] = f.value()
            except ValueError as exc:
                errors[name] = f"{f.label}：{exc}"
        self.show_errors(errors)
        return values, errors

    def show_errors(self, errors: dict[str, str]) -> Field | None:
        """Show each message next to its field; returns the first field in error (to focus)."""
        first = None
        for name, f in self.fields.items():
            msg = errors.get(name)
            f.set_error(msg)
            if msg and first is None:
                first = f
        return first
