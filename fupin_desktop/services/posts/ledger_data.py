"""The data of the posts ledgers (公益性岗位人员台账, 签到考勤表, 发放花名册, 公示, 年度汇总): the
same services the tab uses, gathered here as plain values for reports/posts_ledgers (which
renders and never queries)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from ...domain.posts_calendar import month_text, parse_month
from ...errors import InputError
from ...reports.posts_ledgers import KINDS
from .. import settings
from .assignments import assignment_on, list_assignments
from .attendance import month_grid
from .corrections import by_assignment
from .payroll import annual_summary, wage_run


class MissingAttendanceError(InputError):
    """Printing a payroll of a month where some workers have no attendance yet (not confirmed)."""

    def __init__(self, month, names: list[str]):
        self.month, self.names = month, names
        shown = "、".join(names[:20]) + (f"等{len(names)}人" if len(names) > 20 else "")
        super().__init__(f"{month_text(month)}有{len(names)}人未录入考勤：{shown}。"
                         "请先录入考勤；确需打印请加 --allow-missing")


@dataclass(frozen=True)
class PostsLedgerData:
    """One ledger's values. ``source`` by kind: posts → assignment views in post during
    ``month``; attendance → the MonthGrid; payroll / payroll-notice → the WageRunView;
    wages-annual → the AnnualSummary of ``year``."""
    kind: str
    town: str
    unit: str
    mask_id: Callable[[str], str]
    source: object
    month: dt.date | None = None
    year: int | None = None
    # a closed month's 更正 lines per assignment id (attendance, payroll, 公示)
    corrections: dict = field(default_factory=dict)


def _township(db) -> tuple[str, str, Callable[[str], str]]:
    info = settings.township_info(db)
    mask_id, _, _ = settings.masker(db)
    return info.township, info.unit, mask_id


def posts_data(db, *, month=None, village_id: int | None = None, today: dt.date | None = None,
               as_of: dt.date | None = None) -> PostsLedgerData:
    """Everyone in post during ``month`` (default: the current month; with ``as_of``: that
    day's month, the assignments as they stood that day — a later 离岗 not yet shown)."""
    m0 = parse_month(month or as_of or (today or dt.date.today()))
    found = list_assignments(db, month=m0, village_id=village_id)
    if as_of is not None:
        found = [assignment_on(a, as_of) for a in found if a.start_date <= as_of]
    return PostsLedgerData("posts", *_township(db), found, month=m0)


def attendance_data(db, month, *, village_id: int | None = None) -> PostsLedgerData:
    grid = month_grid(db, month, village_id=village_id)
    return PostsLedgerData("attendance", *_township(db), grid, month=grid.month,
                           corrections=by_assignment(grid.corrections))


def payroll_data(db, month, *, village_id: int | None = None, allow_missing: bool = True,
                 kind: str = "payroll") -> PostsLedgerData:
    """The month's wage run (``kind``: payroll or payroll-notice). No one to pay: InputError;
    someone without attendance and not ``allow_missing``: MissingAttendanceError."""
    run = wage_run(db, month, village_id=village_id)
    if not run.slips:
        raise InputError(f"{month_text(run.month)}没有在岗人员或补贴记录")
    if run.missing_attendance and not allow_missing:
        raise MissingAttendanceError(run.month, [s.worker_name for s in run.missing_attendance])
    return PostsLedgerData(kind, *_township(db), run, month=run.month,
                           corrections=by_assignment(run.corrections))


def annual_data(db, year: int, *, village_id: int | None = None, include_open: bool = False,
                today: dt.date | None = None) -> PostsLedgerData:
    summary = annual_summary(db, year, village_id=village_id, include_open=include_open,
                             today=today)
    return PostsLedgerData("wages-annual", *_township(db), summary, year=year)


def posts_ledger_data(db, kind: str, *, month=None, year: int | None = None,
                      village_id: int | None = None, today: dt.date | None = None,
                      allow_missing: bool = True) -> PostsLedgerData:
    """The data of ledger ``kind`` (reports.posts_ledgers.KINDS). ``posts`` with a ``year`` (no
    month): the holders as they stood on its 31 December (or today while it runs).
    ``allow_missing=False``: a payroll / 公示 of a month where someone has no attendance yet
    raises MissingAttendanceError (naming them)."""
    today = today or dt.date.today()
    if kind in ("attendance", "payroll", "payroll-notice") and month is None:
        raise InputError(f"生成“{KINDS[kind]}”须指定月份（--month 2025-10）")
    if kind == "posts":
        as_of = min(dt.date(year, 12, 31), today) if year and month is None else None
        return posts_data(db, month=month, village_id=village_id, today=today, as_of=as_of)
    if kind == "attendance":
        return attendance_data(db, month, village_id=village_id)
    if kind in ("payroll", "payroll-notice"):
        return payroll_data(db, month, village_id=village_id, allow_missing=allow_missing,
                            kind=kind)
    if kind == "wages-annual":
        return annual_data(db, year or today.year, village_id=village_id, today=today)
    raise InputError(f"未知的台账类型“{kind}”")
