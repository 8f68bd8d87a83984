"""The filter bar above the households table: 行政村, 户类型, 监测对象类别, 风险, 风险已消除,
低于监测线 (with the income year) and the search box that answers while typing.

Combo boxes apply at once; typing is debounced (~150 ms) so a fast typist causes one query when
they pause, not one per keystroke.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QWidget,
)

from ...models import HOUSEHOLD_TYPES, MONITORING_CATEGORIES, RISK_TYPES

SEARCH_DEBOUNCE_MS = 150
MONITORED, NOT_MONITORED = "__any__", "__none__"  # category filter: any category / none


class RegistryFilterBar(QWidget):
    changed = Signal()  # the filter changed (typing: once it pauses)
    submitted = Signal()  # Enter in the search box

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self.search_timer.timeout.connect(self.changed)
        self.village_box = self._combo(self.tr("Village"), [])
        self.village_box.setMinimumContentsLength(6)
        self.type_box = self._combo(self.tr("Household type"), [(t, t) for t in HOUSEHOLD_TYPES])
        self.category_box = self._combo(
            self.tr("Monitoring category"),
            [(self.tr("Any category"), MONITORED)] + [(c, c) for c in MONITORING_CATEGORIES]
            + [(self.tr("Not monitored"), NOT_MONITORED)])
        self.risk_box = self._combo(self.tr("Risk"), [(r, r) for r in RISK_TYPES])
        self.eliminated_box = self._combo(self.tr("Risk eliminated"),
                                          [(self.tr("Yes"), True), (self.tr("No"), False)])
        self.below_check = QCheckBox(self.tr("Below threshold"))
        self.below_check.setToolTip(
            self.tr("Per-capita net income below the monitoring threshold of the year"))
        self.below_check.toggled.connect(self._now)
        self.year_box = QSpinBox()
        self.year_box.setRange(2000, 2100)
        self.year_box.setSuffix(self.tr(" (year)"))
        self.year_box.setToolTip(self.tr("Income year shown and compared with its threshold"))
        self.year_box.setValue(dt.date.today().year)
        self.year_box.valueChanged.connect(self._now)  # the income column shows this year
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(
            self.tr("Search name, ID number, household code, phone (Ctrl+F)"))
        self.search.setMinimumWidth(260)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.search.returnPressed.connect(self._submit)
        self.count_label = QLabel()

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for label, w in ((self.tr("Village"), self.village_box),
                         (self.tr("Household type"), self.type_box),
                         (self.tr("Monitoring"), self.category_box),
                         (self.tr("Risk"), self.risk_box),
                         (self.tr("Risk eliminated"), self.eliminated_box)):
            lab = QLabel(label)
            lab.setBuddy(w)
            row.addWidget(lab)
            row.addWidget(w)
        row.addWidget(self.below_check)
        row.addWidget(self.year_box)
        row.addSpacing(12)
        row.addWidget(self.search, 1)
        row.addWidget(self.count_label)

    def _combo(self, label: str, items: list[tuple[str, object]]) -> QComboBox:
        box = QComboBox()
        box.addItem(self.tr("All"), None)
        for text, data in items:
            box.addItem(text, data)
        box.setToolTip(label)
        box.currentIndexChanged.connect(self._now)
        return box

    def _now(self, *_args) -> None:
        self.search_timer.stop()
        self.changed.emit()

    def _submit(self) -> None:
        self.search_timer.stop()
        self.submitted.emit()

    # -- values ------------------------------------------------------------------------------
    @property
    def year(self) -> int:
        return self.year_box.value()

    def set_year(self, year: int) -> None:
        """Show ``year`` without triggering a query (the caller reloads anyway)."""
        self.year_box.blockSignals(True)
        self.year_box.setValue(year)
        self.year_box.blockSignals(False)

    def set_villages(self, villages: list[tuple[int, str]]) -> None:
        keep = self.village_box.currentData()
        self.village_box.blockSignals(True)
        while self.village_box.count() > 1:
            self.village_box.removeItem(1)
        for vid, name in villages:
            self.village_box.addItem(name, vid)
        self.village_box.setCurrentIndex(max(0, self.village_box.findData(keep)))
        self.village_box.blockSignals(False)

    def village_name(self) -> str | None:
        return self.village_box.currentText() if self.village_box.currentData() else None

    def current_filter(self):
        from ...services.households.registry import RegistryFilter

        category = self.category_box.currentData()
        monitored = {MONITORED: True, NOT_MONITORED: False}.get(category)
        return RegistryFilter(
            village_id=self.village_box.currentData(),
            household_type=self.type_box.currentData(),
            monitoring_category=None if monitored is not None else category,
            monitored=monitored,
            risk=self.risk_box.currentData(),
            risk_eliminated=self.eliminated_box.currentData(),
            below_threshold=self.year if self.below_check.isChecked() else None,
            search=self.search.text().strip(),
        )

    def set_filter(self, village: str | None = None, household_type: str | None = None,
                   risk: str | None = None, monitored: bool | None = None, below_year: int | None = None) -> None:
        """Show exactly this filter (everything else back to 全部, search cleared), announced by
        one ``changed`` — how the 总览 page opens the households behind a bar."""
        widgets = (self.village_box, self.type_box, self.category_box, self.risk_box, self.eliminated_box,
                   self.below_check, self.year_box, self.search)
        for w in widgets:
            w.blockSignals(True)
        try:
            self.village_box.setCurrentIndex(max(0, self.village_box.findText(village)) if village else 0)
            self.type_box.setCurrentIndex(max(0, self.type_box.findData(household_type)) if household_type else 0)
            cat = {True: MONITORED, False: NOT_MONITORED}.get(monitored)
            self.category_box.setCurrentIndex(max(0, self.category_box.findData(cat)) if cat else 0)
            self.risk_box.setCurrentIndex(max(0, self.risk_box.findData(risk)) if risk else 0)
            self.eliminated_box.setCurrentIndex(0)
            self.below_check.setChecked(below_year is not None)
            if below_year is not None:
                self.year_box.setValue(below_year)
            self.search.clear()
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._now()

    def show_count(self, n: int) -> None:
        self.count_label.setText(self.tr("%1 households").replace("%1", f"{n:,}"))
