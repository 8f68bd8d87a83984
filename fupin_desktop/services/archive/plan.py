"""What an archive year holds, numbered: the items to build, print and show in the tab.

Open year: generated items come from the data as it is now, registered items from their
records; all get provisional 件号 in archive order (see ``sort_key``). Closed year: the records
written at closing carry fixed 件号; an item that appeared since (a scan added, a household
monitored late) is appended after the group's highest number, and ``persist=True`` records that
number so it never changes again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import select

from ...archive.boxes import Box, assign_boxes
from ...archive.model import RETENTION_NAMES, ArchiveItem, ArchiveSettings, Problem
from ...archive.numbering import assign_numbers, item_code
from ...models import ArchiveBox, ArchiveItemRecord, ArchivePageCache, ArchiveYear
from . import items as gen
from . import reads
from . import render as archive_render
from ..attachments import MIME_NAMES, attachment_path
from .settings import ITEM_KINDS, ArchiveConfig, core_settings, load_config
from ..settings import township_info


@dataclass
class PlannedItem:
    item: ArchiveItem  # numbered; ``pages`` = last known count (0 = unknown)
    kind: str
    origin: str  # generated / registered
    source: object  # what build_package renders: bytes, Path or a picklable callable
    fingerprint: str  # data fingerprint (changes when the rendered PDF would)
    pages: int | None = None  # last known page count
    stale: bool = False  # data changed since the page count was measured
    recorded_pages: int | None = None  # 页数 stored in the record (at adding / at closing)
    record_id: int | None = None
    version: int | None = None  # record version (optimistic locking in the tab)
    ref_id: int | None = None
    period: str | None = None
    file_name: str = ""  # registered: original file name
    mime: str = ""


@dataclass
class YearPlan:
    year: int
    closed: bool
    archive_date: dt.date
    config: ArchiveConfig
    settings: ArchiveSettings
    items: list[PlannedItem]
    problems: list[Problem] = field(default_factory=list)
    organizer: str = ""
    checker: str = ""
    check_date: dt.date | None = None
    closed_at: dt.datetime | None = None

    def code(self, p: PlannedItem) -> str:
        return item_code(self.settings.fonds_no, p.item)

    @property
    def pages_known(self) -> bool:
        return all(p.pages is not None and not p.stale for p in self.items)


def sort_key(order: dict[str, tuple]):
    """Inside a (保管期限, 类别) group: kind rank (ledgers, household files, scans), date, then
    the kind's own order (village and 户编号, month) and the stable key."""
    def key(it: ArchiveItem) -> tuple:
        rank, text = order.get(it.key, (99, ""))
        return (rank, it.date or dt.date.max, text, it.key)
    return key


def _registered_source(db, rec: ArchiveItemRecord):
    path = attachment_path(db, rec.sha256)
    if rec.mime == "application/pdf":
        return path  # the core hashes it for the resume fingerprint
    from functools import partial

    return partial(archive_render.render_registered_item, str(path), rec.mime)


def plan_year(db, year: int, *, persist: bool = False, workers: int | None = None) -> YearPlan:
    from .years import ensure_year

    ensure_year(db, year)
    with db.read() as s:
        cfg = load_config(s)
        settings = core_settings(s, cfg, workers=workers)
        info = township_info(s)
        yr = s.scalar(select(ArchiveYear).where(ArchiveYear.year == year))
        records = s.scalars(select(ArchiveItemRecord).where(
            ArchiveItemRecord.year == year, ArchiveItemRecord.deleted_at.is_(None))).all()
        cands = gen.generated_candidates(s, year, info.township, yr.archive_date)
        g_all = gen.global_token(s, exclude_household_tables=False)  # a kind reads.py lacks
        ledger_tokens = reads.ledger_tokens(s, {k.removeprefix("ledger:") for k in
                                                [*(c.kind for c in cands), *(r.kind for r in records)]
                                                if k.startswith("ledger:")})
        g_other = gen.global_token(s, exclude_household_tables=True)
        hh_tokens = gen.household_tokens(s)
        boxed_mm = s.scalar(select(ArchiveBox.thickness_mm).where(ArchiveBox.year == year)
                            .order_by(ArchiveBox.box_no).limit(1))
        cache = {k: (p, fp) for k, p, fp in s.execute(
            select(ArchivePageCache.key, ArchivePageCache.pages, ArchivePageCache.fingerprint)
            .where(ArchivePageCache.year == year))}
    date_iso = yr.archive_date.isoformat()

    def gen_fp(kind: str, ref_id: int | None, period: str | None, title: str) -> str:
        if kind == "household-file":
            return gen.fingerprint(kind, ref_id, hh_tokens.get(ref_id, "gone"), g_other, date_iso,
                                   title)
        # a ledger: what its queries read (services/archive/reads.py)
        return gen.fingerprint(kind, period, ledger_tokens.get(kind.removeprefix("ledger:"), g_all),
                               date_iso, title)

    planned: list[PlannedItem] = []
    order: dict[str, tuple] = {}
    recorded = {r.key for r in records}
    for c in cands:
        if c.key in recorded:
            continue  # closed year: the record (with its fixed number and metadata) wins
        item = ArchiveItem(c.key, year, cfg.retention_of(c.kind), cfg.category_of(c.kind), c.title,
                           responsible=info.unit or info.fonds_name, date=c.date, remark=c.remark)
        planned.append(PlannedItem(item, c.kind, "generated",
                                   gen.generated_source(db.url, c.kind, year, c.ref_id, c.period,
                                                        yr.archive_date, c.title),
                                   gen_fp(c.kind, c.ref_id, c.period, c.title), ref_id=c.ref_id,
                                   period=c.period))
        order[c.key] = c.order
    cand_order = {c.key: c.order for c in cands}
    for r in records:
        item = ArchiveItem(r.key, year, r.retention, r.category, r.title, r.responsible or "",
                           r.doc_no or "", r.date, r.secret or "", 0, r.remark or "",
                           r.item_no if yr.closed else None)
        if r.source == "registered":
            p = PlannedItem(item, r.kind, "registered", _registered_source(db, r),
                            gen.fingerprint("file", r.sha256), pages=r.pages, recorded_pages=r.pages,
                            record_id=r.id,
                            version=r.version, file_name=r.file_name or "", mime=r.mime or "")
            order[r.key] = (ITEM_KINDS["registered"].rank, "")
        else:
            p = PlannedItem(item, r.kind, "generated",
                            gen.generated_source(db.url, r.kind, year, r.ref_id, r.period, yr.archive_date,
                                                 r.title),
                            gen_fp(r.kind, r.ref_id, r.period, r.title), record_id=r.id,
                            version=r.version,
                            ref_id=r.ref_id, period=r.period, recorded_pages=r.pages)
            order[r.key] = cand_order.get(r.key, (ITEM_KINDS[r.kind].rank, r.period or ""))
        planned.append(p)

    numbering = assign_numbers([p.item for p in planned], yr.closed, settings.category_codes(),
                               settings.retention_order, sort_key=sort_key(order))
    by_key = {p.item.key: p for p in planned}
    items = []
    for it in numbering.items:
        p = by_key[it.key]
        if p.origin == "generated":
            pages, fp = cache.get(it.key, (None, None))
            p.pages, p.stale = pages, pages is not None and fp != p.fingerprint
        p.item = replace(it, pages=p.pages or 0)
        items.append(p)
    if yr.closed and boxed_mm:  # a closed year keeps the box size it was packed in
        settings = replace(settings, box_thickness_mm=boxed_mm)
    plan = YearPlan(year, yr.closed, yr.archive_date, cfg, settings, items, list(numbering.problems),
                    yr.organizer or "", yr.checker or "", yr.check_date, yr.closed_at)
    if persist and yr.closed:
        _record_new_items(db, plan)
    return plan


def _record_new_items(db, plan: YearPlan) -> None:
    """Closed year: write the records (with their appended numbers) of items that have none."""
    new = [p for p in plan.items if p.record_id is None]
    if not new:
        return
    with db.write(reason=f"档案：{plan.year}年度（已关闭）追加 {len(new)} 件") as s:
        for p in new:
            s.add(record_for(plan.year, p))
        s.flush()
    # read the ids back so the plan can be used for further writes
    with db.read() as s:
        ids = dict(s.execute(select(ArchiveItemRecord.key, ArchiveItemRecord.id).where(
            ArchiveItemRecord.year == plan.year)).all())
    for p in new:
        p.record_id = ids.get(p.item.key)


def record_for(year: int, p: PlannedItem) -> ArchiveItemRecord:
    it = p.item
    return ArchiveItemRecord(
        year=year, key=it.key, source="generated", kind=p.kind, ref_id=p.ref_id, period=p.period,
        retention=it.retention, category=it.category, item_no=it.item_no, title=it.title,
        responsible=it.responsible or None, doc_no=it.doc_no or None, date=it.date,
        secret=it.secret or None, pages=p.pages, remark=it.remark or None)


# ---------------------------------------------------------------------------- the tab's view

@dataclass(frozen=True)
class ItemRow:
    key: str
    code: str  # 档号 (provisional while the year is open)
    item_no: int
    retention: str
    retention_name: str
    category: str
    category_name: str
    title: str
    responsible: str
    doc_no: str
    date: dt.date | None
    secret: str
    pages: int | None
    remark: str
    origin: str  # generated / registered
    kind_title: str
    record_id: int | None
    version: int | None
    file_type: str = ""  # PDF / JPG / PNG of a registered item


@dataclass(frozen=True)
class GroupRow:
    retention: str
    retention_name: str
    category: str
    category_name: str
    items: int
    pages: int  # of the items whose count is known
    unknown: int  # items whose page count is not known yet (never built, or changed since)
    boxes: int | None  # None while a page count is unknown


def item_rows(plan: YearPlan) -> list[ItemRow]:
    cfg = plan.config
    return [ItemRow(p.item.key, plan.code(p), p.item.item_no, p.item.retention,
                    RETENTION_NAMES[p.item.retention], p.item.category,
                    cfg.category_name(p.item.category), p.item.title, p.item.responsible,
                    p.item.doc_no, p.item.date, p.item.secret, None if p.stale else p.pages,
                    p.item.remark, p.origin, ITEM_KINDS[p.kind].title, p.record_id, p.version,
                    MIME_NAMES.get(p.mime, "")) for p in plan.items]


def group_rows(plan: YearPlan, boxes: list[Box] | None = None) -> list[GroupRow]:
    """Counts per (保管期限, 类别) in archive order; boxes counted when every page count is known."""
    if boxes is None and plan.pages_known and plan.items:
        boxes = assign_boxes([p.item for p in plan.items], plan.settings.box_thickness_mm,
                             plan.settings.box_capacities,
                             category_order=plan.settings.category_codes())
    out: dict[tuple[str, str], list] = {}
    for p in plan.items:
        g = out.setdefault((p.item.retention, p.item.category), [0, 0, 0])
        g[0] += 1
        if p.pages is not None and not p.stale:
            g[1] += p.pages
        else:
            g[2] += 1
    rows = []
    for (ret, cat), (n, pages, unknown) in out.items():
        nb = None if boxes is None else sum(1 for b in boxes if (b.retention, b.category) == (ret, cat))
        rows.append(GroupRow(ret, RETENTION_NAMES[ret], cat, plan.config.category_name(cat), n, pages,
                             unknown, nb))
    return rows
