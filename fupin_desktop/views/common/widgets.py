"""Small pieces the medical pages share: table models (a paged one for settlements, a ratio
column kind), a table view set up the house way, the period picker (年 / 季 / 月), the member
picker (search by name or ID number), and the prompt for a deletion reason."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QModelIndex, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QCompleter, QHBoxLayout, QHeaderView, QInputDialog, QLabel,
    QSpinBox, QTableView, QWidget,
)

from .fields import Field
from .list_model import Column, ListTableModel

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
SEARCH_DEBOUNCE_MS = 150


class MedicalListModel(ListTableModel):
    """ListTableModel plus a ``ratio`` column kind (0.9201 shown as 92.01%, right-aligned)."""

    def _cell(self, row, column: Column, role: int):
        if column.kind == "ratio" and row is not None:
            if role == Qt.ItemDataRole.DisplayRole:
                from ...domain.medical_calc import ratio_text

                return ratio_text(getattr(row, column.key, None))
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _RIGHT
        return super()._cell(row, column, role)

    def _header(self, section: int, orientation, role: int):
        if (role == Qt.ItemDataRole.TextAlignmentRole and 0 <= section < len(self.columns)
                and self.columns[section].kind == "ratio"):
            return _RIGHT
        return super()._header(section, orientation, role)


class PagedTableModel(MedicalListModel):
    """Rows fetched a page at a time (``fetch(offset, limit)``) as the view paints them.

    A year of a county's settlements is tens of thousands of rows; the view asks only for the
    few hundred it shows, and ``count`` comes from one COUNT query.
    """

    PAGE = 200
    CACHE_PAGES = 10

    def __init__(self, columns: Sequence[Column], parent=None):
        super().__init__(columns, parent)
        self._count = 0
        self._fetch: Callable[[int, int], list] | None = None
        self._pages: OrderedDict[int, list] = OrderedDict()

    def set_source(self, count: int, fetch: Callable[[int, int], list]) -> None:
        self.beginResetModel()
        self._count, self._fetch = count, fetch
        self._pages.clear()
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else self._count

    def record(self, row: int):
        if not 0 <= row < self._count or self._fetch is None:
            return None
        page = row // self.PAGE
        rows = self._pages.get(page)
        if rows is None:
            rows = self._fetch(page * self.PAGE, self.PAGE)
            self._pages[page] = rows
            while len(self._pages) > self.CACHE_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        i = row - page * self.PAGE
        return rows[i] if i < len(rows) else None

    def row_of(self, record_id: int, search_pages: int = 5) -> int:
        """Row of ``record_id``: looked up in the pages fetched, then in the first
        ``search_pages`` pages (-1 when not there: the clerk re-finds it with the filter)."""
        pages = list(self._pages) + [p for p in range(search_pages) if p not in self._pages]
        for page in pages:
            if page * self.PAGE >= self._count:
                continue
            self.record(page * self.PAGE)  # fetches the page if needed
            for i, r in enumerate(self._pages.get(page, ())):
                if r.id == record_id:
                    return page * self.PAGE + i
        return -1


def make_table(model, sortable: bool = False) -> QTableView:
    t = QTableView()
    t.setModel(model)
    t.setAlternatingRowColors(True)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setWordWrap(False)
    t.setSortingEnabled(sortable)
    t.verticalHeader().hide()
    # fixed row height: the view never measures rows, so it never fetches rows it does not show
    t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 10)
    t.horizontalHeader().setSectionsMovable(True)
    t.horizontalHeader().setStretchLastSection(True)
    for i, c in enumerate(model.columns):
        t.setColumnWidth(i, c.width)
    return t


def current_record(table: QTableView):
    idx = table.currentIndex()
    return table.model().record(idx.row()) if idx.isValid() else None


def select_row(table: QTableView, row: int) -> None:
    """Make ``row`` current and selected (Enter opens it), or nothing when out of range."""
    if 0 <= row < table.model().rowCount():
        idx = table.model().index(row, 0)
        table.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        table.scrollTo(idx)


def village_combo(all_text: str) -> QComboBox:
    box = QComboBox()
    box.addItem(all_text, None)
    box.setMinimumContentsLength(6)
    return box


def set_villages(box: QComboBox, villages: list[tuple[int, str]]) -> None:
    keep = box.currentData()
    box.blockSignals(True)
    while box.count() > 1:
        box.removeItem(1)
    for vid, name in villages:
        box.addItem(name, vid)
    box.setCurrentIndex(max(0, box.findData(keep)))
    box.blockSignals(False)


def ask_reason(parent: QWidget, title: str, what: str) -> str | None:
    """The reason for a deletion (required by the services); None when cancelled."""
    while True:
        text, ok = QInputDialog.getText(
            parent, title, QCoreApplication.translate("MedicalWidgets", "Delete %1?\nReason (required):")
            .replace("%1", what))
        if not ok:
            return None
        if text.strip():
            return text.strip()


class PeriodPicker(QWidget):
    """年度 spin box + 全年 / 第N季度 / N月; the year's minimum means 全部年度 when allowed."""

    changed = Signal()

    def __init__(self, allow_all: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.allow_all = allow_all
        self.year = QSpinBox()
        self.year.setRange(1999 if allow_all else 2000, 2100)
        if allow_all:
            self.year.setSpecialValueText(self.tr("All years"))
        self.year.setSuffix(self.tr(" (year)"))
        self.year.setValue(dt.date.today().year)
        self.part = QComboBox()
        self.part.addItem(self.tr("Whole year"), "y")
        for q in range(1, 5):
            self.part.addItem(self.tr("Quarter %1").replace("%1", str(q)), f"q{q}")
        for m in range(1, 13):
            self.part.addItem(self.tr("Month %1").replace("%1", str(m)), f"m{m}")
        self.part.setMaxVisibleItems(17)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.year)
        row.addWidget(self.part)
        self.year.valueChanged.connect(self._changed)
        self.part.currentIndexChanged.connect(self._changed)
        self._changed()

    def _changed(self, *_a) -> None:
        self.part.setEnabled(not self.all_years)
        self.changed.emit()

    @property
    def all_years(self) -> bool:
        return self.allow_all and self.year.value() == self.year.minimum()

    def period(self):
        from ...services.medical.period import Period

        if self.all_years:
            return None
        key = self.part.currentData()  # "y", "q1".."q4", "m1".."m12"
        kind, n = key[0], int(key[1:] or 0)
        y = self.year.value()
        return Period(y, quarter=n) if kind == "q" else Period(y, month=n) if kind == "m" else Period(y)

    def set_period(self, period) -> None:
        self.blockSignals(True)
        if period is None:
            self.year.setValue(self.year.minimum() if self.allow_all else dt.date.today().year)
            self.part.setCurrentIndex(0)
        else:
            self.year.setValue(period.year)
            key = (f"q{period.quarter}" if period.quarter else
                   f"m{period.month}" if period.month else "y")
            self.part.setCurrentIndex(max(0, self.part.findData(key)))
        self.blockSignals(False)
        self._changed()


def member_text(choice) -> str:
    return f"{choice.name}　{choice.id_number}"


class MemberPicker(Field):
    """就医人员 / 签约人员: type part of a name or an ID number, pick from the list (↓, Enter).

    ``value()`` is the chosen MemberChoice (None when empty); text typed but nothing picked is a
    message next to the field, never a guess. A full ID number matching one person picks it.
    """

    def __init__(self, search: Callable[[str], list], label: str, parent: QWidget | None = None):
        super().__init__("member_id", label, "text",
                         placeholder=QCoreApplication.translate(
                             "MedicalWidgets", "Type a name or ID number, then choose from the list"),
                         parent=parent)
        self._search = search
        self.chosen = None
        self.matches: list = []
        self.info = QLabel()
        self.info.setProperty("role", "hint")
        self.info.hide()
        self.layout().insertWidget(1, self.info)
        self.list_model = QStandardItemModel(self)
        self.completer = QCompleter(self.list_model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setWidget(self.widget)  # not setCompleter: picking must not rewrite the text
        self.completer.setMaxVisibleItems(12)
        self.completer.activated[QModelIndex].connect(self._activated)
        self.timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self.timer.timeout.connect(self.run_search)
        self.widget.textEdited.connect(self._typed)

    def _info(self, text: str) -> None:
        self.info.setText(text)
        self.info.setVisible(bool(text))

    def _typed(self, _text: str) -> None:
        if self.chosen is not None:
            self.chosen = None
            self._info("")
        self.timer.start()

    def run_search(self) -> None:
        self.timer.stop()
        if not self.isVisible():  # the form was closed while the clerk paused
            return
        text = self.widget.text().strip()
        self.matches = self._search(text) if text else []
        self.list_model.clear()
        for m in self.matches:
            item = QStandardItem(f"{m.name}　{m.id_number}　{m.village_name}　{m.household_code}"
                                 + ("" if m.status in ("正常", "") else f"　[{m.status}]"))
            item.setData(m, Qt.ItemDataRole.UserRole)
            self.list_model.appendRow(item)
        exact = [m for m in self.matches if m.id_number == text.upper()]
        if len(exact) == 1:
            self.choose(exact[0])
            self.completer.popup().hide()
        elif self.matches:
            # wider than the box: name, ID number, village and household code side by side
            width = max(self.widget.width(), self.widget.fontMetrics().horizontalAdvance("中" * 34))
            self.completer.complete(QRect(0, 0, width, self.widget.height()))
            # the first match is highlighted: Enter takes it, ↓ moves on
            self.completer.popup().setCurrentIndex(self.list_model.index(0, 0))
        else:
            self.completer.popup().hide()
            if text:
                self._info(QCoreApplication.translate("MedicalWidgets", "No member found"))

    def _activated(self, index: QModelIndex) -> None:
        choice = index.data(Qt.ItemDataRole.UserRole)
        if choice is not None:
            self.choose(choice)

    def choose(self, choice) -> None:
        self.chosen = choice
        self.widget.setText(member_text(choice))
        self._info(QCoreApplication.translate("MedicalWidgets", "Household %1 · %2")
                          .replace("%1", choice.household_code).replace("%2", choice.village_name)
                          + ("" if choice.status in ("正常", "") else f" · {choice.status}"))
        self.set_error(None)
        self.edited.emit()

    # -- Field interface -------------------------------------------------------------------
    def set_value(self, value) -> None:
        self.chosen = value
        self.widget.setText(member_text(value) if value is not None else "")
        self._info("" if value is None else QCoreApplication.translate(
            "MedicalWidgets", "Household %1 · %2").replace("%1", value.household_code)
            .replace("%2", value.village_name))

    def value(self):
        if self.chosen is None and self.widget.text().strip():
            raise ValueError(QCoreApplication.translate(
                "MedicalWidgets", "choose the person from the list (type a name, then ↓ and Enter)"))
        return self.chosen


def choice_of(row):
    """The MemberChoice of a list row (settlement, card, signing) for the picker."""
    from ...services.medical.settlements import MemberChoice

    return MemberChoice(row.member_id, row.member_name, row.id_number, row.household_code,
                        row.village_name, "")
