"""Operation locks: one row per running exclusive operation (an import, closing a month).

A second clerk starting another import sees who holds the lock and since when. A lock whose
process is gone (same host, pid dead) or whose heartbeat stopped is stale and taken over.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class OperationLock(Base):
    __tablename__ = "operation_locks"
    __audited__ = False

    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # "import"
    token: Mapped[str] = mapped_column(String(40))  # random, identifies the holder
    user: Mapped[str] = mapped_column(String(64))
    host: Mapped[str] = mapped_column(String(100))
    pid: Mapped[int] = mapped_column(Integer)
    what: Mapped[str | None] = mapped_column(String(200))  # "import households 户.xlsx"
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PeriodCorrection(Base):
    """Marks a transaction that makes a 更正 of a closed archive year's records: the database
    triggers (models/triggers.py) let its writes through. The row lives only inside that
    transaction (inserted when the 更正 starts, deleted before its commit), so no other
    connection ever sees it."""

    __tablename__ = "period_corrections"
    __audited__ = False

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    user: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(500))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
