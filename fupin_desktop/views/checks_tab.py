"""数据检查 tab: run the 疑点 pre-check in the background, rules with counts, their findings."""
from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit, QFileDialog, QHBoxLayout, QInputDialog, QLabel, QPushButton, QSplitter, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from .common.base_tab import BaseTab
from .common.context import show_error
from .common.tasks import run_task


class ChecksTab(BaseTab):
    @classmethod
    def tab_title(cls) -> str:
        from PySide6.QtCore import QCoreApplication

        return QCoreApplication.translate("ChecksTab", "Data Check")

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.result = None
        self._pending_rule: str | None = None  # to select once the running check is done
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
        self.exempt_button = QPushButton(self.tr("Exempt Finding…"))
        self.exempt_button.setToolTip(self.tr("Verified and correct: count this finding apart"))
        self.exempt_button.clicked.connect(self.exempt_current)
        bar.addWidget(self.exempt_button)
        self.open_button = QPushButton(self.tr("Open Household"))
        self.open_button.clicked.connect(self.open_current)
        bar.addWidget(self.open_button)
        self.summary = QLabel()
        bar.addWidget(self.summary, 1)
        self.dialog = None
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
        self.findings.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.findings.horizontalHeader().setStretchLastSection(True)
        self.findings.doubleClicked.connect(lambda _i: self.open_current())
        self.shown: list = []
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
            code, self._pending_rule = self._pending_rule, None
            if code:
                self._select_rule(code)

        def failed(exc):
            self.run_button.setEnabled(True)
            show_error(self, exc)

        run_task(self, self.tr("Checking data"), work, on_result=done, on_error=failed,
                 read_only=True)

    def show_rule(self, code: str, as_of=None) -> None:
        """Show the findings of rule ``code`` (the 总览 page's findings chart): from the last
        check when it was on ``as_of``, else after checking again on that date."""
        from PySide6.QtCore import QDate

        if as_of is not None and (self.result is None or self.result.as_of != as_of):
            self.as_of.setDate(QDate(as_of.year, as_of.month, as_of.day))
            self._pending_rule = code
            self.run_check()
            return
        self._select_rule(code)

    def _select_rule(self, code: str) -> None:
        for row in range(self.rules.rowCount()):
            if self.rules.item(row, 0).text() == code:
                self.rules.selectRow(row)
                self.rules.scrollToItem(self.rules.item(row, 0))
                return

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
        self.shown = found
        self.findings.setRowCount(len(found))
        for row, f in enumerate(found):
            detail = f.detail + (self.tr(" (exempted)") if f.exempted else "")
            for col, text in enumerate((f.village, f.household, f.head, f.member or "", detail)):
                self.findings.setItem(row, col, QTableWidgetItem(text))
        self.findings.resizeColumnsToContents()

    def current_finding(self):
        rows = self.findings.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.shown):
            return None
        return self.shown[rows[0].row()]

    def exempt_current(self) -> None:
        """核实无误: ask the reason, record the exemption, count the finding apart."""
        import dataclasses

        from ..errors import UserError
        from ..services.checks import exempt_finding

        f = self.current_finding()
        if f is None or f.exempted:
            return
        reason, ok = QInputDialog.getText(self, self.tr("Exempt Finding…"),
                                          self.tr("Why is this correct? (verified on site, documents seen …)"))
        if not ok or not reason.strip():
            return
        try:
            exempt_finding(self.ctx.db, f, reason.strip())
        except UserError as exc:
            show_error(self, exc)
            return
        same = lambda x: (x.code, x.household) == (f.code, f.household) and (f.member is None or x.member == f.member)  # noqa: E731
        self.result.findings = [dataclasses.replace(x, exempted=True) if same(x) else x
                                for x in self.result.findings]
        selected = self.rules.currentRow()
        self._show(self.result)
        self.rules.selectRow(selected)
        self._show_findings()

    def open_current(self):
        from .households.dialog import HouseholdDialog
        from ..services.checks import household_id_of

        f = self.current_finding()
        if f is None or not f.household:
            return None
        hid = household_id_of(self.ctx.db, f.household)
        if hid is None:
            return None
        try:
            dlg = HouseholdDialog(self.ctx, hid, self, check_as_of=self.result.as_of if self.result else None)
        except Exception as exc:  # noqa: BLE001 - e.g. removed meanwhile
            show_error(self, exc)
            return None
        dlg.show_page("findings")
        dlg.saved.connect(lambda h: self.ctx.changed.emit("households", [h]))
        self.dialog = dlg  # tests reach it here
        dlg.open()
        return dlg

    def export_report(self) -> None:
        from ..cli.cmd_check import _write_pdf, _write_xlsx

        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export Report…"), "疑点检查报告.xlsx",
                                              "Excel (*.xlsx);;PDF (*.pdf)")
        if path and self.result is not None:
            try:
                if path.lower().endswith(".pdf"):
                    _write_pdf(self.ctx.db, self.result, path)
                else:
                    _write_xlsx(self.result, path)
            except OSError as exc:
                show_error(self, exc)
