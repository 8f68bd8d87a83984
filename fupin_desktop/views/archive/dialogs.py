"""Dialogs of the archive tab: a registered file's details, build options, paper documents to
print, the year's 整理 details and a report the clerk can read and save."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Slot
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
    QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

SECRET_LEVELS = ("", "秘密", "机密", "绝密")  # 密级: empty = 公开 (no marking)


def _qdate(d: dt.date | None) -> QDate:
    d = d or dt.date.today()
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class ItemDialog(QDialog):
    """题名, 责任者, 文号, 日期, 密级, 保管期限, 类别, 备注 of a registered file."""

    def __init__(self, file_label: str, categories: list[tuple[str, str]], *, meta=None,
                 default_category: str = "", default_retention: str = "", responsible: str = "",
                 numbered: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        from ...archive.model import RETENTION_NAMES

        self.setWindowTitle(self.tr("Archive File Details"))
        self.setMinimumWidth(460)
        self.title = QLineEdit()
        self.title.setMaxLength(300)
        self.responsible = QLineEdit(responsible)
        self.doc_no = QLineEdit()
        self.doc_no.setPlaceholderText(self.tr("e.g. 清政〔2025〕3号"))
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMaximumDate(QDate.currentDate())
        self.secret = QComboBox()
        self.secret.setEditable(True)
        self.secret.addItems(SECRET_LEVELS)
        self.retention = QComboBox()
        for code, name in RETENTION_NAMES.items():
            self.retention.addItem(name, code)
        self.category = QComboBox()
        for code, name in categories:
            self.category.addItem(f"{name}（{code}）", code)
        self.remark = QLineEdit()
        self.remark.setMaxLength(200)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        self.error.hide()
        if meta is not None:
            self.title.setText(meta.title)
            self.responsible.setText(meta.responsible)
            self.doc_no.setText(meta.doc_no)
            self.date.setDate(_qdate(meta.date))
            self.secret.setCurrentText(meta.secret)
            self.remark.setText(meta.remark)
            default_category, default_retention = meta.category, meta.retention
        else:
            self.date.setDate(QDate.currentDate())
        self.retention.setCurrentIndex(max(0, self.retention.findData(default_retention)))
        self.category.setCurrentIndex(max(0, self.category.findData(default_category)))
        if numbered:  # closed year, 件号 given: moving it would disturb the printed catalogue
            self.retention.setEnabled(False)
            self.category.setEnabled(False)
        form = QFormLayout()
        form.addRow(self.tr("File"), QLabel(file_label))
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Responsible body"), self.responsible)
        form.addRow(self.tr("Document number"), self.doc_no)
        form.addRow(self.tr("Date"), self.date)
        form.addRow(self.tr("Security level"), self.secret)
        form.addRow(self.tr("Retention"), self.retention)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Remarks"), self.remark)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self))

    def meta(self):
        from ...services.archive.files import ItemMeta

        return ItemMeta(self.title.text(), self.responsible.text(), self.doc_no.text(),
                        _pydate(self.date.date()), self.secret.currentText(),
                        self.retention.currentData(), self.category.currentData(), self.remark.text())

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


class BuildDialog(QDialog):
    """Where to write the package, and whether to make a disc image too."""

    def __init__(self, folder: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Build Archive Package"))
        self.setMinimumWidth(520)
        self.folder = QLineEdit(folder)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.iso = QCheckBox(self.tr("Also write a disc image (ISO) for burning"))
        note = QLabel(self.tr("An unfinished or earlier package in this folder is continued: "
                              "unchanged files are not made again."))
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Package folder"), row)
        form.addRow("", self.iso)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(_buttons(self))

    @Slot()
    def _browse(self) -> None:
        start = str(Path(self.folder.text()).parent) if self.folder.text() else ""
        path = QFileDialog.getExistingDirectory(self, self.tr("Choose Package Folder"), start)
        if path:
            self.folder.setText(path)


class PaperDialog(QDialog):
    """Which paper documents to print."""

    def __init__(self, titles: dict[str, str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Print Paper Documents"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Documents to make (PDF, opened for printing):")))
        self.boxes: dict[str, QCheckBox] = {}
        for key, title in titles.items():
            cb = QCheckBox(title)
            cb.setChecked(True)
            self.boxes[key] = cb
            layout.addWidget(cb)
        layout.addWidget(_buttons(self))

    def chosen(self) -> list[str]:
        return [k for k, cb in self.boxes.items() if cb.isChecked()]


class YearDialog(QDialog):
    """归档日期, 整理人, 检查人, 检查日期 of the year (printed on the 备考表 and catalogue)."""

    def __init__(self, info, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Arrangement Details of %1").replace("%1", str(info.year)))
        self.archive_date = QDateEdit(_qdate(info.archive_date))
        self.check_date = QDateEdit(_qdate(info.check_date or info.archive_date))
        for w in (self.archive_date, self.check_date):
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
            w.setMaximumDate(QDate.currentDate())
        self.has_check = QCheckBox(self.tr("Checked"))
        self.has_check.setChecked(info.check_date is not None)
        self.check_date.setEnabled(self.has_check.isChecked())
        self.has_check.toggled.connect(self.check_date.setEnabled)
        self.organizer = QLineEdit(info.organizer)
        self.checker = QLineEdit(info.checker)
        row = QHBoxLayout()
        row.addWidget(self.has_check)
        row.addWidget(self.check_date, 1)
        form = QFormLayout()
        form.addRow(self.tr("Archiving date"), self.archive_date)
        form.addRow(self.tr("Arranged by"), self.organizer)
        form.addRow(self.tr("Checked by"), self.checker)
        form.addRow(self.tr("Check date"), row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))

    def values(self) -> dict:
        return {"archive_date": _pydate(self.archive_date.date()),
                "organizer": self.organizer.text(), "checker": self.checker.text(),
                "check_date": _pydate(self.check_date.date()) if self.has_check.isChecked() else None}


class ReportDialog(QDialog):
    """A finished job's summary (build, check): readable, savable, with the folder at hand."""

    def __init__(self, title: str, text: str, folder: str | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(640, 380)
        self.text = QPlainTextEdit(text)
        self.text.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        save = buttons.addButton(self.tr("Save…"), QDialogButtonBox.ButtonRole.ActionRole)
        save.clicked.connect(self._save)
        if folder:
            open_btn = buttons.addButton(self.tr("Open Folder"), QDialogButtonBox.ButtonRole.ActionRole)
            open_btn.clicked.connect(lambda: open_path(folder))
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)

    @Slot()
    def _save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save Report"), "",
                                              self.tr("Text files (*.txt)"))
        if path:
            Path(path).write_text(self.text.toPlainText().replace("\n", "\r\n"), encoding="utf-8-sig")


def open_path(path) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

