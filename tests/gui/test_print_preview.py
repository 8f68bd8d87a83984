"""打印预览: pages render in the background (first page first), navigation and zoom work,
另存为 writes an identical private copy and 打印 prints exactly the chosen page range."""

from __future__ import annotations

import os

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog

from fupin_desktop.views.common import print_preview


@pytest.fixture
def pdf(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from fupin_desktop.formats.fonts import register_fonts

    font = register_fonts()
    path = tmp_path / "台账.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(1, 4):
        c.setFont(font, 24)
        c.drawString(72, 720, f"第 {n} 页 测试台账")
        c.showPage()
    c.save()
    return path


def page_count(path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


@pytest.fixture
def dialog(qtbot, pdf):
    from fupin_desktop.views.app import create_app

    create_app()
    dlg = print_preview.show_preview(None, str(pdf), "测试")
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.is_shown(0), timeout=10000)
    yield dlg
    dlg._stop()


def test_first_page_shown_navigation_and_zoom(qtbot, dialog):
    assert dialog.windowTitle().startswith("打印预览")
    assert dialog.page_label.text() == "第 1 / 3 页"
    assert not dialog.page_view.pixmap().isNull()
    assert not dialog.prev_action.isEnabled()
    dialog.next_action.trigger()
    assert dialog.page_label.text() == "第 2 / 3 页"
    qtbot.waitUntil(lambda: dialog.is_shown(1), timeout=10000)
    dialog.next_action.trigger()
    assert dialog.page_label.text() == "第 3 / 3 页"
    assert not dialog.next_action.isEnabled()
    qtbot.waitUntil(lambda: dialog.is_shown(2), timeout=10000)

    before_zoom, before_width = dialog.zoom, dialog.images[2].width()
    dialog.zoom_in_action.trigger()
    assert dialog.zoom > before_zoom
    qtbot.waitUntil(lambda: dialog.is_shown(2), timeout=10000)
    assert dialog.images[2].width() > before_width
    dialog.zoom_out_action.trigger()
    dialog.fit_action.trigger()
    qtbot.waitUntil(lambda: dialog.is_shown(2), timeout=10000)


def test_save_as_writes_identical_private_copy(dialog, pdf, tmp_path, monkeypatch):
    out = tmp_path / "copy" / "副本.pdf"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(out), "PDF")))
    assert dialog.save_as() == str(out)
    assert out.read_bytes() == pdf.read_bytes()
    if os.name == "posix":
        assert (out.stat().st_mode & 0o777) == 0o600


def test_print_prints_chosen_range(dialog, tmp_path, monkeypatch):
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    out = tmp_path / "printed.pdf"
    seen = {}

    def fake_exec(self):
        printer = self.printer()
        seen["size"] = printer.pageLayout().pageSize().id()
        seen["range"] = (self.minPage(), self.maxPage())
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 3)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", fake_exec)
    assert dialog.print_document()
    assert seen["size"] == QPageSize.PageSizeId.A4
    assert seen["range"] == (1, 3)
    assert page_count(out) == 2


def test_preview_deleted_with_its_parent_while_rendering(qtbot, pdf):
    from PySide6.QtWidgets import QWidget

    from fupin_desktop.views.app import create_app

    create_app()
    parent = QWidget()
    dlg = print_preview.show_preview(parent, str(pdf), "")
    renderers = list(dlg._renderers)
    parent.deleteLater()  # the tab goes away without closing the preview
    qtbot.waitUntil(lambda: not any(r in print_preview._RUNNING for r in renderers), timeout=10000)
