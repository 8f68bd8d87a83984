"""Key/value settings of the installation (township name, 全宗号, thresholds, wage rules …)."""

from __future__ import annotations

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TimestampMixin, VersionedMixin


class Setting(TimestampMixin, VersionedMixin, Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)

    def audit_key(self) -> str:
        return self.key
