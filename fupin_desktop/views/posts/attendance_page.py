"""考勤: the month grid of the posts tab.

The clerk marks days with the keyboard (1 √, 2 事, 3 病, 4 ×, Delete clears; a selected block is
filled at once) or the mouse (buttons, double-click cycles, 填充… for a range). Marks show at
once with the totals and are saved together a moment later (or with Ctrl+S, or when the month,
village or page changes) in one ``set_marks`` call that carries the grid's versions, so a grid
another clerk changed meanwhile is refused instead of overwriting. A closed month asks for a
written reason first; the service turns the change into a correction line of the next open month.

The month's grid is read in a worker (only the newest load is shown). Marks typed before a reload
are saved first, as always; while the grid loads it takes no marks (greyed, 正在加载…), since the
arriving data would replace them.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QRadioButton, QSpinBox, QVBoxLayout, QWidget,
)

from ...models.posts import (
    MARK_ABSENT, MARK_NONE, MARK_PERSONAL_LEAVE, MARK_PRESENT, MARK_SICK_LEAVE,
)
from ...domain.posts_calendar import LABELS, SYMBOLS, month_text
from ..common.background_load import ListLoader
from ..common.context import show_error
from ..common.widgets import set_villages, village_combo
from .grid_model import FIXED, AttendanceModel, AttendanceView
from .widgets import MonthPicker, ask_written_reason

SAVE_DELAY_MS = 800  # marks typed in a burst are saved together
SEARCH_DELAY_MS = 250


class FillDialog(QDialog):
    """填充: one mark over a range of days for the selected (or all shown) workers."""

    def __init__(self, days: int, first: int, last: int, selected: int, shown: int,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Fill Attendance"))
        self.mark = QComboBox()
        for code in (MARK_PRESENT, MARK_PERSONAL_LEAVE, MARK_SICK_LEAVE, MARK_ABSENT, MARK_NONE):
            self.mark.addItem(f"{SYMBOLS[code] or '　'}  {LABELS[code]}", code)
        self.first, self.last = QSpinBox(), QSpinBox()
        for box, value in ((self.first, first), (self.last, last)):
            box.setRange(1, days)
            box.setValue(value)
        self.skip_sat = QCheckBox(self.tr("Skip Saturdays"))
        self.skip_sun = QCheckBox(self.tr("Skip Sundays"))
        self.skip_sun.setChecked(True)
        self.only_selected = QRadioButton(self.tr("Selected workers (%1)").replace("%1", str(selected)))
        self.everyone = QRadioButton(self.tr("Everyone shown (%1)").replace("%1", str(shown)))
        (self.only_selected if selected else self.everyone).setChecked(True)
        self.only_selected.setEnabled(bool(selected))
        form = QFormLayout()
        form.addRow(self.tr("Mark"), self.mark)
        form.addRow(self.tr("From day"), self.first)
        form.addRow(self.tr("To day"), self.last)
        form.addRow("", self.skip_sat)
        form.addRow("", self.skip_sun)
        form.addRow(self.tr("Workers"), self.only_selected)
        form.addRow("", self.everyone)
        hint = QLabel(self.tr("Days outside a worker's time in post are left alone."))
        hint.setProperty("role", "hint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def skip_weekdays(self) -> tuple[int, ...]:
        return tuple(d for d, box in ((5, self.skip_sat), (6, self.skip_sun)) if box.isChecked())


class AttendancePage(QWidget):
    def __init__(self, ctx, notify, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.notify = ctx, notify
        self.reason: str | None = None  # written reason for changing a closed month
        self.loader = ListLoader(self, self.tr("Loading attendance…"))
        self._refocus = False  # the grid had the focus when a load greyed it
        self.month = MonthPicker()
        self.village = village_combo(self.tr("All villages"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, ID number or post (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Month")))
        top.addWidget(self.month)
        top.addWidget(QLabel(self.tr("Village")))
        top.addWidget(self.village)
        top.addWidget(self.search, 1)

        self.buttons: dict[str, QPushButton] = {}
        marks = QHBoxLayout()
        for code, text in ((MARK_PRESENT, self.tr("√ Present (1)")),
                           (MARK_PERSONAL_LEAVE, self.tr("事 Personal leave (2)")),
                           (MARK_SICK_LEAVE, self.tr("病 Sick leave (3)")),
                           (MARK_ABSENT, self.tr("× Absent (4)")),
                           (MARK_NONE, self.tr("Clear (Del)"))):
            b = QPushButton(text)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # clicking keeps the focus in the grid
            b.clicked.connect(lambda _c=False, m=code: self._mark_selection(m))
            self.buttons[code] = b
            marks.addWidget(b)
        self.fill_button = QPushButton(self.tr("Fill…"))
        self.fill_button.clicked.connect(self.fill)
        self.save_button = QPushButton(self.tr("Save (Ctrl+S)"))
        self.save_button.clicked.connect(self.save_pending)
        self.print_button = QPushButton(self.tr("Print Sign-in Sheet…"))
        self.print_button.clicked.connect(self.print_sheet)
        for b in (self.fill_button, self.save_button, self.print_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            marks.addWidget(b)
        marks.addStretch(1)

        self.banner = QLabel()
        self.banner.setProperty("role", "error")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.model = AttendanceModel(self)
        self.view = AttendanceView(self.model)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for code, b in self.buttons.items():  # the same choices on the right-click menu
            act = QAction(b.text(), self.view)
            act.triggered.connect(lambda _c=False, m=code: self._mark_selection(m))
            self.view.addAction(act)
        fill_act = QAction(self.fill_button.text(), self.view)
        fill_act.triggered.connect(self.fill)
        self.view.addAction(fill_act)
        self.view.mark_requested.connect(self.mark)
        self.summary = QLabel()
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addLayout(marks)
        layout.addWidget(self.banner)
        layout.addWidget(self.view, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary)
        bottom.addWidget(self.status, 1)
        layout.addLayout(bottom)

        self.save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self.save_timer.timeout.connect(self.save_pending)
        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.reload)
        self.search.textEdited.connect(lambda _t: self.search_timer.start())
        self.search.returnPressed.connect(self._search_enter)
        self.month.changed.connect(self._filter_changed)
        self.village.currentIndexChanged.connect(self._filter_changed)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self._save_shortcut,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    # -- loading -----------------------------------------------------------------------------
    def set_villages(self, villages) -> None:
        set_villages(self.village, villages)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_enter(self) -> None:
        self.reload(then=self._enter_grid)

    def _enter_grid(self) -> None:
        if self.model.rowCount():
            self.view.setFocus()
            if not self.view.currentIndex().isValid():
                self.view.setCurrentIndex(self.model.index(0, FIXED))

    @Slot()
    def _filter_changed(self) -> None:
        self.save_pending()
        self.reload()

    def reload(self, keep=None, then=None) -> None:
        """Load the grid for the month, village and search shown (unsaved marks are saved first);
        ``then()`` runs once it is shown."""
        from ...services.posts.attendance import month_grid

        self.search_timer.stop()
        if self.model.pending:
            self.save_pending()
        cur = self.view.currentIndex()
        keep_aid = self.model.rows[cur.row()].assignment_id if cur.isValid() and self.model.rows else None
        keep_col = cur.column() if cur.isValid() else FIXED
        # plain values for the worker; a load started later (another month) replaces this one
        db, month, vid = self.ctx.db, self.month.month(), self.village.currentData()
        search = self.search.text().strip() or None
        self._set_loading(True)
        self.loader.load(lambda: month_grid(db, month, village_id=vid, search=search),
                         lambda grid: self._show_grid(grid, keep_aid, keep_col, then),
                         failed=self._load_failed)

    def _load_failed(self) -> None:
        self._set_loading(False)  # the error was shown; the grid shown before stays usable
        self._show_state()

    def _set_loading(self, busy: bool) -> None:
        """While a grid loads it takes no marks: the data on its way would replace them."""
        if busy and self.view.isEnabled():
            self._refocus = self.view.hasFocus()
        self.view.setEnabled(not busy)
        for b in (*self.buttons.values(), self.fill_button):
            b.setEnabled(not busy)
        if busy:
            self.view.setCursor(Qt.CursorShape.BusyCursor)
            self.banner.hide()  # it speaks of the month still greyed, not of the one coming
            # the greyed grid is still the old month: say which one is coming
            self.summary.setText(self.tr("Loading the attendance of %1… marks can be entered "
                                         "once it is shown")
                                 .replace("%1", month_text(self.month.month())))
        else:
            self.view.unsetCursor()
            self._update_summary()
            if self._refocus:
                self._refocus = False
                self.view.setFocus()

    def _show_grid(self, grid, keep_aid, keep_col, then) -> None:
        old_month = self.model.grid.month if self.model.grid is not None else None
        if grid.month != old_month:
            self.reason = None  # a reason is given for one month's changes
        self.model.set_grid(grid)
        row = self.model.row_index(keep_aid) if keep_aid is not None else -1
        if row >= 0:
            idx = self.model.index(row, min(keep_col, self.model.columnCount() - 1))
            self.view.selectionModel().setCurrentIndex(
                idx, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.view.scrollTo(idx)
        self._set_loading(False)
        self._show_state()
        if then is not None:
            then()

    def _show_state(self) -> None:
        grid = self.model.grid
        if grid is not None and grid.closed:
            self.banner.setText(self.tr(
                "%1 is closed (payroll printed). Changing its attendance needs a written reason; "
                "the difference is paid or recovered in the next open month.")
                .replace("%1", month_text(grid.month)))
            self.banner.show()
        else:
            self.banner.hide()
        self._update_summary()

    def _update_summary(self) -> None:
        p, lv, a = self.model.totals()
        text = (self.tr("%1 workers · present %2 days · leave %3 days · absent %4 days")
                .replace("%1", str(self.model.rowCount())).replace("%2", str(p))
                .replace("%3", str(lv)).replace("%4", str(a)))
        if self.model.pending:
            text += "　" + self.tr("(%1 marks not saved yet)").replace("%1", str(len(self.model.pending)))
        self.summary.setText(text)

    # -- marking -----------------------------------------------------------------------------
    def _mark_selection(self, mark: str) -> None:
        cells = self.view.day_cells()
        if cells:
            self.mark(cells, mark)
        self.view.setFocus()

    def _reason_for_closed_month(self) -> bool:
        grid = self.model.grid
        if grid is None or not grid.closed or self.reason:
            return True
        self.reason = ask_written_reason(
            self, self.tr("Change a Closed Month"),
            self.tr("%1 is closed: its payroll was printed and signed.\n"
                    "Each change is recorded as a correction and the difference is paid or "
                    "recovered with the next open month's wages.\n\nWhy is the attendance changed?")
            .replace("%1", month_text(grid.month)))
        return bool(self.reason)

    @Slot(list, str)
    def mark(self, cells: list, mark: str) -> None:
        if self.model.grid is None or not cells or self.loader.pending:
            return
        if not self._reason_for_closed_month():
            return
        changed, refused = self.model.apply(cells, mark)
        if refused and not changed:
            self.status.setText(
                self.tr("Those days are outside the worker's time in post and cannot be marked."))
        elif changed:
            self.status.setText("")
            self.save_timer.start()
        self._update_summary()

    @Slot()
    def _save_shortcut(self) -> None:
        if not self.model.pending:
            self.status.setText(self.tr("Nothing to save"))
            return
        self.save_pending()

    def save_pending(self) -> bool:
        """Store the queued marks in one transaction; on failure reload what is stored."""
        from ...services.posts.attendance import set_marks

        self.save_timer.stop()
        if not self.model.pending or self.model.grid is None:
            return True
        grid = self.model.grid
        edits, versions = self.model.take_pending()
        try:
            saved = set_marks(self.ctx.db, grid.month, edits, versions=versions,
                              reason=self.reason if grid.closed else None)
        except Exception as exc:  # noqa: BLE001 - the clerk sees why; the grid shows the truth
            self.model.pending.clear()
            show_error(self, exc, self.tr("Attendance not saved"))
            self.reload()
            return False
        self.model.saved(edits, saved.versions)
        if saved.corrections:
            total = sum((c.amount for c in saved.corrections), Decimal("0.00"))
            target = saved.corrections[0].target_month
            self.status.setText(
                self.tr("%1 corrections recorded (%2 yuan), paid with the wages of %3.")
                .replace("%1", str(len(saved.corrections))).replace("%2", f"{total:+,.2f}")
                .replace("%3", month_text(target)))
            self.status.setToolTip("\n".join(f"{c.worker_name}：{c.changes}（{c.amount:+,.2f}元）"
                                             for c in saved.corrections))
        else:
            self.status.setText(self.tr("Saved."))
        self._update_summary()
        self.notify("attendance", sorted({aid for aid, _d, _m in edits}), self, reload=False)
        return True

    # -- fill and print ----------------------------------------------------------------------
    @Slot()
    def fill(self) -> None:
        from ...services.posts.attendance import fill_range

        grid = self.model.grid
        if grid is None or not self.model.rows or self.loader.pending:
            return
        cells = self.view.day_cells()
        rows = sorted({r for r, _d in cells})
        days = [d for _r, d in cells] or [1, grid.days]
        dlg = FillDialog(grid.days, min(days), max(days) if len(days) > 1 else grid.days,
                         len(rows), self.model.rowCount(), self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        if not self.save_pending() or not self._reason_for_closed_month():
            return
        targets = rows if dlg.only_selected.isChecked() else range(self.model.rowCount())
        ids = [self.model.rows[r].assignment_id for r in targets]
        first, last = sorted((dlg.first.value(), dlg.last.value()))
        try:
            saved = fill_range(self.ctx.db, grid.month, ids, first, last, dlg.mark.currentData(),
                               skip_weekdays=dlg.skip_weekdays(),
                               versions={a: self.model.rows[self.model.row_index(a)].version
                                         for a in ids},
                               reason=self.reason if grid.closed else None)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, self.tr("Attendance not saved"))
            self.reload()
            return
        self.reload()
        self.status.setText(self.tr("%1 workers filled.").replace("%1", str(saved.changed)))
        self.notify("attendance", ids, self, reload=False)

    @Slot()
    def print_sheet(self):
        from .output import print_kind

        self.save_pending()
        return print_kind(self, self.ctx, "attendance", month=self.month.month(),
                          village=(self.village.currentData(), self.village.currentText()))

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override: leaving the page saves
        self.save_pending()
        super().hideEvent(event)
