"""The attendance month grid: a table model over services.posts.attendance.MonthGrid and a view
that marks days from the keyboard like a spreadsheet.

Rows are workers (their names in the vertical header, so they stay in sight while scrolling to
the 31st), columns are the post, the days of the month and the totals (出勤 / 请假 / 旷工).
Marks typed by the clerk change the model at once (the totals follow) and are queued as pending
edits; the page saves them in one ``set_marks`` call. Days outside an assignment are grey and
cannot be marked. Everything is computed from the few hundred GridRow objects in memory: opening
500 workers costs one query and one model reset, painting touches only the visible cells.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ...models.posts import (
    MARK_ABSENT, MARK_NONE, MARK_PERSONAL_LEAVE, MARK_PRESENT, MARK_SICK_LEAVE,
)
from ...domain.posts_calendar import LABELS, SYMBOLS

WEEKDAYS = "一二三四五六日"
FIXED = 1  # columns before day 1 (the post)
TOTALS = 3  # 出勤, 请假, 旷工

_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
OUTSIDE = QBrush(QColor("#d9dde1"))  # not in post that day
WEEKEND = QBrush(QColor("#eef3f8"))
PENDING = QBrush(QColor("#fff1a8"))  # typed, not yet saved
_COLOURS = {MARK_PRESENT: QBrush(QColor("#1a7f37")), MARK_ABSENT: QBrush(QColor("#c62828")),
            MARK_PERSONAL_LEAVE: QBrush(QColor("#1f5fbf")), MARK_SICK_LEAVE: QBrush(QColor("#1f5fbf"))}
_ABSENT_TOTAL = QBrush(QColor("#c62828"))

# keys clerks press for each mark (digits as on the legend, letters, symbols of the paper sheet)
KEY_MARKS = {
    Qt.Key.Key_1: MARK_PRESENT, Qt.Key.Key_2: MARK_PERSONAL_LEAVE, Qt.Key.Key_3: MARK_SICK_LEAVE,
    Qt.Key.Key_4: MARK_ABSENT, Qt.Key.Key_0: MARK_NONE, Qt.Key.Key_Period: MARK_NONE,
    Qt.Key.Key_Delete: MARK_NONE, Qt.Key.Key_Backspace: MARK_NONE, Qt.Key.Key_Space: MARK_PRESENT,
    Qt.Key.Key_P: MARK_PRESENT, Qt.Key.Key_V: MARK_PRESENT, Qt.Key.Key_L: MARK_PERSONAL_LEAVE,
    Qt.Key.Key_S: MARK_SICK_LEAVE, Qt.Key.Key_A: MARK_ABSENT, Qt.Key.Key_X: MARK_ABSENT,
}
TEXT_MARKS = {"√": MARK_PRESENT, "✓": MARK_PRESENT, "事": MARK_PERSONAL_LEAVE,
              "病": MARK_SICK_LEAVE, "×": MARK_ABSENT, "旷": MARK_ABSENT}
_ROLES = frozenset({
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.UserRole,
})
CYCLE = (MARK_NONE, MARK_PRESENT, MARK_PERSONAL_LEAVE, MARK_SICK_LEAVE, MARK_ABSENT)


class AttendanceModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid = None
        self.rows: list = []
        self.days = 0
        self.pending: dict[tuple[int, int], str] = {}  # (assignment id, day) -> mark code
        self._row_of: dict[int, int] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self.titles = (self.tr("Post"), self.tr("Present"), self.tr("Leave"), self.tr("Absent"))
        self.not_in_post = self.tr("not in post that day")

    # -- loading -----------------------------------------------------------------------------
    def set_grid(self, grid) -> None:
        self.beginResetModel()
        self.grid = grid
        self.rows = list(grid.rows) if grid is not None else []
        self.days = grid.days if grid is not None else 0
        self._row_of = {r.assignment_id: i for i, r in enumerate(self.rows)}
        self.pending = {}
        self.endResetModel()

    # -- geometry ----------------------------------------------------------------------------
    def day_of(self, column: int) -> int | None:
        d = column - FIXED + 1
        return d if 1 <= d <= self.days else None

    def column_of(self, day: int) -> int:
        return FIXED + day - 1

    def total_column(self, k: int) -> int:
        return FIXED + self.days + k

    def row_index(self, assignment_id: int) -> int:
        return self._row_of.get(assignment_id, -1)

    # -- editing -----------------------------------------------------------------------------
    def apply(self, cells, mark: str) -> tuple[int, int]:
        """Set ``mark`` on ``(row, day)`` cells; returns (changed, refused: outside the assignment)."""
        changed = refused = 0
        touched: dict[int, list[int]] = {}
        for row, day in cells:
            r = self.rows[row]
            if not r.can_mark(day):
                refused += 1
                continue
            if r.marks[day - 1] == mark:
                continue
            r.marks = r.marks[:day - 1] + mark + r.marks[day:]
            self.pending[(r.assignment_id, day)] = mark
            touched.setdefault(row, []).append(day)
            changed += 1
        for row, days in touched.items():
            self.dataChanged.emit(self.index(row, self.column_of(min(days))),
                                  self.index(row, self.total_column(TOTALS - 1)))
        return changed, refused

    def take_pending(self) -> tuple[list[tuple[int, int, str]], dict[int, int]]:
        """The queued edits and the versions they were made against (the page saves them)."""
        edits = [(aid, day, mark) for (aid, day), mark in self.pending.items()]
        versions = {aid: self.rows[self._row_of[aid]].version for aid, _d, _m in edits}
        return edits, versions

    def saved(self, edits, versions: dict[int, int]) -> None:
        """Edits stored: take the new row versions, drop the yellow of the saved cells."""
        for aid, day, mark in edits:
            if self.pending.get((aid, day)) == mark:
                del self.pending[(aid, day)]
        for aid, v in versions.items():
            i = self._row_of.get(aid)
            if i is not None:
                self.rows[i].version = v
                self.dataChanged.emit(self.index(i, FIXED), self.index(i, FIXED + self.days - 1))

    # -- totals ------------------------------------------------------------------------------
    def totals(self) -> tuple[int, int, int]:
        return (sum(r.present for r in self.rows), sum(r.leave for r in self.rows),
                sum(r.absent for r in self.rows))

    # -- Qt ----------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() or self.grid is None else FIXED + self.days + TOTALS

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        # every cell stays selectable (arrows move through grey days too); marking is checked
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        # called ~7 times per visible cell per paint: leave early, index cheaply
        if role not in _ROLES or not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        day = col - FIXED + 1
        if 1 <= day <= self.days:
            code = r.marks[day - 1]
            if role == Qt.ItemDataRole.DisplayRole:
                return SYMBOLS[code] if r.can_mark(day) else ""
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _CENTER
            if role == Qt.ItemDataRole.ForegroundRole:
                return _COLOURS.get(code)
            if role == Qt.ItemDataRole.BackgroundRole:
                if not r.can_mark(day):
                    return OUTSIDE
                if (r.assignment_id, day) in self.pending:
                    return PENDING
                return WEEKEND if self.grid.weekdays[day - 1] >= 5 else None
            if role == Qt.ItemDataRole.ToolTipRole:
                m = self.grid.month
                when = f"{m.month}月{day}日（{WEEKDAYS[self.grid.weekdays[day - 1]]}）"
                if not r.can_mark(day):
                    return f"{r.worker_name} {when}：{self.not_in_post}"
                return f"{r.worker_name} {when}：{LABELS[code]}"
            if role == Qt.ItemDataRole.UserRole:
                return code
            return None
        if col < FIXED:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return r.post_name if role == Qt.ItemDataRole.DisplayRole else (
                    f"{r.village_name} · {r.post_name}（{r.post_type}）")
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _LEFT
            return None
        k = col - FIXED - self.days
        if role == Qt.ItemDataRole.DisplayRole:
            return str((r.present, r.leave, r.absent)[k])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT
        if role == Qt.ItemDataRole.FontRole:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and k == 2 and r.absent:
            return _ABSENT_TOTAL
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < len(self.rows):
                return None
            r = self.rows[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return r.worker_name
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{r.village_name} · {r.worker_name} · {r.id_masked}\n{r.post_name}"
            return None
        if self.grid is None:
            return None
        day = self.day_of(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if day is not None:
                return f"{day}\n{WEEKDAYS[self.grid.weekdays[day - 1]]}"
            if section < FIXED:
                return self.titles[0]
            return self.titles[1 + section - FIXED - self.days]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTER
        return None


class AttendanceView(QTableView):
    """Arrows move, 1/√ 出勤, 2 事, 3 病, 4/× 旷工, Delete/./0 clear; a selection is filled at once.

    The view only turns keys into ``mark_requested(cells, mark)``; the page decides (closed
    month → reason first) and applies them to the model.
    """

    mark_requested = Signal(list, str)  # [(row, day)], mark code
    DAY_WIDTH = 30

    def __init__(self, model: AttendanceModel, parent=None):
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)  # 事 / 病 typed via IME
        vh = self.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never measure 500 rows
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        vh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        hh = self.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        hh.setMinimumSectionSize(20)
        hh.setDefaultSectionSize(self.DAY_WIDTH)
        hh.setHighlightSections(True)
        self.post_width = 130
        self.setStyleSheet("QTableView::item { padding: 0px; }")
        model.modelReset.connect(self._widths)

    def _widths(self) -> None:
        m = self.model()
        hh = self.horizontalHeader()
        if m.columnCount() == 0:
            return
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.setColumnWidth(0, self.post_width)
        for day in range(1, m.days + 1):  # a total column of a shorter month may be day 31 now
            self.setColumnWidth(m.column_of(day), self.DAY_WIDTH)
        for k in range(TOTALS):
            self.setColumnWidth(m.total_column(k), 44)

    def day_cells(self) -> list[tuple[int, int]]:
        """(row, day) of the selected day cells, or of the current cell."""
        m = self.model()
        cells = [(i.row(), m.day_of(i.column())) for i in self.selectionModel().selectedIndexes()]
        cells = [(r, d) for r, d in cells if d is not None]
        if not cells:
            cur = self.currentIndex()
            d = m.day_of(cur.column()) if cur.isValid() else None
            if d is not None:
                cells = [(cur.row(), d)]
        return sorted(set(cells))

    def _mark(self, mark: str) -> None:
        cells = self.day_cells()
        if not cells:
            return
        self.mark_requested.emit(cells, mark)
        if len(cells) == 1:  # like typing down a column of a sheet, but along the month
            cur = self.currentIndex()
            m = self.model()
            if m.day_of(cur.column() + 1) is not None:
                self.setCurrentIndex(m.index(cur.row(), cur.column() + 1))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            mark = TEXT_MARKS.get(event.text())
            if mark is None and mods == Qt.KeyboardModifier.NoModifier:
                mark = KEY_MARKS.get(Qt.Key(event.key()))
            if mark is not None:
                self._mark(mark)
                event.accept()
                return
        super().keyPressEvent(event)

    def inputMethodEvent(self, event) -> None:  # noqa: N802 - Qt override
        text = event.commitString().strip()
        if text and text[0] in TEXT_MARKS:
            self._mark(TEXT_MARKS[text[0]])
            event.accept()
            return
        super().inputMethodEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt override
        idx = self.indexAt(event.position().toPoint())
        m = self.model()
        day = m.day_of(idx.column()) if idx.isValid() else None
        if day is None:
            super().mouseDoubleClickEvent(event)
            return
        code = m.rows[idx.row()].marks[day - 1]
        self.mark_requested.emit([(idx.row(), day)], CYCLE[(CYCLE.index(code) + 1) % len(CYCLE)])
        event.accept()
