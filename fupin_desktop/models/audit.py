"""The audit log: one row per insert/update/delete, written in the same transaction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, IdMixin, utcnow


class AuditLog(IdMixin, Base):
    __tablename__ = "audit_log"
    __audited__ = False

    ts: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user: Mapped[str] = mapped_column(String(64))
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(64))
    record_key: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(16))  # insert / update / delete / bulk
    # field -> [old, new] (JSON-safe strings); for bulk actions a summary dict
    changes: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(String(500))
    # Hash chain (issue 12): SHA-256 of the previous entry (its row_hash) and of this entry
    # (prev_hash + its content); ``fupin db verify`` recomputes it (services/users/audit_chain.py).
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_log_table_record", "table_name", "record_id"),)
