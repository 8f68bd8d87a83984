"""A village named on the command line or in a filter, looked up by its name."""

from __future__ import annotations

from sqlalchemy import select

from ..errors import InputError
from ..models import Village


def village_id_by_name(session, village: str | None) -> int | None:
    """None for no name; an unknown name is an InputError listing the villages there are."""
    if not village or not village.strip():
        return None
    vid = session.scalar(select(Village.id).where(Village.name == village.strip()))
    if vid is None:
        names = "、".join(session.scalars(select(Village.name).order_by(Village.sort_order,
                                                                        Village.name)).all()[:20])
        raise InputError(f"找不到行政村“{village}”。现有的行政村：{names or '（无）'}")
    return vid
