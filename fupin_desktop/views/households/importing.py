"""文件 → 导入: file dialog → background import with progress and cancel → summary with the
rejected and warned rows, which the clerk can save as an Excel list to fix the source file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QGridLayout, QHeaderView, QLabel, QMessageBox,
    QPushButton,
    QTableView, QVBoxLayout, QWidget,
)

from ...domain.field_specs import label
from ...exporters.import_report import FIELD_LABELS
from ..common.context import AppContext, show_error
from ..common.list_model import Column, ListTableModel
from ..common.tasks import run_task



class _Issue:
    """One line of the summary list (a reject or a warning)."""

    __slots__ = ("kind", "row", "household_code", "name", "field", "message")

    def __init__(self, kind: str, issue):
        self.kind = kind
        self.row = issue.row
        self.household_code = issue.household_code or ""
        self.name = issue.name or ""
        self.field = (FIELD_LABELS.get(issue.field) or label(issue.field)) if issue.field else ""
        self.message = issue.message


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


class ImportSummaryDialog(QDialog):
    def __init__(self, result, source: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.result = result
        self.setWindowTitle(self.tr("Import Result"))
        self.resize(900, 560)
        data = result.to_json()
        labels = {
            "households_created": self.tr("Households created"),
            "households_updated": self.tr("Households updated"),
            "members_created": self.tr("Members created"),
            "members_updated": self.tr("Members updated"),
            "rows_imported": self.tr("Rows imported"),
            "rows_rejected": self.tr("Rows rejected"),
            "rows_skipped": self.tr("Blank or total rows skipped"),
        }
        pairs = [(labels[k], data[k]) for k in labels if k in data]
        pairs.append((self.tr("Rows with warnings"), len(result.warning_rows)))
        self.file_label = QLabel(self.tr("File: %1").replace("%1", Path(source).name))
        grid = QGridLayout()
        for i, (label, value) in enumerate(pairs):
            number = QLabel(f"{value:,}")
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(QLabel(label), i // 4, (i % 4) * 2)
            grid.addWidget(number, i // 4, (i % 4) * 2 + 1)
        grid.setHorizontalSpacing(16)
        grid.setColumnStretch(8, 1)
        # one line of text with every figure, for tests and for copying
        self.summary = QLabel("；".join(f"{label}：{value}" for label, value in pairs))
        self.summary.hide()

        self.issues = [_Issue(self.tr("Not imported"), i)
                       for i in sorted(result.rejects, key=lambda i: i.row)]
        self.issues += [_Issue(self.tr("Warning"), i)
                        for i in sorted(result.warning_rows, key=lambda i: i.row)]
        fill_missing_names(self.issues)
        self.model = ListTableModel([
            Column("kind", self.tr("Issue type"), width=60),
            Column("row", self.tr("Sheet row"), "int", width=60),
            Column("household_code", self.tr("Household code"), "code", width=170),
            Column("name", self.tr("Full name"), width=80),
            Column("field", self.tr("Field in sheet"), width=90),
            Column("message", self.tr("Reason"), width=400),
        ], self)
        self.model.highlight = lambda i: i.kind == self.tr("Not imported")
        self.model.set_rows(self.issues)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        for i, c in enumerate(self.model.columns):
            self.table.setColumnWidth(i, c.width)
        self.table.horizontalHeader().setSectionResizeMode(len(self.model.columns) - 1,
                                                           QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        if len(self.issues) <= 2000:  # measuring rows costs time; long lists keep tooltips
            self.table.resizeRowsToContents()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = QPushButton(self.tr("Save List…"))
        self.save_button.setEnabled(bool(self.issues))
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self.save_list)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        layout.addLayout(grid)
        layout.addWidget(self.summary)
        if self.issues:
            title = QLabel(self.tr("Rows that were not imported, or imported with a warning:"))
            layout.addWidget(title)
            layout.addWidget(self.table, 1)
        else:
            self.table.hide()
            layout.addStretch(1)
        layout.addWidget(buttons)

    @Slot()
    def save_list(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save Rejected Rows"), "导入问题清单.xlsx",
                                              self.tr("Excel files (*.xlsx)"))
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        from ...exporters.import_report import write_import_report

        try:
            write_import_report(self.result, path)
        except Exception as exc:  # noqa: BLE001 - shown to the clerk, details logged
            show_error(self, exc)
            return
        QMessageBox.information(self, self.tr("Saved"),
                                self.tr("The list was saved to %1").replace("%1", path))


def start_household_import(parent: QWidget, ctx: AppContext, on_done=None, path: str | None = None,
                           restore_deleted: bool = False):
    """Ask for the file (unless given), import it off the GUI thread, then show the summary.

    Rows of a deleted household are refused; the clerk is then asked whether to restore those
    households, and a yes imports the file again with ``restore_deleted`` (the rows already
    imported are unchanged by the second pass)."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(
            parent, QCoreApplication.translate("HouseholdImport", "Import Households"), "",
            QCoreApplication.translate("HouseholdImport", "Excel files (*.xlsx *.xlsm *.xls)"))
    if not path:
        return None
    from ...services.households.importing import import_households

    def done(result):
        deleted = sorted({i.household_code for i in result.rejects
                          if i.code == "household-deleted" and i.household_code})
        if deleted and not restore_deleted and ask_restore_deleted(parent, deleted):
            start_household_import(parent, ctx, on_done, path, restore_deleted=True)
            return
        if on_done is not None:
            on_done(result)
        dlg = ImportSummaryDialog(result, path, parent)
        parent.import_summary = dlg  # tests and the tab reach the open summary through this
        dlg.open()

    return run_task(parent, QCoreApplication.translate("HouseholdImport", "Importing households…"),
                    lambda progress: import_households(ctx.db, path, progress=progress,
                                                       restore_deleted=restore_deleted),
                    on_result=done,
                    on_error=lambda e: show_error(
                        parent, e, QCoreApplication.translate("HouseholdImport", "Import failed")))


def ask_restore_deleted(parent: QWidget, codes: list[str]) -> bool:
    """Yes when the clerk wants the deleted households in the file restored and imported."""
    shown = "、".join(codes[:5]) + ("…" if len(codes) > 5 else "")
    answer = QMessageBox.question(
        parent, QCoreApplication.translate("HouseholdImport", "Deleted Households"),
        QCoreApplication.translate(
            "HouseholdImport",
            "%1 households in the file were deleted (%2); their rows were not imported.\n"
            "Restore these households and import their rows?")
        .replace("%1", str(len(codes))).replace("%2", shown),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes
