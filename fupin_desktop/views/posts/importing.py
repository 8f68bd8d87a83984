"""导入上岗花名册 / 导入考勤表: file dialog → import off the GUI thread → summary with the rows
that were not imported (and why) and the warnings, savable as an Excel list to fix the file.

Each file is imported all or nothing (one transaction); a closed month's attendance is refused
as a whole by the importer.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QLabel, QVBoxLayout, QWidget

from ..common.context import AppContext, show_error
from ..common.import_summary import ImportSummary
from ..common.list_model import Column
from ..common.tasks import run_task
from ..common.widgets import make_table
from .widgets import ColouredListModel


def field_labels() -> dict[str, str]:
    """Importer field key -> the column title a clerk knows (first synonym of each column)."""
    from ...importers.attendance import COLUMNS as ATTENDANCE
    from ...importers.posts_roster import COLUMNS as ROSTER

    return {f: syn[0] for f, syn in {**ATTENDANCE, **ROSTER}.items() if syn}


def posts_import_summary(result, source: str, what: str, parent: QWidget | None = None) -> ImportSummary:
    """The summary of a roster or attendance import (``what``: 岗位花名册 / 考勤)."""
    from ...exporters.import_report import write_import_report

    c = result.counts
    counters = ("posts_created", "assignments_created", "assignments_updated",
                "assignments_unchanged", "months_created", "months_replaced", "months_unchanged")
    figures = [("rows_imported", result.rows_imported), *((k, c[k]) for k in counters if k in c),
               ("rows_rejected", result.rows_rejected),
               ("rows_with_warnings", len({i.row for i in result.warning_rows})),
               ("rows_skipped", result.rows_skipped)]
    labels, name = field_labels(), f"{what}导入问题清单"
    return ImportSummary(
        result, source, figures, list_name=name, field_labels=labels, month=c.get("month"),
        household_codes=False, reason_codes=True, parent=parent,
        write=lambda path: write_import_report(result, path, title=name, field_labels=labels))


class _ChangeRow:
    __slots__ = ("worker_name", "month", "added", "changed")

    def __init__(self, c):
        self.worker_name, self.month = c.worker_name, f"{c.month:%Y-%m}"
        self.added, self.changed = c.added, c.changed


class AttendanceImportPreview(QDialog):
    """What an attendance file would change (per worker: marks added / changed), before it is
    applied. Accept: import it; reject: nothing is written."""

    def __init__(self, result, source: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.result = result
        self.setWindowTitle(self.tr("Check Attendance Changes"))
        self.resize(620, 480)
        c = result.counts
        head = self.tr("File: %1").replace("%1", Path(source).name)
        if c.get("month"):
            head += "　" + self.tr("Month: %1").replace("%1", str(c["month"]))
        self.head = QLabel(head)
        self.text = QLabel(
            self.tr("Importing changes the attendance of %1 workers: %2 days added, %3 days "
                    "changed. %4 rows cannot be imported (listed after the import).")
            .replace("%1", str(len(result.changes))).replace("%2", str(c.get("marks_added", 0)))
            .replace("%3", str(c.get("marks_changed", 0))).replace("%4", str(result.rows_rejected)))
        self.text.setWordWrap(True)
        self.model = ColouredListModel([
            Column("worker_name", self.tr("Full name"), width=120),
            Column("month", self.tr("Month"), width=80),
            Column("added", self.tr("Days added"), "int", width=90),
            Column("changed", self.tr("Days changed"), "int", width=90),
        ], self)
        self.model.set_rows([_ChangeRow(x) for x in result.changes])
        self.table = make_table(self.model)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button.setText(self.tr("Import"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.head)
        layout.addWidget(self.text)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)


def start_import(parent: QWidget, ctx: AppContext, kind: str, on_done=None, path: str | None = None):
    """``kind`` "roster" (上岗花名册) or "attendance" (考勤表); returns the task or None."""
    roster = kind == "roster"
    title = (QCoreApplication.translate("PostsImport", "Import Post Roster") if roster
             else QCoreApplication.translate("PostsImport", "Import Attendance Sheet"))
    if path is None:
        path, _ = QFileDialog.getOpenFileName(
            parent, title, "",
            QCoreApplication.translate("PostsImport", "Excel files (*.xlsx *.xlsm *.xls)"))
    if not path:
        return None
    what = "上岗花名册" if roster else "考勤表"

    from ...services.posts.attendance_import import import_attendance
    from ...services.posts.importing import import_roster

    fn = import_roster if roster else import_attendance
    # an importer that reports progress can be cancelled (its one transaction rolls back);
    # without a progress hook the dialog only shows that the work goes on
    steps = "progress" in inspect.signature(fn).parameters

    def work(progress):
        progress(0, 0, QCoreApplication.translate("PostsImport", "Reading %1…")
                 .replace("%1", Path(path).name))
        return fn(ctx.db, path, progress=progress) if steps else fn(ctx.db, path)

    def done(result):
        if on_done is not None:
            on_done(result)
        dlg = posts_import_summary(result, path, what, parent)
        parent.import_summary = dlg  # tests and the tab reach the open summary here
        dlg.open()

    def failed(e):
        show_error(parent, e, QCoreApplication.translate("PostsImport", "Import failed"))

    if roster:
        return run_task(parent, title, work, on_result=done, cancellable=steps, on_error=failed)

    # attendance: a dry run first, the clerk sees what changes per worker, then it is applied
    def apply():
        parent.import_task = run_task(parent, title, work, on_result=done, cancellable=steps,
                                      on_error=failed)

    def preview(result):
        dlg = AttendanceImportPreview(result, path, parent)
        parent.import_preview = dlg  # tests reach the open preview here
        dlg.accepted.connect(apply)
        dlg.open()

    def dry(progress):
        progress(0, 0, QCoreApplication.translate("PostsImport", "Reading %1…")
                 .replace("%1", Path(path).name))
        return import_attendance(ctx.db, path, dry_run=True)

    return run_task(parent, title, dry, on_result=preview, on_error=failed, read_only=True)
