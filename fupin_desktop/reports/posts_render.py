"""One posts table -> PDF (the fast ledger engine) or Excel (formats.table_xlsx).

The builders in reports/posts_ledgers.py hand over raw values (str, int, Decimal, date, None)
with a column kind; here they are formatted for print (money with thousands separators,
right-aligned; ID numbers in the monospaced face) or written as typed Excel cells.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class PCol:
    key: str
    title: str
    weight: float = 1.0
    # text | code (ID, mono) | money | int | date | center | mark (one-char day cell) | sign
    kind: str = "text"


@dataclass
class PostsTable:
    title: str
    subtitle: str
    columns: list[PCol]
    rows: list[tuple]
    totals: tuple | None = None
    signoff: Sequence[str] = ("制表人", "审核人", "日期")
    sheet_name: str = "台账"
    font_size: float = 9.0
    meta: dict = field(default_factory=dict)  # figures for callers/tests (e.g. total amount)


def money_text(v: Decimal | None) -> str:
    return "" if v is None else f"{v:,.2f}"


def fmt(v, kind: str) -> str:
    if v is None:
        return ""
    if kind == "money" and isinstance(v, Decimal):
        return money_text(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if kind == "sign":
        return "\n"  # an empty second line: room for a handwritten signature
    return v if isinstance(v, str) else str(v)


def _pdf_column(c: PCol):
    from .ledger import Column

    if c.kind == "code":
        return Column(c.key, c.title, c.weight, "left", wrap=False, mono=True)
    if c.kind in ("money", "int"):
        return Column(c.key, c.title, c.weight, "right", wrap=False)
    if c.kind in ("date", "mark"):
        return Column(c.key, c.title, c.weight, "center", wrap=False)
    if c.kind == "sign":
        return Column(c.key, c.title, c.weight, "left", min_width_mm=28)
    return Column(c.key, c.title, c.weight, "center" if c.kind == "center" else "left")


_XLSX = {"code": ("code", 21), "money": ("money", 13), "int": ("int", 7), "date": ("date", 11),
         "center": ("text", 10), "text": ("text", 14), "mark": ("text", 4), "sign": ("text", 14)}


def date_text(today: dt.date | None = None) -> str:
    d = today or dt.date.today()
    return f"{d.year}年{d.month}月{d.day}日"


def render(table: PostsTable, out, *, unit: str = "", today: dt.date | None = None,
           progress: Callable[[int, int, str], None] | None = None) -> int:
    """Write ``table`` to ``out``: a path ending in .xlsx gets Excel, anything else PDF.
    Returns the page count (PDF) or the number of data rows (Excel)."""
    dtext = date_text(today)
    path = os.fspath(out) if isinstance(out, (str, os.PathLike)) else None
    kinds = [c.kind for c in table.columns]
    if path is not None and path.lower().endswith(".xlsx"):
        from ..formats.table_xlsx import XlsxColumn, write_table_xlsx

        cols = []
        for c in table.columns:
            kind, width = _XLSX[c.kind]
            if c.kind not in ("mark",):
                width = max(width, min(24, len(c.title) * 2 + 2))
            cols.append(XlsxColumn(c.title.replace("\n", ""), kind, width))
        rows = ([None if k == "sign" else v for v, k in zip(r, kinds)] for r in table.rows)
        info = "　".join(x for x in (f"编制单位：{unit}" if unit else "", table.subtitle,
                                     f"日期：{dtext}") if x)
        return write_table_xlsx(path, cols, rows, title=table.title, info=info,
                                sheet_name=table.sheet_name, totals=table.totals)

    from .ledger import LedgerSpec, render_ledger

    rows = [tuple(fmt(v, k) for v, k in zip(r, kinds)) for r in table.rows]
    totals = (tuple("" if k == "sign" else fmt(v, k) for v, k in zip(table.totals, kinds))
              if table.totals else None)
    spec = LedgerSpec(title=table.title, columns=[_pdf_column(c) for c in table.columns],
                      rows=rows, unit=unit, date_text=dtext, subtitle=table.subtitle,
                      totals=totals, signoff=tuple(table.signoff), font_size=table.font_size)
    report = None
    if progress:
        def report(done, total):
            progress(done, total, f"正在生成第 {done} 页，共 {total} 页")
    return render_ledger(spec, out, progress=report)
