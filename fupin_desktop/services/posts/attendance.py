"""Attendance (考勤): the month grid and marking days.

The grid is one query (assignments in post that month joined with their marks row), so 500
workers load in a few milliseconds. Days outside an assignment cannot be marked. A closed
month can still be corrected, but only with a reason: each changed worker gets an
AttendanceCorrection whose amount (the wage difference) is paid as a line in the next open month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...errors import ConflictError, UserError, ValidationError
from ...models import Member, Village
from ...models.posts import (
    MARK_CODES, MARK_NONE, AttendanceCorrection, AttendanceMonth, Assignment, Post, WageRun,
)
from ...domain.masking import mask_id
from ...domain.posts_calendar import (
    count_marks,
    days_in_month,
    describe_changes,
    month_end,
    month_text,
    overlap,
    parse_mark,
    parse_month,
)
from .corrections import CorrectionLine, corrections_in
from .payroll import first_open_month_after, is_month_closed
from .rules import load_rules, rules_from_json
from .wages import attendance_delta


@dataclass
class GridRow:
    assignment_id: int
    member_id: int
    village_name: str
    worker_name: str
    id_masked: str
    post_name: str
    post_type: str
    first_day: int  # markable days: first_day..last_day
    last_day: int
    marks: str  # one code per day of the month (models.posts.MARK_*)
    version: int  # 0 while the month has no row yet (pass it back to set_marks)
    required_days: int | None  # the post's own; None: the rule posts.required_days

    def can_mark(self, day: int) -> bool:
        return self.first_day <= day <= self.last_day

    @property
    def present(self) -> int:
        return self.marks.count("P")

    @property
    def leave(self) -> int:
        return self.marks.count("L") + self.marks.count("S")

    @property
    def absent(self) -> int:
        return self.marks.count("A")


@dataclass
class MonthGrid:
    month: dt.date
    days: int
    weekdays: list[int]  # per day, Monday = 0
    closed: bool
    default_required_days: int
    rows: list[GridRow]
    corrections: list[CorrectionLine] = field(default_factory=list)  # closed month: 更正 lines

    def closed_marks(self, row: GridRow) -> str:
        """The row's marks as they stood when the month was closed (before any 更正)."""
        for c in self.corrections:
            if c.assignment_id == row.assignment_id:
                return c.old_marks
        return row.marks


@dataclass(frozen=True)
class CorrectionView:
    id: int
    assignment_id: int
    worker_name: str
    month: dt.date
    target_month: dt.date
    changes: str
    reason: str
    amount: Decimal
    created_at: dt.datetime
    created_by: str | None


@dataclass
class MarksSaved:
    versions: dict[int, int]  # assignment id -> new version of its month row
    changed: int  # assignments whose marks changed
    corrections: list[CorrectionView]


def _in_month(m0: dt.date):
    return and_(Assignment.deleted_at.is_(None), Assignment.start_date <= month_end(m0),
                or_(Assignment.end_date.is_(None), Assignment.end_date >= m0))


def month_grid(db, month, *, village_id: int | None = None, search: str | None = None) -> MonthGrid:
    """Rows = workers in post during the month, columns = days (the attendance tab)."""
    m0 = parse_month(month)
    dim = days_in_month(m0)
    with db.read() as s:
        q = (select(Assignment.id, Assignment.member_id, Assignment.start_date, Assignment.end_date,
                    Village.name, Member.name, Member.id_number, Post.name, Post.post_type,
                    Post.required_days, AttendanceMonth.marks, AttendanceMonth.version)
             .join(Post, Post.id == Assignment.post_id)
             .join(Member, Member.id == Assignment.member_id)
             .outerjoin(Village, Village.id == Post.village_id)
             .outerjoin(AttendanceMonth, and_(AttendanceMonth.assignment_id == Assignment.id,
                                              AttendanceMonth.month == m0))
             .where(_in_month(m0))
             .order_by(Village.sort_order, Village.name, Post.name, Member.name, Assignment.id))
        if village_id is not None:
            q = q.where(Post.village_id == village_id)
        if search:
            like = f"%{search.strip()}%"
            q = q.where(or_(Member.name.like(like), Member.id_number.like(like), Post.name.like(like)))
        rows = []
        for (aid, mid, start, end, vname, mname, idno, pname, ptype, req, marks,
             version) in s.execute(q):
            first, last = overlap(m0, start, end)
            rows.append(GridRow(aid, mid, vname or "", mname, mask_id(idno), pname, ptype or "",
                                first, last, (marks or "").ljust(dim, MARK_NONE)[:dim],
                                version or 0, req))
        closed = is_month_closed(s, m0)
        default_req = load_rules(s).required_days
        corrections = (corrections_in(s, m0, village_id=village_id,
                                      assignment_ids=[r.assignment_id for r in rows] if search else None)
                       if closed else [])
    weekdays = [dt.date(m0.year, m0.month, d).weekday() for d in range(1, dim + 1)]
    return MonthGrid(m0, dim, weekdays, closed, default_req, rows, corrections)


def _code(value: str) -> str:
    if isinstance(value, str) and len(value) == 1 and value in MARK_CODES:
        return value
    return parse_mark(value)  # accepts √ 事 病 × too


def set_marks(db, month, edits: Iterable[tuple[int, int, str]], *,
              versions: dict[int, int] | None = None, reason: str | None = None) -> MarksSaved:
    """Apply ``(assignment_id, day, mark)`` edits in one transaction.

    ``versions`` (from the grid) makes a stale grid fail with ConflictError instead of
    overwriting another clerk's marks. A closed month needs ``reason``.
    """
    m0 = parse_month(month)
    try:
        with db.write(reason=reason) as s:
            return set_marks_in(s, m0, edits, versions=versions, reason=reason, user=db.user)
    except IntegrityError:  # another clerk created the same worker's month row meanwhile
        raise ConflictError("该月考勤已被他人修改，请刷新后重试") from None


def set_marks_in(s: Session, m0: dt.date, edits: Iterable[tuple[int, int, str]], *,
                 versions: dict[int, int] | None = None, reason: str | None = None,
                 user: str | None = None) -> MarksSaved:
    dim = days_in_month(m0)
    per: dict[int, dict[int, str]] = {}
    for aid, day, mark in edits:
        try:
            code = _code(mark)
        except ValueError as exc:
            raise ValidationError(str(exc), field="marks") from None
        if not 1 <= int(day) <= dim:
            raise ValidationError(f"{month_text(m0)}没有{day}日", field="marks")
        per.setdefault(int(aid), {})[int(day)] = code
    if not per:
        return MarksSaved({}, 0, [])
    closed = is_month_closed(s, m0)
    if closed and not (reason and reason.strip()):
        raise ValidationError(f"{month_text(m0)}已关账，修改考勤必须填写原因；"
                              "差额将作为更正计入下月补贴", field="reason")
    if closed:  # an explicit 更正 with reason and user (services/closures.py)
        from ..closures import allow_correction

        allow_correction(s, reason, user)
    info = {r[0]: r for r in s.execute(
        select(Assignment.id, Assignment.start_date, Assignment.end_date, Member.name)
        .join(Member, Member.id == Assignment.member_id)
        .where(Assignment.id.in_(list(per)), Assignment.deleted_at.is_(None)))}
    existing = {r.assignment_id: r for r in s.scalars(
        select(AttendanceMonth).where(AttendanceMonth.month == m0,
                                      AttendanceMonth.assignment_id.in_(list(per))))}
    changes: dict[int, tuple[str, str]] = {}
    for aid, days in per.items():
        if aid not in info:
            raise UserError("找不到该上岗记录，可能已被删除，请刷新后重试")
        _, start, end, name = info[aid]
        period = overlap(m0, start, end)
        bad = [d for d, c in days.items() if c != MARK_NONE and (period is None or not
                                                                  period[0] <= d <= period[1])]
        if bad:
            when = f"{start:%Y-%m-%d}至{end:%Y-%m-%d}" if end else f"{start:%Y-%m-%d}起"
            raise ValidationError(f"{name}{month_text(m0)}"
                                  f"{'、'.join(f'{d}日' for d in sorted(bad))}不在上岗期间（{when}），"
                                  "不能记考勤", field="marks")
        row = existing.get(aid)
        if versions is not None and aid in versions and (row.version if row else 0) != versions[aid]:
            raise ConflictError(f"{name}{month_text(m0)}的考勤已被他人修改，请刷新后重试")
        old = (row.marks if row else "").ljust(dim, MARK_NONE)[:dim]
        new = list(old)
        for d, c in days.items():
            new[d - 1] = c
        new_s = "".join(new)
        if new_s == old:
            continue
        changes[aid] = (old, new_s)
        if row is None:
            row = AttendanceMonth(assignment_id=aid, month=m0, marks=new_s)
            s.add(row)
            existing[aid] = row
        else:
            row.marks = new_s
    corrections = []
    if closed and changes:
        corrections = _corrections(s, m0, changes, reason.strip(), user, info)
    s.flush()
    return MarksSaved({aid: existing[aid].version for aid in per if aid in existing},
                      len(changes), corrections)


def _corrections(s: Session, m0, changes, reason, user, info) -> list[CorrectionView]:
    run_rules = s.scalar(select(WageRun.rules).where(WageRun.month == m0))
    rules = rules_from_json(run_rules)  # the rules the month was paid with
    target = first_open_month_after(s, m0)
    out = []
    for aid, (old, new) in changes.items():
        amount = attendance_delta(s, m0, aid, old, new, rules)
        c = AttendanceCorrection(assignment_id=aid, month=m0, target_month=target, old_marks=old,
                                 new_marks=new, changes=describe_changes(old, new)[:300],
                                 reason=reason[:500], amount=amount, created_by=user)
        s.add(c)
        s.flush()
        out.append(CorrectionView(c.id, aid, info[aid][3], m0, target, c.changes, c.reason,
                                  amount, c.created_at, user))
    return out


def fill_range(db, month, assignment_ids: Iterable[int], first_day: int, last_day: int, mark: str,
               *, skip_weekdays: Iterable[int] = (), versions: dict[int, int] | None = None,
               reason: str | None = None) -> MarksSaved:
    """Mark a block of the grid; days outside each worker's assignment are left alone."""
    m0 = parse_month(month)
    skip = set(skip_weekdays)
    ids = list(assignment_ids)
    try:
        return _fill_range(db, m0, ids, first_day, last_day, mark, skip, versions, reason)
    except IntegrityError:  # another clerk created the same worker's month row meanwhile
        raise ConflictError("该月考勤已被他人修改，请刷新后重试") from None


def _fill_range(db, m0, ids, first_day, last_day, mark, skip, versions, reason) -> MarksSaved:
    with db.write(reason=reason) as s:
        periods = {aid: overlap(m0, st, en) for aid, st, en in s.execute(
            select(Assignment.id, Assignment.start_date, Assignment.end_date)
            .where(Assignment.id.in_(ids)))}
        edits = []
        for aid in ids:
            p = periods.get(aid)
            if p is None:
                continue
            for d in range(max(first_day, p[0]), min(last_day, p[1]) + 1):
                if dt.date(m0.year, m0.month, d).weekday() not in skip:
                    edits.append((aid, d, mark))
        return set_marks_in(s, m0, edits, versions=versions, reason=reason, user=db.user)


def list_corrections(db, *, month=None, target_month=None,
                     assignment_id: int | None = None) -> list[CorrectionView]:
    q = (select(AttendanceCorrection, Member.name)
         .join(Assignment, Assignment.id == AttendanceCorrection.assignment_id)
         .join(Member, Member.id == Assignment.member_id).order_by(AttendanceCorrection.id))
    if month is not None:
        q = q.where(AttendanceCorrection.month == parse_month(month))
    if target_month is not None:
        q = q.where(AttendanceCorrection.target_month == parse_month(target_month))
    if assignment_id is not None:
        q = q.where(AttendanceCorrection.assignment_id == assignment_id)
    with db.read() as s:
        return [CorrectionView(c.id, c.assignment_id, name, c.month, c.target_month, c.changes,
                               c.reason, c.amount, c.created_at, c.created_by)
                for c, name in s.execute(q)]


def totals(marks: str) -> tuple[int, int, int]:
    """(present, leave, absent) of a marks string, for the grid's total columns."""
    c = count_marks(marks)
    return c.present, c.leave, c.absent
