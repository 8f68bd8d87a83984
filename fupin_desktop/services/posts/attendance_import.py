"""`fupin import attendance`, the database side: importers/attendance.py reads the sheet into
marks per (assignment, month), asking this module's lookup for members, assignments and closed
months; this module merges the marks into the stored months in one transaction (a grid replaces
the span of days it holds, sign-in rows the days they list) and audits the changes as updates.
``dry_run`` computes the same result and writes nothing."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy import and_, or_, select

from ...domain.posts_calendar import MARK_NONE, days_in_month, month_end, parse_month
from ...importers.attendance import SPEC, AttendanceImportResult, MarkChange, parse_attendance
from ...importers.sheet import open_sheet
from ...models.posts import AttendanceMonth, Assignment, Post
from ..autobackup import before
from .importing import members_by_id
from .payroll import is_month_closed
from ..oplock import exclusive_op


class _Lookup:
    """The stored data the sheet is checked against (importers.attendance.AttendanceLookup)."""

    def __init__(self, session):
        self.s = session

    def members(self, ids: set[str]) -> dict[str, tuple]:
        return members_by_id(self.s, ids)

    def is_month_closed(self, month: dt.date) -> bool:
        return is_month_closed(self.s, month)

    def assignments(self, member_id: int, m0: dt.date) -> list[tuple]:
        return self.s.execute(
            select(Assignment.id, Assignment.start_date, Assignment.end_date, Post.name, Post.post_type)
            .join(Post, Post.id == Assignment.post_id)
            .where(Assignment.member_id == member_id, Assignment.deleted_at.is_(None),
                   and_(Assignment.start_date <= month_end(m0),
                        or_(Assignment.end_date.is_(None), Assignment.end_date >= m0)))
            .order_by(Assignment.start_date)).all()


def _write(s, p) -> None:
    """Merge the parsed marks (``p`` from parse_attendance) into the stored months."""
    created = replaced = unchanged = added_total = changed_total = 0
    for (aid, m0), days in p.new_marks.items():
        dim = days_in_month(m0)
        row = s.scalar(select(AttendanceMonth).where(
            AttendanceMonth.assignment_id == aid, AttendanceMonth.month == m0))
        old = (row.marks if row is not None else "").ljust(dim, MARK_NONE)[:dim]
        marks = list(old)
        if p.span is not None and "d1" in p.r.columns:  # grid: the file's span of days
            for d in range(p.span[0], min(p.span[1], dim) + 1):
                marks[d - 1] = days.get(d, MARK_NONE)
        else:  # sign-in rows: the days listed
            for d, c in days.items():
                marks[d - 1] = c
        new = "".join(marks)
        added = sum(1 for a, b in zip(old, new) if a == MARK_NONE and b != MARK_NONE)
        changed = sum(1 for a, b in zip(old, new) if a != MARK_NONE and b != a)
        if added or changed:
            p.res.changes.append(MarkChange(aid, p.names.get(aid, ""), m0, added, changed))
            added_total += added
            changed_total += changed
        if row is None:
            if new.strip(MARK_NONE):
                s.add(AttendanceMonth(assignment_id=aid, month=m0, marks=new))
                created += 1
            else:
                unchanged += 1
        elif row.marks != new:
            row.marks = new
            replaced += 1
        else:
            unchanged += 1
    s.flush()
    p.res.count("months_created", created)
    p.res.count("months_replaced", replaced)
    p.res.count("months_unchanged", unchanged)
    p.res.count("marks_added", added_total)
    p.res.count("marks_changed", changed_total)
    if p.month is not None:
        p.res.counts["month"] = f"{p.month:%Y-%m}"  # type: ignore[assignment]


class _Preview(Exception):
    """Raised inside the transaction of a dry run so that nothing is written."""

    def __init__(self, result):
        super().__init__("dry run")
        self.result = result


@exclusive_op("import attendance")
def import_attendance(db, path: str | os.PathLike, *, month=None, dry_run: bool = False,
                      today: dt.date | None = None) -> AttendanceImportResult:
    """Import a sign-in sheet; InputError for an unusable file or a closed month (nothing written).
    ``dry_run``: the same result (rejects, warnings, per-worker changes), nothing written."""
    m0 = parse_month(month) if month is not None else None
    reader = open_sheet(path, SPEC)
    name = Path(path).name
    if not dry_run:
        before(db, "import")
    try:
        with db.write(reason=f"导入考勤：{name}") as s:
            parsed = parse_attendance(_Lookup(s), reader, m0, name, today)
            _write(s, parsed)
            res = parsed.res
            if dry_run:
                res.dry_run = True
                raise _Preview(res)
            return res
    except _Preview as p:
        return p.result
