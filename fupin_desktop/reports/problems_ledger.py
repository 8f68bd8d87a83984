"""问题整改台账 (A4 PDF or Excel): every problem with its source, responsible person, deadline
and status, for signature. Rows come from services/problems_ledger_data."""

from __future__ import annotations

import datetime as dt

from .medical_render import MCol, MedicalLedger, render

COLUMNS = [
    MCol("no", "序号", 0.45, "int"), MCol("village", "行政村", 0.8),
    MCol("household", "户编号", 1.5, "code"), MCol("head", "户主", 0.6),
    MCol("source", "来源", 0.7, "tag"), MCol("category", "问题类别", 0.9),
    MCol("text", "问题描述", 3.0), MCol("responsible", "责任人", 0.7),
    MCol("found", "发现日期", 0.85, "date"), MCol("due", "整改时限", 0.85, "date"),
    MCol("status", "整改状态", 1.0, "tag"),
]


def problems_ledger(rows, *, subtitle: str = "") -> MedicalLedger:
    out = [(i, r.village, r.household, r.head, r.source, r.category,
            r.text + (f"（{r.member}）" if r.member else ""), r.responsible, r.found_on, r.due,
            r.status + ("（逾期）" if r.overdue else ""))
           for i, r in enumerate(rows, 1)]
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    summary = "，".join(f"{k}{v}个" for k, v in counts.items())
    totals = ("合计", "", f"共{len(rows)}个问题", "", "", "", summary, "", "", "", "")
    return MedicalLedger("问题整改台账", subtitle, COLUMNS, out, totals, sheet_name="问题整改台账")


def render_problems_ledger(data, out, *, today: dt.date | None = None, progress=None,
                           title: str | None = None) -> int:
    """Write the ledger of ``data`` (services/problems_ledger_data) to ``out`` (.xlsx → Excel,
    else PDF); pages or rows written. ``title``: printed instead of the default (the archive
    prints its catalogue 题名)."""
    ledger = problems_ledger(data.rows, subtitle=data.subtitle)
    if title:
        ledger.title = title
    return render(ledger, out, unit=data.unit, progress=progress, today=today)
