"""文件 → 导入: file dialog → background import with progress and cancel → summary with the
rejected and warned rows, which the clerk can save as an Excel list to fix the source file."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ...exporters.import_report import FIELD_LABELS, write_import_report
from ..common.context import AppContext, show_error
from ..common.import_summary import ImportSummary
from ..common.tasks import run_task


def household_import_summary(result, source: str, parent: QWidget | None = None) -> ImportSummary:
    """The summary of a households import (the national export, or this program's own backup)."""
    data = result.to_json()
    keys = ("households_created", "households_updated", "members_created", "members_updated",
            "rows_imported", "rows_rejected", "rows_skipped")
    figures = [(k, data[k]) for k in keys if k in data]
    figures.append(("rows_with_warnings", len(result.warning_rows)))
    return ImportSummary(result, source, figures, field_labels=FIELD_LABELS,
                         write=lambda path: write_import_report(result, path), parent=parent)


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
        dlg = household_import_summary(result, path, parent)
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
