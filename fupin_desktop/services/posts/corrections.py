"""更正 lines: what was changed in a closed month after its payroll was signed.

A closed month's stored wages never change. A later change to its attendance (or to what its
wage depends on, such as a yellow flag's rectification) is kept as an AttendanceCorrection: the
marks before and after, who, when, why, and the wage difference paid (or recovered) in the first
open month after it. The closed month's attendance sheet and payroll both print the correction
as a 更正 line under the worker's row, from the same records, so the two always reconcile:

    days on the payroll row (as paid) + the 更正 lines = days on the attendance sheet today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Member, Village
from ...models.posts import MARK_NONE, AttendanceCorrection, Assignment, Post
from ...domain.posts_calendar import MarkCounts, count_marks, days_in_month, month_text, overlap

KIND_TEXT = {"attendance": "考勤更正", "inspection": "黄旗整改更正"}


@dataclass(frozen=True)
class CorrectionLine:
    id: int
    assignment_id: int
    worker_name: str
    village_name: str
    post_name: str
    kind: str  # attendance / inspection
    month: dt.date  # the closed month corrected
    target_month: dt.date  # where the difference is paid
    changes: str  # “21日 ×→√；22日 ×→√” or the flag's rectification
    reason: str
    amount: Decimal
    created_at: dt.datetime
    created_by: str | None
    old_marks: str
    new_marks: str
    before: MarkCounts  # days in post, before and after this correction
    after: MarkCounts

    @property
    def who(self) -> str:
        return self.created_by or "（未登录）"

    @property
    def when(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def changed_days(self) -> dict[int, str]:
        """day -> new mark code, for the days this correction changed."""
        return {i + 1: b for i, (a, b) in enumerate(zip(self.old_marks, self.new_marks)) if a != b}

    def text(self) -> str:
        """One sentence for the 更正 line: before → after, why, who, when, where it is paid."""
        b, a = self.before, self.after
        days = "，".join(f"{what}{x}→{y}天" for what, x, y in (
            ("出勤", b.present, a.present), ("请假", b.leave, a.leave), ("旷工", b.absent, a.absent))
            if x != y)
        money = (f"差额{self.amount:+,.2f}元计入{month_text(self.target_month)}发放"
                 if self.amount else "补贴金额不变")
        return (f"{KIND_TEXT.get(self.kind, '更正')}：{self.changes}。{days + '。' if days else ''}原因：{self.reason}。"
                f"更正人：{self.who}，{self.when}；{money}")


def corrections_in(s: Session, month: dt.date, *, village_id: int | None = None,
                   assignment_ids: list[int] | None = None) -> list[CorrectionLine]:
    """The corrections made to the closed ``month``, oldest first."""
    dim = days_in_month(month)
    q = (select(AttendanceCorrection, Member.name, Village.name, Post.name, Assignment.start_date,
                Assignment.end_date)
         .join(Assignment, Assignment.id == AttendanceCorrection.assignment_id)
         .join(Member, Member.id == Assignment.member_id)
         .join(Post, Post.id == Assignment.post_id)
         .outerjoin(Village, Village.id == Post.village_id)
         .where(AttendanceCorrection.month == month)
         .order_by(AttendanceCorrection.id))
    if village_id is not None:
        q = q.where(Post.village_id == village_id)
    if assignment_ids is not None:
        q = q.where(AttendanceCorrection.assignment_id.in_(assignment_ids))
    out = []
    for c, name, vname, pname, start, end in s.execute(q):
        old = (c.old_marks or "").ljust(dim, MARK_NONE)[:dim]
        new = (c.new_marks or "").ljust(dim, MARK_NONE)[:dim]
        period = overlap(month, start, end)
        lo, hi = (period[0] - 1, period[1]) if period else (0, 0)
        out.append(CorrectionLine(c.id, c.assignment_id, name, vname or "", pname, c.kind or "attendance",
                                  c.month, c.target_month, c.changes, c.reason, c.amount,
                                  c.created_at, c.created_by, old, new, count_marks(old[lo:hi]),
                                  count_marks(new[lo:hi])))
    return out


def by_assignment(lines: list[CorrectionLine]) -> dict[int, list[CorrectionLine]]:
    out: dict[int, list[CorrectionLine]] = {}
    for c in lines:
        out.setdefault(c.assignment_id, []).append(c)
    return out
