"""Archive years: create on first use, the fields the paper documents print, and the boxes (装盒)
of a year — recomputed while open, as stored once closed. Closing a year: close.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...archive.boxes import Box, assign_boxes
from ...archive.model import ArchiveItem
from ...errors import ConflictError, InputError, ValidationError
from ...models import ArchiveBox, ArchiveYear, HouseholdIncome, Measure, Visit
from .settings import load_config
from ..settings import township_info

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
                s.add(box_row(b))
    return len(new)


def box_row(b: Box) -> ArchiveBox:
    return ArchiveBox(year=b.year, box_no=b.box_no, retention=b.retention, category=b.category,
                      first_item_no=b.first_item_no, last_item_no=b.last_item_no, pages=b.pages,
                      thickness_mm=b.thickness_mm, oversize=b.oversize)
