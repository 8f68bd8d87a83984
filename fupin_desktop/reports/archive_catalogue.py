"""归档文件目录 (DA/T 22-2015 §7 and 附录): per (保管期限, 类别) a cover and an A4 landscape
table with 序号, 档号, 文号, 责任者, 题名, 日期 (YYYYMMDD), 密级, 页数, 备注.

Each group is its own booklet (cover + table, "第 X 页 共 Y 页" counted per table), as the
groups are filed separately; the PDF holds them one after another in archive order.
"""

from __future__ import annotations

import io

from fupin_desktop.reports.archive_common import (
    MM, ArchivePaper, PaperItem, canvas, centred, date_cn, fit_size, item_range, merge_pdfs,
    retention_name,
)
from fupin_desktop.formats.fonts import FONT
from fupin_desktop.reports.ledger import A4_LANDSCAPE, Column, LedgerSpec, render_ledger

TITLE = "归档文件目录"
COLUMNS = (
    Column("no", "序号", 0.45, "center", wrap=False),
    Column("code", "档号", 2.0, "left", wrap=False),
    Column("doc_no", "文号", 1.1),
    Column("resp", "责任者", 1.3),
    Column("title", "题名", 4.2),
    Column("date", "日期", 0.85, "center", wrap=False),
    Column("secret", "密级", 0.5, "center"),
    Column("pages", "页数", 0.5, "right", wrap=False),
    Column("remark", "备注", 1.3),
)


def _cover(paper: ArchivePaper, retention: str, category: str, items: list[PaperItem]) -> bytes:
    buf = io.BytesIO()
    W, H = A4_LANDSCAPE
    c = canvas(buf, A4_LANDSCAPE, TITLE, paper.fonds_name)
    centred(c, TITLE, W / 2, H - 62 * MM, 30, bold=True)
    rows = [("全宗号", paper.fonds_no), ("全宗名称", paper.fonds_name), ("年度", str(paper.year)),
            ("保管期限", retention_name(retention)),
            ("类别", f"{paper.category_name(category)}（{category}）"),
            ("件号", f"{item_range(items[0].item_no, items[-1].item_no)}　共 {len(items)} 件 "
                   f"{sum(it.pages for it in items)} 页")]
    label_w, value_w, row_h = 36 * MM, 110 * MM, 12 * MM
    x0 = (W - label_w - value_w) / 2
    y = H - 92 * MM
    for label, value in rows:
        c.setFont(FONT, 15)
        c.drawRightString(x0 + label_w - 4 * MM, y, f"{label}：")
        size = fit_size(value, value_w - 4 * MM, 15)
        c.setFont(FONT, size)
        c.drawString(x0 + label_w + 2 * MM, y, value)
        c.setLineWidth(0.6)
        c.line(x0 + label_w, y - 2.5 * MM, x0 + label_w + value_w, y - 2.5 * MM)
        y -= row_h
    foot = f"{paper.fonds_name}　{date_cn(paper.archive_date)}编"
    centred(c, foot, W / 2, 28 * MM, fit_size(foot, W - 40 * MM, 13))
    c.showPage()
    c.save()
    return buf.getvalue()


def group_spec(paper: ArchivePaper, retention: str, category: str, items: list[PaperItem]) -> LedgerSpec:
    rows = [(str(n), it.code, it.doc_no, it.responsible, it.title, it.date, it.secret,
             str(it.pages), it.remark) for n, it in enumerate(items, 1)]
    sub = (f"全宗号：{paper.fonds_no}　年度：{paper.year}　保管期限：{retention_name(retention)}　"
           f"类别：{paper.category_name(category)}")
    return LedgerSpec(title=TITLE, columns=COLUMNS, rows=rows, unit=paper.fonds_name,
                      unit_label="全宗名称", subtitle=sub, signoff=(), page_size="A4",
                      totals=("合计", "", "", "", f"共 {len(items)} 件", "", "",
                              str(sum(it.pages for it in items)), ""))


def render_catalogue(paper: ArchivePaper, out, progress=None, cancel=None) -> int:
    """Write the whole 归档文件目录 to ``out`` (path or binary file); returns the page count."""
    parts: list[bytes] = []
    groups = paper.groups()
    for n, (ret, cat, items) in enumerate(groups):
        if progress:
            progress(n, len(groups))
        parts.append(_cover(paper, ret, cat, items))
        buf = io.BytesIO()
        render_ledger(group_spec(paper, ret, cat, items), buf, cancel=cancel)
        parts.append(buf.getvalue())
    if not parts:
        parts.append(_empty(paper))
    return merge_pdfs(parts, out)


def _empty(paper: ArchivePaper) -> bytes:
    buf = io.BytesIO()
    W, H = A4_LANDSCAPE
    c = canvas(buf, A4_LANDSCAPE, TITLE, paper.fonds_name)
    centred(c, TITLE, W / 2, H - 62 * MM, 30, bold=True)
    text = f"{paper.year}年度没有归档文件。"
    centred(c, text, W / 2, H / 2, 16)
    c.showPage()
    c.save()
    return buf.getvalue()

