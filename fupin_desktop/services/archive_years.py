"""Archive years: create on first use, the fields the paper documents print, closing a year,
and the boxes (装盒) of a year — recomputed while open, as stored once closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..archive.boxes import Box, assign_boxes
from ..archive.model import ArchiveItem
from ..errors import ConflictError, InputError, UserError, ValidationError
from ..models import ArchiveBox, ArchiveItemRecord, ArchiveYear, HouseholdIncome, Measure, Visit
from ..models.base import utcnow
from .archive_settings import load_config
from .settings import township_info

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise InputError(f"年度“{year}”无效，应在 {FIRST_YEAR}—{LAST_YEAR} 之间。")


def new_year_row(session, year: int, *, today: dt.date | None = None) -> ArchiveYear:
    """The year's row, 归档日期 = ``today`` (default the clock's local date)."""
    _check_year(year)
    cfg = load_config(session)
    info = township_info(session)  # 制表人 / 审核人 are the usual 整理人 / 检查人
    row = ArchiveYear(year=year, closed=False, archive_date=today or dt.date.today(),
                      organizer=(cfg.organizer or info.preparer) or None,
                      checker=(cfg.checker or info.reviewer) or None)
    session.add(row)
    session.flush()
    return row


def ensure_year(db, year: int, *, today: dt.date | None = None) -> None:
    """Create the year's row (归档日期 = today) the first time the year is used."""
    _check_year(year)
    with db.read() as s:
        if s.scalar(select(ArchiveYear.id).where(ArchiveYear.year == year)):
            return
    try:
        with db.write(reason=f"档案：开始整理{year}年度") as s:
            if not s.scalar(select(ArchiveYear.id).where(ArchiveYear.year == year)):
                new_year_row(s, year, today=today)
    except IntegrityError:
        # another task created the row between our read and our insert: it exists, as wanted
        with db.read() as s:
            if not s.scalar(select(ArchiveYear.id).where(ArchiveYear.year == year)):
                raise


def known_years(db, *, today: dt.date | None = None) -> list[int]:
    """Years worth offering: those started in the archive, those with data, and this year."""
    with db.read() as s:
        years = set(s.scalars(select(ArchiveYear.year)))
        years |= set(s.scalars(select(HouseholdIncome.year).distinct()))
        for model in (Measure, Visit):
            lo, hi = s.execute(select(func.min(model.date), func.max(model.date))).one()
            if lo and hi:
                years |= set(range(lo.year, hi.year + 1))
    years.add((today or dt.date.today()).year)
    return sorted(y for y in years if FIRST_YEAR <= y <= LAST_YEAR)


@dataclass(frozen=True)
class YearInfo:
    year: int
    closed: bool
    closed_at: dt.datetime | None
    closed_by: str
    archive_date: dt.date
    organizer: str
    checker: str
    check_date: dt.date | None
    version: int
    sealed: bool = False  # closed with a content seal (``fupin db verify`` checks it)


def year_info(db, year: int, *, today: dt.date | None = None) -> YearInfo:
    ensure_year(db, year, today=today)
    with db.read() as s:
        r = s.scalar(select(ArchiveYear).where(ArchiveYear.year == year))
        return YearInfo(r.year, r.closed, r.closed_at, r.closed_by or "", r.archive_date,
                        r.organizer or "", r.checker or "", r.check_date, r.version,
                        bool(r.content_hash))


def update_year(db, year: int, version: int, *, archive_date: dt.date, organizer: str = "",
                checker: str = "", check_date: dt.date | None = None,
                today: dt.date | None = None) -> None:
    errors = {}
    if not dt.date(year, 1, 1) <= archive_date <= (today or dt.date.today()):
        errors["archive_date"] = f"归档日期应在 {year}-01-01 至今天之间。"
    if check_date and check_date < archive_date:
        errors["check_date"] = "检查日期不能早于归档日期。"
    for field, text in (("organizer", organizer), ("checker", checker)):
        if len(text.strip()) > 40:
            errors[field] = "姓名过长（最多40个字）。"
    if errors:
        raise ValidationError("；".join(errors.values()), field=next(iter(errors)), errors=errors)
    with db.write(reason=f"档案：修改{year}年度整理信息") as s:
        r = s.scalar(select(ArchiveYear).where(ArchiveYear.year == year))
        if r is None or r.version != version:
            raise ConflictError()
        r.archive_date, r.check_date = archive_date, check_date
        r.organizer, r.checker = organizer.strip() or None, checker.strip() or None


# ------------------------------------------------------------------------------------ boxes

def stored_boxes(session, year: int) -> list[ArchiveBox]:
    return list(session.scalars(select(ArchiveBox).where(ArchiveBox.year == year)
                                .order_by(ArchiveBox.box_no)))


def core_boxes(stored: list[ArchiveBox], items: list[ArchiveItem]) -> list[Box]:
    """The stored boxes as the archive core's ``Box`` (with the items whose 件号 they hold)."""
    out = []
    for b in stored:
        inside = tuple(it for it in items if (it.retention, it.category) == (b.retention, b.category)
                       and b.first_item_no <= it.item_no <= b.last_item_no)
        out.append(Box(b.box_no, b.year, b.retention, b.category, b.first_item_no, b.last_item_no,
                       sum(it.pages for it in inside), b.thickness_mm, inside, b.oversize))
    return out


def boxes_for(db, plan, items: list[ArchiveItem]) -> list[Box]:
    """Boxes of ``items`` (numbered, with page counts): a closed year keeps its stored boxes and
    puts later additions into new boxes after the highest 盒号."""
    existing: list[Box] = []
    if plan.closed:
        with db.read() as s:
            existing = core_boxes(stored_boxes(s, plan.year), items)
    st = plan.settings
    return assign_boxes(items, st.box_thickness_mm, st.box_capacities,
                        category_order=st.category_codes(), retention_order=st.retention_order,
                        existing=existing)


def save_new_boxes(db, year: int, boxes: list[Box]) -> int:
    """Store boxes of a closed year that are not stored yet (later additions); returns how many."""
    with db.read() as s:
        have = {b.box_no for b in stored_boxes(s, year)}
    new = [b for b in boxes if b.box_no not in have]
    if new:
        with db.write(reason=f"档案：{year}年度新增档案盒") as s:
            for b in new:
                s.add(_box_row(b))
    return len(new)


def _box_row(b: Box) -> ArchiveBox:
    return ArchiveBox(year=b.year, box_no=b.box_no, retention=b.retention, category=b.category,
                      first_item_no=b.first_item_no, last_item_no=b.last_item_no, pages=b.pages,
                      thickness_mm=b.thickness_mm, oversize=b.oversize)


# ------------------------------------------------------------------------------------ close

@dataclass(frozen=True)
class CloseResult:
    year: int
    items: int
    pages: int
    boxes: int


def close_year(db, year: int, *, now: dt.datetime | None = None) -> CloseResult:
    """Fix the year's 件号 and boxes. Needs every page count, i.e. a build of the current data:
    the boxes printed from that build are the ones stored. ``now`` (naive UTC) stamps 关闭时间."""
    from .archive_plan import plan_year, record_for

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
    from .autobackup import before

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
            s.add(_box_row(b))
        yr = s.scalar(select(ArchiveYear).where(ArchiveYear.year == year))
        yr.closed, yr.closed_at, yr.closed_by = True, now or utcnow(), db.user
        from .closures import year_digest

        s.flush()
        # sealed: `fupin db verify` recomputes this hash of the records the year covers
        yr.content_hash = year_digest(s, year)
        from .archive_record import record_close

        record_close(s, year, db.user)
    return CloseResult(year, len(items), sum(it.pages for it in items), len(boxes))
