"""打印台账 / 导出 Excel / 一户一档 from the households tab.

Each asks what to produce and where, renders off the GUI thread (progress, cancel) and then
opens the result in the system viewer (PDF) so the clerk can check it and print.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QMessageBox,
    QSpinBox, QVBoxLayout, QWidget,
)

from ..common import print_preview
from ..common.context import AppContext
from ..common.ledger_dialog import LedgerDialog
# where outputs are saved and opened: shared with print_preview, medical/io and posts/output
from ..common.output_files import ask_save_path, open_file, output_dir, remember_folder
from ..common.tasks import run_task


class HouseholdLedgerDialog(LedgerDialog):
    """Which household ledger, which village, which year, PDF or Excel."""

    def __init__(self, villages: list[str], village: str | None = None, year: int | None = None,
                 parent: QWidget | None = None):
        from ...reports.household_ledgers import KINDS

        super().__init__(KINDS, [(name, name) for name in villages], village, parent=parent)
        self.setWindowTitle(self.tr("Print Ledger"))
        self.year = QSpinBox()
        self.year.setRange(1999, 2100)
        self.year.setSpecialValueText(self.tr("Latest year"))  # minimum = let the report choose
        self.year.setValue(year or 1999)
        self.setMinimumWidth(340)
        self.lay_out(self.village_row(), (self.tr("Year"), self.year))

    def choice(self) -> dict:
        year = self.year.value()
        return {**super().choice(), "year": None if year == self.year.minimum() else year}


def print_ledger(parent: QWidget, ctx: AppContext, villages: list[str], village: str | None = None,
                 year: int | None = None):
    dlg = HouseholdLedgerDialog(villages, village, year, parent)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    c = dlg.choice()
    path = ask_save_path(parent, QCoreApplication.translate("HouseholdPrint", "Save Ledger"),
                         f"{c['village'] or ''}{c['title']}{c['year'] or ''}", c["ext"])
    if not path:
        return None
    from ...services.households.ledger_data import write_household_ledger

    return run_task(parent, QCoreApplication.translate("HouseholdPrint", "Printing ledger…"),
                    lambda p: write_household_ledger(ctx.db, c["kind"], path, village=c["village"],
                                                     year=c["year"], progress=p),
                    on_result=lambda _pages: print_preview.open_result(parent, path, c["title"]))


class ExportDialog(QDialog):
    """Households or members to Excel, optionally masked for a public list (公示)."""

    def __init__(self, villages: list[str] = (), village: str | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export to Excel"))
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Households"), "households")
        self.kind.addItem(self.tr("Members"), "members")
        self.village = QComboBox()
        self.village.addItem(self.tr("All villages"), None)
        for name in villages:
            self.village.addItem(name, name)
        if village:
            self.village.setCurrentIndex(max(0, self.village.findData(village)))
        self.masked = QCheckBox(self.tr("Mask ID, bank and phone numbers (for public notices)"))
        form = QFormLayout()
        form.addRow(self.tr("Content"), self.kind)
        form.addRow(self.tr("Village"), self.village)
        form.addRow("", self.masked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)


def export_excel(parent: QWidget, ctx: AppContext, villages: list[str] = (),
                 village: str | None = None):
    dlg = ExportDialog(villages, village, parent)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    kind, masked, village = dlg.kind.currentData(), dlg.masked.isChecked(), dlg.village.currentData()
    name = ((village or "") + ("户信息" if kind == "households" else "家庭成员")
            + ("_公示" if masked else ""))
    path = ask_save_path(parent, QCoreApplication.translate("HouseholdPrint", "Export to Excel"),
                         name, ".xlsx")
    if not path:
        return None
    from ...services.households.export import export_households, export_members

    fn = export_households if kind == "households" else export_members

    def done(_result):
        QMessageBox.information(parent, QCoreApplication.translate("HouseholdPrint", "Export"),
                                QCoreApplication.translate("HouseholdPrint", "Saved to %1")
                                .replace("%1", path))

    def work(progress):
        progress(0, 0, "")
        return fn(ctx.db, path, masked=masked, village=village)

    return run_task(parent, QCoreApplication.translate("HouseholdPrint", "Exporting…"), work,
                    on_result=done)


def ask_one_or_each(parent: QWidget, n: int) -> str | None:
    """"one" (a single PDF), "each" (a PDF per household in a folder) or None (cancelled)."""
    box = QMessageBox(QMessageBox.Icon.Question,
                      QCoreApplication.translate("HouseholdPrint", "Household File"),
                      QCoreApplication.translate(
                          "HouseholdPrint",
                          "%1 households selected. Print them into one PDF, or one PDF per household?")
                      .replace("%1", str(n)), parent=parent)
    one = box.addButton(QCoreApplication.translate("HouseholdPrint", "One PDF"),
                        QMessageBox.ButtonRole.AcceptRole)
    each = box.addButton(QCoreApplication.translate("HouseholdPrint", "One PDF Each"),
                         QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(one)
    box.exec()
    clicked = box.clickedButton()
    return "one" if clicked is one else ("each" if clicked is each else None)


def print_household_files(parent: QWidget, ctx: AppContext, households: list[tuple[int, str]]):
    """一户一档 of the selected (id, 户编号) households: one PDF, or one file each in a folder."""
    if not households:
        QMessageBox.information(
            parent, QCoreApplication.translate("HouseholdPrint", "Household File"),
            QCoreApplication.translate("HouseholdPrint", "Select one or more households first."))
        return None
    from ...services.households.files import write_household_files

    ids = [hid for hid, _code in households]
    each = False
    if len(households) > 1:
        choice = ask_one_or_each(parent, len(households))
        if choice is None:
            return None
        each = choice == "each"
    title = QCoreApplication.translate("HouseholdPrint", "Printing household files…")
    if each:
        folder = QFileDialog.getExistingDirectory(
            parent, QCoreApplication.translate("HouseholdPrint", "Folder for the Household Files"),
            output_dir())
        if not folder:
            return None
        remember_folder(folder)

        def done(batch):
            QMessageBox.information(
                parent, QCoreApplication.translate("HouseholdPrint", "Household File"),
                QCoreApplication.translate("HouseholdPrint", "%1 files saved in %2")
                .replace("%1", str(len(batch.files))).replace("%2", folder))
            open_file(folder)

        return run_task(parent, title,
                        lambda p: write_household_files(ctx.db, ids, folder, progress=p),
                        on_result=done)
    more = f"等{len(ids)}户" if len(ids) > 1 else ""
    path = ask_save_path(parent, QCoreApplication.translate("HouseholdPrint", "Save Household File"),
                         f"一户一档_{households[0][1]}{more}", ".pdf")
    if not path:
        return None
    return run_task(parent, title, lambda p: write_household_files(ctx.db, ids, path, progress=p),
                    on_result=lambda _r: print_preview.show_preview(parent, path, Path(path).stem))
