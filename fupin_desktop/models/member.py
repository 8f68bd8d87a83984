"""Household members, keyed by their 18-character ID (证件号码, always text)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, IdMixin, SoftDeleteMixin, TimestampMixin, VersionedMixin
from .household import Household

from ..domain.household_vocab import MEMBER_STATUSES, RELATIONS  # noqa: E402,F401


class Member(IdMixin, TimestampMixin, VersionedMixin, SoftDeleteMixin, Base):
    __tablename__ = "members"

    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    id_type: Mapped[str | None] = mapped_column(String(30))  # 证件类型
    id_number: Mapped[str] = mapped_column(String(18), unique=True)  # 证件号码
    name: Mapped[str] = mapped_column(String(40), index=True)
    sex: Mapped[str | None] = mapped_column(String(2))
    ethnicity: Mapped[str | None] = mapped_column(String(20))  # 民族
    birth_date: Mapped[dt.date | None]
    relation: Mapped[str | None] = mapped_column(String(20))  # 与户主关系
    education: Mapped[str | None] = mapped_column(String(30))  # 文化程度
    school_status: Mapped[str | None] = mapped_column(String(30))  # 在校生状况
    health: Mapped[str | None] = mapped_column(String(40))  # 健康状况
    labour_skill: Mapped[str | None] = mapped_column(String(30))  # 劳动技能
    work_months: Mapped[int | None] = mapped_column(Integer)  # 务工时间(月)
    basic_medical_insurance: Mapped[bool | None] = mapped_column(Boolean)
    critical_illness_insurance: Mapped[bool | None] = mapped_column(Boolean)
    pension_insurance: Mapped[bool | None] = mapped_column(Boolean)
    employee_medical_insurance: Mapped[bool | None] = mapped_column(Boolean)  # 职工基本医疗保险
    out_of_school_reason: Mapped[str | None] = mapped_column(String(60))  # 义务教育阶段未上学原因
    low_income_support: Mapped[bool | None] = mapped_column(Boolean)  # 享受低保 (this member)
    extreme_poverty_support: Mapped[bool | None] = mapped_column(Boolean)  # 享受特困供养
    phone: Mapped[str | None] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(10), default="正常")  # MEMBER_STATUSES
    status_date: Mapped[dt.date | None]
    status_note: Mapped[str | None] = mapped_column(Text)

    household: Mapped[Household] = relationship(back_populates="members")

    @property
    def is_head(self) -> bool:
        return self.relation == "户主"

    @property
    def is_active(self) -> bool:
        return self.status == "正常" and self.deleted_at is None

    def audit_key(self) -> str:
        # never the ID number itself: logs and exports of the audit must not leak it in full
        return f"{self.name}({self.id_number[:6]}…{self.id_number[-4:]})"
