"""问题整改台账 (A4 PDF or Excel): every problem with its source, responsible person, deadline
and status, for signature. Rows come from services/problems.list_problems."""

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


def render_problems_ledger(db, out, *, status: str | None = None, village: str | None = None,
                           year: int | None = None, today: dt.date | None = None,
                           progress=None, title: str | None = None) -> int:
    """Write the ledger to ``out`` (.xlsx → Excel, else PDF); pages or rows written.
    ``title``: printed instead of the default (the archive prints its catalogue 题名)."""
    from ..services import settings
    from ..services.problems import ProblemFilter, list_problems

    # a year's ledger (the archive's item) shows the statuses as they stood on 31 Dec
    as_of = dt.date(year, 12, 31) if year else None
    if as_of and today and today < as_of:
        as_of = today
    rows = list_problems(db, ProblemFilter(status=status, village=village, year=year, as_of=as_of),
                         today=today)
    subtitle = "　".join(x for x in (f"{year}年度（状态截至{as_of:%Y年%m月%d日}）" if as_of else "",
                                     f"行政村：{village}" if village else "",
                                     f"状态：{status}" if status else "") if x)
    with db.read() as s:
        unit = settings.township_info(s).unit
    ledger = problems_ledger(rows, subtitle=subtitle)
    if title:
        ledger.title = title
    return render(ledger, out, unit=unit, progress=progress, today=today)
