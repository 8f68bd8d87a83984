"""Villages, households and their yearly income, assistance measures and visits.

Field set follows the national monitoring system's household export (DESIGN.md §2).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, IdMixin, SoftDeleteMixin, TimestampMixin, VersionedMixin

HOUSEHOLD_TYPES = ("脱贫户", "一般农户", "未脱贫户")
MONITORING_CATEGORIES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
RISK_TYPES = (
    "因病", "因残", "因学", "因意外事故", "因务工就业不稳", "缺劳动力", "因自然灾害",
    "因产业项目失败", "住房出现安全问题", "饮水安全问题", "其他",
)
ELIMINATION_METHODS = ("帮扶消除", "自然消除")
from ..domain.household_vocab import MEASURE_CATEGORIES  # noqa: E402,F401


class Village(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "villages"

    name: Mapped[str] = mapped_column(String(60), unique=True)
    code: Mapped[str | None] = mapped_column(String(20))  # 行政区划代码 (12 digits)
    township: Mapped[str | None] = mapped_column(String(60))
    county: Mapped[str | None] = mapped_column(String(60))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    households: Mapped[list[Household]] = relationship(back_populates="village")

    def audit_key(self) -> str:
        return self.name


def _flag() -> Mapped[bool | None]:
    return mapped_column(Boolean, default=None)


class Household(IdMixin, TimestampMixin, VersionedMixin, SoftDeleteMixin, Base):
    __tablename__ = "households"

    code: Mapped[str] = mapped_column(String(40), unique=True)  # 户编号 (text)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), index=True)
    county: Mapped[str | None] = mapped_column(String(60))
    township: Mapped[str | None] = mapped_column(String(60))
    group_name: Mapped[str | None] = mapped_column(String(60))  # 村民小组
    address: Mapped[str | None] = mapped_column(String(200))

    household_type: Mapped[str | None] = mapped_column(String(20), index=True)  # 户类型
    monitoring_category: Mapped[str | None] = mapped_column(String(20), index=True)
    monitoring_date: Mapped[dt.date | None]  # 识别监测时间
    poverty_exit_year: Mapped[int | None]  # 脱贫年度
    risk1: Mapped[str | None] = mapped_column(String(30))
    risk2: Mapped[str | None] = mapped_column(String(30))
    risk3: Mapped[str | None] = mapped_column(String(30))
    risk4: Mapped[str | None] = mapped_column(String(30))
    risk5: Mapped[str | None] = mapped_column(String(30))
    risk_eliminated: Mapped[bool | None] = _flag()  # 风险是否已消除
    elimination_method: Mapped[str | None] = mapped_column(String(20))  # 风险消除方式
    elimination_date: Mapped[dt.date | None]  # 风险消除时间
    elimination_per_capita: Mapped[Decimal | None]  # 风险消除后人均纯收入 (as the export states it)

    family_size: Mapped[int | None]  # 家庭人口数 as declared
    phone: Mapped[str | None] = mapped_column(String(40), index=True)
    bank_name: Mapped[str | None] = mapped_column(String(60))
    bank_account: Mapped[str | None] = mapped_column(String(40))

    # 两不愁三保障 and 饮水 / 危房 indicators (None = not assessed)
    food_secure: Mapped[bool | None] = _flag()  # 不愁吃
    clothing_secure: Mapped[bool | None] = _flag()  # 不愁穿
    education_secure: Mapped[bool | None] = _flag()  # 义务教育有保障
    medical_secure: Mapped[bool | None] = _flag()  # 基本医疗有保障
    housing_secure: Mapped[bool | None] = _flag()  # 住房安全有保障
    safe_water: Mapped[bool | None] = _flag()  # 是否解决安全饮用水
    dangerous_house: Mapped[bool | None] = _flag()  # 是否危房户
    low_income_support: Mapped[bool | None] = _flag()  # 享受低保
    extreme_poverty_support: Mapped[bool | None] = _flag()  # 特困供养

    # 13 assistance-measure categories (是 / empty in the national export)
    measure_industry: Mapped[bool | None] = _flag()
    measure_employment: Mapped[bool | None] = _flag()
    measure_public_post: Mapped[bool | None] = _flag()
    measure_health: Mapped[bool | None] = _flag()
    measure_education: Mapped[bool | None] = _flag()
    measure_housing: Mapped[bool | None] = _flag()
    measure_water: Mapped[bool | None] = _flag()
    measure_comprehensive: Mapped[bool | None] = _flag()
    measure_finance: Mapped[bool | None] = _flag()
    measure_social: Mapped[bool | None] = _flag()
    measure_relocation: Mapped[bool | None] = _flag()
    measure_living_conditions: Mapped[bool | None] = _flag()
    measure_infrastructure: Mapped[bool | None] = _flag()

    helper_name: Mapped[str | None] = mapped_column(String(40))  # 帮扶责任人
    helper_unit: Mapped[str | None] = mapped_column(String(100))
    helper_phone: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)

    village: Mapped[Village] = relationship(back_populates="households")
    members: Mapped[list["Member"]] = relationship(  # noqa: UP037 - forward ref
        back_populates="household", order_by="Member.id"
    )
    incomes: Mapped[list[HouseholdIncome]] = relationship(
        back_populates="household", order_by="HouseholdIncome.year",
        cascade="all, delete-orphan",
    )
    measures: Mapped[list[Measure]] = relationship(
        back_populates="household", order_by="Measure.date", cascade="all, delete-orphan"
    )
    visits: Mapped[list[Visit]] = relationship(
        back_populates="household", order_by="Visit.date", cascade="all, delete-orphan"
    )

    def audit_key(self) -> str:
        return self.code


class HouseholdIncome(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Income of one household for one year. 纯收入 and 人均纯收入 are derived by domain/income
    on every flush and stored only so the registry can filter by them in SQL."""

    __tablename__ = "household_incomes"
    __table_args__ = (UniqueConstraint("household_id", "year"),)

    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    persons: Mapped[int | None]  # 人口数 the per-capita figure is divided by
    wage_income: Mapped[Decimal | None]  # 工资性收入
    business_income: Mapped[Decimal | None]  # 生产经营性收入
    property_income: Mapped[Decimal | None]  # 财产性收入
    transfer_income: Mapped[Decimal | None]  # 转移性收入
    business_expense: Mapped[Decimal | None]  # 生产经营性支出
    compliant_self_paid: Mapped[Decimal | None]  # 合规自付支出
    declared_per_capita: Mapped[Decimal | None]  # 人均纯收入 as the export states it
    net_income: Mapped[Decimal | None]  # derived: 纯收入
    per_capita_income: Mapped[Decimal | None] = mapped_column(index=True)  # derived

    household: Mapped[Household] = relationship(back_populates="incomes")

    def audit_key(self) -> str:
        return f"{self.household_id}/{self.year}"


class Measure(IdMixin, TimestampMixin, VersionedMixin, SoftDeleteMixin, Base):
    """An assistance measure (帮扶措施) given to a household."""

    __tablename__ = "measures"

    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    category: Mapped[str] = mapped_column(String(20))  # one of MEASURE_CATEGORIES' 中文
    date: Mapped[dt.date]
    content: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None]
    responsible: Mapped[str | None] = mapped_column(String(60))

    household: Mapped[Household] = relationship(back_populates="measures")


class Visit(IdMixin, TimestampMixin, VersionedMixin, SoftDeleteMixin, Base):
    """A visit (走访记录) to a household."""

    __tablename__ = "visits"

    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    date: Mapped[dt.date]
    visitor: Mapped[str] = mapped_column(String(60))
    findings: Mapped[str] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(Text)

    household: Mapped[Household] = relationship(back_populates="visits")


Index("ix_households_village_type", Household.village_id, Household.household_type)
Index("ix_households_deleted_at", Household.deleted_at)
