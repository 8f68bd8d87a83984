"""文件 ▸ 恢复…: the automatic backups (date, size, reason) to restore one of, or another file.

On a PostgreSQL server the program keeps no file backups: the dialog names the pg_dump command
the administrator should schedule, and the last backup made from this computer if known.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QFileDialog, QHeaderView, QLabel, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

LAST_SERVER_BACKUP_KEY = "backup/last_server/"  # + database location: ISO time of 备份… here


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


class RestoreDialog(QDialog):
    """``chosen`` holds the path to restore from once the dialog is accepted."""

    def __init__(self, db, parent: QWidget | None = None):
        super().__init__(parent)
        from ..services import autobackup

        self.db = db
        self.chosen: str | None = None
        self.setWindowTitle(self.tr("Restore from Backup"))
        layout = QVBoxLayout(self)
        buttons = QDialogButtonBox(self)
        self.table = QTableWidget(0, 3, self)
        self.backups = autobackup.list_backups(db)
        if db.is_sqlite:
            folder = autobackup.backups_dir(db)
            intro = QLabel(self.tr("Automatic backups in %1 (newest first). The current data is "
                                   "saved to a safety copy before restoring.").replace("%1", str(folder)))
            intro.setWordWrap(True)
            layout.addWidget(intro)
            self.table.setHorizontalHeaderLabels([self.tr("Date"), self.tr("Size"), self.tr("Reason")])
            self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            self.table.setAlternatingRowColors(True)
            self.table.verticalHeader().hide()
            self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
            for b in self.backups:
                row = self.table.rowCount()
                self.table.insertRow(row)
                size = QTableWidgetItem(human_size(b.size))
                size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                for col, item in enumerate((QTableWidgetItem(f"{b.made_at:%Y-%m-%d %H:%M:%S}"), size,
                                            QTableWidgetItem(b.reason_text))):
                    self.table.setItem(row, col, item)
            self.table.resizeColumnsToContents()
            self.table.doubleClicked.connect(lambda *_: self._restore_selected())
            layout.addWidget(self.table)
            if not self.backups:
                layout.addWidget(QLabel(self.tr("No automatic backups yet.")))
            self.restore_button = QPushButton(self.tr("Restore Selected"))
            self.restore_button.setEnabled(False)
            self.restore_button.clicked.connect(self._restore_selected)
            self.table.itemSelectionChanged.connect(
                lambda: self.restore_button.setEnabled(bool(self.table.selectedItems())))
            buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
            if self.backups:
                self.table.selectRow(0)
            folder_button = QPushButton(self.tr("Open Backup Folder"))
            folder_button.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
            buttons.addButton(folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        else:
            self.table.hide()
            last = QSettings().value(LAST_SERVER_BACKUP_KEY + db.location)
            text = QLabel(
                self.tr("This database is on a PostgreSQL server: the program makes no automatic "
                        "file backups of it. The administrator should schedule this command on the "
                        "server every day (and keep the files on another disk):")
                + f"<pre>{autobackup.server_backup_command(db)}</pre>"
                + self.tr("Last backup made from this computer: %1")
                .replace("%1", str(last) if last else self.tr("unknown")))
            text.setTextFormat(Qt.TextFormat.RichText)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setWordWrap(True)
            self.server_text = text
            layout.addWidget(text)
            layout.addStretch(1)
        other = QPushButton(self.tr("Restore from Another File…"))
        other.clicked.connect(self._restore_other)
        buttons.addButton(other, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def _restore_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if rows:
            self.chosen = str(self.backups[rows[0].row()].path)
            self.accept()

    def _restore_other(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Restore from Backup"), "",
                                              self.tr("Database files (*.db)"))
        if path:
            self.chosen = path
            self.accept()
