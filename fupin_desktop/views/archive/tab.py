"""档案: the year-end archive — the year's items by category with counts and pages, registered
files (add, edit, remove), preview, box size, build the package, check it, print the paper
documents, close the year. All slow work runs through ``run_task``."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QCoreApplication, QItemSelectionModel, QSettings, QSortFilterProxyModel, Qt, Slot,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHeaderView, QLabel, QLineEdit, QSplitter, QTableView, QToolBar,
    QVBoxLayout, QWidget,
)

from .actions import ArchiveActions
from .dialogs import ReportDialog
from ..common.base_tab import BaseTab
from ..common.context import AppContext, show_error
from ..common.list_model import SORT_ROLE, Column, ListTableModel
from ..common.tasks import run_task


class _ItemFilter(QSortFilterProxyModel):
    """Rows of the chosen (保管期限, 类别) group whose 档号 or 题名 contain the search text."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.group: tuple[str, str] | None = None
        self.text = ""
        self.setSortRole(SORT_ROLE)

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802 - Qt override
        r = self.sourceModel().record(row)
        if r is None:
            return False
        if self.group and (r.retention, r.category) != self.group:
            return False
        return not self.text or self.text in r.title or self.text in r.code

    def lessThan(self, left, right) -> bool:  # noqa: N802 - Qt override
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a is None or b is None:
            return a is None and b is not None
        return a < b


@dataclass(frozen=True)
class _AllGroups:
    """The first row of the group table: every item of the year."""

    retention_name: str
    category_name: str
    items: int
    pages: int
    boxes: int | None
    retention: str = ""
    category: str = ""


class ArchiveTab(ArchiveActions, BaseTab):
    @classmethod
    def tab_title(cls) -> str:
        return QCoreApplication.translate("ArchiveTab", "Archives")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.year: int | None = None
        self.info = None  # YearInfo of the shown year
        self.rows: list = []
        self.task = None  # the last background task (tests wait on it)
        self.report_dialog: ReportDialog | None = None
        self._dirty = True
        self._build_actions()
        self._build_views()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status)
        ctx.changed.connect(self._on_changed)

    # -- construction ------------------------------------------------------------------------
    def _act(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(shortcut)
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if tip:
            act.setToolTip(tip)
        # triggered(bool) would hand its `checked` flag to a slot's optional first argument
        # (a path, an output folder): the slot is always called without arguments
        act.triggered.connect(lambda _checked=False, _slot=slot: _slot())
        self.addAction(act)
        return act

    def _build_actions(self) -> None:
        self.add_action = self._act(self.tr("Add Files…"), self.add_files, QKeySequence.StandardKey.New,
                                    self.tr("Register scanned documents (PDF, JPG, PNG) in this year"))
        self.edit_action = self._act(self.tr("Edit…"), self.edit_current)
        self.remove_action = self._act(self.tr("Remove"), self.remove_selected, QKeySequence.StandardKey.Delete)
        self.preview_action = self._act(self.tr("Preview"), self.preview_current, None,
                                        self.tr("Show the item as it will be archived, with its stamp"))
        self.build_action = self._act(self.tr("Build Package…"), self.build, QKeySequence("Ctrl+B"),
                                      self.tr("Make the year's electronic archive package"))
        self.verify_action = self._act(self.tr("Check Package…"), self.verify)
        self.open_action = self._act(self.tr("Open Output Folder"), self.open_output)
        self.print_action = self._act(self.tr("Print Documents…"), self.print_documents,
                                      QKeySequence.StandardKey.Print,
                                      self.tr("Catalogue, spine labels, box covers, note sheets, statistics"))
        self.close_action = self._act(self.tr("Close Year…"), self.close_year, None,
                                      self.tr("Fix the item and box numbers of this year"))
        self.year_action = self._act(self.tr("Arrangement Details…"), self.edit_year)
        self.settings_action = self._act(self.tr("Archive Settings…"), self.edit_settings)
        self._act(self.tr("Find"), self.focus_search, QKeySequence.StandardKey.Find)
        self.year_combo = QComboBox()
        self.year_combo.setMinimumWidth(90)
        self.year_combo.currentIndexChanged.connect(self._year_chosen)
        self.thickness = QComboBox()
        from ...services.archive.settings import THICKNESSES

        for t in THICKNESSES:
            self.thickness.addItem(self.tr("%1 mm boxes").replace("%1", str(t)), t)
        self.thickness.setToolTip(self.tr("Box thickness: how many pages go into one box"))
        self.thickness.activated.connect(self._thickness_chosen)
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addWidget(QLabel(self.tr("Year") + " "))
        self.toolbar.addWidget(self.year_combo)
        self.toolbar.addSeparator()
        for act in (self.add_action, self.edit_action, self.remove_action, self.preview_action, None,
                    self.build_action, self.verify_action, self.open_action, self.print_action, None,
                    self.close_action, self.year_action, self.settings_action):
            if act is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(act)
        self.toolbar.addWidget(self.thickness)

    def file_actions(self) -> list[QAction]:
        return [self.build_action, self.verify_action, self.print_action]

    def _table(self, model, columns) -> QTableView:
        t = QTableView()
        t.setModel(model)
        t.setAlternatingRowColors(True)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setWordWrap(False)
        t.verticalHeader().hide()
        t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 10)
        t.horizontalHeader().setStretchLastSection(True)
        for i, c in enumerate(columns):
            t.setColumnWidth(i, c.width)
        return t

    def _build_views(self) -> None:
        gcols = [Column("retention_name", self.tr("Retention"), width=80),
                 Column("category_name", self.tr("Category"), width=80),
                 Column("items", self.tr("Items"), "int", width=56),
                 Column("pages", self.tr("Pages"), "int", width=64),
                 Column("boxes", self.tr("Boxes"), "int", width=50)]
        self.group_model = ListTableModel(gcols, self)
        self.group_table = self._table(self.group_model, gcols)
        self.group_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.group_table.selectionModel().currentRowChanged.connect(self._group_chosen)
        icols = [Column("code", self.tr("Archival code"), "code", width=220),
                 Column("title", self.tr("Title"), width=300),
                 Column("date", self.tr("Date"), "date", width=90),
                 Column("pages", self.tr("Pages"), "int", width=50),
                 Column("kind_title", self.tr("Kind of item"), width=150),
                 Column("responsible", self.tr("Responsible body"), width=150),
                 Column("doc_no", self.tr("Document number"), width=120),
                 Column("secret", self.tr("Security level"), width=60),
                 Column("remark", self.tr("Remarks"), width=160)]
        self.item_model = ListTableModel(icols, self)
        self.item_model.highlight = lambda r: r.origin == "registered"
        self.item_model.highlight_tip = self.tr("Registered file (added by hand)")
        self.proxy = _ItemFilter(self)
        self.proxy.setSourceModel(self.item_model)
        self.item_table = self._table(self.proxy, icols)
        # no sort column: the rows keep archive order (保管期限, 类别, 件号) until a header is clicked
        self.item_table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.item_table.setSortingEnabled(True)
        self.item_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.item_table.activated.connect(lambda _i: self.preview_current())
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search title or archival code (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.search)
        rv.addWidget(self.item_table, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.group_table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setSizes([360, 900])
        self.status = QLabel()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    # -- loading -----------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def refresh(self) -> None:
        """Reload the years and the shown year (only while visible: start-up stays fast)."""
        self._dirty = True
        if not self.isVisible():
            return
        self._dirty = False
        from ...services.archive.years import known_years

        try:
            years = known_years(self.ctx.db)
        except Exception as exc:  # noqa: BLE001 - e.g. a database without the archive tables
            show_error(self, exc)
            return
        keep = self.year or int(QSettings().value("archive/year", years[-1]))
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for y in reversed(years):
            self.year_combo.addItem(str(y), y)
        self.year_combo.setCurrentIndex(max(0, self.year_combo.findData(keep)))
        self.year_combo.blockSignals(False)
        self.load_year(self.year_combo.currentData())

    def load_year(self, year: int) -> None:
        db = self.ctx.db

        def work(progress):
            from ...services.archive.plan import group_rows, item_rows, plan_year
            from ...services.archive.years import year_info

            progress(0, 0, QCoreApplication.translate("ArchiveTab", "Reading the year's items…"))
            plan = plan_year(db, year)
            return year_info(db, year), item_rows(plan), group_rows(plan), plan

        self.year = year
        self.task = run_task(self, self.tr("Archives"), work, cancellable=False,
                             on_result=self._show, on_error=self._load_failed, read_only=True)

    def _load_failed(self, exc: BaseException) -> None:
        from ...errors import ValidationError

        self.info, self.rows = None, []
        self.group_model.set_rows([])
        self.item_model.set_rows([])
        if isinstance(exc, ValidationError) and exc.field in ("fonds_no", "fonds_name"):
            from ...services.archive.settings import load_config

            self.status.setText(str(exc))  # a new installation: say what to fill in, no popup
            self.thickness.setCurrentIndex(max(0, self.thickness.findData(
                load_config(self.ctx.db).box_thickness_mm)))
            return
        show_error(self, exc)

    def _show(self, result) -> None:
        info, rows, groups, plan = result
        if info.year != self.year:
            return  # a newer choice is loading
        self.info, self.rows = info, rows
        boxes = None if any(g.boxes is None for g in groups) else sum(g.boxes for g in groups)
        total = _AllGroups(self.tr("All"), "", len(rows), sum(g.pages for g in groups), boxes)
        self.group_model.set_rows([total, *groups])
        self.item_model.set_rows(rows)
        self.group_table.selectRow(0)
        idx = self.thickness.findData(plan.settings.box_thickness_mm)
        self.thickness.setCurrentIndex(max(0, idx))
        closed = info.closed
        self.thickness.setEnabled(not closed)
        self.close_action.setEnabled(not closed and bool(rows))
        unknown = sum(g.unknown for g in groups)
        parts = [self.tr("Year %1 (closed on %2: numbers are fixed)").replace("%1", str(info.year))
                 .replace("%2", f"{info.closed_at:%Y-%m-%d}") if closed else
                 self.tr("Year %1 (open: numbers are provisional)").replace("%1", str(info.year)),
                 self.tr("%1 items, %2 pages").replace("%1", str(len(rows)))
                 .replace("%2", str(total.pages))]
        if unknown:
            parts.append(self.tr("%1 items without a page count yet (known after building)")
                         .replace("%1", str(unknown)))
        parts.append(self.tr("archiving date %1").replace("%1", info.archive_date.isoformat()))
        parts += [p.message_cn for p in plan.problems]
        self.status.setText(" · ".join(parts))

    @Slot(int)
    def _year_chosen(self, _index: int) -> None:
        year = self.year_combo.currentData()
        if year is not None:
            QSettings().setValue("archive/year", year)
            self.load_year(year)

    @Slot(str, list)
    def _on_changed(self, kind: str, _ids: list) -> None:
        self._dirty = True
        if self.isVisible() and kind in ("all", "settings", "archive"):
            self.refresh()

    @Slot()
    def _group_chosen(self, current, _previous) -> None:
        rec = self.group_model.record(current.row()) if current.isValid() else None
        self.proxy.group = (rec.retention, rec.category) if rec is not None and rec.retention else None
        self.proxy.invalidate()

    @Slot(str)
    def _search_changed(self, text: str) -> None:
        self.proxy.text = text.strip()
        self.proxy.invalidate()

    @Slot()
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- selection ---------------------------------------------------------------------------
    def selected_rows(self) -> list:
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.item_table.selectionModel().selectedRows()})
        return [self.item_model.record(r) for r in rows]

    def current_row(self):
        idx = self.item_table.currentIndex()
        return self.item_model.record(self.proxy.mapToSource(idx).row()) if idx.isValid() else None

    def select_key(self, key: str) -> None:
        for r in range(self.proxy.rowCount()):
            rec = self.item_model.record(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
            if rec.key == key:
                self.item_table.selectionModel().setCurrentIndex(
                    self.proxy.index(r, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                return

    # -- state -------------------------------------------------------------------------------
    def save_state(self, settings: QSettings) -> None:
        settings.setValue("archive/item_header", self.item_table.horizontalHeader().saveState())
        settings.setValue("archive/group_header", self.group_table.horizontalHeader().saveState())
        settings.setValue("archive/splitter", self.splitter.saveState())

    def restore_state(self, settings: QSettings) -> None:
        for key, header in (("archive/item_header", self.item_table.horizontalHeader()),
                            ("archive/group_header", self.group_table.horizontalHeader())):
            state = settings.value(key)
            if state is not None:
                header.restoreState(state)
        state = settings.value("archive/splitter")
        if state is not None:
            self.splitter.restoreState(state)
