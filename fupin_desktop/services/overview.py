"""Record counts for the status bar and `fupin db info` (soft-deleted rows excluded)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from ..models import Household, Member, Village


def counts(db) -> dict[str, int]:
    with db.read() as s:
        return {
            "villages": s.scalar(select(func.count()).select_from(Village)) or 0,
            "households": s.scalar(select(func.count()).select_from(Household)
                             .where(Household.deleted_at.is_(None))) or 0,
            "members": s.scalar(select(func.count()).select_from(Member)
                             .where(Member.deleted_at.is_(None), Member.status == "正常")) or 0,
        }


# --- 总览 (the overview page's figures) --------------------------------------------------------



@dataclass(frozen=True)
class Overview:
    as_of: _dt.date
    year: int
    by_type: list[tuple[str, int]]                      # 户类型 -> households
    by_village: list[tuple[str, int]]                   # 行政村 -> households
    monitored_by_risk: list[tuple[str, int, int]]       # 风险1 -> (未消除, 已消除)
    income_bins: list[tuple[Decimal, int]]              # lower bound (2,000 元 steps) -> households
    threshold: Decimal | None                           # the year's 监测收入标准
    posts_filled: int
    posts_vacant: int
    attendance_rate: Decimal | None                     # this month's 出勤 / marked days
    medical_alerts: int                                 # households at or above the self-pay alert line
    findings: dict[str, int] = field(default_factory=dict)  # rule code -> open findings (when asked)


BIN = Decimal(2000)
TOP = Decimal(30000)


def overview(db, as_of: _dt.date, year: int | None = None, with_findings: bool = False) -> Overview:
    """Everything the 总览 page draws, in a few grouped queries (no per-household work)."""
    from sqlalchemy import and_, case, or_

    from ..models import HouseholdIncome
    from ..models.medical import Settlement
    from ..models.posts import Assignment, AttendanceMonth, Post
    from . import settings
    from .asof import default_year  # services.checks (the rules) only with_findings
    from .medical.settings import alert_thresholds

    live = Household.deleted_at.is_(None)
    with db.read() as s:
        year = year or default_year(s, as_of)
        by_type = [(t or "未填写", n) for t, n in s.execute(
            select(Household.household_type, func.count()).where(live).group_by(Household.household_type)
            .order_by(func.count().desc()))]
        by_village = [(v, n) for v, n in s.execute(
            select(Village.name, func.count(Household.id)).join(Household, Household.village_id == Village.id)
            .where(live).group_by(Village.name, Village.sort_order).order_by(Village.sort_order, Village.name))]
        cleared = case((Household.risk_eliminated.is_(True), 1), else_=0)
        risk = [(r or "未填写", int(n) - int(e or 0), int(e or 0)) for r, n, e in s.execute(
            select(Household.risk1, func.count(), func.sum(cleared))
            .where(live, Household.monitoring_category.is_not(None)).group_by(Household.risk1)
            .order_by(func.count().desc()))]
        pc = func.coalesce(HouseholdIncome.per_capita_income, HouseholdIncome.declared_per_capita)
        bins: dict[Decimal, int] = {}
        for (value,) in s.execute(select(pc).join(Household, Household.id == HouseholdIncome.household_id)
                                  .where(live, HouseholdIncome.year == year, pc.is_not(None))):
            v = min(Decimal(value), TOP)
            lower = (v // BIN) * BIN
            bins[lower] = bins.get(lower, 0) + 1
        income_bins = [(b, bins.get(b, 0)) for b in (BIN * i for i in range(int(TOP / BIN) + 1))]
        threshold = settings.monitoring_threshold(s, year)
        active = and_(Assignment.deleted_at.is_(None), Assignment.start_date <= as_of,
                      or_(Assignment.end_date.is_(None), Assignment.end_date >= as_of), Assignment.status == "在岗")
        posts = select(Post.id).where(Post.deleted_at.is_(None),
                                      or_(Post.start_date.is_(None), Post.start_date <= as_of),
                                      or_(Post.end_date.is_(None), Post.end_date >= as_of))
        n_posts = s.scalar(select(func.count()).select_from(posts.subquery())) or 0
        filled = s.scalar(select(func.count(func.distinct(Assignment.post_id))).where(
            active, Assignment.post_id.in_(posts))) or 0
        present = marked = 0
        for (marks,) in s.execute(select(AttendanceMonth.marks).where(AttendanceMonth.month == as_of.replace(day=1))):
            marks = (marks or "")[:as_of.day]
            present += marks.count("P")
            marked += sum(marks.count(c) for c in "PLSA")
        rate = (Decimal(present) / marked).quantize(Decimal("0.0001")) if marked else None
        line = alert_thresholds(s).self_paid_amount
        y0, y1 = _dt.date(year, 1, 1), _dt.date(year, 12, 31)
        per_household = (select(Member.household_id, func.sum(Settlement.self_paid).label("paid"))
                         .join(Member, Member.id == Settlement.member_id)
                         .where(Settlement.deleted_at.is_(None), Settlement.settlement_date.between(y0, y1),
                                Settlement.settlement_date <= as_of)
                         .group_by(Member.household_id).subquery())
        alerts = s.scalar(select(func.count()).select_from(per_household).where(per_household.c.paid >= line)) or 0
    findings = {}
    if with_findings:
        from .checks import run_check

        result = run_check(db, as_of, year)
        findings = {k: v for k, v in result.counts().items() if v}
    return Overview(as_of, year, by_type, by_village, risk, income_bins, threshold, filled,
                    max(n_posts - filled, 0), rate, alerts, findings)
