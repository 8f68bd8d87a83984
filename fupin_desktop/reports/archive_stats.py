"""归档范围统计表: items, pages and boxes per 类别 and 保管期限 of the year, with totals."""

from __future__ import annotations

from fupin_desktop.reports.archive_common import ArchivePaper, date_cn, item_range, retention_name
from fupin_desktop.reports.ledger import Column, LedgerSpec, render_ledger

TITLE = "归档范围统计表"
COLUMNS = (
    Column("no", "序号", 0.5, "center", wrap=False),
    Column("cat", "类别", 1.4, "center"),
    Column("code", "类别代码", 0.8, "center", wrap=False),
    Column("ret", "保管期限", 1.0, "center"),
    Column("items", "件数", 0.8, "right", wrap=False),
    Column("pages", "页数", 0.8, "right", wrap=False),
    Column("boxes", "盒数", 0.7, "right", wrap=False),
    Column("range", "起止件号", 1.3, "center", wrap=False),
    Column("box_range", "盒号", 1.0, "center", wrap=False),
)


def stats_rows(paper: ArchivePaper) -> tuple[list[tuple], tuple]:
    """(rows, totals) of the table; numbers as text, totals equal the sums of the rows."""
    rows = []
    t_items = t_pages = t_boxes = 0
    for n, (ret, cat, items) in enumerate(paper.groups(), 1):
        boxes = sorted(b.box_no for b in paper.boxes if (b.retention, b.category) == (ret, cat))
        pages = sum(it.pages for it in items)
        box_range = "" if not boxes else (str(boxes[0]) if len(boxes) == 1 else f"{boxes[0]}—{boxes[-1]}")
        rows.append((str(n), paper.category_name(cat), cat, retention_name(ret), f"{len(items):,}",
                     f"{pages:,}", str(len(boxes)), item_range(items[0].item_no, items[-1].item_no),
                     box_range))
        t_items, t_pages, t_boxes = t_items + len(items), t_pages + pages, t_boxes + len(boxes)
    totals = ("合计", "", "", "", f"{t_items:,}", f"{t_pages:,}", str(t_boxes), "", "")
    return rows, totals


def render_scope_stats(paper: ArchivePaper, out) -> int:
    rows, totals = stats_rows(paper)
    spec = LedgerSpec(title=f"{paper.year}年度{TITLE}", columns=COLUMNS, rows=rows,
                      unit=paper.fonds_name, unit_label="全宗名称",
                      subtitle=f"全宗号：{paper.fonds_no}", date_text=date_cn(paper.archive_date),
                      totals=totals, signoff=("统计人", "审核人", "日期"), page_size="A4")
    return render_ledger(spec, out)
