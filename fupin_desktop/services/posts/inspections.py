"""Inspections (考核 / 检查): weekly score, grade from the thresholds, red / yellow flags.

A yellow flag carries a rectification deadline (default: the rule posts.rectify_days after the
inspection); if it is not rectified by then it counts against the worker in the wage of the
month the deadline falls in. Inspections dated in a closed month cannot be added, removed or
re-scored (the month was paid on them). Marking one rectified is always allowed, but when the
deadline's month is closed it changes a paid wage: it then needs a written reason and becomes a
更正 (AttendanceCorrection of kind “inspection”: who, when, why, the wage difference paid in the
next open month), printed in that month's attendance sheet and payroll.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ...errors import ConflictError, UserError, ValidationError
from ...models import Member, Village
from ...models.base import utcnow
from ...models.posts import (
    FLAGS, MARK_NONE, AttendanceCorrection, AttendanceMonth, Assignment, Inspection, Post, WageRun,
)
from ..closures import allow_correction
from ...domain.posts_calendar import days_in_month, month_end, month_text, parse_month
from .payroll import first_open_month_after, is_month_closed
from .rules import load_rules, rules_from_json
from .wages import slip_amount


@dataclass
class InspectionInput:
    assignment_id: int
    date: dt.date
    inspector: str | None = None
    score: int | None = None
    flag: str | None = None  # 红旗 / 黄旗 / None
    problem: str | None = None
    deadline: dt.date | None = None
    rectified: bool = False
    rectified_date: dt.date | None = None


@dataclass
class InspectionView:
    id: int
    assignment_id: int
    worker_name: str
    village_name: str
    post_name: str
    date: dt.date
    inspector: str | None
    score: int | None
    grade: str | None
    flag: str | None
    problem: str | None
    deadline: dt.date | None
    rectified: bool
    rectified_date: dt.date | None
    version: int

    def overdue(self, today: dt.date) -> bool:
        """A yellow flag past its deadline and not rectified."""
        return (self.flag == "黄旗" and not self.rectified and self.deadline is not None
                and self.deadline < today)


def _validate(s: Session, data: InspectionInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    a = s.get(Assignment, data.assignment_id)
    if a is None or a.deleted_at is not None:
        errors["assignment_id"] = "请选择在岗人员"
    elif data.date < a.start_date or (a.end_date and data.date > a.end_date):
        errors["date"] = f"检查日期{data.date:%Y-%m-%d}不在该人员上岗期间"
    if data.score is not None and not 0 <= int(data.score) <= 100:
        errors["score"] = "得分应在0到100之间"
    if data.flag not in (None, "", *FLAGS):
        errors["flag"] = "旗帜只能是红旗、黄旗或空"
    if data.flag == "黄旗" and not (data.problem or "").strip():
        errors["problem"] = "黄旗须写明存在的问题"
    if data.deadline and data.deadline < data.date:
        errors["deadline"] = "整改期限不能早于检查日期"
    if data.rectified_date and data.rectified_date < data.date:
        errors["rectified_date"] = "整改日期不能早于检查日期"
    return errors


def _apply(obj: Inspection, data: InspectionInput, rules) -> None:
    obj.assignment_id = data.assignment_id
    obj.date = data.date
    obj.inspector = (data.inspector or "").strip() or None
    obj.score = None if data.score is None else int(data.score)
    obj.grade = rules.grade_for_score(obj.score)
    obj.flag = data.flag or None
    obj.problem = (data.problem or "").strip() or None
    if obj.flag == "黄旗":
        obj.deadline = data.deadline or data.date + dt.timedelta(days=rules.rectify_days)
    else:
        obj.deadline = data.deadline
    obj.rectified = bool(data.rectified)
    obj.rectified_date = (data.rectified_date or dt.date.today()) if data.rectified else None


def _refuse_closed(s: Session, day: dt.date, what: str) -> None:
    if is_month_closed(s, day):
        raise UserError(f"{month_text(day.replace(day=1))}已关账，不能{what}该月的检查记录")


def add_inspection(db, data: InspectionInput) -> InspectionView:
    with db.write() as s:
        rules = load_rules(s)
        errors = _validate(s, data)
        if errors:
            raise ValidationError("；".join(errors.values()), errors=errors)
        _refuse_closed(s, data.date, "新增")
        obj = Inspection()
        _apply(obj, data, rules)
        s.add(obj)
        s.flush()
        return _views(s, [obj.id])[0]


def update_inspection(db, inspection_id: int, data: InspectionInput, version: int,
                      reason: str | None = None) -> InspectionView:
    """Save an edited inspection; a changed rectification of a yellow flag whose deadline month
    is closed needs ``reason`` and becomes a 更正 (see ``rectify``)."""
    with db.write(reason=reason) as s:
        obj = s.get(Inspection, inspection_id)
        if obj is None or obj.deleted_at is not None:
            raise UserError("找不到该检查记录，可能已被删除，请刷新后重试")
        if obj.version != version:
            raise ConflictError()
        rules = load_rules(s)
        errors = _validate(s, data)
        if errors:
            raise ValidationError("；".join(errors.values()), errors=errors)
        scored = (obj.date, obj.score, obj.flag, obj.assignment_id, obj.deadline)
        if scored != (data.date, data.score, data.flag or None, data.assignment_id,
                      data.deadline or obj.deadline):
            _refuse_closed(s, obj.date, "修改")
            _refuse_closed(s, data.date, "修改")
        with _rectification_correction(s, obj, reason, db.user, bool(data.rectified),
                                       (data.rectified_date or dt.date.today())
                                       if data.rectified else None):
            _apply(obj, data, rules)
        s.flush()
        return _views(s, [obj.id])[0]


def rectify(db, inspection_id: int, rectified_date: dt.date, version: int | None = None,
            reason: str | None = None) -> InspectionView:
    """Record that a flagged problem was fixed. When the yellow flag's deadline falls in a
    closed month this is a 更正 of that month's wage and needs ``reason``."""
    with db.write(reason=reason) as s:
        obj = s.get(Inspection, inspection_id)
        if obj is None or obj.deleted_at is not None:
            raise UserError("找不到该检查记录，可能已被删除，请刷新后重试")
        if version is not None and obj.version != version:
            raise ConflictError()
        if rectified_date < obj.date:
            raise ValidationError("整改日期不能早于检查日期", field="rectified_date")
        with _rectification_correction(s, obj, reason, db.user, True, rectified_date):
            obj.rectified = True
            obj.rectified_date = rectified_date
        s.flush()
        return _views(s, [obj.id])[0]


def rectification_closed_month(db, inspection_id: int, rectified: bool = True,
                               rectified_date: dt.date | None = None) -> dt.date | None:
    """The closed month whose paid wage setting this inspection's rectification to
    (``rectified``, ``rectified_date``) would correct — its yellow flag's deadline month, when
    the flag turns from deducted to not deducted or back — or None. Ask the clerk for a reason
    first when it is a month."""
    with db.read() as s:
        obj = s.get(Inspection, inspection_id)
        if obj is None:
            return None
        return _closed_deadline_month(s, obj, rectified, rectified_date or dt.date.today())


def _closed_deadline_month(s: Session, obj: Inspection, rectified: bool,
                           rectified_date: dt.date | None) -> dt.date | None:
    """The deadline's month if it is closed and the change moves the flag across the deadline."""
    if obj.flag != "黄旗" or obj.deadline is None:
        return None
    if _late(obj.rectified, obj.rectified_date, obj.deadline) == _late(rectified, rectified_date,
                                                                      obj.deadline):
        return None  # deducted before and after (or neither): the paid wage stands
    m = obj.deadline.replace(day=1)
    return m if is_month_closed(s, m) else None


def _late(rectified: bool, rectified_date: dt.date | None, deadline: dt.date) -> bool:
    return not rectified or rectified_date is None or rectified_date > deadline


class _rectification_correction:
    """Around a change of ``obj``'s rectification: when its deadline month is closed, refuse
    it without a reason, else record the wage difference as a 更正 of that month."""

    def __init__(self, s: Session, obj: Inspection, reason: str | None, user: str | None,
                 rectified: bool, rectified_date: dt.date | None):
        self.s, self.obj, self.reason, self.user = s, obj, (reason or "").strip(), user
        self.month = _closed_deadline_month(s, obj, rectified, rectified_date)

    def __enter__(self):
        if self.month is None:
            return self
        if not self.reason:
            raise ValidationError(
                f"{month_text(self.month)}已关账（补贴已发放签字），黄旗整改情况会改变该月补贴，"
                "须填写更正原因；差额将作为更正计入下一个未关账月份", field="reason")
        allow_correction(self.s, self.reason, self.user)  # the closure guard lets a 更正 through
        self.was = (self.obj.rectified, self.obj.rectified_date)
        run_rules = self.s.scalar(select(WageRun.rules).where(WageRun.month == self.month))
        self.rules = rules_from_json(run_rules)  # the rules the month was paid with
        self.before = slip_amount(self.s, self.month, self.obj.assignment_id, self.rules)
        self.was_late = _late(self.obj.rectified, self.obj.rectified_date, self.obj.deadline)
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None or self.month is None:
            return False
        obj = self.obj
        if (obj.rectified, obj.rectified_date) == self.was:
            return False
        self.s.flush()
        after = slip_amount(self.s, self.month, obj.assignment_id, self.rules)
        dim = days_in_month(self.month)
        marks = (self.s.scalar(select(AttendanceMonth.marks).where(
            AttendanceMonth.assignment_id == obj.assignment_id,
            AttendanceMonth.month == self.month)) or "").ljust(dim, MARK_NONE)[:dim]
        when = "未整改" if not obj.rectified else f"{obj.rectified_date:%Y-%m-%d}整改"
        effect = ("逾期未整改，扣款" if _late(obj.rectified, obj.rectified_date, obj.deadline)
                  else "按期整改，不扣款")
        was = "逾期未整改" if self.was_late else "按期整改"
        changes = (f"{obj.date:%Y-%m-%d}黄旗（{(obj.problem or '')[:40]}，整改期限{obj.deadline:%Y-%m-%d}）"
                   f"登记为{when}：{was}→{effect}")
        self.s.add(AttendanceCorrection(
            assignment_id=obj.assignment_id, kind="inspection", inspection_id=obj.id,
            month=self.month, target_month=first_open_month_after(self.s, self.month),
            old_marks=marks, new_marks=marks, changes=changes[:300], reason=self.reason[:500],
            amount=after - self.before, created_by=self.user))
        return False


def delete_inspection(db, inspection_id: int, reason: str) -> None:
    if not (reason or "").strip():
        raise ValidationError("删除检查记录须填写原因", field="reason")
    with db.write(reason=reason) as s:
        obj = s.get(Inspection, inspection_id)
        if obj is None or obj.deleted_at is not None:
            return
        _refuse_closed(s, obj.date, "删除")
        obj.deleted_at = utcnow()
        obj.deleted_reason = reason.strip()[:200]


def _views(s: Session, ids=None, where=()) -> list[InspectionView]:
    q = (select(Inspection, Member.name, Village.name, Post.name)
         .join(Assignment, Assignment.id == Inspection.assignment_id)
         .join(Member, Member.id == Assignment.member_id)
         .join(Post, Post.id == Assignment.post_id)
         .outerjoin(Village, Village.id == Post.village_id)
         .where(Inspection.deleted_at.is_(None), *where)
         .order_by(Inspection.date, Village.name, Member.name, Inspection.id))
    if ids is not None:
        q = q.where(Inspection.id.in_(ids))
    return [InspectionView(i.id, i.assignment_id, mname, vname or "", pname, i.date, i.inspector,
                           i.score, i.grade, i.flag, i.problem, i.deadline, i.rectified,
                           i.rectified_date, i.version)
            for i, mname, vname, pname in s.execute(q)]


def list_inspections(db, *, month=None, assignment_id: int | None = None,
                     village_id: int | None = None, flag: str | None = None,
                     overdue_on: dt.date | None = None) -> list[InspectionView]:
    """Inspections filtered for the inspections tab; ``overdue_on`` keeps overdue yellow flags."""
    where = []
    if month is not None:
        m0 = parse_month(month)
        where += [Inspection.date >= m0, Inspection.date <= month_end(m0)]
    if assignment_id is not None:
        where.append(Inspection.assignment_id == assignment_id)
    if village_id is not None:
        where.append(Post.village_id == village_id)
    if flag:
        where.append(Inspection.flag == flag)
    if overdue_on is not None:
        where += [Inspection.flag == "黄旗", Inspection.deadline < overdue_on,
                  or_(Inspection.rectified.is_(False), Inspection.rectified_date.is_(None))]
    with db.read() as s:
        return _views(s, where=where)

