"""导入上岗花名册 / 导入考勤表: file dialog → import off the GUI thread → summary with the rows
that were not imported (and why) and the warnings, savable as an Excel list to fix the file.

Each file is imported all or nothing (one transaction); a closed month's attendance is refused
as a whole by the importer.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QGridLayout, QHeaderView, QLabel, QMessageBox,
    QPushButton, QVBoxLayout, QWidget,
)

from ...domain.field_specs import label
from ..common.context import AppContext, show_error
from ..households.importing import fill_missing_names
from ..common.widgets import make_table
from .widgets import NOTICE, ColouredListModel
from ..common.list_model import Column
from ..common.tasks import run_task



def field_labels() -> dict[str, str]:
    """Importer field key -> the column title a clerk knows (first synonym of each column)."""
    from ...importers.attendance import COLUMNS as ATTENDANCE
    from ...importers.posts_roster import COLUMNS as ROSTER

    return {f: syn[0] for f, syn in {**ATTENDANCE, **ROSTER}.items() if syn}


class _Issue:
    __slots__ = ("kind", "row", "code", "name", "field", "message", "reject")

    def __init__(self, kind: str, issue, reject: bool, labels: dict[str, str]):
        self.kind, self.reject = kind, reject
        self.row, self.code, self.message = issue.row, issue.code, issue.message
        self.name = issue.name or ""
        self.field = labels.get(issue.field or "") or label(issue.field or "")


class PostsImportSummary(QDialog):
    def __init__(self, result, source: str, what: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.result, self.what = result, what
        self.setWindowTitle(self.tr("Import Result"))
        self.resize(920, 560)
        c = result.counts
        counters = {
            "posts_created": self.tr("New posts"),
            "assignments_created": self.tr("New assignments"),
            "assignments_updated": self.tr("Assignments updated"),
            "assignments_unchanged": self.tr("Assignments unchanged"),
            "months_created": self.tr("Workers' months entered"),
            "months_replaced": self.tr("Workers' months replaced"),
            "months_unchanged": self.tr("Workers' months unchanged"),
        }
        pairs = [(self.tr("Rows imported"), result.rows_imported)]
        pairs += [(label, c[k]) for k, label in counters.items() if k in c]
        pairs += [(self.tr("Rows rejected"), result.rows_rejected),
                  (self.tr("Rows with warnings"), len({i.row for i in result.warning_rows})),
                  (self.tr("Blank or total rows skipped"), result.rows_skipped)]
        head = self.tr("File: %1").replace("%1", Path(source).name)
        if c.get("month"):
            head += "　" + self.tr("Month: %1").replace("%1", str(c["month"]))
        grid = QGridLayout()
        for i, (label, value) in enumerate(pairs):
            number = QLabel(f"{value:,}")
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(QLabel(label), i // 4, (i % 4) * 2)
            grid.addWidget(number, i // 4, (i % 4) * 2 + 1)
        grid.setHorizontalSpacing(16)
        grid.setColumnStretch(8, 1)
        self.summary_text = "；".join(f"{label}：{value}" for label, value in pairs)
        labels = field_labels()
        self.issues = [_Issue(self.tr("Not imported"), i, True, labels)
                       for i in sorted(result.rejects, key=lambda i: i.row)]
        self.issues += [_Issue(self.tr("Warning"), i, False, labels)
                        for i in sorted(result.warning_rows, key=lambda i: i.row)]
        fill_missing_names(self.issues)
        self.model = ColouredListModel([
            Column("kind", self.tr("Issue type"), width=60),
            Column("row", self.tr("Sheet row"), "int", width=50),
            Column("name", self.tr("Full name"), width=70),
            Column("field", self.tr("Column in sheet"), width=90),
            Column("code", self.tr("Reason code"), "code", width=110),
            Column("message", self.tr("Reason"), width=400),
        ], self)
        self.model.colour = lambda i: NOTICE if i.reject else None
        self.model.set_rows(self.issues)
        self.table = make_table(self.model)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        if len(self.issues) <= 2000:  # measuring rows costs time; long lists keep tooltips
            self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = QPushButton(self.tr("Save List…"))
        self.save_button.setEnabled(bool(self.issues))
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self.save_list)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.head = QLabel(head)
        layout.addWidget(self.head)
        layout.addLayout(grid)
        if self.issues:
            layout.addWidget(QLabel(self.tr("Rows that were not imported, or imported with a warning:")))
            layout.addWidget(self.table, 1)
        else:
            self.table.hide()
            layout.addWidget(QLabel(self.tr("Every row was imported.")))
            layout.addStretch(1)
        layout.addWidget(buttons)

    @Slot()
    def save_list(self) -> None:
        from ...exporters.import_report import write_import_report
        from .output import ask_path

        path = ask_path(self, f"{self.what}导入问题清单", ".xlsx")
        if not path:
            return
        try:
            write_import_report(self.result, path, title=f"{self.what}导入问题清单",
                                field_labels=field_labels())
        except Exception as exc:  # noqa: BLE001 - shown to the clerk, details logged
            show_error(self, exc)
            return
        QMessageBox.information(self, self.tr("Saved"),
                                self.tr("The list was saved to %1").replace("%1", path))


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
        dlg = PostsImportSummary(result, path, what, parent)
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
