"""The summary every import ends with (households, posts, attendance, medical): the file and its
figures, the rows that were not imported or imported with a warning, and 保存清单 — an Excel list
the clerk fixes the source file from. Each import gives its figures, field names and writer."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QGridLayout, QHeaderView, QLabel, QMessageBox,
    QPushButton, QVBoxLayout, QWidget,
)

from ...domain.field_specs import label
from .context import show_error
from .list_model import Column, ListTableModel
from .output_files import output_dir
from .widgets import make_table


class IssueLine:
    """One line of the list (a reject or a warning), with the field named as the sheet names it."""

    __slots__ = ("kind", "reject", "row", "code", "household_code", "name", "field", "message")

    def __init__(self, kind: str, issue, reject: bool, field_labels: dict[str, str]):
        self.kind, self.reject = kind, reject
        self.row, self.message = issue.row, issue.message
        self.code = getattr(issue, "code", "") or ""
        self.household_code = getattr(issue, "household_code", None) or ""
        self.name = issue.name or ""
        field = issue.field or ""
        self.field = (field_labels.get(field) or label(field)) if field else ""


def fill_missing_names(issues) -> None:
    """A line without a 姓名 takes the name another line gives for the same sheet row (a warning
    about a refused head row names that head), so the 姓名 column is filled where it is known."""
    names = {}
    for i in issues:
        if i.name:
            names.setdefault(i.row, i.name)
    for i in issues:
        if not i.name:
            i.name = names.get(i.row, "")


class ImportSummary(QDialog):
    """``figures``: (key, number) pairs, shown in a grid under the names of ``figure_names``;
    ``write(path)`` saves the list of issues; ``household_codes`` / ``reason_codes`` add those
    columns to the list; ``month``: the month an attendance file was for."""

    def __init__(self, result, source: str, figures: list[tuple[str, int]], *,
                 write: Callable[[str], None], list_name: str = "导入问题清单",
                 field_labels: dict[str, str] | None = None, month: object = None,
                 household_codes: bool = True, reason_codes: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.result, self._write, self._list_name = result, write, list_name
        self.setWindowTitle(self.tr("Import Result"))
        self.resize(920, 560)
        head = self.tr("File: %1").replace("%1", Path(source).name)
        if month:
            head += "　" + self.tr("Month: %1").replace("%1", str(month))
        self.head = QLabel(head)
        names = self.figure_names()
        figures = [(names[k], value) for k, value in figures]
        grid = QGridLayout()
        for i, (text, value) in enumerate(figures):
            number = QLabel(f"{value:,}")
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(QLabel(text), i // 4, (i % 4) * 2)
            grid.addWidget(number, i // 4, (i % 4) * 2 + 1)
        grid.setHorizontalSpacing(16)
        grid.setColumnStretch(8, 1)
        # every figure in one line of text, for copying and for the tests
        self.summary_text = "；".join(f"{text}：{value}" for text, value in figures)
        self.summary = QLabel(self.summary_text)
        self.summary.hide()

        labels = field_labels or {}
        self.issues = [IssueLine(self.tr("Not imported"), i, True, labels)
                       for i in sorted(result.rejects, key=lambda i: i.row)]
        self.issues += [IssueLine(self.tr("Warning"), i, False, labels)
                        for i in sorted(result.warning_rows, key=lambda i: i.row)]
        fill_missing_names(self.issues)
        columns = [Column("kind", self.tr("Issue type"), width=60),
                   Column("row", self.tr("Sheet row"), "int", width=50),
                   Column("name", self.tr("Full name"), width=70)]
        if household_codes:
            columns.append(Column("household_code", self.tr("Household code"), "code", width=165))
        columns.append(Column("field", self.tr("Column in sheet"), width=100))
        if reason_codes:
            columns.append(Column("code", self.tr("Reason code"), "code", width=110))
        columns.append(Column("message", self.tr("Reason"), width=400))
        self.model = ListTableModel(columns, self)
        self.model.highlight = lambda i: i.reject
        self.model.set_rows(self.issues)
        self.table = make_table(self.model)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setSectionResizeMode(len(columns) - 1,
                                                           QHeaderView.ResizeMode.Stretch)
        if len(self.issues) <= 2000:  # measuring rows costs time; long lists keep tooltips
            self.table.resizeRowsToContents()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = QPushButton(self.tr("Save List…"))
        self.save_button.setEnabled(bool(self.issues))
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(lambda _checked=False: self.save_list())
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.head)
        layout.addLayout(grid)
        layout.addWidget(self.summary)
        if self.issues:
            layout.addWidget(QLabel(self.tr("Rows that were not imported, or imported with a warning:")))
            layout.addWidget(self.table, 1)
        else:
            self.table.hide()
            layout.addWidget(QLabel(self.tr("Every row was imported.")))
            layout.addStretch(1)
        layout.addWidget(buttons)

    def figure_names(self) -> dict[str, str]:
        """What each import counts, as the summary names it (the keys of ImportResult.counts
        and to_json())."""
        return {
            "rows_imported": self.tr("Rows imported"),
            "rows_rejected": self.tr("Rows rejected"),
            "rows_with_warnings": self.tr("Rows with warnings"),
            "rows_skipped": self.tr("Blank or total rows skipped"),
            "households_created": self.tr("Households created"),
            "households_updated": self.tr("Households updated"),
            "members_created": self.tr("Members created"),
            "members_updated": self.tr("Members updated"),
            "settlements_created": self.tr("New settlements"),
            "settlements_updated": self.tr("Settlements updated"),
            "settlements_unchanged": self.tr("Unchanged"),
            "posts_created": self.tr("New posts"),
            "assignments_created": self.tr("New assignments"),
            "assignments_updated": self.tr("Assignments updated"),
            "assignments_unchanged": self.tr("Assignments unchanged"),
            "months_created": self.tr("Workers' months entered"),
            "months_replaced": self.tr("Workers' months replaced"),
            "months_unchanged": self.tr("Workers' months unchanged"),
        }

    @Slot()
    def save_list(self, path: str | None = None) -> str | None:
        """Save the list as Excel (asking where unless ``path`` is given); the path, or None."""
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save Rejected Rows"),
                str(Path(output_dir()) / f"{self._list_name}.xlsx"), self.tr("Excel files (*.xlsx)"))
        if not path:
            return None
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        try:
            self._write(path)
        except Exception as exc:  # noqa: BLE001 - shown to the clerk, details logged
            show_error(self, exc)
            return None
        QMessageBox.information(self, self.tr("Saved"),
                                self.tr("The list was saved to %1").replace("%1", path))
        return path
