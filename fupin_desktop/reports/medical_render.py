"""One table -> PDF (fast ledger engine) or Excel (table_xlsx), for the medical ledgers.

The data side hands over raw values (str, int, Decimal, date, None) with a column ``kind``;
this module formats them for print (money with thousands separators, right-aligned; IDs in the
monospaced face) or writes them as typed Excel cells (IDs as text cells).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class MCol:
    key: str
    title: str
    weight: float = 1.0
    kind: str = "text"  # text | code | money | int | date | center | tag (centred, one line) | ratio


@dataclass
class MedicalLedger:
    title: str
    subtitle: str
    columns: list[MCol]
    rows: list[tuple]
    totals: tuple | None = None
    sheet_name: str = "台账"


def fmt(v, kind: str) -> str:
    if v is None:
        return ""
    if kind == "money" and isinstance(v, Decimal):
        return f"{v:,.2f}"
    if kind == "ratio" and isinstance(v, Decimal):
        return f"{v * 100:.2f}%"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return "是" if v else "否"
    return v if isinstance(v, str) else str(v)


def _pdf_column(c: MCol):
    from .ledger import Column

    if c.kind == "code":
        return Column(c.key, c.title, c.weight, "left", wrap=False, mono=True)
    if c.kind in ("money", "int", "ratio"):
        return Column(c.key, c.title, c.weight, "right", wrap=False)
    if c.kind in ("date", "tag"):
        return Column(c.key, c.title, c.weight, "center", wrap=False)
    return Column(c.key, c.title, c.weight, "center" if c.kind == "center" else "left")


_XLSX = {"code": ("code", 21), "money": ("money", 14), "int": ("int", 7), "date": ("date", 11),
         "center": ("text", 10), "tag": ("text", 10), "text": ("text", 14), "ratio": ("ratio", 10)}


def _xlsx_value(v, kind: str):
    if kind == "ratio":  # a number with a percent format (0.9201 shows 92.01%), never text
        return v
    if isinstance(v, bool):
        return "是" if v else "否"
    return v


def date_text(today: dt.date | None = None) -> str:
    d = today or dt.date.today()
    return f"{d.year}年{d.month}月{d.day}日"


def render(ledger: MedicalLedger, out, *, unit: str = "",
           progress: Callable[[int, int, str], None] | None = None,
           today: dt.date | None = None) -> int:
    """Write ``ledger`` to ``out``: .xlsx gets Excel, anything else PDF. Returns pages (PDF) or
    data rows (Excel)."""
    dtext = date_text(today)
    path = os.fspath(out) if isinstance(out, (str, os.PathLike)) else None
    if path is not None and path.lower().endswith(".xlsx"):
        from ..formats.table_xlsx import XlsxColumn, write_table_xlsx

        cols = []
        for c in ledger.columns:
            kind, width = _XLSX[c.kind]
            if c.weight >= 2:
                width = 30
            cols.append(XlsxColumn(c.title, kind, max(width, min(24, len(c.title) * 2 + 2))))
        kinds = [c.kind for c in ledger.columns]
        rows = ([_xlsx_value(v, k) for v, k in zip(r, kinds)] for r in ledger.rows)
        totals = ([_xlsx_value(v, k) for v, k in zip(ledger.totals, kinds)]
                  if ledger.totals else None)
        info = "　".join(x for x in (f"编制单位：{unit}" if unit else "", ledger.subtitle,
                                     f"日期：{dtext}") if x)
        return write_table_xlsx(path, cols, rows, title=ledger.title, info=info,
                                sheet_name=ledger.sheet_name, totals=totals)

    from .ledger import LedgerSpec, render_ledger

    kinds = [c.kind for c in ledger.columns]
    rows = [tuple(fmt(v, k) for v, k in zip(r, kinds)) for r in ledger.rows]
    totals = tuple(fmt(v, k) for v, k in zip(ledger.totals, kinds)) if ledger.totals else None
    spec = LedgerSpec(title=ledger.title, columns=[_pdf_column(c) for c in ledger.columns],
                      rows=rows, unit=unit, date_text=dtext, subtitle=ledger.subtitle,
                      totals=totals)
    report = None
    if progress:
        def report(done, total):
            progress(done, total, f"正在生成第 {done} 页，共 {total} 页")
    return render_ledger(spec, out, progress=report)
