"""Login, idle lock, 切换用户, 用户管理 and 审计日志 in the GUI (issue 13).

With no account in the database the program runs as before (单用户模式) and the status bar says
未启用登录. Once accounts exist the window asks for a login before the tabs are built, shows
当前用户 / 角色, locks after the idle time (the password is asked for again in a modal dialog on
top, so whatever the clerk was typing stays where it was), and hides what the role cannot do.
The services check every permission themselves; this module only keeps the screen honest.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractItemView, QApplication, QComboBox, QDateEdit, QDialog,
    QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QInputDialog, QLabel,
    QLineEdit, QMessageBox, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ..errors import AccessError, UserError
from ..models.user import ROLE_LABELS, ROLES
from .common.context import show_error

log = logging.getLogger(__name__)

# Attribute names of the tabs' and pages' actions and buttons that change data. An auditor does
# not see them (the services would refuse anyway; a button that can only fail is a trap).
WRITE_NAMES = frozenset({
    "import_action", "import_roster_action", "import_attendance_action", "new_action",
    "delete_action", "remove_action", "edit_action", "close_action", "settings_action",
    "rules_action", "build_action", "year_action", "add_button", "save_button",
    "save_new_button", "import_button", "delete_fu_button", "edit_fu_button", "fill_button",
    "revoke_button", "remove_button", "rectify_button", "leave_button", "sign_button",
    "follow_up_button", "measure_button", "monitor_button", "demo_button", "rules_button",
    "diseases_button", "status_button", "edit_button",
})


class LoginDialog(QDialog):
    """User name (remembered) and password; stays open with the reason until a login succeeds."""

    def __init__(self, db, parent: QWidget | None = None, *, locked_user: str | None = None):
        super().__init__(parent)
        self.db = db
        self.user = None
        self.setWindowTitle(self.tr("Log In") if locked_user is None else self.tr("Locked"))
        self.setModal(True)
        lay = QVBoxLayout(self)
        if locked_user is not None:
            note = QLabel(self.tr("The window was locked after a period of inactivity. "
                                  "Enter the password to continue; unsaved edits are kept."))
            note.setWordWrap(True)
            lay.addWidget(note)
        form = QFormLayout()
        self.name_edit = QLineEdit(locked_user or QSettings().value("login/last_user", "", str))
        self.name_edit.setMaxLength(64)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("User name"), self.name_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        lay.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setProperty("role", "error")
        self.error_label.setWordWrap(True)
        lay.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Log In"))
        if locked_user is not None:
            buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Switch User"))
        buttons.accepted.connect(self._try)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        (self.password_edit if self.name_edit.text() else self.name_edit).setFocus()

    @Slot()
    def _try(self) -> None:
        from ..services.users import accounts as users

        try:
            self.user = users.login(self.db, self.name_edit.text(), self.password_edit.text())
        except AccessError as exc:
            self.error_label.setText(str(exc))
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        QSettings().setValue("login/last_user", self.user.name)
        self.accept()


def ask_login(parent: QWidget | None, db) -> bool:
    """True when the program may go on: single-user mode, or somebody logged in."""
    from ..services.users import accounts as users

    if not users.accounts_exist(db):
        return True
    return LoginDialog(db, parent).exec() == QDialog.DialogCode.Accepted


class IdleWatcher(QObject):
    """Fires ``idle`` after ``minutes`` without a key press or mouse use anywhere in the app."""

    idle = Signal()
    _ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel,
                           QEvent.Type.MouseMove})

    def __init__(self, minutes: int, parent: QObject | None = None):
        super().__init__(parent)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        QApplication.instance().installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.timer.setInterval(max(1, int(minutes)) * 60_000)
        self.timer.start()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() in self._ACTIVITY and not self.timer.signalsBlocked():
            self.timer.start()
        return False

    def stop(self) -> None:
        QApplication.instance().removeEventFilter(self)
        self.timer.stop()


class AccountUI(QObject):
    """The window's part of the login: status label, 账户 menu, idle lock and role gating."""

    def __init__(self, window, ctx):
        super().__init__(window)
        self.window, self.ctx = window, ctx
        self.label = QLabel()
        window.statusBar().addPermanentWidget(self.label)
        menu = window.menuBar().addMenu(self.tr("&Account"))
        self.switch_action = self._add(menu, self.tr("Switch User…"), self.switch_user)
        self.lock_action = self._add(menu, self.tr("Lock Now"), self.lock, QKeySequence("Ctrl+L"))
        self.logout_action = self._add(menu, self.tr("Log Out"), self.logout)
        self.password_action = self._add(menu, self.tr("Change My Password…"), self.change_password)
        menu.addSeparator()
        self.users_action = self._add(menu, self.tr("User Management…"), self.manage_users)
        self.audit_action = self._add(menu, self.tr("Audit Log…"), self.show_audit)
        self.menu = menu
        self.watcher: IdleWatcher | None = None
        ctx.database_replaced.connect(self.refresh)
        self.refresh()

    def adopt(self, tab) -> None:
        """A tab built after the login: the same role gating and 显示完整号码 as the rest."""
        apply_role(self.window, self.db.role, root=tab)
        install_reveal(tab, self.ctx)

    def _add(self, menu, text, slot, shortcut=None) -> QAction:
        act = QAction(text, self.window)
        if shortcut is not None:
            act.setShortcut(shortcut)
        act.triggered.connect(lambda _checked=False: slot())
        menu.addAction(act)
        return act

    @property
    def db(self):
        return self.ctx.db

    def accounts_exist(self) -> bool:
        from ..services.users import accounts as users

        return users.accounts_exist(self.db)

    @Slot()
    def refresh(self) -> None:
        """Status bar text, menu state, idle timer and role gating for the current account."""
        from ..services import settings

        logged_in = self.db.role is not None
        if logged_in:
            self.label.setText(self.tr("Current user: %1 · Role: %2")
                               .replace("%1", self.db.user).replace("%2", ROLE_LABELS[self.db.role]))
        else:
            self.label.setText(self.tr("Login not enabled"))
        for act in (self.switch_action, self.lock_action, self.logout_action, self.password_action):
            act.setVisible(logged_in)
        self.users_action.setVisible(self.db.role in (None, "admin"))
        if logged_in:
            minutes = settings.get(self.db, settings.IDLE_LOCK_MINUTES)
            if self.watcher is None:
                self.watcher = IdleWatcher(minutes, self)
                self.watcher.idle.connect(self.lock)
            else:
                self.watcher.set_minutes(minutes)
        elif self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        apply_role(self.window, self.db.role)

    @Slot()
    def lock(self) -> None:
        if self.db.role is None:
            return
        if self.watcher is not None:
            self.watcher.timer.blockSignals(True)
        try:
            while True:
                dlg = LoginDialog(self.db, self.window, locked_user=self.db.user)
                dlg.name_edit.setReadOnly(True)
                dlg.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
                if dlg.exec() == QDialog.DialogCode.Accepted:
                    break
                if self._switch_dialog():  # 切换用户 from the lock screen
                    break
        finally:
            if self.watcher is not None:
                self.watcher.timer.blockSignals(False)
        self._after_login()

    def _switch_dialog(self) -> bool:
        return LoginDialog(self.db, self.window).exec() == QDialog.DialogCode.Accepted

    @Slot()
    def logout(self) -> None:
        """注销: nobody is logged in until the next login; cancelling it closes the program."""
        if self._switch_dialog():
            self._after_login()
        else:
            self.window.close()

    @Slot()
    def switch_user(self) -> None:
        before = (self.db.user, self.db.role)
        if self._switch_dialog() and (self.db.user, self.db.role) != before:
            self._after_login()

    def _after_login(self) -> None:
        self.refresh()
        self.ctx.changed.emit("all", [])  # lists re-mask / re-enable for the new account

    @Slot()
    def change_password(self) -> None:
        from ..services.users import accounts as users

        pw, ok = QInputDialog.getText(self.window, self.tr("Change My Password"),
                                      self.tr("New password (at least 8 characters)"),
                                      QLineEdit.EchoMode.Password)
        if not ok:
            return
        again, ok = QInputDialog.getText(self.window, self.tr("Change My Password"),
                                         self.tr("Enter the new password again"), QLineEdit.EchoMode.Password)
        if not ok:
            return
        if again != pw:
            QMessageBox.warning(self.window, self.tr("Change My Password"),
                                self.tr("The two passwords differ; nothing was changed."))
            return
        try:
            users.set_password(self.db, self.db.user, pw)
        except UserError as exc:
            show_error(self.window, exc)
            return
        QMessageBox.information(self.window, self.tr("Change My Password"), self.tr("Password changed."))

    @Slot()
    def manage_users(self) -> None:
        UserAdminDialog(self.ctx, self.window).exec()
        self.refresh()

    @Slot()
    def show_audit(self) -> None:
        AuditLogDialog(self.ctx, self.window).exec()


def apply_role(window, role: str | None, root=None) -> None:
    """Hide what an auditor cannot do; show it again for other roles. ``root``: only what is in
    that part of the window (a tab built just now)."""
    show = role != "auditor"
    # nothing was hidden (no auditor since the start): no need to walk every object, 80 ms at
    # start with cProfile; a tab built later for an auditor is walked when adopted
    walk = not show or bool(window.property("write_actions_hidden"))
    if root is None:
        window.setProperty("write_actions_hidden", not show)
    seen: set[int] = set()
    top = window if root is None else root
    for obj in [top, *top.findChildren(QObject)] if walk else []:
        attrs = getattr(obj, "__dict__", None)
        if not attrs:
            continue
        for name, value in attrs.items():
            if name in WRITE_NAMES and isinstance(value, (QAction, QAbstractButton)) and id(value) not in seen:
                seen.add(id(value))
                value.setVisible(show)
    if root is not None:
        return
    # the 文件-menu entries of the tabs not built yet, by the name of the tab's action
    for name, act in getattr(window, "pending_file_actions", list)():
        if name in WRITE_NAMES:
            act.setVisible(show)
    for act in getattr(window, "_database_actions", [])[1:]:  # 恢复 is the admin's
        act.setVisible(role in (None, "admin"))


def install_account_ui(window, ctx) -> AccountUI:
    ui = AccountUI(window, ctx)
    install_reveal(window, ctx)
    return ui


# -- masked lists and 查看完整信息 ------------------------------------------------------------

def install_reveal(window, ctx) -> None:
    """Give every table that shows personal numbers a 显示完整号码 action (Ctrl+Shift+R)
    (in ``window``: the main window, or a tab built later)."""
    from .common.list_model import PERSONAL_KEYS

    for view in window.findChildren(QAbstractItemView):
        model = view.model()
        cols = getattr(model, "columns", None)
        if not cols or not any(c.key in PERSONAL_KEYS for c in cols) or getattr(view, "_reveal", None):
            continue
        act = QAction(QApplication.translate("Accounts", "Show Full Numbers"), view)
        act.setShortcut(QKeySequence("Ctrl+Shift+R"))
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        act.triggered.connect(lambda _c=False, v=view: reveal_current(v, ctx))
        view.addAction(act)
        if view.contextMenuPolicy() == Qt.ContextMenuPolicy.DefaultContextMenu:
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view._reveal = act


def reveal_current(view, ctx) -> bool:
    """Show the selected row's full numbers, audited as 查看完整信息; refused for auditors."""
    from ..services.users import accounts as users

    model, index = view.model(), view.currentIndex()
    source = model
    while hasattr(source, "sourceModel"):  # through sort/filter proxies
        index = source.mapToSource(index)
        source = source.sourceModel()
    row = source.record(index.row()) if index.isValid() else None
    if row is None or not hasattr(source, "reveal"):
        return False
    key = str(getattr(row, "code", None) or getattr(row, "household_code", None) or getattr(row, "id", ""))
    what = getattr(row, "name", None) or getattr(row, "member_name", None) or getattr(row, "worker_name", None) or key
    try:
        users.record_reveal(ctx.db, str(what), key)
    except UserError as exc:
        show_error(view, exc)
        return False
    source.reveal(row)
    return True


# -- 用户管理 ---------------------------------------------------------------------------------

class UserAdminDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("User Management"))
        self.resize(720, 420)
        lay = QVBoxLayout(self)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([self.tr("User name"), self.tr("Full name"), self.tr("Role"),
                                              self.tr("Status"), self.tr("Last login")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        lay.addWidget(self.table)
        row = QHBoxLayout()
        for text, slot in ((self.tr("Add…"), self.add_user), (self.tr("Reset Password…"), self.reset_password),
                           (self.tr("Change Role…"), self.change_role),
                           (self.tr("Disable / Enable"), self.toggle_active)):
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, f=slot: f())
            row.addWidget(b)
        row.addStretch(1)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        row.addWidget(close)
        lay.addLayout(row)
        self.reload()

    def reload(self) -> None:
        from ..services.users import accounts as users

        self.rows = users.list_users(self.ctx.db)
        self.table.setRowCount(len(self.rows))
        for i, u in enumerate(self.rows):
            last = u.last_login.strftime("%Y-%m-%d %H:%M") if u.last_login else self.tr("Never")
            for j, text in enumerate((u.name, u.full_name, u.role_label,
                                      self.tr("Active") if u.active else self.tr("Disabled"), last)):
                self.table.setItem(i, j, QTableWidgetItem(text))

    def _selected(self):
        r = self.table.currentRow()
        if 0 <= r < len(self.rows):
            return self.rows[r]
        QMessageBox.information(self, self.windowTitle(), self.tr("Select a user first."))
        return None

    def _run(self, fn) -> None:
        try:
            fn()
        except UserError as exc:
            show_error(self, exc)
        self.reload()

    def _role(self, current: str = "clerk") -> str | None:
        labels = [f"{ROLE_LABELS[r]}（{r}）" for r in ROLES]
        text, ok = QInputDialog.getItem(self, self.windowTitle(), self.tr("Role"), labels,
                                        ROLES.index(current), False)
        return ROLES[labels.index(text)] if ok else None

    @Slot()
    def add_user(self) -> None:
        dlg = NewUserDialog(self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        from ..services.users import accounts as users

        self._run(lambda: users.add_user(self.ctx.db, dlg.name_edit.text(), dlg.role(),
                                         dlg.password_edit.text(), dlg.full_name_edit.text()))

    @Slot()
    def reset_password(self) -> None:
        from ..services.users import accounts as users

        u = self._selected()
        if u is None:
            return
        pw, ok = QInputDialog.getText(self, self.tr("Reset Password"),
                                      self.tr("New password for %1 (at least 8 characters)").replace("%1", u.name),
                                      QLineEdit.EchoMode.Password)
        if ok:
            self._run(lambda: users.set_password(self.ctx.db, u.name, pw))

    @Slot()
    def change_role(self) -> None:
        from ..services.users import accounts as users

        u = self._selected()
        role = self._role(u.role) if u is not None else None
        if role is not None:
            self._run(lambda: users.set_role(self.ctx.db, u.name, role))

    @Slot()
    def toggle_active(self) -> None:
        from ..services.users import accounts as users

        u = self._selected()
        if u is not None:
            self._run(lambda: users.set_active(self.ctx.db, u.name, not u.active))


class NewUserDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add User"))
        form = QFormLayout(self)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(64)
        self.full_name_edit = QLineEdit()
        self.full_name_edit.setMaxLength(64)
        self.role_box = QComboBox()
        for r in ROLES:
            self.role_box.addItem(ROLE_LABELS[r], r)
        self.role_box.setCurrentIndex(ROLES.index("clerk"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("User name"), self.name_edit)
        form.addRow(self.tr("Full name"), self.full_name_edit)
        form.addRow(self.tr("Role"), self.role_box)
        form.addRow(self.tr("Password"), self.password_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def role(self) -> str:
        return self.role_box.currentData()


# -- 审计日志 ---------------------------------------------------------------------------------

class AuditLogDialog(QDialog):
    COLUMNS = ("at", "user", "action", "entity_label", "entity_id", "summary")

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.entries = []
        self.setWindowTitle(self.tr("Audit Log"))
        self.resize(1000, 560)
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText(self.tr("User name"))
        self.record_edit = QLineEdit()
        self.record_edit.setPlaceholderText(self.tr("Record (household code, id …)"))
        self.since_edit = QDateEdit()
        self.since_edit.setCalendarPopup(True)
        self.since_edit.setDisplayFormat("yyyy-MM-dd")
        self.since_edit.setSpecialValueText(self.tr("Any date"))
        self.since_edit.setMinimumDate(self.since_edit.minimumDate())
        self.since_edit.setDate(self.since_edit.minimumDate())
        for label, w in ((self.tr("User"), self.user_edit), (self.tr("Since"), self.since_edit),
                         (self.tr("Record"), self.record_edit)):
            bar.addWidget(QLabel(label))
            bar.addWidget(w)
        search = QPushButton(self.tr("Search"))
        search.clicked.connect(lambda _c=False: self.reload())
        export = QPushButton(self.tr("Export to Excel…"))
        export.clicked.connect(lambda _c=False: self.export())
        bar.addWidget(search)
        bar.addWidget(export)
        lay.addLayout(bar)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("User"), self.tr("Action"),
                                              self.tr("Record type"), self.tr("Record"), self.tr("Summary")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda index: self.open_record(index.row()))
        lay.addWidget(self.table)
        hint = QLabel(self.tr("Double-click a household entry to open the household."))
        hint.setProperty("role", "hint")
        lay.addWidget(hint)
        self.reload()

    def open_record(self, row: int) -> bool:
        """Open the household an entry is about (households are what clerks look records up by)."""
        e = self.entries[row] if 0 <= row < len(self.entries) else None
        if e is None or e.entity != "households" or not e.entity_id.isdigit():
            return False
        from .households.tab import HouseholdsTab

        window = self.parent()
        tab = window.show_tab("HouseholdsTab") if hasattr(window, "show_tab") else None
        if isinstance(tab, HouseholdsTab):
            tab._open_dialog(int(e.entity_id))
            return True
        return False

    def _filters(self) -> dict:
        since = None
        if self.since_edit.date() != self.since_edit.minimumDate():
            since = self.since_edit.date().toPython()
        return {"user": self.user_edit.text().strip() or None, "since": since,
                "record": self.record_edit.text().strip() or None}

    def reload(self) -> None:
        from ..services.users.audit_log import list_entries

        self.entries = list_entries(self.ctx.db, limit=2000, **self._filters())
        self.table.setRowCount(len(self.entries))
        for i, e in enumerate(self.entries):
            values = (e.at.strftime("%Y-%m-%d %H:%M:%S"), e.user, e.action, e.entity_label, e.entity_id, e.summary)
            for j, v in enumerate(values):
                self.table.setItem(i, j, QTableWidgetItem(v))
        for j in range(len(self.COLUMNS) - 1):
            self.table.resizeColumnToContents(j)

    def export(self) -> None:
        from ..exporters.audit import export_audit

        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export Audit Log"), "审计日志.xlsx",
                                              self.tr("Excel files (*.xlsx)"))
        if not path:
            return
        try:
            export_audit(path, self.entries)
        except (UserError, OSError) as exc:
            show_error(self, exc)
            return
        QMessageBox.information(self, self.windowTitle(), self.tr("Saved to %1").replace("%1", path))
