"""问题清单 / 整改销号 and 入户排查 surveys (issue 15).

A ``Problem`` belongs to a household (or only a village), comes from a survey answer, a 疑点
check finding, a higher office or a clerk, and moves 待整改 → 整改中 → 已整改待核验 → 已销号.
Every move is a ``ProblemEvent`` (who, when, note, the check run that caused it); evidence files
are stored content-addressed like archive scans (``EvidenceFile.sha256``).

A ``Survey`` is one household visit under one questionnaire version; its ``SurveyAnswer`` rows
keep the question id and the version they were given under. Template versions shipped in
resources/survey/ need no row; versions an admin adds later live in ``SurveyTemplate``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, IdMixin, SoftDeleteMixin, TimestampMixin, VersionedMixin, utcnow

PROBLEM_STATUSES = ("待整改", "整改中", "已整改待核验", "已销号")
PROBLEM_SOURCES = ("入户排查", "疑点检查", "上级反馈", "手工")


class Problem(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "problems"
    __table_args__ = (
        CheckConstraint("status IN ('待整改', '整改中', '已整改待核验', '已销号')", name="status_known"),
        CheckConstraint("source IN ('入户排查', '疑点检查', '上级反馈', '手工')", name="source_known"),
        CheckConstraint("household_id IS NOT NULL OR village_id IS NOT NULL", name="has_owner"),
        # a check finding (code + household/member) is one problem, updated on every run
        UniqueConstraint("finding_key"),
        Index("ix_problems_status_village", "status", "village_id"),
    )

    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    source: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(40))  # 问题类别 (不愁吃 … / a check rule's name)
    text: Mapped[str] = mapped_column(Text)  # 问题描述
    code: Mapped[str | None] = mapped_column(String(20))  # check rule code / survey question id
    responsible: Mapped[str | None] = mapped_column(String(40))  # 整改责任人
    due: Mapped[dt.date | None]  # 整改时限
    status: Mapped[str] = mapped_column(String(12), default="待整改")
    found_on: Mapped[dt.date] = mapped_column(default=lambda: dt.date.today())  # 发现日期 (local)
    finding_key: Mapped[str | None] = mapped_column(String(120))  # "R07|户编号|member id"
    survey_answer_id: Mapped[int | None] = mapped_column(ForeignKey("survey_answers.id"))
    resolved_by: Mapped[str | None] = mapped_column(String(64))  # who marked it 已整改
    resolved_at: Mapped[dt.datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(64))  # 销号 confirmed by
    closed_at: Mapped[dt.datetime | None]
    last_seen_run: Mapped[dt.datetime | None]  # last check run that still found it

    def audit_key(self) -> str:
        return f"问题{self.id}" if self.id else "问题"


class ProblemEvent(IdMixin, Base):
    """One step in a problem's history (also audited: the audit log keeps old → new)."""

    __tablename__ = "problem_events"

    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id"), index=True)
    ts: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # add/start/resolve/close/reopen/auto/assign/update
    old_status: Mapped[str | None] = mapped_column(String(12))
    new_status: Mapped[str | None] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
    confirmer: Mapped[str | None] = mapped_column(String(64))  # 销号 confirmer's name
    check_run: Mapped[dt.datetime | None]  # the check run that moved it (auto)

    def audit_key(self) -> str:
        return f"问题{self.problem_id}/{self.action}"


class EvidenceFile(IdMixin, Base):
    """A PDF/JPG/PNG attached to a problem step or a survey; bytes in attachments/ by sha256."""

    __tablename__ = "evidence_files"
    __table_args__ = (
        CheckConstraint("problem_id IS NOT NULL OR survey_id IS NOT NULL", name="has_owner"),
    )

    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("problem_events.id"))
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    added_by: Mapped[str] = mapped_column(String(64))

    def audit_key(self) -> str:
        return self.file_name[:120]


class SurveyTemplate(IdMixin, TimestampMixin, Base):
    """A questionnaire version added by an admin (shipped versions live in resources/survey/)."""

    __tablename__ = "survey_templates"

    version: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(120))
    definition: Mapped[dict] = mapped_column(JSON)
    added_by: Mapped[str] = mapped_column(String(64))

    def audit_key(self) -> str:
        return f"调查表v{self.version}"


class Survey(IdMixin, TimestampMixin, VersionedMixin, SoftDeleteMixin, Base):
    """One 入户排查 visit to a household."""

    __tablename__ = "surveys"
    __table_args__ = (Index("ix_surveys_household_date", "household_id", "date"),)

    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    date: Mapped[dt.date]
    visitors: Mapped[str] = mapped_column(String(200))  # 排查人员
    template_version: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)

    def audit_key(self) -> str:
        return f"排查{self.household_id}/{self.date}"


class SurveyAnswer(IdMixin, Base):
    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("survey_id", "question_id"),)

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(40))
    value: Mapped[str | None] = mapped_column(Text)  # as given: 是/否, the option, a number, text
    is_problem: Mapped[bool] = mapped_column(Boolean, default=False)

    def audit_key(self) -> str:
        return f"排查{self.survey_id}/{self.question_id}"
