"""The "print a ledger" dialog the households, posts and medical tabs share: which ledger, which
village, PDF or Excel, OK / Cancel. A feature's dialog subclasses it, adds the widgets that differ
(its year, month or period, its options) and places them with ``lay_out``; its writer stays with
the feature."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QRadioButton, QVBoxLayout, QWidget,
)

from .widgets import village_combo


class LedgerDialog(QDialog):
    """``kinds``: key -> title of the feature's ledgers; ``villages``: (label, data) pairs, the
    data being what the feature's writer takes (a name or an id); ``village``/``kind``: the
    choices shown first (the tab's filter)."""

    def __init__(self, kinds: Mapping[str, str], villages: Iterable[tuple[str, object]],
                 village=None, kind: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = QComboBox()
        for key, title in kinds.items():
            self.kind.addItem(title, key)
        if kind is not None:
            self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.village = village_combo(self.tr("All villages"))
        for label, data in villages:
            self.village.addItem(label, data)
        if village is not None:
            self.village.setCurrentIndex(max(0, self.village.findData(village)))
        self.pdf = QRadioButton(self.tr("PDF (to print)"))
        self.xlsx = QRadioButton(self.tr("Excel workbook"))
        self.pdf.setChecked(True)
        self.form = QFormLayout()

    def village_row(self) -> tuple[str, QWidget]:
        return self.tr("Village"), self.village

    def lay_out(self, *rows: tuple[str, QWidget]) -> None:
        """The form: the kind, the feature's ``rows`` (``village_row()`` where it belongs), the
        format, then OK / Cancel; ``kind_changed`` runs now and on every change of kind."""
        self.form.addRow(self.tr("Ledger kind"), self.kind)
        for label, widget in rows:
            self.form.addRow(label, widget)
        self.form.addRow(self.tr("Format"), self.pdf)
        self.form.addRow("", self.xlsx)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self.kind_changed)
        self.kind_changed()

    def kind_changed(self, *_a) -> None:
        """Show or enable the rows the chosen kind uses (none by default)."""

    def ext(self) -> str:
        return ".pdf" if self.pdf.isChecked() else ".xlsx"

    def choice(self) -> dict:
        """What every ledger needs; a feature adds its own keys."""
        return {"kind": self.kind.currentData(), "title": self.kind.currentText(),
                "village": self.village.currentData(), "ext": self.ext()}
