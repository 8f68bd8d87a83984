"""数据检查 tab: run the 疑点 pre-check in the background, rules with counts, their findings."""
from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit, QFileDialog, QHBoxLayout, QLabel, QPushButton, QSplitter, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from .base_tab import BaseTab
from .context import show_error
from .tasks import run_task


class ChecksTab(BaseTab):
    @classmethod
    def tab_title(cls) -> str:
        from PySide6.QtCore import QCoreApplication

        return QCoreApplication.translate("ChecksTab", "Data Check")

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.result = None
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Check date")))
        self.as_of = QDateEdit(QDate.currentDate(), calendarPopup=True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        bar.addWidget(self.as_of)
        self.run_button = QPushButton(self.tr("Run Check"))
        self.run_button.clicked.connect(self.run_check)
        bar.addWidget(self.run_button)
        self.export_button = QPushButton(self.tr("Export Report…"))
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export_report)
        bar.addWidget(self.export_button)
        self.summary = QLabel()
        bar.addWidget(self.summary, 1)
        self.rules = QTableWidget(0, 5)
        self.rules.setHorizontalHeaderLabels([self.tr("Code"), self.tr("Rule"), self.tr("Severity"),
                                              self.tr("Count"), self.tr("Exempted")])
        self.rules.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.rules.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.rules.itemSelectionChanged.connect(self._show_findings)
        self.findings = QTableWidget(0, 5)
        self.findings.setHorizontalHeaderLabels([self.tr("Village"), self.tr("Household No."), self.tr("Head"),
                                                 self.tr("Member"), self.tr("Detail")])
        self.findings.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.findings.horizontalHeader().setStretchLastSection(True)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.rules)
        split.addWidget(self.findings)
        split.setSizes([420, 680])
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(split, 1)

    def run_check(self) -> None:
        from ..services.checks import run_check

        as_of = self.as_of.date().toPython()
        db = self.ctx.db
        self.run_button.setEnabled(False)

        def work(progress):
            return run_check(db, as_of)

        def done(result):
            self.run_button.setEnabled(True)
            self._show(result)

        def failed(exc):
            self.run_button.setEnabled(True)
            show_error(self, exc)

        run_task(self, self.tr("Checking data"), work, on_result=done, on_error=failed)

    def _show(self, result) -> None:
        self.result = result
        counts, ex = result.counts(), result.counts(exempted=True)
        self.rules.setRowCount(len(result.rules))
        for row, r in enumerate(result.rules):
            for col, text in enumerate((r.code, r.name, r.severity, str(counts[r.code]), str(ex[r.code]))):
                item = QTableWidgetItem(text)
                if col == 1:
                    item.setToolTip(r.fix)
                self.rules.setItem(row, col, item)
        self.rules.resizeColumnsToContents()
        self.summary.setText(self.tr("%1 households, %2 findings, %3 exempted")
                             .replace("%1", str(result.households)).replace("%2", str(sum(counts.values())))
                             .replace("%3", str(sum(ex.values()))))
        self.export_button.setEnabled(True)

    def _show_findings(self) -> None:
        rows = self.rules.selectionModel().selectedRows()
        if not rows or self.result is None:
            return
        code = self.rules.item(rows[0].row(), 0).text()
        found = [f for f in self.result.findings if f.code == code]
        self.findings.setRowCount(len(found))
        for row, f in enumerate(found):
            for col, text in enumerate((f.village, f.household, f.head, f.member or "", f.detail)):
                self.findings.setItem(row, col, QTableWidgetItem(text))
        self.findings.resizeColumnsToContents()

    def export_report(self) -> None:
        from ..cli.cmd_check import _write_xlsx

        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export Report…"), "疑点检查报告.xlsx", "Excel (*.xlsx)")
        if path and self.result is not None:
            try:
                _write_xlsx(self.result, path)
            except OSError as exc:
                show_error(self, exc)
