"""Wage runs: preview a month, close it (store every line), read stored runs, yearly summary.

A month is closed when its payroll (工资发放花名册) is printed for signatures. Closing stores the
computed slips and lines together with a snapshot of the rules, and locks the month's attendance:
later changes need a reason and become correction lines in the next open month
(services.posts.attendance).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...audit_events import record_bulk
from ...errors import UserError, ValidationError
from ...models.posts import Assignment, MonthClosure, Post, WageLine, WageRun, WageSlip
from .corrections import CorrectionLine, corrections_in
from ...domain.posts_calendar import add_months, month_text, parse_month
from .rules import PostRules, load_rules, rules_from_json
from .wages import ZERO, WageLineView, WageSlipView, compute_month
from ..oplock import CLOSE_WHAT, exclusive_op


@dataclass
class WageRunView:
    month: dt.date
    closed: bool
    slips: list[WageSlipView]
    rules: PostRules
    computed_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    closed_by: str | None = None
    note: str | None = None
    corrections: list[CorrectionLine] = field(default_factory=list)  # 更正 lines of a closed month

    @property
    def total(self) -> Decimal:
        return sum((s.amount for s in self.slips), ZERO)

    @property
    def month_text(self) -> str:
        return month_text(self.month)

    @property
    def missing_attendance(self) -> list[WageSlipView]:
        return [s for s in self.slips if s.attendance_missing]

    @property
    def revocations(self) -> list[WageSlipView]:
        return [s for s in self.slips if s.revocation_proposed]

    def village_totals(self) -> list[tuple[str, int, Decimal]]:
        """(village, workers, amount) in payroll order."""
        out: dict[str, list] = {}
        for s in self.slips:
            t = out.setdefault(s.village_name, [0, ZERO])
            t[0] += 1
            t[1] += s.amount
        return [(v, n, a) for v, (n, a) in out.items()]


def is_month_closed(session: Session, month) -> bool:
    m = parse_month(month)
    return session.scalar(select(MonthClosure.id).where(MonthClosure.month == m)) is not None


def closed_months(session: Session, year: int | None = None) -> list[dt.date]:
    q = select(MonthClosure.month).order_by(MonthClosure.month)
    if year is not None:
        q = q.where(MonthClosure.month >= dt.date(year, 1, 1), MonthClosure.month <= dt.date(year, 12, 1))
    return list(session.scalars(q))


def first_open_month_after(session: Session, month: dt.date) -> dt.date:
    closed = set(session.scalars(select(MonthClosure.month).where(MonthClosure.month > month)))
    m = add_months(month, 1)
    while m in closed:
        m = add_months(m, 1)
    return m


def _stored_run(session: Session, month: dt.date, village_id: int | None) -> WageRunView | None:
    row = session.execute(
        select(WageRun, MonthClosure).join(MonthClosure, MonthClosure.run_id == WageRun.id)
        .where(WageRun.month == month)).first()
    if row is None:
        return None
    run, closure = row
    q = select(WageSlip).where(WageSlip.run_id == run.id).order_by(WageSlip.id)
    if village_id is not None:
        q = (q.join(Assignment, Assignment.id == WageSlip.assignment_id)
             .join(Post, Post.id == Assignment.post_id).where(Post.village_id == village_id))
    slips = session.scalars(q).all()
    lines: dict[int, list[WageLineView]] = {}
    for ln in session.scalars(select(WageLine).join(WageSlip, WageSlip.id == WageLine.slip_id)
                              .where(WageSlip.run_id == run.id)
                              .order_by(WageLine.slip_id, WageLine.seq)):
        lines.setdefault(ln.slip_id, []).append(
            WageLineView(ln.code, ln.label, ln.quantity, ln.rate, ln.amount))
    views = [WageSlipView(
        s.assignment_id, s.member_id, s.village_name or "", s.worker_name, s.id_number, s.post_name,
        s.post_type or "", s.bank_name, s.bank_account, s.wage_standard, s.in_post_days,
        s.required_days, s.present_days, s.leave_days, s.absent_days, s.grade, s.red_flags,
        s.yellow_flags, s.amount, lines.get(s.id, []), s.revocation_proposed, s.note or "",
        s.in_post_days > 0 and s.present_days + s.leave_days + s.absent_days == 0)
        for s in slips]
    return WageRunView(month, True, views, rules_from_json(run.rules), run.computed_at,
                       closure.closed_at, closure.closed_by, closure.note,
                       corrections_in(session, month, village_id=village_id))


def wage_run_in(session: Session, month, *, village_id: int | None = None,
                rules: PostRules | None = None) -> WageRunView:
    m = parse_month(month)
    stored = _stored_run(session, m, village_id)
    if stored is not None:
        return stored
    rules = rules or load_rules(session)
    return WageRunView(m, False, compute_month(session, m, rules, village_id=village_id), rules)


def wage_run(db, month, *, village_id: int | None = None) -> WageRunView:
    """The month's wages: the stored run when the month is closed, else a fresh preview."""
    with db.read() as s:
        return wage_run_in(s, month, village_id=village_id)


def preview_wages(db, month, *, village_id: int | None = None,
                  rules: PostRules | None = None) -> WageRunView:
    """Compute the month now (also for a closed month: “what would it be today”)."""
    m = parse_month(month)
    with db.read() as s:
        rules = rules or load_rules(s)
        return WageRunView(m, False, compute_month(s, m, rules, village_id=village_id), rules)


@exclusive_op(CLOSE_WHAT)
def close_month(db, month, *, note: str | None = None, allow_missing_attendance: bool = False,
                today: dt.date | None = None) -> WageRunView:
    """Compute and store the month's wages and lock its attendance (one transaction)."""
    m = parse_month(month)
    today = today or dt.date.today()
    label = month_text(m)
    if m > today:
        raise UserError(f"{label}还没有到，不能关账")
    from ..autobackup import before

    before(db, "wages-close")
    try:
        return _close(db, m, label, note, allow_missing_attendance)
    except IntegrityError:  # another clerk closed the same month a moment ago
        raise UserError(f"{label}已由他人关账，请刷新后查看") from None


def _close(db, m: dt.date, label: str, note, allow_missing_attendance) -> WageRunView:
    with db.write(reason=note or f"{label}岗位补贴关账") as s:
        if is_month_closed(s, m):
            raise UserError(f"{label}已关账，不能重复关账")
        rules = load_rules(s)
        slips = compute_month(s, m, rules)
        if not slips:
            raise UserError(f"{label}没有在岗人员，无需关账")
        missing = [x for x in slips if x.attendance_missing]
        if missing and not allow_missing_attendance:
            names = "、".join(x.worker_name for x in missing[:10])
            more = f"等{len(missing)}人" if len(missing) > 10 else ""
            raise ValidationError(f"{label}还有人员未录入考勤：{names}{more}。"
                                  "请先录入考勤，或确认后选择“未录入考勤也关账”")
        total = sum((x.amount for x in slips), ZERO)
        run = WageRun(month=m, computed_by=s.info.get("user") or db.user, rules=rules.to_json(),
                      total=total, slip_count=len(slips))
        s.add(run)
        s.flush()
        _store_slips(s, run.id, slips)
        from ..closures import month_digest

        # sealed: `fupin db verify` recomputes this hash of the stored run, slips and lines
        s.add(MonthClosure(month=m, run_id=run.id, closed_by=db.user, note=note,
                           content_hash=month_digest(s, run.id)))
        s.flush()
        return WageRunView(m, True, slips, rules, run.computed_at, None, db.user, note)


def _store_slips(s: Session, run_id: int, slips: list[WageSlipView]) -> None:
    rows = [dict(run_id=run_id, assignment_id=x.assignment_id, member_id=x.member_id,
                 village_name=x.village_name, worker_name=x.worker_name, id_number=x.id_number,
                 post_name=x.post_name, post_type=x.post_type, bank_name=x.bank_name,
                 bank_account=x.bank_account, wage_standard=x.wage_standard,
                 in_post_days=x.in_post_days, required_days=x.required_days,
                 present_days=x.present_days, leave_days=x.leave_days, absent_days=x.absent_days,
                 grade=x.grade, red_flags=x.red_flags, yellow_flags=x.yellow_flags,
                 amount=x.amount, revocation_proposed=x.revocation_proposed, note=x.note or None)
            for x in slips]
    ids = list(s.scalars(insert(WageSlip).returning(WageSlip.id, sort_by_parameter_order=True),
                         rows))
    line_rows = [dict(slip_id=sid, seq=i, code=ln.code, label=ln.label, quantity=ln.quantity,
                      rate=ln.rate, amount=ln.amount)
                 for sid, x in zip(ids, slips) for i, ln in enumerate(x.lines, 1)]
    if line_rows:
        s.execute(insert(WageLine), line_rows)
    total = sum((x.amount for x in slips), ZERO)
    record_bulk(s, WageSlip.__tablename__, "bulk",
                [(str(run_id), "", {"count": len(rows), "total": str(total)})])
    record_bulk(s, WageLine.__tablename__, "bulk",
                [(str(run_id), "", {"count": len(line_rows)})])


@dataclass
class AnnualRow:
    member_id: int
    worker_name: str
    id_number: str
    village_name: str
    post_names: str
    months: list[Decimal | None] = field(default_factory=lambda: [None] * 12)
    present_days: int = 0
    absent_days: int = 0

    @property
    def total(self) -> Decimal:
        return sum((a for a in self.months if a is not None), ZERO)


@dataclass
class AnnualSummary:
    year: int
    rows: list[AnnualRow]
    closed: list[int]  # month numbers whose figures are stored (paid)
    included_open: list[int]  # month numbers shown as previews

    @property
    def month_totals(self) -> list[Decimal]:
        return [sum((r.months[i] for r in self.rows if r.months[i] is not None), ZERO)
                for i in range(12)]

    @property
    def total(self) -> Decimal:
        return sum((r.total for r in self.rows), ZERO)


def annual_summary(db, year: int, *, village_id: int | None = None, include_open: bool = False,
                   today: dt.date | None = None) -> AnnualSummary:
    """Per worker and month: amounts of the closed months (and previews of open ones if asked)."""
    today = today or dt.date.today()
    rows: dict[int, AnnualRow] = {}
    closed, previews = [], []
    with db.read() as s:
        rules = None
        for mo in range(1, 13):
            m = dt.date(year, mo, 1)
            if m > today:
                break
            run = _stored_run(s, m, village_id)
            if run is None:
                if not include_open:
                    continue
                rules = rules or load_rules(s)
                run = WageRunView(m, False, compute_month(s, m, rules, village_id=village_id), rules)
                previews.append(mo)
            else:
                closed.append(mo)
            for x in run.slips:
                r = rows.get(x.member_id)
                if r is None:
                    r = rows[x.member_id] = AnnualRow(x.member_id, x.worker_name, x.id_number,
                                                      x.village_name, x.post_name)
                elif x.post_name not in r.post_names.split("、"):
                    r.post_names += "、" + x.post_name
                r.months[mo - 1] = (r.months[mo - 1] or ZERO) + x.amount
                r.present_days += x.present_days
                r.absent_days += x.absent_days
    return AnnualSummary(year, list(rows.values()), closed, previews)

