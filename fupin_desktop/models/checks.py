"""疑点 exemptions (核实无误): a verified finding, kept with its reason, user and date."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, IdMixin, TimestampMixin, VersionedMixin


class CheckExemption(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "check_exemptions"

    code: Mapped[str] = mapped_column(String(8), index=True)        # rule code, e.g. R07
    household_code: Mapped[str] = mapped_column(String(40), index=True)  # 户编号
    member_id_number: Mapped[str | None] = mapped_column(String(22))  # 证件号码 (never shown unmasked)
    reason: Mapped[str] = mapped_column(Text)
    user: Mapped[str] = mapped_column(String(60))
    date: Mapped[dt.date]
    permanent: Mapped[bool] = mapped_column(Boolean, default=False)
    expires: Mapped[dt.date | None]  # 12-31 of the year it was made, unless permanent
