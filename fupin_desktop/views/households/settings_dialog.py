"""Settings the registry depends on: township name, ledger unit and signatories, and the
monitoring threshold (防止返贫监测范围) per year — a table the clerk edits, no year is built in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ...errors import UserError, ValidationError
from ..common.context import AppContext, show_error


class HouseholdSettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        from ...services import settings as st

        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Settings"))
        self.resize(560, 560)
        values = st.get_all(ctx.db)

        form_box = QGroupBox(self.tr("Township and signatures"))
        form = QFormLayout(form_box)
        self.edits: dict[str, QLineEdit] = {}
        for key, label in ((st.TOWNSHIP, self.tr("Township name")),
                           (st.COUNTY, self.tr("County")),
                           (st.LEDGER_UNIT, self.tr("Unit printed on ledgers")),
                           (st.PREPARER, self.tr("Prepared by")),
                           (st.REVIEWER, self.tr("Reviewed by"))):
            edit = QLineEdit(str(values.get(key) or ""))
            edit.setMaxLength(100)
            self.edits[key] = edit
            form.addRow(label, edit)
        self.edits[st.LEDGER_UNIT].setPlaceholderText(self.tr("Default: <township> People's Government"))

        th_box = QGroupBox(self.tr("Monitoring threshold (per-capita net income, yuan per person per year)"))
        th_layout = QVBoxLayout(th_box)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([self.tr("Year"), self.tr("Threshold (yuan)")])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        for year, amount in sorted(st.monitoring_thresholds(ctx.db).items()):
            self._add_row(str(year), f"{amount:.2f}")
        th_layout.addWidget(self.table)
        buttons_row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add Year"))
        self.remove_button = QPushButton(self.tr("Remove Year"))
        self.add_button.clicked.connect(self.add_year)
        self.remove_button.clicked.connect(self.remove_year)
        buttons_row.addWidget(self.add_button)
        buttons_row.addWidget(self.remove_button)
        buttons_row.addStretch(1)
        th_layout.addLayout(buttons_row)
        hint = QLabel(self.tr("A year without its own row uses the latest earlier year."))
        hint.setProperty("role", "hint")
        th_layout.addWidget(hint)

        self.error_label = QLabel()
        self.error_label.setProperty("role", "error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(form_box)
        layout.addWidget(th_box, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _add_row(self, year: str, amount: str) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(year))
        item = QTableWidgetItem(amount)
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(r, 1, item)

    def thresholds(self) -> dict[str, str]:
        """The table as typed (year text → amount text), checked by the settings service."""
        out: dict[str, str] = {}
        for r in range(self.table.rowCount()):
            year = (self.table.item(r, 0).text() if self.table.item(r, 0) else "").strip()
            amount = (self.table.item(r, 1).text() if self.table.item(r, 1) else "").strip()
            if not year and not amount:
                continue
            if year in out:
                raise ValidationError(self.tr("Year %1 appears twice in the threshold table.")
                                      .replace("%1", year), field="monitoring_thresholds")
            out[year] = amount
        return out

    @Slot()
    def add_year(self) -> None:
        years, last = [], ""
        for r in range(self.table.rowCount()):
            try:
                years.append(int(self.table.item(r, 0).text()))
                last = self.table.item(r, 1).text()
            except (AttributeError, ValueError):
                continue
        year = max(years) + 1 if years else dt.date.today().year
        try:
            last = f"{Decimal(last.replace(',', '')):.2f}" if last else ""
        except InvalidOperation:
            last = ""
        self._add_row(str(year), last)
        self.table.setCurrentCell(self.table.rowCount() - 1, 1)
        self.table.editItem(self.table.item(self.table.rowCount() - 1, 1))

    @Slot()
    def remove_year(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for r in rows:
            self.table.removeRow(r)

    @Slot()
    def save(self) -> None:
        from ...services import settings as st

        try:
            table = self.thresholds()
            if not table:
                raise ValidationError(self.tr("Enter the monitoring threshold of at least one year."),
                                      field="monitoring_thresholds")
            with self.ctx.db.write(reason="修改设置") as s:
                for key, edit in self.edits.items():
                    st.set(s, key, edit.text())
                st.set(s, st.MONITORING_THRESHOLDS, table)
        except ValidationError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        except UserError as exc:
            show_error(self, exc)
            return
        self.ctx.changed.emit("settings", [])
        self.accept()
