"""导入… / 导出 Excel / 打印台账 of the medical tab. Each runs off the GUI thread through run_task
(progress after 0.5 s, cancel) and ends with something the clerk can check: the import summary with
its reject list (savable as Excel), a message naming the exported file, or the PDF opened in the
system viewer."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QMessageBox,
    QVBoxLayout, QWidget,
)

from ..common import print_preview
from ..common.context import AppContext, show_error
from ..common.import_summary import ImportSummary
from ..common.ledger_dialog import LedgerDialog
from ..common.output_files import ask_save_path, output_dir, remember_dir
from ..common.tasks import run_task
from ..common.widgets import PeriodPicker


# -- import ------------------------------------------------------------------------------------
def medical_import_summary(result, source: str, parent: QWidget | None = None) -> ImportSummary:
    """The summary of a settlements import, its columns named as the sheet names them."""
    from ...importers.medical import COLUMNS
    from ...services.medical.importing import write_issue_report

    c = result.counts
    figures = [("rows_imported", result.rows_imported),
               *((k, c.get(k, 0)) for k in ("settlements_created", "settlements_updated",
                                            "settlements_unchanged")),
               ("rows_rejected", result.rows_rejected),
               ("rows_with_warnings", len({i.row for i in result.warning_rows})),
               ("rows_skipped", result.rows_skipped)]
    return ImportSummary(result, source, figures, list_name="医疗结算导入问题清单",
                         field_labels={f: syn[0] for f, syn in COLUMNS.items() if syn},
                         write=lambda path: write_issue_report(path, result), parent=parent)


def start_import(parent: QWidget, ctx: AppContext, on_done=None, path: str | None = None):
    """Ask for the sheet (unless given), import it off the GUI thread, show the summary."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(parent, QCoreApplication.translate("MedicalIO", "Import Medical Settlements"), output_dir(),
                                              QCoreApplication.translate("MedicalIO", "Excel files (*.xlsx *.xlsm *.xls)"))
    if not path:
        return None
    remember_dir(path)
    from ...services.medical.importing import import_medical

    def done(result):
        if on_done is not None:
            on_done(result)
        dlg = medical_import_summary(result, path, parent)
        parent.import_summary = dlg  # tests and the tab reach the open summary through this
        dlg.open()

    return run_task(parent, QCoreApplication.translate("MedicalIO", "Importing medical settlements…"),
                    lambda progress: import_medical(ctx.db, path, progress=progress),
                    on_result=done, on_error=lambda e: show_error(parent, e, QCoreApplication.translate("MedicalIO", "Import failed")))


# -- export ------------------------------------------------------------------------------------
class ExportDialog(QDialog):
    def __init__(self, villages: list[tuple[int, str]], flt=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export Settlements to Excel"))
        self.period = PeriodPicker(allow_all=True)
        self.village = QComboBox()
        self.village.addItem(self.tr("All villages"), None)
        for vid, name in villages:
            self.village.addItem(name, vid)
        if flt is not None:
            self.period.set_period(flt.period)
            self.village.setCurrentIndex(max(0, self.village.findData(flt.village_id)))
        self.masked = QCheckBox(self.tr("Mask ID numbers (for public notices)"))
        form = QFormLayout()
        form.addRow(self.tr("Period"), self.period)
        form.addRow(self.tr("Village"), self.village)
        form.addRow("", self.masked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(400)


def export_excel(parent: QWidget, ctx: AppContext, villages, flt=None, path: str | None = None,
                 masked: bool | None = None):
    """导出 Excel: ask period / village / masking (unless given), then write off the GUI thread."""
    from ...services.medical.settlements import SettlementFilter

    if path is None:
        dlg = ExportDialog(villages, flt, parent)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        period, vid, masked = dlg.period.period(), dlg.village.currentData(), dlg.masked.isChecked()
        vname = dlg.village.currentText() if vid else ""
        name = f"{vname}医疗救助结算明细{period.key if period else ''}" + ("_公示" if masked else "")
        path = ask_save_path(parent, QCoreApplication.translate("MedicalIO", "Export to Excel"),
                             name, ".xlsx")
        if not path:
            return None
    else:
        period = flt.period if flt else None
        vid = flt.village_id if flt else None
        vname = dict(villages).get(vid, "") if vid else ""
    remember_dir(path)
    out = SettlementFilter(period=period, village_id=vid, order="ledger")
    info = "　".join(x for x in (f"结算期间：{period.label}" if period else "",
                                 f"行政村：{vname}" if vname else "",
                                 "证件号码已打码（公示用）" if masked else "") if x)

    def work(progress):
        from ...services.medical.export import export_medical

        progress(0, 0, QCoreApplication.translate("MedicalIO", "Writing the workbook…"))
        return export_medical(ctx.db, path, out, masked=bool(masked), info=info)

    def done(n):
        QMessageBox.information(parent, QCoreApplication.translate("MedicalIO", "Export"), QCoreApplication.translate("MedicalIO", "%1 settlements saved to %2")
                                .replace("%1", f"{n:,}").replace("%2", path))

    return run_task(parent, QCoreApplication.translate("MedicalIO", "Exporting…"), work, on_result=done)


# -- ledgers -----------------------------------------------------------------------------------
class MedicalLedgerDialog(LedgerDialog):
    """Which ledger (医疗救助 / 慢性病卡 / 家庭医生签约), how grouped, which period and village."""

    def __init__(self, villages: list[tuple[int, str]], kind: str = "medical", flt=None,
                 parent: QWidget | None = None):
        from ...reports.medical_ledgers import GROUPINGS, KINDS

        # the ledgers take the village by name
        village = dict(villages).get(flt.village_id) if flt is not None else None
        super().__init__(KINDS, [(name, name) for _vid, name in villages], village, kind, parent)
        self.setWindowTitle(self.tr("Print Medical Ledger"))
        self.by = QComboBox()
        for key, title in GROUPINGS.items():
            self.by.addItem(title, key)
        self.period = PeriodPicker(allow_all=False)
        self.below = QCheckBox(self.tr("Only settlements below the target ratio"))
        self.gaps = QCheckBox()
        if flt is not None:
            if flt.period is not None:
                self.period.set_period(flt.period)
            self.below.setChecked(flt.below_target_only)
        self.setMinimumWidth(420)
        self.lay_out((self.tr("Grouping"), self.by), (self.tr("Period"), self.period),
                     self.village_row(), ("", self.below), ("", self.gaps))

    def kind_changed(self, *_a) -> None:
        kind = self.kind.currentData()
        self.form.setRowVisible(self.by, kind == "medical")
        self.form.setRowVisible(self.below, kind == "medical")
        self.form.setRowVisible(self.period, kind != "chronic")
        self.form.setRowVisible(self.gaps, kind != "medical")
        self.period.part.setEnabled(kind == "medical")  # the signing ledger is per year
        self.gaps.setText(self.tr("Only chronic patients without a family doctor") if kind == "chronic"
                          else self.tr("Only signings overdue for a follow-up"))
        self.adjustSize()

    def choice(self) -> dict:
        kind = self.kind.currentData()
        period = self.period.period()
        if kind == "signing":
            period = type(period)(period.year)  # the signing ledger is per year
        return {**super().choice(),
                "by": self.by.currentData() if kind == "medical" else "settlement",
                "period": period if kind != "chronic" else None,
                "below_target_only": kind == "medical" and self.below.isChecked(),
                "gaps_only": kind != "medical" and self.gaps.isChecked()}


def default_name(c: dict) -> str:
    """The file name offered for the chosen ledger (without its extension)."""
    period = c["period"].key if c.get("period") is not None else ""
    return f"{c['village'] or ''}{c['title']}{period}"


def print_ledger(parent: QWidget, ctx: AppContext, villages, kind: str = "medical", flt=None):
    dlg = MedicalLedgerDialog(villages, kind, flt, parent)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    c = dlg.choice()
    path = ask_save_path(parent, QCoreApplication.translate("MedicalIO", "Save Ledger"),
                         default_name(c), c["ext"])
    if not path:
        return None
    return render_ledger(parent, ctx, c, path)


def render_ledger(parent: QWidget, ctx: AppContext, c: dict, path: str, open_after: bool = True):
    """Render the chosen ledger to ``path`` off the GUI thread, then open it."""
    from ...reports.medical_ledgers import render_medical_ledger
    from ...services.medical.ledger_data import medical_ledger_data

    def work(p):
        data = medical_ledger_data(ctx.db, c["kind"], period=c["period"], village=c["village"],
                                   by=c["by"], below_target_only=c["below_target_only"],
                                   gaps_only=c["gaps_only"], progress=p)
        return render_medical_ledger(data, path, progress=p)

    remember_dir(path)
    return run_task(parent, QCoreApplication.translate("MedicalIO", "Printing ledger…"), work,
                    on_result=lambda _pages: (print_preview.open_result(parent, path, c.get("title", ""))
                                              if open_after else None))
