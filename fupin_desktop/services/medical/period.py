"""Reporting periods of the medical ledgers: a year, a quarter or a month (by 结算日期)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ...errors import InputError

_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")
_QUARTER = re.compile(r"^\s*(?:(\d{4})\s*[-/年]?\s*)?[Qq第]?\s*([1-4])\s*(?:季度)?\s*$")


@dataclass(frozen=True, slots=True)
class Period:
    year: int
    quarter: int | None = None
    month: int | None = None

    @property
    def start(self) -> dt.date:
        if self.month:
            return dt.date(self.year, self.month, 1)
        if self.quarter:
            return dt.date(self.year, 3 * self.quarter - 2, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        """First day after the period (exclusive bound)."""
        if self.month:
            m = self.month + 1
        elif self.quarter:
            m = 3 * self.quarter + 1
        else:
            return dt.date(self.year + 1, 1, 1)
        return dt.date(self.year + m // 13, (m - 1) % 12 + 1, 1)

    @property
    def label(self) -> str:
        if self.month:
            return f"{self.year}年{self.month}月"
        if self.quarter:
            return f"{self.year}年第{self.quarter}季度"
        return f"{self.year}年"

    @property
    def key(self) -> str:
        """Short form for file names: 2025, 2025Q2, 2025-03."""
        if self.month:
            return f"{self.year}-{self.month:02d}"
        if self.quarter:
            return f"{self.year}Q{self.quarter}"
        return str(self.year)

    def years(self) -> range:
        return range(self.year, self.year + 1)


def period_from_args(year: int | None = None, month: str | None = None,
                     quarter: str | int | None = None, today: dt.date | None = None) -> Period:
    """The period of the CLI options --year / --month YYYY-MM / --quarter N (or 2025Q2).

    Nothing given: the current calendar year.
    """
    if month:
        m = _MONTH.match(str(month))
        if not m or not 1 <= int(m[2]) <= 12:
            raise InputError(f"月份“{month}”格式不对，请写成 2025-03")
        if year and int(m[1]) != year:
            raise InputError(f"--month {month} 与 --year {year} 不一致")
        return Period(int(m[1]), month=int(m[2]))
    if quarter is not None and str(quarter).strip():
        q = _QUARTER.match(str(quarter))
        if not q:
            raise InputError(f"季度“{quarter}”格式不对，请写成 1–4 或 2025Q2")
        y = int(q[1]) if q[1] else year
        if y is None:
            y = (today or dt.date.today()).year
        if year and y != year:
            raise InputError(f"--quarter {quarter} 与 --year {year} 不一致")
        return Period(y, quarter=int(q[2]))
    return Period(year or (today or dt.date.today()).year)
