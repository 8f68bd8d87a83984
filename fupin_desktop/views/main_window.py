"""The main window: one tab per area, 文件 / 帮助 menus, a status bar with the database and counts."""

from __future__ import annotations

import importlib
import logging
import re
from typing import TYPE_CHECKING, NamedTuple

from PySide6 import QtCore
from PySide6.QtCore import QCoreApplication, QSettings, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from .. import __version__
from .common.tasks import run_task

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

    from .common.base_tab import BaseTab
    from .common.context import AppContext

# Nothing before the window is shown touches the Qt namespace (QtCore.Qt): its first use makes
# every one of its ~100 enums, 30 ms, a quarter of the bare PySide window's start-up. For the
# same reason the dialogs (QFileDialog, QInputDialog, QMessageBox: 20 enums) are imported where
# a menu action first needs them.

log = logging.getLogger(__name__)

INTEGRITY_CHECK_DELAY_MS = 1500  # after attach(): see there

P = QKeySequence.StandardKey.Print


class TabSpec(NamedTuple):
    """What the window shows of a tab before it is built: the caption and the 文件-menu entries
    (the attribute of each action on the tab, its text, its shortcut). The texts are the source
    texts of the tab's own ``tr()`` calls, translated in the tab's context, so they read exactly
    as the built tab's; tests/gui/test_main_window.py checks that they match."""

    module: str
    cls: str
    caption: str
    file_actions: tuple[tuple, ...] = ()

    def title(self) -> str:
        return QCoreApplication.translate(self.cls, self.caption)

    @property
    def object_name(self) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.cls).lower()  # households_tab, …

    def load(self) -> type[BaseTab]:
        return getattr(importlib.import_module(f"{__package__}.{self.module}"), self.cls)


# Each tab in display order. 总览 comes first: it is the first thing a clerk sees. Only the tab
# shown is built at start (and its module imported); the others when first shown or asked for
# (``tab(name)``, a 文件-menu entry). Find a tab with MainWindow.tab(name), never by its index.
TABS = (
    TabSpec("overview_tab", "OverviewTab", "Overview"),
    TabSpec("households.tab", "HouseholdsTab", "Households", (
        ("import_action", "Import Households…"), ("export_action", "Export to Excel…"),
        ("ledger_action", "Print Ledger…", P), ("file_action", "Household File…"),
        ("settings_action", "Thresholds and Township…"))),
    TabSpec("posts.tab", "PostsTab", "Public-Welfare Posts", (
        ("import_roster_action", "Import Post Roster…"),
        ("import_attendance_action", "Import Attendance Sheet…"),
        ("export_action", "Export Posts to Excel…"), ("ledger_action", "Print Posts Ledger…", P),
        ("rules_action", "Post Rules…"))),
    TabSpec("medical.tab", "MedicalTab", "Medical Relief", (
        ("import_action", "Import Medical Settlements…"),
        ("export_action", "Export Settlements to Excel…"),
        ("ledger_action", "Print Medical Ledger…", P),
        ("settings_action", "Medical Relief Settings…"))),
    TabSpec("archive.tab", "ArchiveTab", "Archives", (
        ("build_action", "Build Package…", "Ctrl+B"), ("verify_action", "Check Package…"),
        ("print_action", "Print Documents…", P))),
    TabSpec("problems.tab", "ProblemsTab", "Problems"),
    TabSpec("checks_tab", "ChecksTab", "Data Check"),
)


class _Tabs(QTabWidget):
    """The tab widget; ``widget(i)`` builds a tab not built yet, so no caller ever gets the
    placeholder that stands in for it."""

    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self._window = window

    def widget(self, index: int) -> QWidget | None:  # noqa: D401 - QTabWidget override
        placeholder = super().widget(index)
        if isinstance(placeholder, _Placeholder):
            return self._window._build(placeholder.spec)
        return placeholder


class _Placeholder(QWidget):
    """Stands in the tab bar for a tab not built yet."""

    def __init__(self, spec: TabSpec):
        super().__init__()
        self.spec = spec


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext | None, parent: QWidget | None = None):
        """With ``ctx`` None the window starts as a shell (menus, status bar) that is shown at
        once while the database opens; ``attach(ctx)`` then adds the tabs."""
        super().__init__(parent)
        self.ctx: AppContext | None = None
        self.setWindowTitle(self.tr("Rural Revitalisation Ledgers") + f" {__version__}")
        self.tabs = _Tabs(self)
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self._built: dict[str, BaseTab] = {}  # class name → tab, in the order they were built
        # class name → [(attribute, stand-in action)] of a tab not built yet, in the 文件 menu
        self._pending: dict[str, list[tuple[str, QAction]]] = {}
        self.accounts = None
        self._build_menus()
        self.db_label = QLabel()  # selectable once it shows the database (attach)
        self.count_label = QLabel()
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.count_label)
        self._counts_timer = QTimer(self, singleShot=True, interval=300)
        self._counts_timer.timeout.connect(self._update_counts)
        self._restore_geometry()
        if ctx is not None:
            self.attach(ctx)
        else:
            self.db_label.setText(self.tr("Opening database…"))
            self._set_database_actions(False)

    def attach(self, ctx: AppContext) -> None:
        """Add the tabs over the opened database (done once): the tab shown is built now, the
        others when first shown; the 文件 menu offers every tab's actions from the start."""
        self.ctx = ctx
        self.db_label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        for spec in TABS:
            self.tabs.addTab(_Placeholder(spec), spec.title())
            self._add_pending_actions(spec)
        self._build(TABS[self.tabs.currentIndex()])
        self.tabs.currentChanged.connect(self._tab_shown)
        ctx.changed.connect(lambda *_: self._schedule_counts())
        ctx.database_replaced.connect(self._update_status)
        self._set_database_actions(True)
        from .accounts import install_account_ui  # 当前用户, 账户 menu, idle lock, masked lists

        self.accounts = install_account_ui(self, ctx)
        self._update_status()
        # the audit hash chain and the seals (issue 12) once the window has settled: the check
        # holds the GIL for 0.13–0.18 s on 5,000 households, time the first tab's load and the
        # tab built next need; its warning (if any) comes a moment later
        QTimer.singleShot(INTEGRITY_CHECK_DELAY_MS, self, self._check_integrity)

    @Slot()
    def _check_integrity(self) -> None:
        from .integrity import check_at_start

        check_at_start(self, self.ctx)

    # -- tabs --------------------------------------------------------------------------------
    @property
    def tab_widgets(self) -> list[BaseTab]:
        """Every tab in display order (building those not built yet)."""
        return [self._build(spec) for spec in TABS if self.ctx is not None]

    def built_tabs(self) -> list[BaseTab]:
        """The tabs built so far (the others have never been shown)."""
        return list(self._built.values())

    def pending_file_actions(self) -> list[tuple[str, QAction]]:
        """(attribute, action) of the 文件-menu entries that stand in for tabs not built yet."""
        return [pair for pairs in self._pending.values() for pair in pairs]

    def _spec(self, name: str) -> TabSpec | None:
        return next((s for s in TABS if name in (s.cls, s.object_name)), None)

    def _build(self, spec: TabSpec) -> BaseTab:
        """The tab of ``spec``, built (and put in its placeholder's place) if not yet."""
        tab = self._built.get(spec.cls)
        if tab is not None:
            return tab
        cls = spec.load()
        tab = cls(self.ctx, self)
        tab.setObjectName(spec.object_name)
        self._built[spec.cls] = tab
        index = next(i for i in range(self.tabs.count())
                     if getattr(QTabWidget.widget(self.tabs, i), "spec", None) is spec)
        placeholder = QTabWidget.widget(self.tabs, index)
        current = self.tabs.currentIndex() == index
        blocked = self.tabs.blockSignals(True)  # one tab takes another's place: nothing changed
        try:
            self.tabs.insertTab(index, tab, spec.title())
            if current:
                self.tabs.setCurrentIndex(index)
            self.tabs.removeTab(index + 1)
        finally:
            self.tabs.blockSignals(blocked)
        placeholder.deleteLater()
        tab.restore_state(QSettings())
        self._add_file_actions(tab, self._pending.pop(spec.cls, []))
        if self.accounts is not None:  # role gating and 显示完整号码 for what it brings
            self.accounts.adopt(tab)
        log.debug("built %s", spec.cls)
        return tab

    @Slot(int)
    def _tab_shown(self, index: int) -> None:
        page = QTabWidget.widget(self.tabs, index)
        if isinstance(page, _Placeholder):
            self._build(page.spec)

    def tab(self, name: str) -> BaseTab | None:
        """The tab by class name (``HouseholdsTab``) or object name (``households_tab``),
        built if it was not yet."""
        spec = self._spec(name)
        return self._build(spec) if spec is not None and self.ctx is not None else None

    def current_tab_loaded(self) -> bool:
        """Whether the tab on screen shows its data (the overview its counts, a list its first
        page): bench/bench_startup.py's "ready" waits for this."""
        tab = self.tabs.currentWidget()
        if tab is None or isinstance(tab, _Placeholder):
            return False
        if hasattr(tab, "data") and not callable(tab.data):
            return tab.data is not None
        for attr in ("loader", "model"):
            inner = getattr(tab, attr, None)
            if inner is not None and getattr(inner, "pending", False):
                return False
        return True

    def show_tab(self, name: str) -> BaseTab | None:
        """Bring the named tab to the front and return it."""
        tab = self.tab(name)
        if tab is not None:
            self.tabs.setCurrentWidget(tab)
        return tab

    def _set_database_actions(self, enabled: bool) -> None:
        for act in self._database_actions:
            act.setEnabled(enabled)

    # -- menus -------------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:  # a QKeySequence.StandardKey: the platform's keys for it
            # (setShortcut(StandardKey) would give the first of them, and its overload
            # resolution makes the whole Qt namespace before the window shows)
            act.setShortcuts(shortcut)
        act.triggered.connect(lambda _checked=False, _slot=slot: _slot())  # never pass `checked` on
        return act

    def _build_menus(self) -> None:
        mb = self.menuBar()
        self.file_menu = mb.addMenu(self.tr("&File"))
        # the tabs' file actions (导入 …, 导出 …, 打印 …, settings) go into these when attached
        self.import_menu = self.file_menu.addMenu(self.tr("&Import"))
        self.export_menu = self.file_menu.addMenu(self.tr("E&xport"))
        self.print_menu = self.file_menu.addMenu(self.tr("&Print"))
        self.settings_menu = self.file_menu.addMenu(self.tr("&Settings"))
        self.file_menu.addSeparator()
        self.database_menu = self.file_menu.addMenu(self.tr("&Database"))
        self.database_menu.addAction(self._action(self.tr("Open Database…"), self.open_database_file,
                                                  QKeySequence.StandardKey.Open))
        self.database_menu.addAction(self._action(self.tr("Connect to Server Database…"),
                                                  self.open_database_url))
        self.database_menu.addSeparator()
        backup_act = self._action(self.tr("Backup…"), self.backup)
        restore_act = self._action(self.tr("Restore…"), self.restore)
        self.database_menu.addAction(backup_act)
        self.database_menu.addAction(restore_act)
        self._database_actions = [backup_act, restore_act]
        # 文件 ▸ 设置 ▸ 设置向导… (the tabs add their settings below it)
        wizard_act = self._action(self.tr("Setup Wizard…"), self.setup_wizard)
        self.settings_menu.addAction(wizard_act)
        self._database_actions.append(wizard_act)
        for menu in (self.import_menu, self.export_menu, self.print_menu):
            menu.menuAction().setVisible(False)  # until a tab puts something in it
        self.file_menu.addSeparator()
        self.file_menu.addAction(self._action(self.tr("Exit"), self.close, QKeySequence.StandardKey.Quit))
        self.help_menu = mb.addMenu(self.tr("&Help"))
        self.help_menu.addAction(self._action(self.tr("About"), self.about))

    # the submenu of a tab's file action, from the attribute that holds it on the tab
    _FILE_GROUPS = (("import", "import_menu"), ("export", "export_menu"), ("build", "export_menu"),
                    ("verify", "export_menu"), ("ledger", "print_menu"), ("print", "print_menu"),
                    ("file_action", "print_menu"))

    def _file_submenu_for(self, name: str):
        for key, menu in self._FILE_GROUPS:
            if key in name:
                return getattr(self, menu)
        return self.settings_menu

    def _add_pending_actions(self, spec: TabSpec) -> None:
        """A stand-in for each of a tab's file actions, where the tab's own will go: choosing
        one builds the tab, which puts its actions in their place, and runs the tab's."""
        pairs = []
        used = set()
        for name, text, *shortcut in spec.file_actions:
            act = QAction(QCoreApplication.translate(spec.cls, text), self)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut[0]))
                act.setShortcutContext(QtCore.Qt.ShortcutContext.WidgetWithChildrenShortcut)  # as the tab's
            act.triggered.connect(lambda _checked=False, s=spec, n=name: self._run_pending(s, n))
            self._append_file_action(name, act, used)
            pairs.append((name, act))
        if pairs:
            self._pending[spec.cls] = pairs

    def _append_file_action(self, name: str, act: QAction, used: set) -> None:
        """``act`` at the end of its submenu, after a separator where this tab's section starts
        (``used``: the submenus it already added to)."""
        menu = self._file_submenu_for(name)
        if menu not in used and menu.actions():
            menu.addSeparator()
        used.add(menu)
        menu.addAction(act)
        menu.menuAction().setVisible(True)

    def _run_pending(self, spec: TabSpec, name: str) -> None:
        act = getattr(self._build(spec), name, None)
        if isinstance(act, QAction):
            act.trigger()

    def _add_file_actions(self, tab: QWidget, pending: list[tuple[str, QAction]] = ()) -> None:
        """A tab's file actions into 导入 ▸ / 导出 ▸ / 打印 ▸ / 设置 ▸, one section per tab: in the
        place of their stand-ins (``pending``), or after what the menus hold."""
        stand_in = dict(pending)
        used = set()
        for act in getattr(tab, "file_actions", lambda: [])():
            name = next((n for n, v in vars(tab).items() if v is act), "")
            old = stand_in.pop(name, None)
            if old is not None:
                menu = self._file_submenu_for(name)
                menu.insertAction(old, act)
                menu.removeAction(old)
                old.deleteLater()
                used.add(menu)
                continue
            self._append_file_action(name, act, used)
        for name, old in stand_in.items():  # the tab no longer has it
            log.warning("%s has no file action %s", type(tab).__name__, name)
            self._file_submenu_for(name).removeAction(old)
            old.deleteLater()

    def file_menu_actions(self) -> list[QAction]:
        """Every action of the 文件 menu and its submenus (what the clerk can pick there)."""
        out = []

        def walk(menu):
            for a in menu.actions():
                if a.menu() is not None:
                    walk(a.menu())
                elif not a.isSeparator():
                    out.append(a)

        walk(self.file_menu)
        return out

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Ctrl+S that no editor took: say so rather than do nothing
        if event.matches(QKeySequence.StandardKey.Save):
            self.statusBar().showMessage(self.tr("Nothing to save"), 4000)
            event.accept()
            return
        super().keyPressEvent(event)

    # -- status bar --------------------------------------------------------------------------
    def _schedule_counts(self) -> None:
        self._counts_timer.start()

    @Slot()
    def _update_status(self) -> None:
        self.db_label.setText(self.tr("Database: %1").replace("%1", self.ctx.db.location))
        self._update_counts()

    @Slot()
    def _update_counts(self) -> None:
        from ..services.overview import counts

        try:
            c = counts(self.ctx.db)
        except Exception as exc:  # noqa: BLE001 - a status bar must not crash the window
            log.warning("counts failed: %s", exc)
            return
        self.count_label.setText(
            self.tr("%1 villages · %2 households · %3 members")
            .replace("%1", str(c["villages"])).replace("%2", str(c["households"])).replace("%3", str(c["members"])))

    # -- database actions --------------------------------------------------------------------
    def _switch_to(self, url: str) -> None:
        from ..services.opening import open_database
        from .common.context import show_error

        def work(progress):
            progress(0, 0, self.tr("Opening database…"))
            return open_database(url)

        def opened(db) -> None:
            from .accounts import ask_login

            if ask_login(self, db):  # the other database may have its own accounts
                self.ctx.replace_database(db)
            else:
                db.dispose()

        run_task(self, self.tr("Open Database"), work, cancellable=False,
                 on_result=opened,
                 on_error=lambda e: show_error(self, e, self.tr("Cannot open database")))

    @Slot()
    def open_database_file(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Open or Create Database"), "", self.tr("Database files (*.db)"),
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self._switch_to(path)

    @Slot()
    def open_database_url(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        url, ok = QInputDialog.getText(
            self, self.tr("Connect to Server Database"),
            self.tr("PostgreSQL address, e.g. postgresql://user:password@server:5432/fupin"))
        if ok and url.strip():
            self._switch_to(url.strip())

    @Slot()
    def backup(self) -> None:
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from ..backup import backup

        path, _ = QFileDialog.getSaveFileName(self, self.tr("Backup Database"), "fupin-backup.db",
                                              self.tr("Database files (*.db)"))
        if not path:
            return
        def saved(out) -> None:
            if not self.ctx.db.is_sqlite:  # the restore dialog shows it for a server database
                import datetime as dt

                from .restore_dialog import LAST_SERVER_BACKUP_KEY

                QSettings().setValue(LAST_SERVER_BACKUP_KEY + self.ctx.db.location,
                                     f"{dt.datetime.now():%Y-%m-%d %H:%M}")
            QMessageBox.information(self, self.tr("Backup"), self.tr("Backup saved to %1").replace("%1", str(out)))

        run_task(self, self.tr("Backing up…"), lambda p: backup(self.ctx.db, path), cancellable=False,
                 on_result=saved)

    @Slot()
    def restore(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from ..backup import restore

        from .restore_dialog import RestoreDialog

        dlg = RestoreDialog(self.ctx.db, self)
        if dlg.exec() != RestoreDialog.DialogCode.Accepted or not dlg.chosen:
            return
        path = dlg.chosen
        answer = QMessageBox.question(
            self, self.tr("Restore"),
            self.tr("Replace all current data with the backup %1?\n"
                    "The current data is saved to a safety copy first.").replace("%1", path))
        if answer != QMessageBox.StandardButton.Yes:
            return

        def done(safety):
            self.ctx.database_replaced.emit()
            self.ctx.changed.emit("all", [])
            QMessageBox.information(self, self.tr("Restore"),
                                    self.tr("Restored. The previous data was saved to %1")
                                    .replace("%1", str(safety)))

        run_task(self, self.tr("Restoring…"), lambda p: restore(self.ctx.db, path),
                 cancellable=False, on_result=done)

    @Slot()
    def setup_wizard(self) -> None:
        from .first_run import apply_answers, run_wizard

        answers = run_wizard(self, self.ctx.db)
        if answers is not None:
            apply_answers(self, self.ctx, answers)

    @Slot()
    def about(self) -> None:
        from .about_dialog import AboutDialog

        AboutDialog(self.ctx.db, self).exec()

    # -- window state ------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        s = QSettings()
        geo = s.value("main/geometry")
        if geo is not None:
            self.restoreGeometry(geo)
        else:
            self.resize(1280, 800)

    def _stop_running_tasks(self) -> bool:
        """Closing while an import, print or build runs: ask, then cancel and wait for it.
        Reads (a page filling itself, the overview's counts) are cancelled without asking."""
        from PySide6.QtWidgets import QMessageBox

        from .common.tasks import cancel_and_wait, running_tasks

        busy = [t for t in running_tasks() if not t.read_only]
        if busy:
            names = "、".join(dict.fromkeys(t.title.rstrip("…") for t in busy))
            answer = QMessageBox.question(
                self, self.tr("Work in progress"),
                self.tr("Still running: %1.\nCancel it and close the program?").replace("%1", names),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return False
        if running_tasks() and not cancel_and_wait():
            QMessageBox.warning(self, self.tr("Work in progress"),
                                self.tr("The running work did not stop in time; please wait a moment and close again."))
            return False
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._stop_running_tasks():
            event.ignore()
            return
        s = QSettings()
        s.setValue("main/geometry", self.saveGeometry())
        for tab in self.built_tabs():  # a tab never shown keeps what it saved last time
            tab.save_state(s)
        super().closeEvent(event)
