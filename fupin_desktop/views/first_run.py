"""First start on an empty database: offer the demo township or an import."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

LOAD_DEMO, IMPORT, LATER = 1, 2, 0


class FirstRunDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome"))
        self.choice = LATER
        layout = QVBoxLayout(self)
        text = QLabel(self.tr(
            "The database is empty.\n\nLoad a demo township to try the program, "
            "or import the national monitoring system's export (Excel)."))
        text.setWordWrap(True)
        layout.addWidget(text)
        buttons = QDialogButtonBox(self)
        self.demo_button = QPushButton(self.tr("Load Demo Data"))
        self.import_button = QPushButton(self.tr("Import Data…"))
        self.later_button = QPushButton(self.tr("Later"))
        buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.later_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.demo_button.clicked.connect(lambda: self._choose(LOAD_DEMO))
        self.import_button.clicked.connect(lambda: self._choose(IMPORT))
        self.later_button.clicked.connect(lambda: self._choose(LATER))
        layout.addWidget(buttons)
        self.demo_button.setDefault(True)

    def _choose(self, choice: int) -> None:
        self.choice = choice
        self.accept() if choice else self.reject()
