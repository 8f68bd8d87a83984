"""Record counts for the status bar and `fupin db info` (soft-deleted rows excluded)."""

from __future__ import annotations

from sqlalchemy import func, select

from ..models import Household, Member, Village


def counts(db) -> dict[str, int]:
    with db.read() as s:
        return {
            "villages": s.scalar(select(func.count()).select_from(Village)) or 0,
            "households": s.scalar(select(func.count()).select_from(Household)
                             .where(Household.deleted_at.is_(None))) or 0,
            "members": s.scalar(select(func.count()).select_from(Member)
                             .where(Member.deleted_at.is_(None), Member.status == "正常")) or 0,
        }
