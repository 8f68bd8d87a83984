"""打印预览: every print action shows the generated PDF here first.

Pages are rasterised with pypdfium2 on a background thread (the current page first, then the
rest) so the first page shows at once even for a long ledger. 打印… opens the system printer
dialog (A4 preselected, page range 1…M) and draws each chosen page at printer resolution;
另存为… copies the PDF (private to the user).

PDFium is not thread-safe, so every call into it holds ``_PDFIUM_LOCK``. ``pypdfium2`` is
imported inside functions to keep the GUI start fast.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from PySide6.QtCore import QRectF, QThread, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPageLayout, QPageSize
from PySide6.QtWidgets import (
    QDialog, QFileDialog, QLabel, QScrollArea, QToolBar, QVBoxLayout, QWidget,
)

from .context import show_error

_PDFIUM_LOCK = threading.Lock()
_OPEN: list[QDialog] = []  # non-modal previews stay referenced until closed
_RUNNING: set = set()  # renderer threads live until they finish, even if their dialog is gone
_MIN_ZOOM, _MAX_ZOOM = 0.25, 4.0
_PRINT_DPI_CAP = 300  # a 1200 dpi laser printer does not need a 1200 dpi raster


def _render_page(doc, index: int, scale: float) -> QImage:
    """Page ``index`` of an open PdfDocument as a QImage (caller holds the lock)."""
    page = doc[index]
    try:
        bitmap = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True)
        image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                       QImage.Format.Format_RGBX8888).copy()  # copy: the buffer dies with bitmap
        bitmap.close()
        return image
    finally:
        page.close()


def page_sizes(pdf_path: str) -> list[tuple[float, float]]:
    """Width and height (points) of every page."""
    import pypdfium2 as pdfium

    with _PDFIUM_LOCK:
        doc = pdfium.PdfDocument(pdf_path)
        try:
            return [tuple(doc.get_page_size(i)) for i in range(len(doc))]
        finally:
            doc.close()


class _Renderer(QThread):
    """Renders all pages at one scale, ``first`` first, then onwards and wrapping round."""

    page_ready = Signal(int, float, QImage)

    def __init__(self, pdf_path: str, count: int, scale: float, first: int, parent=None):
        super().__init__(parent)
        self.pdf_path, self.count, self.scale, self.first = pdf_path, count, scale, first
        self.cancelled = False

    def run(self) -> None:
        import pypdfium2 as pdfium

        order = [(self.first + k) % self.count for k in range(self.count)]
        with _PDFIUM_LOCK:
            doc = pdfium.PdfDocument(self.pdf_path)
        try:
            for index in order:
                if self.cancelled:
                    return
                with _PDFIUM_LOCK:
                    image = _render_page(doc, index, self.scale)
                self.page_ready.emit(index, self.scale, image)
        finally:
            with _PDFIUM_LOCK:
                doc.close()


class PrintPreviewDialog(QDialog):
    def __init__(self, pdf_path: str, title: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.pdf_path = os.fspath(pdf_path)
        self.setWindowTitle(self.tr("Print Preview") + (f" — {title}" if title else ""))
        self.sizes = page_sizes(self.pdf_path)
        self.count = len(self.sizes)
        self.current = 0
        self.zoom = 1.0  # 1.0 = 100 % (one PDF point = one logical pixel at 72 dpi … times 96/72)
        self.images: dict[int, QImage] = {}
        self._renderers: list[_Renderer] = []
        renderers = self._renderers  # deleted with its parent, not closed: stop rendering for it
        self.destroyed.connect(lambda *_a: [setattr(x, "cancelled", True) for x in renderers])

        bar = QToolBar()
        self.prev_action = bar.addAction(self.tr("Previous Page"), self.previous_page)
        self.next_action = bar.addAction(self.tr("Next Page"), self.next_page)
        self.page_label = QLabel()
        bar.addWidget(self.page_label)
        bar.addSeparator()
        self.zoom_in_action = bar.addAction(self.tr("Zoom In"), lambda: self.set_zoom(self.zoom * 1.25))
        self.zoom_out_action = bar.addAction(self.tr("Zoom Out"), lambda: self.set_zoom(self.zoom / 1.25))
        self.fit_action = bar.addAction(self.tr("Fit Width"), self.fit_width)
        bar.addSeparator()
        self.print_action = bar.addAction(self.tr("Print…"), self.print_document)
        self.save_action = bar.addAction(self.tr("Save As…"), self.save_as)

        self.page_view = QLabel(self.tr("Rendering…"))
        self.page_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_view.setStyleSheet("background: white;")
        self.scroll = QScrollArea()
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.setWidget(self.page_view)
        self.scroll.setStyleSheet("QScrollArea { background: #808080; }")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(bar)
        layout.addWidget(self.scroll, 1)
        self.resize(900, 1000)
        self._update_controls()
        self._start_render()

    # rendering ---------------------------------------------------------------------------------
    def _scale(self) -> float:
        """PDFium scale for the current zoom (points → device pixels)."""
        return self.zoom * (96 / 72) * self.devicePixelRatioF()

    def _start_render(self) -> None:
        for r in self._renderers:
            r.cancelled = True
        self.images.clear()
        if not self.count:
            self.page_view.setText(self.tr("The document has no pages."))
            return
        r = _Renderer(self.pdf_path, self.count, self._scale(), self.current)
        r.page_ready.connect(self._page_ready)
        r.finished.connect(lambda r=r: (r.wait(), _RUNNING.discard(r)))
        _RUNNING.add(r)
        self._renderers[:] = [x for x in self._renderers if x in _RUNNING] + [r]
        r.start()
        self._show_current()

    def _page_ready(self, index: int, scale: float, image: QImage) -> None:
        if abs(scale - self._scale()) > 1e-9:
            return  # from a renderer of an older zoom
        image.setDevicePixelRatio(self.devicePixelRatioF())
        self.images[index] = image
        if index == self.current:
            self._show_current()

    def is_shown(self, index: int) -> bool:
        return index == self.current and index in self.images

    def _show_current(self) -> None:
        from PySide6.QtGui import QPixmap

        image = self.images.get(self.current)
        w, h = self.sizes[self.current] if self.count else (595, 842)
        size = (int(w * self.zoom * 96 / 72), int(h * self.zoom * 96 / 72))
        if image is None:
            self.page_view.setPixmap(QPixmap())
            self.page_view.setText(self.tr("Rendering…"))
        else:
            self.page_view.setPixmap(QPixmap.fromImage(image))
        self.page_view.resize(*size)

    # navigation and zoom -----------------------------------------------------------------------
    def _update_controls(self) -> None:
        self.page_label.setText(self.tr("Page %1 / %2").replace("%1", str(self.current + 1))
                                .replace("%2", str(self.count)))
        self.prev_action.setEnabled(self.current > 0)
        self.next_action.setEnabled(self.current + 1 < self.count)
        self.zoom_in_action.setEnabled(self.zoom < _MAX_ZOOM)
        self.zoom_out_action.setEnabled(self.zoom > _MIN_ZOOM)

    def go_to(self, index: int) -> None:
        if not self.count:
            return
        self.current = max(0, min(self.count - 1, index))
        self._update_controls()
        self._show_current()
        self.scroll.verticalScrollBar().setValue(0)

    def previous_page(self) -> None:
        self.go_to(self.current - 1)

    def next_page(self) -> None:
        self.go_to(self.current + 1)

    def set_zoom(self, zoom: float) -> None:
        zoom = max(_MIN_ZOOM, min(_MAX_ZOOM, zoom))
        if abs(zoom - self.zoom) < 1e-6:
            return
        self.zoom = zoom
        self._update_controls()
        self._start_render()

    def fit_width(self) -> None:
        if not self.count:
            return
        width = self.scroll.viewport().width() - 24
        self.set_zoom(width / (self.sizes[self.current][0] * 96 / 72))

    # print and save ----------------------------------------------------------------------------
    def make_printer(self):
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setFullPage(True)  # the PDF has its own margins: print it 1:1 on the sheet
        if self.count and self.sizes[0][0] > self.sizes[0][1]:
            printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        printer.setDocName(Path(self.pdf_path).stem)
        printer.setFromTo(1, max(1, self.count))
        return printer

    def print_document(self) -> bool:
        from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog

        if not self.count:
            return False
        printer = self.make_printer()
        dlg = QPrintDialog(printer, self)
        dlg.setWindowTitle(self.tr("Print"))
        dlg.setMinMax(1, self.count)
        dlg.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return False
        try:
            self.print_pages(dlg.printer())
        except Exception as exc:  # noqa: BLE001 — shown to the clerk, not swallowed
            show_error(self, exc)
            return False
        return True

    def selected_pages(self, printer) -> list[int]:
        from PySide6.QtPrintSupport import QPrinter

        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first, last = printer.fromPage(), printer.toPage() or self.count
            return list(range(max(1, first) - 1, min(self.count, last)))
        if printer.printRange() == QPrinter.PrintRange.CurrentPage:
            return [self.current]
        return list(range(self.count))

    def print_pages(self, printer) -> int:
        """Draw the chosen pages on ``printer``; returns how many were printed."""
        import pypdfium2 as pdfium

        pages = self.selected_pages(printer)
        if not pages:
            return 0
        dpi = min(printer.resolution(), _PRINT_DPI_CAP)
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError(self.tr("The printer could not be started."))
        try:
            with _PDFIUM_LOCK:
                doc = pdfium.PdfDocument(self.pdf_path)
            try:
                for n, index in enumerate(pages):
                    if n:
                        printer.newPage()
                    with _PDFIUM_LOCK:
                        image = _render_page(doc, index, dpi / 72)
                    target = QRectF(painter.viewport())
                    fitted = image.size().scaled(target.size().toSize(),
                                                 Qt.AspectRatioMode.KeepAspectRatio)
                    x = target.x() + (target.width() - fitted.width()) / 2
                    y = target.y() + (target.height() - fitted.height()) / 2
                    painter.drawImage(QRectF(x, y, fitted.width(), fitted.height()), image)
            finally:
                with _PDFIUM_LOCK:
                    doc.close()
        finally:
            painter.end()
        return len(pages)

    def save_as(self) -> str | None:
        from .output_files import output_dir, remember_dir

        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save As"), str(Path(output_dir()) / Path(self.pdf_path).name),
            self.tr("PDF files (*.pdf)"))
        if not path:
            return None
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            if os.path.abspath(path) != os.path.abspath(self.pdf_path):
                shutil.copyfile(self.pdf_path, path)
            os.chmod(path, 0o600)
        except OSError as exc:
            show_error(self, exc)
            return None
        remember_dir(path)
        return path

    def closeEvent(self, event) -> None:  # noqa: N802 — Qt name
        self._stop()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self._stop()
        super().done(result)

    def _stop(self) -> None:
        for r in list(self._renderers):
            r.cancelled = True
            if r in _RUNNING:
                r.wait(5000)
        if self in _OPEN:
            _OPEN.remove(self)


def show_preview(parent: QWidget | None, pdf_path: str, title: str = "") -> PrintPreviewDialog:
    """Open the preview of ``pdf_path`` (non-modal; kept referenced until it is closed)."""
    dlg = PrintPreviewDialog(pdf_path, title, parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _OPEN.append(dlg)
    dlg.destroyed.connect(lambda *_a: _OPEN.remove(dlg) if dlg in _OPEN else None)
    dlg.show()
    return dlg


def open_result(parent: QWidget | None, path: str, title: str = "") -> None:
    """A generated file: a PDF opens in the print preview, anything else (xlsx) in the system
    program for it."""
    if os.fspath(path).lower().endswith(".pdf"):
        show_preview(parent, path, title)
    else:
        from .output_files import open_file

        open_file(path)
