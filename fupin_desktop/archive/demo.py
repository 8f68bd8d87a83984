"""Synthetic items for tests, the benchmark and a demo package (no database needed).

``render_demo_pdf`` stands in for the ledger / household-file renderers the services will plug
in: a module-level function, so ``functools.partial(render_demo_pdf, …)`` is picklable and runs
in the build's worker processes like the real renderers will.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import partial

from fupin_desktop.archive.model import ArchiveItem

# Leave the top 25 mm free on page 1: the 归档章 goes there (3 mm + 16 mm + margin).
TOP_MARGIN_MM = 25


def render_demo_pdf(title: str, pages: int = 3, lines: int = 30, landscape: bool = False) -> bytes:
    """An A4 document in the bundled CJK font (embedded subset), like a household file."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as to_landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from fupin_desktop.archive._font import cjk_font

    font = cjk_font()
    size = to_landscape(A4) if landscape else A4
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=size, invariant=1, initialFontName=font, initialFontSize=10)
    w, h = size
    for p in range(1, pages + 1):
        y = h - TOP_MARGIN_MM * mm - 10 * mm
        c.setFont(font, 16)
        c.drawCentredString(w / 2, y, title)
        c.setFont(font, 10)
        for n in range(lines):
            y -= 7 * mm
            if y < 20 * mm:
                break
            c.drawString(20 * mm, y, f"{n + 1:02d}. 户主 张三{n} 身份证号 5103{n:014d} 家庭人口 {n % 6 + 1} 人"
                                     f" 人均纯收入 {8000 + 37 * n}.00 元 帮扶责任人 李四")
            c.line(20 * mm, y - 2 * mm, w - 20 * mm, y - 2 * mm)
        c.drawCentredString(w / 2, 12 * mm, f"第 {p} 页 共 {pages} 页")
        c.showPage()
    c.save()
    return buf.getvalue()


def demo_items(n: int, year: int = 2025, categories=("SB", "TP"), retentions=("Y", "D30"),
               pages: int = 3):
    """``n`` (ArchiveItem, picklable source) pairs spread over the categories and retentions."""
    out = []
    for i in range(n):
        cat = categories[i % len(categories)]
        ret = retentions[(i // len(categories)) % len(retentions)]
        title = f"{year}年度扶贫对象档案（第{i + 1:04d}户）"
        item = ArchiveItem(key=f"demo:{i:05d}", year=year, retention=ret, category=cat, title=title,
                           responsible="示例镇人民政府", doc_no=f"示政〔{year}〕{i + 1}号" if i % 3 == 0 else "",
                           date=dt.date(year, 1 + i % 12, 1 + i % 28), pages=pages)
        out.append((item, partial(render_demo_pdf, title, pages)))
    return out
