"""收入 page of the household dialog: one year at a time with its components; 纯收入 and
人均纯收入 are recomputed while typing and compared with that year's monitoring threshold.

The typed text of every year is kept while the clerk switches years and is saved together with
the household (one transaction) when the dialog saves."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QFormLayout, QGroupBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
    QSpinBox, QVBoxLayout, QWidget,
)

from ..common.fields import FieldForm


def _money(v) -> str:
    return "—" if v is None else f"{Decimal(v):,.2f}"


class IncomePage(QWidget):
    def __init__(self, db, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self._forms: dict[int, object] = {}  # year -> IncomeForm as loaded (or new)
        self._texts: dict[int, dict[str, str]] = {}  # year -> typed text per field
        self._year: int | None = None
        self.default_persons = 0
        self._thresholds: dict = {}
        self.dirty = False

        self.years = QListWidget()
        self.years.setMaximumWidth(120)
        self.years.currentItemChanged.connect(self._year_selected)
        self.new_year = QSpinBox()
        self.new_year.setRange(2000, 2100)
        self.new_year.setValue(dt.date.today().year)
        self.add_button = QPushButton(self.tr("Add Year"))
        self.add_button.clicked.connect(lambda: self.add_year(self.new_year.value()))
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Year")))
        left.addWidget(self.years, 1)
        left.addWidget(self.new_year)
        left.addWidget(self.add_button)

        box = QGroupBox(self.tr("Income components (yuan)"))
        form_layout = QFormLayout(box)
        self.form = FieldForm(form_layout)
        self.form.add("persons", self.tr("Persons (divisor)"), "int")
        for name, label in (("wage_income", self.tr("Wage income")),
                            ("business_income", self.tr("Business income")),
                            ("property_income", self.tr("Property income")),
                            ("transfer_income", self.tr("Transfer income")),
                            ("business_expense", self.tr("Business expenses (deducted)")),
                            ("compliant_self_paid", self.tr("Compliant self-paid expenses")),
                            ("declared_per_capita", self.tr("Per-capita net income as declared"))):
            self.form.add(name, label, "money")
        for f in self.form.fields.values():
            f.edited.connect(self._recompute)
            f.widget.setAlignment(Qt.AlignmentFlag.AlignRight)

        result = QGroupBox(self.tr("Computed figures"))
        res_layout = QFormLayout(result)
        self.net_label = QLabel("—")
        self.pc_label = QLabel("—")
        self.threshold_label = QLabel("—")
        self.verdict = QLabel()
        for lab in (self.net_label, self.pc_label, self.threshold_label):
            lab.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            lab.setMinimumWidth(120)
        res_layout.addRow(self.tr("Net income"), self.net_label)
        res_layout.addRow(self.tr("Per-capita net income"), self.pc_label)
        res_layout.addRow(self.tr("Monitoring threshold of the year"), self.threshold_label)
        res_layout.addRow("", self.verdict)
        hint = QLabel(self.tr("Net income = wage + business + property + transfer − business expenses; "
                              "per-capita = net income ÷ persons."))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        res_layout.addRow(hint)

        right = QVBoxLayout()
        right.addWidget(box)
        right.addWidget(result)
        right.addStretch(1)
        self.right = QWidget()
        self.right.setLayout(right)
        self.right.setMaximumWidth(560)  # amounts stay next to their labels
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addWidget(self.right, 1)
        layout.addStretch(0)

    # -- data --------------------------------------------------------------------------------
    def load(self, incomes, default_persons: int) -> None:
        from ...services import settings

        self._thresholds = settings.monitoring_thresholds(self.db)
        self._forms = {i.year: i for i in incomes}
        self._texts = {}
        self.default_persons = default_persons
        self._year = None
        self.years.blockSignals(True)
        self.years.clear()
        for year in sorted(self._forms, reverse=True):
            self._add_item(year)
        self.years.blockSignals(False)
        self.dirty = False
        if self.years.count():
            self.years.setCurrentRow(0)
        else:
            self._show(None)
        if self._forms:
            self.new_year.setValue(max(self._forms) + 1)

    def _add_item(self, year: int) -> QListWidgetItem:
        item = QListWidgetItem(str(year))
        item.setData(Qt.ItemDataRole.UserRole, year)
        self.years.addItem(item)
        return item

    @Slot(int)
    def add_year(self, year: int) -> None:
        from ...services.households.forms import IncomeForm

        if year not in self._forms:
            self._forms[year] = IncomeForm(year=year, persons=self.default_persons or None)
            self._add_item(year)
            self.years.sortItems(Qt.SortOrder.DescendingOrder)
            self.dirty = True
        self.select_year(year)
        self.form["wage_income"].setFocus()

    def select_year(self, year: int) -> None:
        for r in range(self.years.count()):
            if self.years.item(r).data(Qt.ItemDataRole.UserRole) == year:
                self.years.setCurrentRow(r)
                return

    @Slot()
    def _year_selected(self, current, _previous) -> None:
        self._stash()
        self._show(current.data(Qt.ItemDataRole.UserRole) if current else None)

    def _stash(self) -> None:
        if self._year is not None:
            self._texts[self._year] = {n: f.text() for n, f in self.form.fields.items()}
            self.dirty = self.dirty or self.form.dirty

    def _show(self, year: int | None) -> None:
        self._year = year
        self.right.setEnabled(year is not None)
        if year is None:
            return
        self.form.load(self._forms[year])
        for name, text in self._texts.get(year, {}).items():
            self.form[name].set_text(text)
        self.form.dirty = False
        self._recompute()

    def incomes(self) -> tuple[list, dict[str, str]]:
        """Every year's IncomeForm as typed and {income.<year>.<field>: message} for bad input."""
        self._stash()
        out, errors = [], {}
        shown = self._year
        for year in sorted(self._forms):
            base = self._forms[year]
            texts = self._texts.get(year)
            if texts is None:  # never shown, never typed into
                out.append(base)
                continue
            self._show(year)
            values, errs = self.form.values()
            errors.update({f"income.{year}.{k}": m for k, m in errs.items()})
            out.append(dataclasses.replace(base, **values))
        if shown is not None:
            self._show(shown)
        return out, errors

    def show_errors(self, errors: dict[str, str]) -> bool:
        """Show income messages on their fields (switching to the first year concerned)."""
        mine = {}
        for key, msg in errors.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "income" and parts[1].isdigit():
                mine.setdefault(int(parts[1]), {})[parts[2]] = msg
        if not mine:
            return False
        year = min(mine)
        self.select_year(year)
        first = self.form.show_errors(mine[year])
        if first is not None:
            first.setFocus()
        return True

    @property
    def has_changes(self) -> bool:
        return self.dirty or self.form.dirty

    # -- live figures ------------------------------------------------------------------------
    @Slot()
    def _recompute(self) -> None:
        from ...services import settings
        from ...services.households.form_rules import preview_income

        if self._year is None:
            return
        values = {}
        for name, f in self.form.fields.items():
            try:
                values[name] = f.value()
            except ValueError:
                values[name] = None
        net, pc = preview_income(dataclasses.replace(self._forms[self._year], **values))
        threshold = settings.threshold_for(self._thresholds, self._year)
        self.net_label.setText(_money(net))
        self.pc_label.setText(_money(pc))
        self.threshold_label.setText(_money(threshold))
        below = pc is not None and threshold is not None and pc < threshold
        self.verdict.setText(self.tr("Below the monitoring threshold") if below
                             else (self.tr("At or above the threshold") if pc is not None else ""))
        self.verdict.setProperty("role", "error" if below else "hint")
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)
