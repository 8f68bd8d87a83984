"""户信息: the registry of households — filters, search while typing, members of the selected
household, and the actions clerks use daily (new, open, import, export, print, 一户一档)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QSettings, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QHeaderView, QLabel, QSplitter, QTableView, QToolBar, QVBoxLayout, QWidget,
)

from ..common.background_model import BackgroundTableModel
from ..common.base_tab import BaseTab
from ..common.context import AppContext, show_error
from .filters import RegistryFilterBar
from ..common.list_model import Column, ListTableModel


class HouseholdsTab(BaseTab):
    @classmethod
    def tab_title(cls) -> str:
        return QCoreApplication.translate("HouseholdsTab", "Households")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self._villages: list[tuple[int, str]] = []
        self._keep: int | None = None  # the household to make current when the list arrives
        self._build_actions()
        self.filters = RegistryFilterBar()
        self.filters.changed.connect(self.apply_filter)
        self.filters.submitted.connect(self._search_enter)
        self._build_tables()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.filters)
        layout.addWidget(self.splitter, 1)
        ctx.changed.connect(self._on_changed)
        # the register is read when the tab is first shown: 总览 is the first tab, and reading a
        # county's register would delay the window by as long again
        self._loaded = False

    # -- construction ------------------------------------------------------------------------
    def _act(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(shortcut)
            # only while the focus is in this tab: other tabs use the same keys
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if tip:
            act.setToolTip(tip)
        act.triggered.connect(lambda _checked=False, _slot=slot: _slot())  # never pass `checked` on
        self.addAction(act)
        return act

    def _build_actions(self) -> None:
        self.new_action = self._act(self.tr("New Household"), self.new_household,
                                    QKeySequence.StandardKey.New)
        self.open_action = self._act(self.tr("Open Household"), self.open_current)
        self.import_action = self._act(self.tr("Import Households…"), self.start_import)
        self.export_action = self._act(self.tr("Export to Excel…"), self.export_excel)
        self.ledger_action = self._act(self.tr("Print Ledger…"), self.print_ledger,
                                       QKeySequence.StandardKey.Print)
        self.file_action = self._act(self.tr("Household File…"), self.print_household_files,
                                     tip=self.tr("Print the file (一户一档) of the selected households"))
        self.survey_action = self._act(self.tr("Household Survey…"), self.open_survey,
                                       tip=self.tr("Record a 入户排查 visit of the current household"))
        self.settings_action = self._act(self.tr("Thresholds and Township…"), self.edit_settings)
        self.find_action = self._act(self.tr("Find"), self.focus_search, QKeySequence.StandardKey.Find)
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for act in (self.new_action, self.open_action, None, self.import_action,
                    self.export_action, self.ledger_action, self.file_action, self.survey_action, None,
                    self.settings_action):
            if act is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(act)

    def file_actions(self) -> list[QAction]:
        return [self.import_action, self.export_action, self.ledger_action, self.file_action,
                self.settings_action]

    def _build_tables(self) -> None:
        from ...services.households import registry

        cols = [
            Column("code", self.tr("Household code"), "code", "code", 170),
            Column("village", self.tr("Village"), "text", "village", 90),
            Column("head_name", self.tr("Household head"), "text", "head", 80),
            Column("size", self.tr("Persons"), "int", "size", 50),
            Column("household_type", self.tr("Household type"), "text", "household_type", 80),
            Column("monitoring_category", self.tr("Monitoring category"), "text",
                   "monitoring_category", 110),
            Column("risks", self.tr("Risk"), "text", "risk", 160),
            Column("risk_eliminated", self.tr("Risk eliminated"), "bool", "risk_eliminated", 82),
            Column("per_capita_income", self.tr("Per-capita net income"), "money",
                   "per_capita_income", 110),
            Column("helper_name", self.tr("Helper"), "text", "helper", 90),
        ]
        # filter, sort and pages are read in workers: typing or scrolling never blocks the window
        self.model = BackgroundTableModel(
            cols, lambda ids: registry.rows(self.ctx.db, ids),  # replaced by each filter's
            owner=self, title=self.tr("Loading households…"), parent=self)
        self.model.loading.connect(self._loading)
        self.model.arriving.connect(self._note_current)
        self.model.loaded.connect(self._list_arrived)
        self.model.highlight = lambda r: bool(getattr(r, "below_threshold", False))
        self.model.highlight_tip = self.tr("Per-capita net income below the monitoring threshold")
        self.table = self._table(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.activated.connect(lambda _i: self.open_current())
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.member_model = ListTableModel([
            Column("name", self.tr("Full name"), width=80),
            Column("id_number", self.tr("ID number"), "code", width=170),
            Column("sex", self.tr("Sex"), width=40),
            Column("relation", self.tr("Relation to head"), width=84),
            Column("birth_date", self.tr("Birth date"), "date", width=90),
            Column("health", self.tr("Health"), width=90),
            Column("education", self.tr("Education"), width=90),
            Column("phone", self.tr("Phone"), "code", width=110),
            Column("status", self.tr("Member status"), width=72),
            Column("status_date", self.tr("Status since"), "date", width=90),
        ], self)
        self.member_model.highlight = lambda m: getattr(m, "status", "正常") != "正常"
        self.member_model.highlight_tip = self.tr("Deceased or moved out: kept for the record")
        self.member_table = self._table(self.member_model)
        self.member_table.activated.connect(lambda _i: self.open_current(page="members"))
        self.member_title = QLabel(self.tr("Members"))
        lower = QWidget()
        lv = QVBoxLayout(lower)
        lv.setContentsMargins(0, 4, 0, 0)
        lv.addWidget(self.member_title)
        lv.addWidget(self.member_table)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)

    def _table(self, model) -> QTableView:
        t = QTableView()
        t.setModel(model)
        t.setAlternatingRowColors(True)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setWordWrap(False)
        t.verticalHeader().hide()
        # fixed row height: the view never measures rows, so it never fetches rows it does not show
        t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 10)
        t.horizontalHeader().setSectionsMovable(True)
        t.horizontalHeader().setStretchLastSection(True)
        for i, c in enumerate(model.columns):
            t.setColumnWidth(i, c.width)
        return t

    # -- filters -----------------------------------------------------------------------------
    @Slot()
    def apply_filter(self) -> None:
        from ...services.households import registry

        self.filters.search_timer.stop()
        # read here, on the GUI thread: the worker gets plain values, never a widget
        db, filt, year = self.ctx.db, self.filters.current_filter(), self.filters.year
        page = self.model.PAGE
        self.model.set_query(
            lambda key, desc: registry.query(db, filt, key or "code", desc, page_size=page,
                                             year=year),
            fetch=lambda ids: registry.rows(db, ids, year=year))

    @Slot(bool)
    def _loading(self, busy: bool) -> None:
        if busy:
            self.filters.count_label.setText(self.tr("Loading…"))
            self.table.viewport().setCursor(Qt.CursorShape.BusyCursor)
        else:  # shown, or failed (its error was shown): the count is of the rows on screen
            self.table.viewport().unsetCursor()
            self.filters.show_count(self.model.rowCount())

    @Slot()
    def _note_current(self) -> None:
        # the row the clerk has now (they may have clicked while the list loaded), unless a
        # caller asked for a household the arriving list will hold
        if self._keep is None:
            self._keep = self.current_id()

    @Slot()
    def _list_arrived(self) -> None:
        keep, self._keep = self._keep, None
        self.select_id(keep)

    def show_filtered(self, **filters) -> None:
        """The register filtered as the 总览 page asks (village, household_type, risk, monitored,
        below_year; see RegistryFilterBar.set_filter)."""
        self._ensure_loaded()  # the villages to choose from
        self.filters.set_filter(**filters)  # its `changed` applies it

    @Slot()
    def _search_enter(self) -> None:
        self.apply_filter()  # the first match becomes current when the list arrives
        self.table.setFocus()

    @Slot()
    def focus_search(self) -> None:
        self.filters.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filters.search.selectAll()

    # -- selection ---------------------------------------------------------------------------
    def current_id(self) -> int | None:
        idx = self.table.currentIndex()
        return self.model.id_at(idx.row()) if idx.isValid() else None

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.id_at(r) for r in rows]

    def select_id(self, household_id: int | None) -> None:
        """Make ``household_id`` current (or the first row when it is not shown any more), so
        Enter opens something and the members below always belong to the highlighted row.
        While a list loads, the household is also made current once it has arrived."""
        if self.model.loader.pending and household_id is not None:
            self._keep = household_id
            if self.model.row_of(household_id) < 0:
                return  # not in the rows on screen: no jump to the first row meanwhile
        row = self.model.row_of(household_id) if household_id is not None else -1
        if row < 0 and self.model.rowCount():
            row, household_id = 0, self.model.id_at(0)
        if row < 0:
            self.member_model.set_rows([])
            self.member_title.setText(self.tr("Members"))
            return
        idx = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(idx)
        self._show_members(household_id)

    @Slot()
    def _current_changed(self, current, _previous) -> None:
        self._show_members(self.model.id_at(current.row()) if current.isValid() else None)

    def _show_members(self, household_id: int | None) -> None:
        from ...services.households import registry

        if household_id is None:
            self.member_model.set_rows([])
            self.member_title.setText(self.tr("Members"))
            return
        members = registry.members_of(self.ctx.db, household_id)
        self.member_model.set_rows(members)
        rec = self.model.record(self.model.row_of(household_id))
        code = getattr(rec, "code", "") if rec else ""
        self.member_title.setText(self.tr("Members of %1 (%2)").replace("%1", code)
                                  .replace("%2", str(len(members))))

    # -- refresh -----------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._ensure_loaded()

    def _ensure_loaded(self) -> None:
        if not self._loaded:
            self.refresh()

    def refresh(self) -> None:
        from ...services.households import registry

        self._loaded = True
        try:
            self._villages = list(registry.village_choices(self.ctx.db))
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            self._villages = []
        self.filters.set_villages(self._villages)
        year = registry.latest_income_year(self.ctx.db)
        if year:  # the year the last export was for
            self.filters.set_year(year)
        self.apply_filter()

    @Slot(str, list)
    def _on_changed(self, kind: str, ids: list) -> None:
        if not self._loaded:
            return  # read when first shown
        if kind in ("all", "villages", "settings"):
            self.refresh()
        elif kind in ("households", "members", "incomes"):
            self.apply_filter()

    # -- actions -----------------------------------------------------------------------------
    @Slot()
    def new_household(self) -> None:
        self._open_dialog(None)

    @Slot()
    def open_current(self, page: str | None = None) -> None:
        hid = self.current_id()
        if hid is not None:
            self._open_dialog(hid, page)

    def open_survey(self) -> None:
        from ..problems.survey_dialog import open_survey

        self.survey_dialog = open_survey(self, self.ctx, self.current_id())  # tests reach it here

    def _open_dialog(self, household_id: int | None, page: str | None = None) -> None:
        from .dialog import HouseholdDialog

        try:
            dlg = HouseholdDialog(self.ctx, household_id, self)
        except Exception as exc:  # noqa: BLE001 - e.g. the household was removed meanwhile
            show_error(self, exc)
            return
        if page:
            dlg.show_page(page)
        dlg.saved.connect(self._dialog_saved)
        self.dialog = dlg  # one at a time; tests reach it here
        dlg.open()

    @Slot(int)
    def _dialog_saved(self, household_id: int) -> None:
        self.ctx.changed.emit("households", [household_id])
        self.select_id(household_id)

    @Slot()
    def start_import(self):
        """文件 → 导入 (also offered by the first-run dialog); returns the task, or None."""
        from .importing import start_household_import

        return start_household_import(self, self.ctx,
                                      on_done=lambda _r: self.ctx.changed.emit("all", []))

    @Slot()
    def export_excel(self) -> None:
        from .printing import export_excel

        export_excel(self, self.ctx, [n for _i, n in self._villages], self.filters.village_name())

    @Slot()
    def print_ledger(self) -> None:
        from .printing import print_ledger

        print_ledger(self, self.ctx, [n for _i, n in self._villages], self.filters.village_name(),
                     self.filters.year)

    @Slot()
    def print_household_files(self) -> None:
        from .printing import print_household_files

        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        chosen = []
        for row in rows:
            rec = self.model.record(row)
            chosen.append((self.model.id_at(row), getattr(rec, "code", "")))
        print_household_files(self, self.ctx, chosen)

    @Slot()
    def edit_settings(self) -> None:
        from .settings_dialog import HouseholdSettingsDialog

        HouseholdSettingsDialog(self.ctx, self).exec()

    # -- state -------------------------------------------------------------------------------
    def save_state(self, settings: QSettings) -> None:
        settings.setValue("households/header", self.table.horizontalHeader().saveState())
        settings.setValue("households/member_header", self.member_table.horizontalHeader().saveState())
        settings.setValue("households/splitter", self.splitter.saveState())

    def restore_state(self, settings: QSettings) -> None:
        for key, header in (("households/header", self.table.horizontalHeader()),
                            ("households/member_header", self.member_table.horizontalHeader())):
            state = settings.value(key)
            if state is not None:
                header.restoreState(state)
        header = self.table.horizontalHeader()
        self.table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
        state = settings.value("households/splitter")
        if state is not None:
            self.splitter.restoreState(state)
