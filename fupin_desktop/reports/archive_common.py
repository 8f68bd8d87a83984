"""Shared data and drawing helpers of the archive's paper documents (归档文件目录, 盒脊, 档案盒
封面, 备考表, 归档范围统计表).

The documents take an ``ArchivePaper`` — plain values, no database — so they render the same
inside a package build, for printing from the tab, and in tests.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from fupin_desktop.domain.archive_terms import RETENTION_NAMES, RETENTION_ORDER

MM = 72.0 / 25.4


@dataclass(frozen=True)
class PaperItem:
    code: str  # 档号
    item_no: int
    retention: str
    category: str
    doc_no: str
    responsible: str
    title: str
    date: str  # YYYYMMDD
    secret: str
    pages: int
    remark: str


@dataclass(frozen=True)
class PaperBox:
    box_no: int
    retention: str
    category: str
    first_item_no: int
    last_item_no: int
    pages: int
    items: int
    thickness_mm: int
    oversize: bool = False
    note: str = ""  # the clerk's own 盒内文件情况说明 (added after the generated sentence)


@dataclass
class ArchivePaper:
    fonds_no: str  # 全宗号
    fonds_name: str  # 全宗名称
    year: int
    archive_date: dt.date
    categories: Sequence[tuple[str, str]]  # (code, name) in archive order
    items: list[PaperItem] = field(default_factory=list)
    boxes: list[PaperBox] = field(default_factory=list)
    organizer: str = ""  # 整理人
    checker: str = ""  # 检查人
    check_date: dt.date | None = None
    retention_order: Sequence[str] = RETENTION_ORDER

    def category_name(self, code: str) -> str:
        return dict(self.categories).get(code, code)

    def groups(self) -> list[tuple[str, str, list[PaperItem]]]:
        """(保管期限, 类别代码, items) in archive order, only groups that hold items."""
        out = []
        for ret in self.retention_order:
            for code, _ in self.categories:
                items = [it for it in self.items if (it.retention, it.category) == (ret, code)]
                if items:
                    out.append((ret, code, sorted(items, key=lambda it: it.item_no)))
        return out

    def box_items(self, box: PaperBox) -> list[PaperItem]:
        return [it for it in self.items if (it.retention, it.category) == (box.retention, box.category)
                and box.first_item_no <= it.item_no <= box.last_item_no]


def retention_name(code: str) -> str:
    return RETENTION_NAMES.get(code, code)


def date_cn(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def item_range(first: int, last: int) -> str:
    return f"{first:04d}" if first == last else f"{first:04d}—{last:04d}"


def merge_pdfs(parts: Sequence[bytes], out) -> int:
    """Concatenate PDFs into ``out`` (path or binary file); returns the page count."""
    import pikepdf

    from fupin_desktop.reports.ledger import write_output

    def write(target):
        sources = [pikepdf.open(io.BytesIO(data)) for data in parts]  # open until the save
        try:
            with pikepdf.Pdf.new() as pdf:
                for src in sources:
                    pdf.pages.extend(src.pages)
                pdf.save(target, deterministic_id=True)
                return len(pdf.pages)
        finally:
            for src in sources:
                src.close()

    return write_output(out, write)


def canvas(out, pagesize, title: str, author: str = ""):
    """A canvas that embeds only the program's CJK font and writes no timestamps or random
    /ID (``invariant``): the same input gives the same bytes."""
    from reportlab.pdfgen.canvas import Canvas

    from fupin_desktop.formats.fonts import FONT, register_fonts

    register_fonts()
    c = Canvas(out, pagesize=pagesize, pageCompression=1, initialFontName=FONT,
               initialFontSize=10, invariant=1)
    c.setTitle(title)
    c.setSubject(title)
    c.setAuthor(author)
    c.setCreator("fupin_desktop")
    return c


def text_width(text: str, size: float) -> float:
    from fupin_desktop.formats.fonts import FONT, metrics

    return metrics(FONT).width(text) * size


def fit_size(text: str, width: float, size: float, minimum: float = 5.0) -> float:
    """The largest font size ≤ ``size`` at which ``text`` fits ``width`` points."""
    w = text_width(text, 1.0)
    return max(minimum, min(size, width / w)) if w else size


def centred(c, text: str, x_mid: float, y: float, size: float, bold: bool = False) -> None:
    from fupin_desktop.formats.fonts import FAKE_BOLD_STROKE, FONT

    c.setFont(FONT, size)
    if bold:  # the font has no bold face: fill + thin stroke (as the ledgers do)
        c.saveState()  # the text render mode outlives the text object: keep it to this title
        t = c.beginText()
        t.setFont(FONT, size)
        t.setTextRenderMode(2)
        c.setLineWidth(size * FAKE_BOLD_STROKE)
        t.setTextOrigin(x_mid - text_width(text, size) / 2, y)
        t.textOut(text)
        c.drawText(t)
        c.restoreState()
        return
    c.drawCentredString(x_mid, y, text)


def vertical(c, text: str, x_mid: float, y_top: float, size: float, gap: float = 1.12) -> float:
    """Characters stacked top to bottom (spine labels); returns the y below the last one."""
    from fupin_desktop.formats.fonts import FONT

    c.setFont(FONT, size)
    y = y_top - size * 0.88
    for ch in text:
        c.drawCentredString(x_mid, y, ch)
        y -= size * gap
    return y + size * 0.88 - size * (gap - 1)


def output_path(out) -> str | None:
    return os.fspath(out) if isinstance(out, (str, os.PathLike)) else None
