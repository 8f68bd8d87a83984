"""The archive tab's actions: registered files (add, edit, remove), preview, build, check,
print the paper documents, close the year, the year's details and the settings.

A mixin of ``ArchiveTab`` (kept apart to keep modules small). Its strings use the tab's
translation context explicitly: ``self.tr`` here would look them up under this class's name.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..common import print_preview
from .dialogs import BuildDialog, ItemDialog, PaperDialog, ReportDialog, YearDialog, open_path
from ...services.progress import Cancelled
from ..common.context import show_error
from ..common.tasks import run_task


class ArchiveActions:
    """Needs from the tab: ctx, year, info, current_row(), selected_rows()."""

    # -- registered files --------------------------------------------------------------------
    def _categories(self) -> list[tuple[str, str]]:
        from ...services.archive.settings import load_config

        return [(c.code, c.name) for c in load_config(self.ctx.db).categories]

    @Slot()
    def add_files(self, paths: list[str] | None = None) -> None:
        if isinstance(paths, bool):  # a signal's `checked` flag, not a list of paths
            paths = None
        if self.year is None:
            return
        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(
                self, QCoreApplication.translate("ArchiveTab", "Add Files to the Archive"), str(QSettings().value("archive/add_dir", "")),
                QCoreApplication.translate("ArchiveTab", "Scans and documents (*.pdf *.jpg *.jpeg *.png *.tif *.tiff)"))
        from ...services.archive.files import add_registered
        from ...services.archive.settings import load_config
        from ...services.settings import township_info

        cfg, info = load_config(self.ctx.db), township_info(self.ctx.db)
        for path in paths:
            QSettings().setValue("archive/add_dir", str(Path(path).parent))
            dlg = ItemDialog(Path(path).name, [(c.code, c.name) for c in cfg.categories],
                             default_category=cfg.category_of("registered"),
                             default_retention=cfg.retention_of("registered"),
                             responsible=info.fonds_name, parent=self)
            dlg.title.setText(Path(path).stem)
            self.item_dialog = dlg  # tests reach it here
            while dlg.exec() == ItemDialog.DialogCode.Accepted:
                try:
                    add_registered(self.ctx.db, self.year, path, dlg.meta())
                    break
                except Exception as exc:  # noqa: BLE001 - shown in the dialog, the clerk fixes it
                    if not self._dialog_error(dlg, exc):
                        break
        self.ctx.changed.emit("archive", [])

    def _dialog_error(self, dlg, exc) -> bool:
        """Show a fixable error in the dialog (True: let the clerk retry), else a message box."""
        from ...errors import ValidationError

        if isinstance(exc, ValidationError):
            dlg.show_error(str(exc))
            return True
        show_error(self, exc)
        return False

    @Slot()
    def edit_current(self) -> None:
        row = self.current_row()
        if row is None or row.origin != "registered":
            QMessageBox.information(self, QCoreApplication.translate("ArchiveTab", "Edit"), QCoreApplication.translate("ArchiveTab", 
                "Only registered files can be edited here; ledgers and household files come from the data."))
            return
        from ...services.archive.files import ItemMeta, update_registered

        meta = ItemMeta(row.title, row.responsible, row.doc_no, row.date, row.secret, row.retention,
                        row.category, row.remark)
        dlg = ItemDialog(row.code, self._categories(), meta=meta,
                         numbered=bool(self.info and self.info.closed), parent=self)
        self.item_dialog = dlg
        while dlg.exec() == ItemDialog.DialogCode.Accepted:
            try:
                update_registered(self.ctx.db, row.record_id, row.version, dlg.meta())
                break
            except Exception as exc:  # noqa: BLE001
                if not self._dialog_error(dlg, exc):
                    break
        self.ctx.changed.emit("archive", [])

    @Slot()
    def remove_selected(self) -> None:
        rows = [r for r in self.selected_rows() if r.origin == "registered"]
        if not rows:
            QMessageBox.information(self, QCoreApplication.translate("ArchiveTab", "Remove"), QCoreApplication.translate("ArchiveTab", 
                "Select registered files to remove; ledgers and household files come from the data."))
            return
        names = "\n".join(r.title for r in rows[:10])
        if QMessageBox.question(self, QCoreApplication.translate("ArchiveTab", "Remove"), QCoreApplication.translate("ArchiveTab", "Remove these files from the year?\n%1")
                                .replace("%1", names)) != QMessageBox.StandardButton.Yes:
            return
        from ...services.archive.files import remove_registered

        try:
            for r in rows:
                remove_registered(self.ctx.db, r.record_id)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
        self.ctx.changed.emit("archive", [])

    # -- preview, build, verify, print ---------------------------------------------------------
    @Slot()
    def preview_current(self) -> None:
        row = self.current_row()
        if row is None or self.year is None:
            return
        from ...services.archive.build import preview_item

        out = Path(tempfile.gettempdir()) / "fupin_preview" / f"{row.code}.pdf"
        out.parent.mkdir(parents=True, exist_ok=True)
        db, year = self.ctx.db, self.year
        self.task = run_task(self, QCoreApplication.translate("ArchiveTab", "Preparing preview…"),
                             lambda p: preview_item(db, year, row.key, out),
                             on_result=open_path, read_only=True)

    def output_dir(self) -> str:
        saved = QSettings().value(f"archive/out/{self.year}")
        return str(saved) if saved else str(Path.home() / "归档数据包" / f"{self.year}年度")

    @Slot()
    def build(self, out_dir: str | None = None, iso: bool = False):
        """Build (or continue) the package; returns the task. Without ``out_dir`` the clerk
        chooses the folder."""
        if isinstance(out_dir, bool):  # a signal's `checked` flag, not a folder
            out_dir = None
        if self.year is None:
            return None
        if out_dir is None:
            dlg = BuildDialog(self.output_dir(), self)
            if dlg.exec() != BuildDialog.DialogCode.Accepted or not dlg.folder.text().strip():
                return None
            out_dir, iso = dlg.folder.text().strip(), dlg.iso.isChecked()
        QSettings().setValue(f"archive/out/{self.year}", out_dir)
        from ...services.archive.build import build_year

        db, year = self.ctx.db, self.year

        def work(progress):
            def report(done, total, text):
                try:
                    progress(done, total, text)
                except Cancelled:
                    pass  # the build polls cancel() itself and stops cleanly (BuildCancelled)
            return build_year(db, year, out_dir, report, cancel=lambda: progress.cancelled, iso=iso)

        def done(result):
            self.ctx.changed.emit("archive", [])
            self._report(QCoreApplication.translate("ArchiveTab", "Archive Package Built"), result.text(), str(result.out_dir))

        def failed(exc):
            self.ctx.changed.emit("archive", [])  # page counts of what was finished are kept
            show_error(self, exc)

        self.task = run_task(self, QCoreApplication.translate("ArchiveTab", "Building the archive package…"), work,
                             on_result=done, on_error=failed)
        return self.task

    def _report(self, title: str, text: str, folder: str | None) -> None:
        self.report_dialog = ReportDialog(title, text, folder, self)
        self.report_dialog.open()

    @Slot()
    def verify(self, out_dir: str | None = None):
        if isinstance(out_dir, bool):  # a signal's `checked` flag, not a folder
            out_dir = None
        if out_dir is None:
            out_dir = QFileDialog.getExistingDirectory(self, QCoreApplication.translate("ArchiveTab", "Choose the Package Folder to Check"),
                                                       self.output_dir())
            if not out_dir:
                return None
        from ...services.archive.build import verify_dir

        def done(rep):
            self._report(QCoreApplication.translate("ArchiveTab", "Package Check Passed") if rep.ok else QCoreApplication.translate("ArchiveTab", "Package Check Failed"),
                         rep.text(), out_dir)

        self.task = run_task(self, QCoreApplication.translate("ArchiveTab", "Checking the package…"),
                             lambda p: verify_dir(out_dir, lambda d, t, s: p(d, t, s),
                                                  cancel=lambda: p.cancelled, db=self.ctx.db),
                             on_result=done, read_only=True)
        return self.task

    @Slot()
    def open_output(self) -> None:
        path = Path(self.output_dir())
        if not path.is_dir():
            QMessageBox.information(self, QCoreApplication.translate("ArchiveTab", "Open Output Folder"),
                                    QCoreApplication.translate("ArchiveTab", "No package has been built for this year yet."))
            return
        open_path(path)

    @Slot()
    def print_documents(self, keys: list[str] | None = None, out_dir: str | None = None):
        from ...services.archive.paper import PAPER_TITLES, print_documents

        if self.year is None:
            return None
        if keys is None:
            dlg = PaperDialog(PAPER_TITLES, self)
            if dlg.exec() != PaperDialog.DialogCode.Accepted or not dlg.chosen():
                return None
            keys = dlg.chosen()
        out_dir = out_dir or str(Path(self.output_dir()).parent / f"{self.year}年度纸质文件")
        db, year = self.ctx.db, self.year

        def done(paths):
            for p in paths:
                print_preview.open_result(self, str(p), Path(p).stem)  # check, then print

        self.task = run_task(self, QCoreApplication.translate("ArchiveTab", "Making the paper documents…"),
                             lambda p: print_documents(db, year, keys, out_dir),
                             on_result=done)
        return self.task

    # -- year --------------------------------------------------------------------------------
    @Slot()
    def close_year(self) -> None:
        if self.year is None:
            return
        text = QCoreApplication.translate("ArchiveTab", "Close year %1?\n\nItem numbers (件号) and box numbers become fixed, as printed "
                       "on the catalogue and the spine labels. Files added later are numbered after "
                       "the last item of their category. Build the package first so that every page "
                       "count is known.").replace("%1", str(self.year))
        if QMessageBox.question(self, QCoreApplication.translate("ArchiveTab", "Close Year"), text) != QMessageBox.StandardButton.Yes:
            return
        from ...services.archive.close import close_year

        db, year = self.ctx.db, self.year
        self.task = run_task(self, QCoreApplication.translate("ArchiveTab", "Closing the year…"), lambda p: close_year(db, year),
                             cancellable=False,
                             on_result=lambda r: self.ctx.changed.emit("archive", []))

    @Slot()
    def edit_year(self) -> None:
        if self.info is None:
            return
        from ...services.archive.years import update_year

        dlg = YearDialog(self.info, self)
        if dlg.exec() != YearDialog.DialogCode.Accepted:
            return
        try:
            update_year(self.ctx.db, self.info.year, self.info.version, **dlg.values())
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
        self.ctx.changed.emit("archive", [])

    @Slot()
    def edit_settings(self) -> None:
        from .settings_dialog import ArchiveSettingsDialog

        ArchiveSettingsDialog(self.ctx, self).exec()

    @Slot(int)
    def _thickness_chosen(self, _index: int) -> None:
        from ...services.archive.settings import set_box_thickness

        try:
            with self.ctx.db.write(reason="修改档案盒厚度") as s:
                set_box_thickness(s, self.thickness.currentData())
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
        self.ctx.changed.emit("archive", [])
