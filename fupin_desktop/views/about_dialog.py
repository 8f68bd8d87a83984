"""帮助 ▸ 关于: version, where the data lives (with buttons opening the folders) and the licence
notices of the bundled components (resources/licenses.txt)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QGridLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

from .. import APP_TITLE, __version__
from .restore_dialog import human_size


def database_size(db) -> int | None:
    """Bytes of the SQLite file (with its WAL); None for a server database."""
    from ..database import sqlite_path

    path = sqlite_path(db.url)
    if path is None:
        return None
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def licence_text() -> str:
    from ..paths import resource_path

    try:
        return resource_path("licenses.txt").read_text(encoding="utf-8")
    except OSError:
        return ""


def open_folder(path: Path) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class AboutDialog(QDialog):
    def __init__(self, db, parent: QWidget | None = None):
        super().__init__(parent)
        from .. import migrate
        from ..services import autobackup
        from ..services.attachments import attachments_dir

        self.setWindowTitle(self.tr("About"))
        layout = QVBoxLayout(self)
        title = QLabel(f"<b style='font-size:16pt'>{APP_TITLE}</b>")
        layout.addWidget(title)
        revision = migrate.current_revision(db.engine) or "—"
        layout.addWidget(QLabel(self.tr("Version %1 (database schema %2)")
                                .replace("%1", __version__).replace("%2", revision)))
        blurb = QLabel(self.tr("Ledgers, public-welfare posts, medical relief and year-end archives "
                               "for township rural-revitalisation offices."))
        blurb.setWordWrap(True)
        layout.addWidget(blurb)

        grid = QGridLayout()
        size = database_size(db)
        self.data_dir = attachments_dir(db).parent
        self.backup_dir = autobackup.backups_dir(db)
        rows = [(self.tr("Database:"), db.location, None),
                (self.tr("Database size:"), human_size(size) if size is not None else self.tr("(server)"), None),
                (self.tr("Data folder:"), str(self.data_dir), self.data_dir),
                (self.tr("Backup folder:"), str(self.backup_dir) if self.backup_dir else
                 self.tr("(server database: backed up by the administrator with pg_dump)"),
                 self.backup_dir)]
        self.open_buttons: dict[str, QPushButton] = {}
        for r, (label, value, folder) in enumerate(rows):
            grid.addWidget(QLabel(label), r, 0, Qt.AlignmentFlag.AlignTop)
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(text, r, 1)
            if folder is not None:
                button = QPushButton(self.tr("Open"))
                button.clicked.connect(lambda _=False, f=folder: open_folder(f))
                grid.addWidget(button, r, 2)
                self.open_buttons[label] = button
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)

        layout.addWidget(QLabel(self.tr("Licences of the bundled components:")))
        self.licences = QPlainTextEdit(licence_text())
        self.licences.setReadOnly(True)
        mono = QFont(self.font())
        mono.setPointSize(max(8, mono.pointSize() - 1))
        self.licences.setFont(mono)
        layout.addWidget(self.licences, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(680, 560)
