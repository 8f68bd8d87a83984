"""工资: a month's wages per worker — the stored run of a closed month, else a fresh preview —
with every line of the selected worker's computation, so the clerk can explain the amount.

结账并打印花名册 closes the month (stores slips and lines, locks the attendance) and prints the
工资发放花名册 for signatures in one background task; the PDF opens in the system viewer.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QMessageBox, QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from ...domain.posts_calendar import month_end, month_text
from ..common.background_load import ListLoader
from ..common.context import show_error
from ..common.widgets import current_record, make_table, set_villages, village_combo
from .widgets import NOTICE, OVERDUE, ColouredListModel, MonthPicker
from ..common.list_model import Column

ZERO = Decimal("0.00")


class _Line:
    """One computation line as the detail table shows it."""

    __slots__ = ("label", "quantity", "rate", "amount")

    def __init__(self, ln):
        self.label, self.rate, self.amount = ln.label, ln.rate, ln.amount
        q = ln.quantity
        self.quantity = "" if q is None else f"{q.normalize():f}"


class WagesPage(QWidget):
    def __init__(self, ctx, notify, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.notify = ctx, notify
        self.run = None
        self.loader = ListLoader(self, self.tr("Loading…"))
        self.month = MonthPicker()
        self.village = village_combo(self.tr("All villages"))
        self.state = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Month")))
        top.addWidget(self.month)
        top.addWidget(QLabel(self.tr("Village")))
        top.addWidget(self.village)
        top.addWidget(self.state, 1)

        self.close_button = QPushButton(self.tr("Close Month and Print Payroll…"))
        self.close_button.setToolTip(self.tr(
            "Store this month's wages, lock its attendance and print the payroll for signatures"))
        self.payroll_button = QPushButton(self.tr("Print Payroll…"))
        self.notice_button = QPushButton(self.tr("Public Notice…"))
        self.bank_button = QPushButton(self.tr("Bank Disbursement List…"))
        self.annual_button = QPushButton(self.tr("Annual Summary…"))
        self.rules_button = QPushButton(self.tr("Wage Rules…"))
        buttons = QHBoxLayout()
        for b, slot in ((self.close_button, self.close_and_print),
                        (self.payroll_button, lambda: self._print("payroll")),
                        (self.notice_button, lambda: self._print("payroll-notice")),
                        (self.bank_button, self.bank_list),
                        (self.annual_button, lambda: self._print("wages-annual")),
                        (self.rules_button, self.edit_rules)):
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.warning = QLabel()
        self.warning.setProperty("role", "error")
        self.warning.setWordWrap(True)
        self.warning.hide()
        self.model = ColouredListModel([
            Column("village_name", self.tr("Village"), width=80),
            Column("worker_name", self.tr("Full name"), width=70),
            Column("id_masked", self.tr("ID number"), "code", width=160),
            Column("post_name", self.tr("Post"), width=150),
            Column("wage_standard", self.tr("Standard"), "money", width=70),
            Column("in_post_days", self.tr("Days in post"), "int", width=70),
            Column("required_days", self.tr("Required"), "int", width=50),
            Column("present_days", self.tr("Present"), "int", width=50),
            Column("leave_days", self.tr("Leave"), "int", width=45),
            Column("absent_days", self.tr("Absent"), "int", width=45),
            Column("grade", self.tr("Grade"), width=50),
            Column("red_flags", self.tr("Red flags"), "int", width=50),
            Column("yellow_flags", self.tr("Yellow flags"), "int", width=50),
            Column("base", self.tr("Base"), "money", width=75),
            Column("deductions", self.tr("Deductions"), "money", width=75),
            Column("additions", self.tr("Bonuses and corrections"), "money", width=85),
            Column("amount", self.tr("Amount paid"), "money", width=85),
        ], self)
        self.model.colour = lambda s: (OVERDUE if s.revocation_proposed else
                                       NOTICE if s.attendance_missing else None)
        # no attendance yet: nothing is computed, so the money cells say so instead of 0.00
        self.model.text = lambda s, c: (None if not s.attendance_missing else
                                        self.tr("No attendance") if c.key == "amount" else
                                        "—" if c.key == "base" else None)
        self.model.tip = lambda s: "；".join(
            t for t, on in ((self.tr("Revocation proposed (yellow flags)"), s.revocation_proposed),
                            (self.tr("No attendance entered this month"), s.attendance_missing),
                            (s.note, bool(s.note))) if on)
        self.table = make_table(self.model)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_lines())
        self.totals = QLabel()
        self.totals.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.lines_title = QLabel()
        self.lines_model = ColouredListModel([
            Column("label", self.tr("Item"), width=460),
            Column("quantity", self.tr("Quantity"), "int", width=60),
            Column("rate", self.tr("Rate"), "money", width=80),
            Column("amount", self.tr("Amount"), "money", width=90),
        ], self)
        self.lines_table = make_table(self.lines_model)
        self.lines_table.horizontalHeader().setStretchLastSection(False)
        self.lines_sum = QLabel()
        upper = QWidget()
        uv = QVBoxLayout(upper)
        uv.setContentsMargins(0, 0, 0, 0)
        uv.addWidget(self.table, 1)
        uv.addWidget(self.totals)
        lower = QWidget()
        lv = QVBoxLayout(lower)
        lv.setContentsMargins(0, 4, 0, 0)
        lv.addWidget(self.lines_title)
        lv.addWidget(self.lines_table, 1)
        lv.addWidget(self.lines_sum)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.warning)
        layout.addWidget(self.splitter, 1)
        self.month.changed.connect(self.reload)
        self.village.currentIndexChanged.connect(lambda _i: self.reload())

    def set_villages(self, villages) -> None:
        set_villages(self.village, villages)

    def focus_search(self) -> None:
        self.table.setFocus()

    def current(self):
        return current_record(self.table)

    # -- loading -----------------------------------------------------------------------------
    def reload(self, keep=None) -> None:
        from ...services.posts.payroll import wage_run

        cur = self.current()
        keep = keep if keep is not None else (cur.assignment_id if cur is not None else None)
        db, month, vid = self.ctx.db, self.month.month(), self.village.currentData()
        # a county's month of wages is computed in a worker; the page shows it when it is ready
        self.loader.load(lambda: wage_run(db, month, village_id=vid), lambda run: self._show(run, keep))

    def _show(self, run, keep) -> None:
        self.run = run
        self.model.set_rows(run.slips)
        row = next((i for i, s in enumerate(run.slips) if s.assignment_id == keep), 0)
        if run.slips:
            self.table.selectRow(row)
        self._show_lines()
        self._show_state()

    def _show_state(self) -> None:
        run = self.run
        label = month_text(run.month)
        if run.closed:
            when = run.closed_at.strftime("%Y-%m-%d %H:%M") if run.closed_at else ""
            self.state.setText(self.tr("%1: closed %2 by %3 — the stored payroll is shown")
                               .replace("%1", label).replace("%2", when)
                               .replace("%3", run.closed_by or "—"))
        else:
            self.state.setText(self.tr("%1: preview (not closed) — figures follow attendance "
                                       "and inspections").replace("%1", label))
        self.close_button.setEnabled(not run.closed and run.month <= dt.date.today())
        notes = []
        if run.missing_attendance:
            names = "、".join(s.worker_name for s in run.missing_attendance[:8])
            notes.append(self.tr("No attendance entered for %1 workers: %2")
                         .replace("%1", str(len(run.missing_attendance))).replace("%2", names))
        if run.revocations:
            names = "、".join(s.worker_name for s in run.revocations[:8])
            notes.append(self.tr("Revocation proposed (too many yellow flags): %1").replace("%1", names))
        self.warning.setText("\n".join(notes))
        self.warning.setVisible(bool(notes))
        slips = run.slips
        base = sum((s.base for s in slips), ZERO)
        minus = sum((s.deductions for s in slips), ZERO)
        plus = sum((s.additions for s in slips), ZERO)
        self.totals.setText(
            self.tr("Total: %1 workers · base %2 · deductions %3 · bonuses %4 · paid %5 yuan")
            .replace("%1", str(len(slips))).replace("%2", f"{base:,.2f}")
            .replace("%3", f"{minus:,.2f}").replace("%4", f"{plus:,.2f}")
            .replace("%5", f"{run.total:,.2f}"))

    def _show_lines(self) -> None:
        s = self.current()
        if s is None:
            self.lines_model.set_rows([])
            self.lines_title.setText(self.tr("Computation"))
            self.lines_sum.setText("")
            return
        self.lines_model.set_rows([_Line(ln) for ln in s.lines])
        self.lines_title.setText(self.tr("Computation for %1 (%2, %3)")
                                 .replace("%1", s.worker_name).replace("%2", s.post_name)
                                 .replace("%3", s.grade or "—"))
        total = sum((ln.amount for ln in s.lines), ZERO)
        self.lines_sum.setText(self.tr("Sum of the lines = amount paid: %1 yuan")
                               .replace("%1", f"{total:,.2f}"))

    # -- actions -----------------------------------------------------------------------------
    def _village(self):
        return (self.village.currentData(), self.village.currentText())

    def _print(self, kind: str):
        from .output import print_kind

        m = self.month.month()
        if kind == "wages-annual":
            return print_kind(self, self.ctx, kind, year=m.year, village=self._village())
        return print_kind(self, self.ctx, kind, month=m, village=self._village())

    @Slot()
    def bank_list(self):
        from .output import export_bank

        return export_bank(self, self.ctx, self.month.month(), self._village())

    @Slot()
    def edit_rules(self) -> None:
        from .rules_dialog import PostRulesDialog

        dlg = PostRulesDialog(self.ctx, self)
        if dlg.exec():
            self.notify("post_rules", [], self)

    @Slot()
    def close_and_print(self):
        """Confirm, close the month (township-wide), print the payroll PDF and open it."""
        from ...services.posts.payroll import preview_wages

        m = self.month.month()
        label = month_text(m)
        try:
            preview = preview_wages(self.ctx.db, m)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return None
        if not preview.slips:
            QMessageBox.information(self, self.tr("Close Month"),
                                    self.tr("Nobody was in post in %1.").replace("%1", label))
            return None
        text = (self.tr("Close %1 for the whole township?\n\n%2 workers, amount paid %3 yuan.\n\n"
                        "The wages are stored as computed now, the month's attendance is locked "
                        "(later changes need a reason and become corrections in the next month), "
                        "and the payroll is printed for signatures.")
                .replace("%1", label).replace("%2", str(len(preview.slips)))
                .replace("%3", f"{preview.total:,.2f}"))
        if month_end(m) >= dt.date.today():
            text += "\n\n" + self.tr("Careful: %1 has not ended yet.").replace("%1", label)
        if QMessageBox.question(self, self.tr("Close Month"), text) != QMessageBox.StandardButton.Yes:
            return None
        allow_missing = False
        if preview.missing_attendance:
            names = "、".join(s.worker_name for s in preview.missing_attendance[:10])
            if QMessageBox.question(
                    self, self.tr("Close Month"),
                    self.tr("No attendance was entered for %1 workers (%2). They are not paid "
                            "this month; attendance entered later is paid as a correction in the "
                            "next open month. Close the month anyway?")
                    .replace("%1", str(len(preview.missing_attendance))).replace("%2", names)
            ) != QMessageBox.StandardButton.Yes:
                return None
            allow_missing = True
        from .output import ask_path, file_name

        path = ask_path(self, file_name("payroll", m, None, None), ".pdf")
        if not path:
            return None
        from ...reports.posts_ledgers import write_ledger
        from ...services.posts.ledger_data import payroll_data
        from ...services.posts.payroll import close_month
        from ..common import print_preview
        from ..common.tasks import run_task

        def work(progress):
            progress(0, 0, self.tr("Closing %1…").replace("%1", label))
            close_month(self.ctx.db, m, allow_missing_attendance=allow_missing)
            return write_ledger(payroll_data(self.ctx.db, m), path, progress=progress)

        def done(result):
            self.notify("wages", [], self)
            print_preview.show_preview(self, path, os.path.basename(path))

        def failed(exc):
            show_error(self, exc)
            self.notify("wages", [], self)  # the month may be closed even if printing failed

        self.task = run_task(self, self.tr("Close Month and Print Payroll"), work,
                             on_result=done, on_error=failed)
        return self.task
