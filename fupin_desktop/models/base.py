"""Declarative base and the mixins every table shares.

Models hold data and constraints only; rules live in services/.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, DateTime, Integer, MetaData, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Stable constraint names: Alembic batch mode on SQLite needs them to alter tables.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(12, 2, asdecimal=True)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        Decimal: Money,
        dict: JSON,
        dt.datetime: DateTime(),
    }

    # Tables whose rows are audited (all but the audit log itself).
    __audited__ = True

    def audit_key(self) -> str:
        """Human key for the audit log (户编号, 证件号码 …); subclasses override."""
        return str(getattr(self, "id", ""))


class IdMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """Optimistic locking: the second clerk to save a stale copy gets ConflictError."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):  # noqa: N805 - SQLAlchemy declared_attr signature
        return {"version_id_col": cls.version}


class SoftDeleteMixin:
    """Records that ledgers reference are never removed, only marked deleted."""

    deleted_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    deleted_reason: Mapped[str | None] = mapped_column(String(200), default=None)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
