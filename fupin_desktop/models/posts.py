"""Public-welfare posts (公益性岗位): posts, who holds them, attendance, inspections and wages.

Attendance is stored one row per assignment and month with a compact string of day marks
(``marks[d-1]`` is day d): a month grid of 500 workers is 500 rows, not 15,000, and the wage
run of a whole year reads 12 rows per worker. The mark codes are below; services translate
them to the symbols clerks write (√ 事 病 ×).

Wage results (WageRun → WageSlip → WageLine) are stored when a month is closed: the payroll
signed by the workers must be reproducible later, whatever happens to names or rules since.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, Numeric,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, IdMixin, SoftDeleteMixin, TimestampMixin, VersionedMixin, utcnow

from ..domain.posts_vocab import ASSIGNMENT_STATUSES, FLAGS, GRADES, POST_TYPES  # noqa: E402,F401

# Attendance mark codes (one character per day), defined with the calendar rules in domain/.
from ..domain.posts_calendar import (MARK_ABSENT, MARK_CODES, MARK_NONE,  # noqa: E402,F401
                                     MARK_PERSONAL_LEAVE, MARK_PRESENT, MARK_SICK_LEAVE)


class Post(IdMixin, TimestampMixin, VersionedMixin, SoftDeleteMixin, Base):
    """A post (岗位): one position with a duty area and a monthly wage standard."""

    __tablename__ = "posts"
    __table_args__ = (
        CheckConstraint("wage_standard >= 0", name="wage_not_negative"),
        CheckConstraint("required_days IS NULL OR (required_days >= 0 AND required_days <= 31)",
                        name="required_days_range"),
    )

    name: Mapped[str] = mapped_column(String(60))  # 岗位名称
    post_type: Mapped[str] = mapped_column(String(20))  # 岗位类型 (POST_TYPES)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"), index=True)
    duty_area: Mapped[str | None] = mapped_column(String(100))  # 责任区域
    wage_standard: Mapped[Decimal]  # 补贴标准 (元/月)
    funding_source: Mapped[str | None] = mapped_column(String(60))  # 资金来源
    required_days: Mapped[int | None] = mapped_column(Integer)  # None: the posts.required_days rule
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    note: Mapped[str | None] = mapped_column(Text)

    def audit_key(self) -> str:
        return self.name


class Assignment(IdMixin, TimestampMixin, VersionedMixin, SoftDeleteMixin, Base):
    """A member holding a post (上岗) from ``start_date`` to ``end_date`` (None: still in post)."""

    __tablename__ = "post_assignments"
    __table_args__ = (
        UniqueConstraint("member_id", "post_id", "start_date"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
        CheckConstraint("status IN ('在岗', '离岗', '撤销')", name="status_known"),
    )

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    start_date: Mapped[dt.date] = mapped_column(index=True)
    end_date: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(String(10), default="在岗")
    end_reason: Mapped[str | None] = mapped_column(String(200))  # 离岗 / 撤销 reason
    agreement_no: Mapped[str | None] = mapped_column(String(60))  # 协议编号
    bank_name: Mapped[str | None] = mapped_column(String(60))
    bank_account: Mapped[str | None] = mapped_column(String(40))  # text, never a number
    # eligibility override: the rules it broke (Chinese names) and the clerk's written reason
    override_rules: Mapped[str | None] = mapped_column(String(200))
    override_reason: Mapped[str | None] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(Text)

    def audit_key(self) -> str:
        return f"{self.member_id}/{self.post_id}/{self.start_date}"


class AttendanceMonth(IdMixin, VersionedMixin, Base):
    """One assignment's marks for one month: ``marks`` has one code per day of the month."""

    __tablename__ = "post_attendance"
    __table_args__ = (
        UniqueConstraint("assignment_id", "month"),
        Index("ix_post_attendance_month", "month"),
    )

    assignment_id: Mapped[int] = mapped_column(ForeignKey("post_assignments.id"))
    month: Mapped[dt.date]  # first day of the month
    marks: Mapped[str] = mapped_column(String(31))

    def audit_key(self) -> str:
        return f"{self.assignment_id}/{self.month:%Y-%m}"


class Inspection(IdMixin, TimestampMixin, VersionedMixin, SoftDeleteMixin, Base):
    """A (weekly) inspection of one worker's duty area (考核 / 检查)."""

    __tablename__ = "post_inspections"
    __table_args__ = (
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
        CheckConstraint("flag IS NULL OR flag IN ('红旗', '黄旗')", name="flag_known"),
        Index("ix_post_inspections_assignment_date", "assignment_id", "date"),
        Index("ix_post_inspections_date", "date"),
        # yellow-flag counts over a window (revocation rule) read only the flagged rows
        Index("ix_post_inspections_flag_date", "flag", "date"),
    )

    assignment_id: Mapped[int] = mapped_column(ForeignKey("post_assignments.id"))
    date: Mapped[dt.date]
    inspector: Mapped[str | None] = mapped_column(String(40))
    score: Mapped[int | None] = mapped_column(Integer)  # 0–100
    grade: Mapped[str | None] = mapped_column(String(10))  # from the score and the thresholds
    flag: Mapped[str | None] = mapped_column(String(4))  # 红旗 / 黄旗 / None
    problem: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[dt.date | None]  # 限期整改 (yellow flags)
    rectified: Mapped[bool] = mapped_column(Boolean, default=False)
    rectified_date: Mapped[dt.date | None]

    def audit_key(self) -> str:
        return f"{self.assignment_id}/{self.date}"


class WageRun(IdMixin, Base):
    """A month's stored wage computation, written when the month is closed."""

    __tablename__ = "post_wage_runs"

    month: Mapped[dt.date] = mapped_column(unique=True)
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    computed_by: Mapped[str | None] = mapped_column(String(64))
    rules: Mapped[dict] = mapped_column(JSON)  # the rules as they were (JSON-safe snapshot)
    total: Mapped[Decimal]
    slip_count: Mapped[int] = mapped_column(Integer)

    def audit_key(self) -> str:
        return f"{self.month:%Y-%m}"


class WageSlip(IdMixin, Base):
    """One worker's wage for the month, with snapshots of what the payroll prints."""

    __tablename__ = "post_wage_slips"
    __table_args__ = (UniqueConstraint("run_id", "assignment_id"),)

    run_id: Mapped[int] = mapped_column(ForeignKey("post_wage_runs.id"))
    assignment_id: Mapped[int] = mapped_column(ForeignKey("post_assignments.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    village_name: Mapped[str | None] = mapped_column(String(60))
    worker_name: Mapped[str] = mapped_column(String(40))
    id_number: Mapped[str] = mapped_column(String(18))
    post_name: Mapped[str] = mapped_column(String(60))
    post_type: Mapped[str | None] = mapped_column(String(20))
    bank_name: Mapped[str | None] = mapped_column(String(60))
    bank_account: Mapped[str | None] = mapped_column(String(40))
    wage_standard: Mapped[Decimal]
    in_post_days: Mapped[int] = mapped_column(Integer)
    required_days: Mapped[int] = mapped_column(Integer)
    present_days: Mapped[int] = mapped_column(Integer)
    leave_days: Mapped[int] = mapped_column(Integer)
    absent_days: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str | None] = mapped_column(String(10))
    red_flags: Mapped[int] = mapped_column(Integer, default=0)
    yellow_flags: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[Decimal]  # 实发金额 = sum of the lines
    revocation_proposed: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(300))


class WageLine(IdMixin, Base):
    """One line of a wage computation, worded so a clerk can read it to the worker."""

    __tablename__ = "post_wage_lines"

    slip_id: Mapped[int] = mapped_column(ForeignKey("post_wage_slips.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(20))  # base / absent / shortfall / yellow / red / …
    label: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    rate: Mapped[Decimal | None]
    amount: Mapped[Decimal]


class MonthClosure(IdMixin, Base):
    """A month whose payroll was printed for signatures: its attendance is locked."""

    __tablename__ = "post_month_closures"

    month: Mapped[dt.date] = mapped_column(unique=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("post_wage_runs.id"))
    closed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(300))
    # SHA-256 of the stored wage run, slips and lines at closing (services/closures.py)
    content_hash: Mapped[str | None] = mapped_column(String(64))

    def audit_key(self) -> str:
        return f"{self.month:%Y-%m}"


class AttendanceCorrection(IdMixin, Base):
    """A change to a closed month's attendance (or to what its wage depends on, such as a yellow
    flag's rectification), paid (or recovered) as a line in ``target_month`` and printed as a
    更正 line in the closed month's attendance sheet and payroll."""

    __tablename__ = "post_attendance_corrections"
    __table_args__ = (Index("ix_post_attendance_corrections_target", "target_month"),)

    assignment_id: Mapped[int] = mapped_column(ForeignKey("post_assignments.id"), index=True)
    # attendance: the marks changed; inspection: a yellow flag's rectification changed (marks equal)
    kind: Mapped[str] = mapped_column(String(20), default="attendance", server_default="attendance")
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("post_inspections.id"))
    month: Mapped[dt.date]  # the closed month that was corrected
    target_month: Mapped[dt.date]  # first open month after it, when the correction was made
    old_marks: Mapped[str] = mapped_column(String(31))
    new_marks: Mapped[str] = mapped_column(String(31))
    changes: Mapped[str] = mapped_column(String(300))  # "15日 ×→√；16日 ×→√"
    reason: Mapped[str] = mapped_column(String(500))
    amount: Mapped[Decimal]  # wage difference the change makes (+ pay more, − recover)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))

    def audit_key(self) -> str:
        return f"{self.assignment_id}/{self.month:%Y-%m}"
