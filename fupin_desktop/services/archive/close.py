"""Closing an archive year: 件号 and boxes fixed from a build of the current data (issue 12: the
closed year then refuses edits of its records, services/closures.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import select

from ...archive.boxes import assign_boxes
from ...errors import ConflictError, UserError, ValidationError
from ...models import ArchiveItemRecord, ArchiveYear
from ...models.base import utcnow
from .plan import plan_year, record_for
from .years import box_row


@dataclass(frozen=True)
class CloseResult:
    year: int
    items: int
    pages: int
    boxes: int


def close_year(db, year: int, *, now: dt.datetime | None = None) -> CloseResult:
    """Fix the year's 件号 and boxes. Needs every page count, i.e. a build of the current data:
    the boxes printed from that build are the ones stored. ``now`` (naive UTC) stamps 关闭时间."""
    plan = plan_year(db, year)
    if plan.closed:
        raise UserError(f"{year}年度已于 {plan.closed_at:%Y-%m-%d} 关闭。")
    if plan.problems:
        raise ValidationError("编号有问题，不能关闭年度：\n" + "\n".join(p.message_cn for p in plan.problems[:10]))
    if not plan.items:
        raise UserError(f"{year}年度没有可归档的文件，不能关闭。")
    unknown = [p for p in plan.items if p.pages is None or p.stale]
    if unknown:
        raise UserError(f"有 {len(unknown)} 件文件的页数未知，或数据在上次生成数据包后有改动"
                        f"（例如“{unknown[0].item.title}”）。请先生成归档数据包，再关闭年度：装盒要按实际页数。")
    items = [replace(p.item, pages=p.pages) for p in plan.items]
    boxes = assign_boxes(items, plan.settings.box_thickness_mm, plan.settings.box_capacities,
                         category_order=plan.settings.category_codes())
    from ..autobackup import before

    before(db, "archive-close")
    with db.write(reason=f"档案：关闭{year}年度（件号、盒号固定）") as s:
        for p, it in zip(plan.items, items):
            if p.record_id is None:
                s.add(record_for(year, replace(p, item=it)))
            else:
                rec = s.get(ArchiveItemRecord, p.record_id)
                if rec is None or rec.version != p.version:
                    raise ConflictError("登记文件在此期间已被他人修改，请刷新后重试。")
                rec.item_no, rec.pages = it.item_no, it.pages
        for b in boxes:
            s.add(box_row(b))
        yr = s.scalar(select(ArchiveYear).where(ArchiveYear.year == year))
        yr.closed, yr.closed_at, yr.closed_by = True, now or utcnow(), db.user
        from ..closures import year_digest

        s.flush()
        # sealed: `fupin db verify` recomputes this hash of the records the year covers
        yr.content_hash = year_digest(s, year)
        from .record import record_close

        record_close(s, year, db.user)
    return CloseResult(year, len(items), sum(it.pages for it in items), len(boxes))
