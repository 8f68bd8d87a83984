"""formats/pdf_pages.compress_last_page: a ledger's pages are deflated as they are finished (a
county's members ledger held 170 MB of page text until ReportLab saved), and the file is the
same: each page's stream bytes, filter and dictionary as ReportLab writes them itself."""

from __future__ import annotations

import pikepdf

from fupin_desktop.formats import pdf_pages
from fupin_desktop.reports import ledger
from fupin_desktop.reports.ledger import Column, LedgerSpec, render_ledger


def _spec() -> LedgerSpec:
    cols = [Column("no", "序号", 0.5, "right"), Column("name", "姓名", 1.0),
            Column("note", "备注", 3.0), Column("amount", "金额（元）", 1.0, "right")]
    rows = [(str(i), f"张{i}", "长备注" * (i % 7 + 1) + "\n第二行" * (i % 3), f"{i * 10:,.2f}")
            for i in range(1, 400)]
    return LedgerSpec("测试台账", cols, rows, unit="某某乡", date_text="2026年1月1日",
                      totals=("合计", "", "", "123.00"))


def _pages(path):
    with pikepdf.open(path) as pdf:
        return [(p.Contents.read_raw_bytes(), repr(p.Contents.stream_dict), p.Contents.read_bytes())
                for p in pdf.pages]


def test_pages_are_the_same_as_reportlab_compressing_them_at_save(tmp_path, monkeypatch):
    ours = tmp_path / "ours.pdf"
    pages = render_ledger(_spec(), ours)
    assert pages > 3
    monkeypatch.setattr(ledger, "compress_last_page", lambda canvas: None)
    theirs = tmp_path / "theirs.pdf"
    render_ledger(_spec(), theirs)
    assert _pages(ours) == _pages(theirs)


def test_a_finished_page_keeps_no_text(tmp_path):
    from fupin_desktop.formats.fonts import FONT, new_canvas

    c = new_canvas(str(tmp_path / "x.pdf"), (595, 842))
    c.setFont(FONT, 10)
    c.drawString(72, 72, "第一页")
    c.showPage()
    pdf_pages.compress_last_page(c)
    page = c._doc.Pages.pages[-1]
    assert page.stream is None and page.Contents.content[:1] == b"x"  # a zlib stream
    c.save()
    with pikepdf.open(tmp_path / "x.pdf") as pdf:
        assert b"Tj" in pdf.pages[0].Contents.read_bytes()


def test_without_page_compression_nothing_changes(tmp_path):
    from fupin_desktop.formats.fonts import new_canvas

    c = new_canvas(str(tmp_path / "y.pdf"), (595, 842), compress=False)
    c.drawString(72, 72, "x")
    c.showPage()
    pdf_pages.compress_last_page(c)
    assert c._doc.Pages.pages[-1].stream
