"""The data of the 问题整改台账: the problem rows, the subtitle and the unit name, as plain
values for reports/problems_ledger (which renders and never queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import settings
from .tracking import ProblemFilter, ProblemRow, list_problems


@dataclass(frozen=True)
class ProblemsLedgerData:
    rows: list[ProblemRow]
    subtitle: str
    unit: str


def problems_ledger_data(db, *, status: str | None = None, village: str | None = None,
                         year: int | None = None,
                         today: dt.date | None = None) -> ProblemsLedgerData:
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
    return ProblemsLedgerData(rows, subtitle, unit)
