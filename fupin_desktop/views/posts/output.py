"""打印台账 / 导出 Excel of the posts tab: 人员台账, 签到考勤表, 工资发放花名册, 公示, 年度汇总,
the roster and attendance workbooks and the bank disbursement list (银行代发明细).

Every output is written off the GUI thread (run_task: progress after 0.5 s, cancel) and then
shown: a PDF opens in the system viewer for checking and printing, a workbook is named in a
message (and opened)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QMessageBox, QSpinBox,
    QVBoxLayout, QWidget,
)

from ...domain.posts_calendar import month_text
from ..common.context import AppContext, show_error
from ..common import print_preview
from ..common.ledger_dialog import LedgerDialog
from ..common.output_files import ask_save_path
from ..common.widgets import set_villages, village_combo
from .widgets import MonthPicker
from ..common.tasks import run_task

MONTHLY = ("attendance", "payroll", "payroll-notice")


def ask_path(parent: QWidget, name: str, ext: str) -> str | None:
    """Where to save ``name`` (in the folder used last); None when cancelled."""
    return ask_save_path(parent, QCoreApplication.translate("PostsOutput", "Save As"), name, ext)


def file_name(kind: str, month: dt.date | None, year: int | None, village_name: str | None) -> str:
    from ...reports.posts_ledgers import KINDS

    when = month_text(month) if kind in MONTHLY or (kind == "posts" and month) else (
        f"{year}年" if kind == "wages-annual" and year else "")
    return f"{village_name or ''}{when}{KINDS[kind]}"


def print_kind(parent: QWidget, ctx: AppContext, kind: str, *, month: dt.date | None = None,
               year: int | None = None, village: tuple | None = None, ext: str = ".pdf",
               path: str | None = None, on_done=None):
    """Render one posts ledger (KINDS) to PDF or Excel and open it; returns the task."""
    from ...reports.posts_ledgers import write_ledger
    from ...services.posts.ledger_data import posts_ledger_data

    vid, vname = village if village and village[0] is not None else (None, None)
    if kind in ("payroll", "payroll-notice") and month is not None:
        if not confirm_missing_attendance(parent, ctx, month, vid):
            return None
    path = path or ask_path(parent, file_name(kind, month, year, vname), ext)
    if not path:
        return None

    def done(result):
        if on_done is not None:
            on_done(result)
        print_preview.open_result(parent, path, file_name(kind, month, year, vname))

    return run_task(parent, QCoreApplication.translate("PostsOutput", "Printing…"),
                    lambda p: write_ledger(posts_ledger_data(ctx.db, kind, month=month, year=year,
                                                             village_id=vid), path, progress=p),
                    on_result=done)


def confirm_missing_attendance(parent: QWidget, ctx: AppContext, month: dt.date,
                               village_id=None) -> bool:
    """A payroll / 公示 of a month where someone has no attendance yet: ask first (they are
    listed at the top as 未录入考勤, with no amount). True: go on printing."""
    from ...services.posts.payroll import wage_run

    try:
        missing = wage_run(ctx.db, month, village_id=village_id).missing_attendance
    except Exception as exc:  # noqa: BLE001
        show_error(parent, exc)
        return False
    if not missing:
        return True
    names = "、".join(s.worker_name for s in missing[:10]) + ("…" if len(missing) > 10 else "")
    text = (QCoreApplication.translate(
        "PostsOutput", "No attendance was entered in %1 for %2 workers (%3). They are listed "
        "at the top as not entered, with no amount. Print anyway?")
        .replace("%1", month_text(month)).replace("%2", str(len(missing))).replace("%3", names))
    return QMessageBox.question(
        parent, QCoreApplication.translate("PostsOutput", "Attendance Not Entered"), text
    ) == QMessageBox.StandardButton.Yes


class PostsLedgerDialog(LedgerDialog):
    """Which posts ledger, for which month (the 年度汇总: which year) and village, PDF or Excel."""

    def __init__(self, villages, month: dt.date, village_id=None, kind: str = "posts",
                 parent: QWidget | None = None):
        from ...reports.posts_ledgers import KINDS

        super().__init__(KINDS, [(name, vid) for vid, name in villages], village_id, kind, parent)
        self.setWindowTitle(self.tr("Print Posts Ledger"))
        self.month = MonthPicker(month)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(month.year)
        self.lay_out((self.tr("Month"), self.month), (self.tr("Year"), self.year),
                     self.village_row())
        self.setMinimumWidth(360)

    def kind_changed(self, *_a) -> None:
        annual = self.kind.currentData() == "wages-annual"
        self.month.setEnabled(not annual)
        self.year.setEnabled(annual)

    def choice(self) -> dict:
        annual = self.kind.currentData() == "wages-annual"
        return {**super().choice(), "month": None if annual else self.month.month(),
                "year": self.year.value() if annual else None,
                "village_name": self.village.currentText()}


def print_ledger(parent: QWidget, ctx: AppContext, villages, month: dt.date, village_id=None,
                 kind: str = "posts"):
    dlg = PostsLedgerDialog(villages, month, village_id, kind, parent)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    c = dlg.choice()
    return print_kind(parent, ctx, c["kind"], month=c["month"], year=c["year"],
                      village=(c["village"], c["village_name"]), ext=c["ext"])


class PostsExportDialog(QDialog):
    """人员花名册 or a month's 考勤 to Excel (both re-importable), optionally masked."""

    def __init__(self, villages, month: dt.date, village_id=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export Posts to Excel"))
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Roster of post holders (in post that month)"), "posts")
        self.kind.addItem(self.tr("Roster of post holders (all records)"), "posts-all")
        self.kind.addItem(self.tr("Attendance sheet of the month"), "attendance")
        self.kind.addItem(self.tr("Bank disbursement list of the month"), "bank")
        self.month = MonthPicker(month)
        self.village = village_combo(self.tr("All villages"))
        set_villages(self.village, villages)
        self.village.setCurrentIndex(max(0, self.village.findData(village_id)))
        self.masked = QCheckBox(self.tr("Mask ID and bank numbers (for public notices)"))
        form = QFormLayout()
        form.addRow(self.tr("Content"), self.kind)
        form.addRow(self.tr("Month"), self.month)
        form.addRow(self.tr("Village"), self.village)
        form.addRow("", self.masked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self, *_a) -> None:
        kind = self.kind.currentData()
        self.month.setEnabled(kind != "posts-all")
        self.masked.setEnabled(kind != "bank")  # the bank needs the real numbers


def export_excel(parent: QWidget, ctx: AppContext, villages, month: dt.date, village_id=None):
    dlg = PostsExportDialog(villages, month, village_id, parent)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    kind, m = dlg.kind.currentData(), dlg.month.month()
    vid, vname = dlg.village.currentData(), dlg.village.currentText() if dlg.village.currentData() else ""
    masked = dlg.masked.isChecked() and kind != "bank"
    if kind == "bank":
        return export_bank(parent, ctx, m, (vid, vname))
    from ...services.posts.export import export_attendance, export_posts

    names = {"posts": f"{vname}{month_text(m)}公益性岗位人员花名册",
             "posts-all": f"{vname}公益性岗位上岗记录", "attendance": f"{vname}{month_text(m)}考勤表"}
    path = ask_path(parent, names[kind] + ("_公示" if masked else ""), ".xlsx")
    if not path:
        return None
    month = m if kind in ("posts", "attendance") else None

    def work(_progress):
        if kind == "attendance":
            return export_attendance(ctx.db, path, m, village_id=vid, masked=masked)
        return export_posts(ctx.db, path, month=month, village_id=vid, masked=masked)

    return run_task(parent, QCoreApplication.translate("PostsOutput", "Exporting…"), work,
                    on_result=lambda r: _saved(parent, r))


def export_bank(parent: QWidget, ctx: AppContext, month: dt.date, village=(None, "")):
    """银行代发明细 (real ID and account numbers, as text cells) for the month's wages."""
    from ...services.posts.export import export_bank as write_bank

    vid, vname = village
    path = ask_path(parent, f"{vname or ''}{month_text(month)}公益性岗位补贴银行代发明细", ".xlsx")
    if not path:
        return None
    return run_task(parent, QCoreApplication.translate("PostsOutput", "Exporting…"),
                    lambda _p: write_bank(ctx.db, path, month, village_id=vid),
                    on_result=lambda r: _saved(parent, r))


def _saved(parent: QWidget, result) -> None:
    text = (QCoreApplication.translate("PostsOutput", "%1 rows saved to %2")
            .replace("%1", str(result.rows)).replace("%2", result.out))
    if result.total is not None:
        text += "\n" + QCoreApplication.translate("PostsOutput", "Total: %1 yuan").replace(
            "%1", f"{result.total:,.2f}")
    if getattr(result, "missing_accounts", 0):
        text += "\n" + QCoreApplication.translate(
            "PostsOutput", "%1 workers have no bank account: fill it in before sending the list "
            "to the bank.").replace("%1", str(result.missing_accounts))
    QMessageBox.information(parent, QCoreApplication.translate("PostsOutput", "Export"), text)
