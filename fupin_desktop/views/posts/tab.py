"""公益性岗位: posts, who holds them, the attendance month grid, weekly inspections and the
monthly wages with the payroll — one page each, under one toolbar whose 新增 / 打开 / 删除 /
Ctrl+F / Ctrl+P act on the page shown.

Pages reload only when shown: a change on one page marks the others stale (``notify``), so
marking attendance does not recompute the wages until the clerk looks at them.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QSettings, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar, QVBoxLayout, QWidget

from ..common.paged_tab import PagedTab
from ..common.context import AppContext
from .attendance_page import AttendancePage
from .inspections_page import InspectionsPage
from .people_page import PeoplePage
from .posts_page import PostsListPage
from .wages_page import WagesPage

# kinds of ctx.changed that may change what the pages show
WATCHED = {"all", "villages", "households", "members", "posts", "assignments", "attendance",
           "inspections", "wages", "post_rules"}


def _previous_month(today: dt.date | None = None) -> dt.date:
    first = (today or dt.date.today()).replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


class PostsTab(PagedTab):
    WATCHED = frozenset(WATCHED)

    @classmethod
    def tab_title(cls) -> str:
        return QCoreApplication.translate("PostsTab", "Public-Welfare Posts")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.posts = PostsListPage(ctx, self.notify)
        self.people = PeoplePage(ctx, self.notify)
        self.attendance = AttendancePage(ctx, self.notify)
        self.inspections = InspectionsPage(ctx, self.notify)
        self.wages = WagesPage(ctx, self.notify)
        self.wages.month.blockSignals(True)  # the page loads when first shown, not now
        self.wages.month.set_month(_previous_month())  # wages are paid for the month just ended
        self.wages.month.blockSignals(False)
        for page, title in ((self.posts, self.tr("Posts")), (self.people, self.tr("Workers")),
                            (self.attendance, self.tr("Attendance")),
                            (self.inspections, self.tr("Inspections")),
                            (self.wages, self.tr("Wages"))):
            self.pages.addTab(page, title)
        self._open_on_enter()
        self.posts.assign_button.clicked.connect(self.assign_to_post)
        self.pages.currentChanged.connect(self._page_changed)
        self._build_actions()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.pages, 1)
        ctx.changed.connect(self._on_changed)
        self.refresh()

    # -- construction ------------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.new_action = self._act(self.tr("New"), self.new_record, QKeySequence.StandardKey.New,
                                    self.tr("New post, assignment (上岗) or inspection (Ctrl+N)"))
        self.open_action = self._act(self.tr("Open"), self.open_current,
                                     tip=self.tr("Open the selected record (Enter)"))
        self.delete_action = self._act(self.tr("Delete…"), self.delete_current)
        self.import_roster_action = self._act(self.tr("Import Post Roster…"), self.start_import)
        self.import_attendance_action = self._act(self.tr("Import Attendance Sheet…"),
                                                  self.start_attendance_import)
        self.export_action = self._act(self.tr("Export Posts to Excel…"), self.export_excel)
        self.ledger_action = self._act(self.tr("Print Posts Ledger…"), self.print_ledger,
                                       QKeySequence.StandardKey.Print)
        self.rules_action = self._act(self.tr("Post Rules…"), self.edit_rules)
        self.find_action = self._act(self.tr("Find"), self.focus_search, QKeySequence.StandardKey.Find)
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for act in (self.new_action, self.open_action, self.delete_action, None,
                    self.import_roster_action, self.import_attendance_action, self.export_action,
                    self.ledger_action, None, self.rules_action):
            if act is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(act)

    def file_actions(self) -> list[QAction]:
        return [self.import_roster_action, self.import_attendance_action, self.export_action,
                self.ledger_action, self.rules_action]

    def editable_pages(self) -> tuple[QWidget, ...]:
        return (self.posts, self.people, self.inspections)

    # -- actions on the page shown -----------------------------------------------------------
    @Slot()
    def assign_to_post(self):
        """岗位 page → 安排上岗 for the selected post, on the 人员 page."""
        post = self.posts.current()
        if post is None:
            return None
        return self.show_page("people").new_record(post.id)

    @Slot()
    def start_import(self, path: str | None = None):
        """导入上岗花名册 (also what the first-run dialog offers from this tab)."""
        from .importing import start_import

        return start_import(self, self.ctx, "roster", path=path,
                            on_done=lambda _r: self.notify("posts", []))

    @Slot()
    def start_attendance_import(self, path: str | None = None):
        from .importing import start_import

        self.attendance.save_pending()
        return start_import(self, self.ctx, "attendance", path=path,
                            on_done=lambda _r: self.notify("attendance", []))

    def _month(self) -> dt.date:
        page = self.current_page()
        return page.month.month() if hasattr(page, "month") else self.attendance.month.month()

    def _village_id(self):
        return self.current_page().village.currentData()

    @Slot()
    def export_excel(self):
        from .output import export_excel

        self.attendance.save_pending()
        return export_excel(self, self.ctx, self._villages, self._month(), self._village_id())

    @Slot()
    def print_ledger(self):
        from .output import print_ledger

        page = self.current_page()
        kind = ("attendance" if page is self.attendance else "payroll" if page is self.wages
                else "posts")
        self.attendance.save_pending()
        return print_ledger(self, self.ctx, self._villages, self._month(), self._village_id(), kind)

    @Slot()
    def edit_rules(self) -> None:
        self.wages.edit_rules()

    # -- state -------------------------------------------------------------------------------
    def _headers(self):
        return (("posts", self.posts.table), ("people", self.people.table),
                ("inspections", self.inspections.table), ("wages", self.wages.table),
                ("wage_lines", self.wages.lines_table))

    def save_state(self, settings: QSettings) -> None:
        self.attendance.save_pending()  # the window is closing: keep what was typed
        for key, table in self._headers():
            settings.setValue(f"posts/header_{key}", table.horizontalHeader().saveState())
        settings.setValue("posts/splitter_wages", self.wages.splitter.saveState())
        settings.setValue("posts/grid_post_width", self.attendance.view.columnWidth(0)
                          or self.attendance.view.post_width)
        settings.setValue("posts/page", self.pages.currentIndex())

    def restore_state(self, settings: QSettings) -> None:
        for key, table in self._headers():
            state = settings.value(f"posts/header_{key}")
            if state is not None:
                table.horizontalHeader().restoreState(state)
        state = settings.value("posts/splitter_wages")
        if state is not None:
            self.wages.splitter.restoreState(state)
        width = settings.value("posts/grid_post_width")
        if width:
            self.attendance.view.post_width = int(width)
            if self.attendance.model.columnCount():
                self.attendance.view.setColumnWidth(0, int(width))
        page = settings.value("posts/page")
        if page is not None:
            self.pages.setCurrentIndex(int(page))
