"""Build, verify and preview the year's electronic archive package (the tab and ``fupin archive``).

A build is two calls of the core's ``build_package``: the first renders, stamps and converts
every item (in worker processes) and packs the boxes by the real page counts; the paper
documents are then drawn from that result and the second call adds them — every item is
skipped there (same fingerprint, same bytes), so it only writes the catalogue and the bag files.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, insert

from ...archive.model import Problem
from ...archive.package import PackageItem, build_package, default_state_path
from ...archive.verify import VerifyReport, verify_package
from ...errors import InputError
from ...models import ArchiveItemRecord, ArchivePageCache
from . import render as archive_render
from .paper import box_notes, extra_documents, make_paper
from .plan import PlannedItem, YearPlan, plan_year
from .years import core_boxes, save_new_boxes, stored_boxes

Progress = Callable[[int, int, str], None]


@dataclass
class YearBuildResult:
    year: int
    out_dir: Path
    items: int
    pages: int
    boxes: int
    rendered: int  # items rendered this time (the rest were unchanged since the last build)
    skipped: int
    warnings: list[Problem] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    iso_path: Path | None = None
    closed: bool = False
    digest: str = ""  # SHA-256 of tagmanifest-sha256.txt, recorded in the database
    files: int = 0  # payload files (data/…)
    receipt_path: Path | None = None  # 移交清单 PDF, beside the package

    def to_json(self) -> dict:
        return {"year": self.year, "out": str(self.out_dir), "items": self.items,
                "pages": self.pages, "boxes": self.boxes, "rendered": self.rendered,
                "skipped": self.skipped, "closed": self.closed,
                "warnings": [{"code": w.code, "message": w.message_cn} for w in self.warnings],
                "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
                "iso": str(self.iso_path) if self.iso_path else None,
                "digest": self.digest, "files": self.files,
                "receipt": str(self.receipt_path) if self.receipt_path else None}

    def text(self) -> str:
        lines = [f"{self.year}年度归档数据包已生成：{self.out_dir}",
                 f"共 {self.items} 件 {self.pages} 页，{self.boxes} 盒；本次生成 {self.rendered} 件，"
                 f"未改动而跳过 {self.skipped} 件；用时 {self.seconds.get('total', 0):.0f} 秒。"]
        if self.digest:
            from ...archive.tamper import group_digest

            lines.append(f"数据包摘要（SHA-256，已记入数据库）：{group_digest(self.digest)}")
        if self.receipt_path:
            lines.append(f"移交清单（请打印，随数据包移交；不在数据包内）：{self.receipt_path}")
        if self.iso_path:
            lines.append(f"光盘镜像：{self.iso_path}")
        lines += [f"注意：{w.message_cn}" for w in self.warnings]
        return "\n".join(lines)


def _accepts(fn, name: str) -> bool:
    return name in inspect.signature(fn).parameters


def build_year(db, year: int, out_dir: Path | str, progress: Progress | None = None,
               cancel: Callable[[], bool] | None = None, *, iso: bool = False,
               workers: int | None = None) -> YearBuildResult:
    """Build (or resume) ``year``'s package in ``out_dir``. ``cancel()`` True stops it with
    ``BuildCancelled``; what is finished stays and is skipped next time."""
    t0 = time.perf_counter()
    progress = progress or (lambda d, t, s: None)
    out_dir = Path(out_dir)
    progress(0, 0, "正在整理本年度文件…")
    plan = plan_year(db, year, persist=True, workers=workers)
    if plan.problems:
        from ...errors import ValidationError

        raise ValidationError("编号有问题，请先处理：\n" + "\n".join(p.message_cn for p in plan.problems[:20]))
    if not plan.items:
        raise InputError(f"{year}年度没有可归档的文件（没有台账数据，也没有登记的文件）。")
    archive_render.use_database(db)  # items rendered in this process reuse the open database
    pitems = [PackageItem(p.item, p.source, p.fingerprint) for p in plan.items]
    kw = {}
    existing = []
    if plan.closed and _accepts(build_package, "existing_boxes"):
        with db.read() as s:
            existing = core_boxes(stored_boxes(s, year), [p.item for p in plan.items])
        kw["existing_boxes"] = existing
    state = default_state_path(out_dir)
    # the first pass renders and boxes the items; the paper documents need its boxes, and the
    # second pass writes them, the catalogue and the bag (trusting the items just checked)
    first = build_package(pitems, plan.settings, out_dir, progress, cancel, state_path=state,
                          finalize=False, **kw)
    _store_pages(db, plan, first.items)
    progress(len(pitems), len(pitems), "正在生成目录、盒脊和备考表…")
    # the paper documents show the boxes the catalogue XML lists (a closed year's changes are
    # reported below)
    paper = make_paper(plan, first.items, first.boxes, box_notes(db, year))
    docs = extra_documents(paper)
    final = build_package(pitems, plan.settings, out_dir, progress, cancel, state_path=state,
                          extra_documents=docs, recheck=False, **kw)
    warnings = list(final.warnings)
    if plan.closed:
        warnings += _closed_changes(plan, final.items)
        warnings += _closed_box_check(db, plan, final.boxes)
    result = YearBuildResult(year, out_dir, len(final.items), sum(it.pages for it in final.items),
                             len(final.boxes), first.rendered, first.skipped, warnings,
                             {"items": first.seconds.get("items", 0.0)}, closed=plan.closed)
    from .record import print_receipt, record_build

    rec = record_build(db, year, out_dir, result.items, result.pages)
    result.digest, result.files = rec.digest, rec.files
    result.receipt_path = print_receipt(db, out_dir)
    if iso:
        from ...archive.iso import build_iso

        progress(len(pitems), len(pitems), "正在生成光盘镜像…")
        result.iso_path = out_dir.parent / f"{out_dir.name}.iso"
        t = time.perf_counter()
        build_iso(out_dir, result.iso_path, volume_id=f"{plan.settings.fonds_no}_{year}")
        result.seconds["iso"] = time.perf_counter() - t
    from ...paths import make_private, make_private_tree

    make_private_tree(out_dir)  # the package holds ID and bank numbers: owner only (0600/0700)
    for extra in (result.receipt_path, result.iso_path):
        if extra is not None:
            make_private(Path(extra))
    result.seconds["total"] = time.perf_counter() - t0
    return result


def _store_pages(db, plan: YearPlan, built) -> None:
    """Remember each item's real page count (the tab shows them; closing a year needs them)."""
    fp = {p.item.key: p for p in plan.items}
    rows = [{"year": plan.year, "key": it.key, "pages": it.pages, "fingerprint": fp[it.key].fingerprint}
            for it in built if fp[it.key].origin == "generated"]
    with db.write(reason=f"档案：{plan.year}年度页数") as s:
        s.execute(delete(ArchivePageCache).where(ArchivePageCache.year == plan.year))
        if rows:
            s.execute(insert(ArchivePageCache), rows)
        for it in built:
            p = fp[it.key]
            # a closed year's records keep the 页数 printed at closing (compared in build_year)
            if p.record_id is not None and p.recorded_pages != it.pages and \
                    (p.origin == "registered" or not plan.closed):
                rec = s.get(ArchiveItemRecord, p.record_id)
                if rec is not None:
                    rec.pages = it.pages
    for it in built:
        fp[it.key].pages, fp[it.key].stale = it.pages, False


def _closed_changes(plan: YearPlan, built) -> list[Problem]:
    """Items of a closed year whose page count differs from the one recorded at closing: the
    data changed after the paper copies were printed."""
    by_key = {p.item.key: p for p in plan.items if p.origin == "generated"}
    out = []
    for it in built:
        p = by_key.get(it.key)
        old = p.recorded_pages if p is not None else None
        if old is not None and old != it.pages:
            out.append(Problem("item.pages_changed",
                               f"{plan.code(p)}（{it.title}）关闭年度时为 {old} 页，现为 {it.pages} 页：关闭后数据有改动，"
                               "请核对纸质件并重新打印该件。", it.key))
    return out


def _closed_box_check(db, plan: YearPlan, boxes) -> list[Problem]:
    """A closed year's boxes were printed: say so when the package's boxes differ from them."""
    with db.read() as s:
        stored = {b.box_no: b for b in stored_boxes(s, plan.year)}
    out = []
    for b in boxes:
        old = stored.get(b.box_no)
        if old is None:
            continue
        if (old.retention, old.category, old.first_item_no, old.last_item_no) != \
                (b.retention, b.category, b.first_item_no, b.last_item_no):
            out.append(Problem("box.changed", f"第 {b.box_no} 盒的起止件号（{b.first_item_no:04d}—"
                                              f"{b.last_item_no:04d}）与关闭年度时打印的盒脊"
                                              f"（{old.first_item_no:04d}—{old.last_item_no:04d}）不同，"
                                              "请重新打印该盒的盒脊和备考表。"))
    if not out:
        save_new_boxes(db, plan.year, list(boxes))
    return out


def verify_dir(out_dir: Path | str, progress: Progress | None = None,
               cancel: Callable[[], bool] | None = None, *, db=None, digest: str | None = None) -> VerifyReport:
    """``archive verify``: every problem of the package at ``out_dir``, in Chinese.

    With ``db``: also compared with the record of the build (every payload file's sha256 and
    the package digest), so a package edited and re-hashed afterwards is caught. With
    ``digest`` (from the 移交清单): the package's tagmanifest must hash to it. Without either,
    the report says plainly that only the package's internal consistency was checked."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise InputError(f"目录“{out_dir}”不存在。请选择归档数据包所在的文件夹。")
    if not (out_dir / "bagit.txt").is_file() and not (out_dir / "data").is_dir():
        raise InputError(f"“{out_dir}”不是归档数据包（没有 bagit.txt 和 data 文件夹）。")

    def step(done: int, total: int) -> None:
        if progress:
            progress(done, total, f"正在检测第 {done} 个文件，共 {total} 个")

    rep = verify_package(out_dir, step, cancel)
    return _against_records(rep, out_dir, db, digest)


def _against_records(rep: VerifyReport, out_dir: Path, db, digest: str | None) -> VerifyReport:
    from ...archive.tamper import check_digest, group_digest, normalise_digest, package_digest
    from .record import check_against_record

    rep.digest = package_digest(out_dir) or ""
    notes = []
    if digest is not None:
        want = normalise_digest(digest)
        if not want:
            raise InputError(f"数据包摘要“{digest}”无效：应为 64 位十六进制数字（移交清单上的数据包摘要，"
                             "可带空格）。")
        rep.problems += check_digest(out_dir, want, "移交清单")
        rep.checked_against.append("digest")
        notes.append(f"已与移交清单上的数据包摘要（{group_digest(want)}）核对。")
    if db is not None:
        probs, rec = check_against_record(db, out_dir, rep.year, rep.payload_sha256)
        if rec is None:
            notes.append("数据库中没有该数据包的生成记录，未能与生成时的记录核对。")
        else:
            rep.problems += probs
            rep.checked_against.append("database")
            notes.append(f"已与数据库中 {rec.recorded_at:%Y-%m-%d %H:%M}（UTC）生成时记录的 {rec.files} 个文件"
                         "及数据包摘要逐一核对。")
    if not rep.checked_against:
        notes.insert(0, "注意：只检查了数据包内部的一致性（校验值、目录与文件是否相符），没有与生成时的记录"
                        "或移交清单上的摘要核对；被改动后重新计算过校验值的数据包也会通过。"
                        "请在有数据库的电脑上检测，或用 --digest 输入移交清单上的数据包摘要。")
    rep.scope_note = "".join(notes)
    return rep


def preview_item(db, year: int, key: str, out: Path | str) -> Path:
    """Render one item as it will be archived (归档章 and PDF/A included) to ``out``."""
    from ...archive.itemfile import make_item_pdf, read_source
    from ...archive.pdfa import PdfaMeta
    from ...archive.stamp import StampFields

    plan = plan_year(db, year)
    p: PlannedItem | None = next((p for p in plan.items if p.item.key == key), None)
    if p is None:
        raise InputError("找不到该文件，可能已被移除，请刷新。")
    archive_render.use_database(db)
    st, it = plan.settings, p.item
    data, _ = make_item_pdf(read_source(p.source),
                            StampFields(st.fonds_no, it.year, it.item_no, st.category_name(it.category),
                                        it.retention),
                            PdfaMeta(it.title, st.metadata_datetime(it.year), author=it.responsible,
                                     identifier=plan.code(p)))
    out = Path(out)
    out.write_bytes(data)
    return out

