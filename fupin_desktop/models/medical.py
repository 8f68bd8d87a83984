"""Medical relief (医疗救助): settlements with their reimbursement split, chronic-disease cards,
family-doctor signings and their follow-ups.

个人自付 and 政策范围内报销比例 are derived (domain/medical_calc.py); the copies stored here are
recomputed on every flush and exist only so ledgers and alerts can filter and sum them in SQL.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean, CheckConstraint, ForeignKey, Index, Integer, Numeric, String, Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, IdMixin, SoftDeleteMixin, TimestampMixin, VersionedMixin
from .member import Member

from ..domain.medical_calc import CARE_TYPES, HOSPITAL_LEVELS, OTHER_SUPPORT_KINDS  # noqa: E402,F401
DEFAULT_DISEASES = ("高血压", "糖尿病", "冠心病", "慢阻肺", "脑卒中后遗症", "严重精神障碍",
                    "肺结核", "其他")
CARD_STATUSES = ("有效", "待复审", "已注销")

# 报销比例 to 4 places; wide enough that a tiny 政策范围内费用 cannot overflow it on PostgreSQL.
Ratio = Numeric(12, 4, asdecimal=True)


class Settlement(IdMixin, TimestampMixin, VersionedMixin, SoftDeleteMixin, Base):
    """One settlement (就医结算) of one member at one hospital."""

    __tablename__ = "medical_settlements"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    hospital_name: Mapped[str] = mapped_column(String(100))  # 医疗机构名称
    hospital_level: Mapped[str | None] = mapped_column(String(10))  # HOSPITAL_LEVELS
    care_type: Mapped[str] = mapped_column(String(10), index=True)  # CARE_TYPES
    admission_date: Mapped[dt.date | None]  # 入院日期 (住院)
    discharge_date: Mapped[dt.date | None]  # 出院日期 (住院)
    diagnosis: Mapped[str | None] = mapped_column(String(200))  # 诊断名称
    settlement_no: Mapped[str] = mapped_column(String(60), unique=True)  # 结算单据号
    settlement_date: Mapped[dt.date] = mapped_column(index=True)  # 结算日期

    total_cost: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))  # 总费用
    policy_cost: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))  # 政策范围内费用
    basic_insurance: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))  # 基本医保统筹
    critical_insurance: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))  # 大病保险
    medical_assistance: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))  # 医疗救助
    other_support: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))  # 其他保障
    other_kind: Mapped[str | None] = mapped_column(String(10))  # OTHER_SUPPORT_KINDS
    pay_after_treatment: Mapped[bool] = mapped_column(Boolean, default=False)  # 先诊疗后付费
    one_stop: Mapped[bool] = mapped_column(Boolean, default=False)  # 一站式结算

    # derived copies (domain/medical_calc.recompute): never typed
    self_paid: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))  # 个人自付
    policy_ratio: Mapped[Decimal | None] = mapped_column(Ratio)  # 政策范围内报销比例

    source: Mapped[str | None] = mapped_column(String(10))  # 录入 / 导入 / 示例
    note: Mapped[str | None] = mapped_column(Text)

    member: Mapped[Member] = relationship()

    __table_args__ = (
        CheckConstraint("total_cost >= 0", "total_nonneg"),
        CheckConstraint("policy_cost >= 0", "policy_nonneg"),
        CheckConstraint("basic_insurance >= 0 AND critical_insurance >= 0 AND "
                        "medical_assistance >= 0 AND other_support >= 0", "payers_nonneg"),
        Index("ix_medical_settlements_date_type", "settlement_date", "care_type"),
    )

    def audit_key(self) -> str:
        return self.settlement_no


class DiseaseType(IdMixin, TimestampMixin, VersionedMixin, Base):
    """The editable list of chronic diseases (慢性病种) cards are issued for."""

    __tablename__ = "medical_disease_types"

    name: Mapped[str] = mapped_column(String(30), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # inactive: kept for old cards

    def audit_key(self) -> str:
        return self.name


class ChronicCard(IdMixin, TimestampMixin, VersionedMixin, SoftDeleteMixin, Base):
    """慢性病卡 (门诊慢特病 certificate) of one member for one disease."""

    __tablename__ = "medical_chronic_cards"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    disease_id: Mapped[int] = mapped_column(ForeignKey("medical_disease_types.id"), index=True)
    card_no: Mapped[str | None] = mapped_column(String(40))  # 卡号 (text)
    approved_date: Mapped[dt.date | None]  # 认定日期
    review_date: Mapped[dt.date | None]  # 复审日期
    status: Mapped[str] = mapped_column(String(10), default="有效")  # CARD_STATUSES
    note: Mapped[str | None] = mapped_column(Text)

    member: Mapped[Member] = relationship()
    disease: Mapped[DiseaseType] = relationship()

    def audit_key(self) -> str:
        return f"{self.member_id}/{self.disease_id}"


class DoctorSigning(IdMixin, TimestampMixin, VersionedMixin, SoftDeleteMixin, Base):
    """家庭医生签约 of one member."""

    __tablename__ = "medical_doctor_signings"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    doctor_name: Mapped[str] = mapped_column(String(40))  # 签约医生
    team: Mapped[str | None] = mapped_column(String(60))  # 签约团队
    institution: Mapped[str | None] = mapped_column(String(100))  # 签约机构
    doctor_phone: Mapped[str | None] = mapped_column(String(40))
    signed_date: Mapped[dt.date]  # 签约日期
    end_date: Mapped[dt.date | None]  # 到期 / 解约日期 (None: still running)
    note: Mapped[str | None] = mapped_column(Text)

    member: Mapped[Member] = relationship()
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="signing", order_by="FollowUp.date", cascade="all, delete-orphan")

    def audit_key(self) -> str:
        return f"{self.member_id}/{self.signed_date}"


class FollowUp(IdMixin, TimestampMixin, VersionedMixin, Base):
    """A follow-up visit (随访) under a signing."""

    __tablename__ = "medical_follow_ups"

    signing_id: Mapped[int] = mapped_column(ForeignKey("medical_doctor_signings.id"), index=True)
    date: Mapped[dt.date] = mapped_column(index=True)
    content: Mapped[str] = mapped_column(Text)  # 随访内容
    method: Mapped[str | None] = mapped_column(String(20))  # 上门 / 电话 / 门诊
    doctor_name: Mapped[str | None] = mapped_column(String(40))

    signing: Mapped[DoctorSigning] = relationship(back_populates="follow_ups")

    def audit_key(self) -> str:
        return f"{self.signing_id}/{self.date}"
