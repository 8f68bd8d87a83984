"""Months and attendance marks for the posts module.

A month is handled as the ``date`` of its first day. Marks are stored as one ASCII code per day
(models.posts.MARK_*); clerks see and type the symbols of the paper sign-in sheet.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Attendance mark codes (one character per day); models/posts.py stores them.
MARK_NONE = "."  # no duty / not marked / outside the assignment
MARK_PRESENT = "P"  # 出勤 √
MARK_PERSONAL_LEAVE = "L"  # 事假 事
MARK_SICK_LEAVE = "S"  # 病假 病
MARK_ABSENT = "A"  # 旷工 ×
MARK_CODES = MARK_NONE + MARK_PRESENT + MARK_PERSONAL_LEAVE + MARK_SICK_LEAVE + MARK_ABSENT

#: code -> symbol on the sign-in sheet
SYMBOLS = {MARK_PRESENT: "√", MARK_PERSONAL_LEAVE: "事", MARK_SICK_LEAVE: "病", MARK_ABSENT: "×",
           MARK_NONE: ""}
#: code -> name in the grid legend and the reports
LABELS = {MARK_PRESENT: "出勤", MARK_PERSONAL_LEAVE: "事假", MARK_SICK_LEAVE: "病假",
          MARK_ABSENT: "旷工", MARK_NONE: "无"}

# what people write in a sign-in cell (after NFKC and upper-casing)
_TEXT_TO_CODE = {
    "√": MARK_PRESENT, "✓": MARK_PRESENT, "✔": MARK_PRESENT, "V": MARK_PRESENT, "出勤": MARK_PRESENT,
    "到": MARK_PRESENT, "P": MARK_PRESENT,
    "事": MARK_PERSONAL_LEAVE, "事假": MARK_PERSONAL_LEAVE, "L": MARK_PERSONAL_LEAVE,
    "病": MARK_SICK_LEAVE, "病假": MARK_SICK_LEAVE, "S": MARK_SICK_LEAVE,
    "×": MARK_ABSENT, "X": MARK_ABSENT, "✗": MARK_ABSENT, "✘": MARK_ABSENT, "旷": MARK_ABSENT,
    "旷工": MARK_ABSENT, "A": MARK_ABSENT,
    "": MARK_NONE, ".": MARK_NONE, "-": MARK_NONE, "—": MARK_NONE, "/": MARK_NONE,
    "休": MARK_NONE, "无": MARK_NONE,
}

_MONTH_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]?\s*\d{1,2}\s*日?)?")


def parse_month(value: object) -> dt.date:
    """First day of the month named by ``value``: a date, "2025-10", "2025年10月", (2025, 10)."""
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    if isinstance(value, tuple) and len(value) == 2:
        return dt.date(int(value[0]), int(value[1]), 1)
    if isinstance(value, str):
        s = unicodedata.normalize("NFKC", value).strip()
        m = _MONTH_RE.fullmatch(s)
        if m is None and s.isdigit() and len(s) == 6:
            m = re.fullmatch(r"(\d{4})(\d{2})", s)
        if m and 1 <= int(m[2]) <= 12:
            if not 1900 <= int(m[1]) <= 2100:
                raise ValueError(f"月份“{value}”的年份超出范围（1900～2100年），请核对")
            return dt.date(int(m[1]), int(m[2]), 1)
    raise ValueError(f"无法识别的月份“{value}”，请写成 2025-10 的形式")


def month_key(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def month_text(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


@lru_cache(maxsize=4096)  # called once per worker and month by the wage run
def days_in_month(month: dt.date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=days_in_month(month))


def add_months(month: dt.date, n: int) -> dt.date:
    k = month.year * 12 + month.month - 1 + n
    return dt.date(k // 12, k % 12 + 1, 1)


def overlap(month: dt.date, start: dt.date | None, end: dt.date | None) -> tuple[int, int] | None:
    """(first_day, last_day) of the month inside [start, end], or None when they do not meet."""
    m_end = month_end(month)
    lo = max(month, start) if start else month
    hi = min(m_end, end) if end else m_end
    if lo > hi:
        return None
    return lo.day, hi.day


def parse_mark(value: object) -> str:
    """Mark code for a cell's text; ``ValueError`` (Chinese) when it is not a known mark."""
    if value is None:
        return MARK_NONE
    if isinstance(value, bool):
        raise ValueError(f"无法识别的考勤标记“{value}”")
    if isinstance(value, (int, float)):
        value = str(int(value)) if float(value).is_integer() else str(value)
    s = "".join(unicodedata.normalize("NFKC", str(value)).split()).upper()
    code = _TEXT_TO_CODE.get(s)
    if code is None:
        raise ValueError(f"无法识别的考勤标记“{str(value).strip()}”，应为 √（出勤）、事、病（请假）、"
                         "×（旷工）或空白（无岗日）")
    return code


def symbols(marks: str) -> list[str]:
    return [SYMBOLS[c] for c in marks]


@dataclass(frozen=True, slots=True)
class MarkCounts:
    present: int
    personal_leave: int
    sick_leave: int
    absent: int

    @property
    def leave(self) -> int:
        return self.personal_leave + self.sick_leave

    @property
    def marked(self) -> int:
        return self.present + self.leave + self.absent


def count_marks(marks: str) -> MarkCounts:
    c = marks.count
    return MarkCounts(c(MARK_PRESENT), c(MARK_PERSONAL_LEAVE), c(MARK_SICK_LEAVE), c(MARK_ABSENT))


def describe_changes(old: str, new: str, month: dt.date | None = None) -> str:
    """“15日 ×→√；16日 空→事” for the days that differ (for corrections and the audit)."""
    parts = []
    for i, (a, b) in enumerate(zip(old.ljust(len(new), MARK_NONE), new)):
        if a != b:
            parts.append(f"{i + 1}日 {SYMBOLS[a] or '空'}→{SYMBOLS[b] or '空'}")
    return "；".join(parts)
