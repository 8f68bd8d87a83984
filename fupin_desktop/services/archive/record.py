"""The database's record of each built package (tamper evidence) and verify against it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select

from ...archive.model import Problem
from ...archive.tamper import (
    RecordedFile, check_digest, compare_with_record, package_digest, recorded_files,
)
from ...models import ArchivePackage, ArchivePackageFile


@dataclass(frozen=True)
class PackageRecord:
    id: int
    year: int
    event: str
    recorded_at: object  # datetime (UTC)
    out_dir: str
    digest: str
    items: int
    pages: int
    files: int
    octets: int


def _plain(row: ArchivePackage) -> PackageRecord:
    return PackageRecord(row.id, row.year, row.event, row.recorded_at, row.out_dir, row.digest,
                         row.items, row.pages, row.files, row.octets)


def record_build(db, year: int, out_dir: Path, items: int, pages: int) -> PackageRecord:
    """Store the just-built package's digest and every payload file's sha256 and size."""
    files = recorded_files(out_dir)
    digest = package_digest(out_dir) or ""
    with db.write(reason=f"档案：记录{year}年度数据包摘要") as s:
        row = ArchivePackage(year=year, event="build", recorded_by=getattr(db, "user", None),
                             out_dir=str(Path(out_dir).resolve()), digest=digest, items=items,
                             pages=pages, files=len(files), octets=sum(f.size for f in files.values()))
        s.add(row)
        s.flush()
        if files:
            s.execute(insert(ArchivePackageFile), [
                {"package_id": row.id, "path": rel, "sha256": f.sha256, "size": f.size}
                for rel, f in files.items()])
        return _plain(row)


def record_close(session, year: int, user: str | None) -> None:
    """Closing a year: the latest build of it becomes the package of record (event 'close')."""
    last = session.scalar(select(ArchivePackage).where(ArchivePackage.year == year,
                                                       ArchivePackage.event == "build")
                          .order_by(ArchivePackage.id.desc()).limit(1))
    if last is None:
        return
    row = ArchivePackage(year=year, event="close", recorded_by=user, out_dir=last.out_dir,
                         digest=last.digest, items=last.items, pages=last.pages, files=last.files,
                         octets=last.octets)
    session.add(row)
    session.flush()
    files = session.execute(select(ArchivePackageFile.path, ArchivePackageFile.sha256, ArchivePackageFile.size)
                            .where(ArchivePackageFile.package_id == last.id)).all()
    if files:
        session.execute(insert(ArchivePackageFile), [
            {"package_id": row.id, "path": p, "sha256": h, "size": n} for p, h, n in files])


def latest_record(db, year: int) -> PackageRecord | None:
    with db.read() as s:
        row = s.scalar(select(ArchivePackage).where(ArchivePackage.year == year)
                       .order_by(ArchivePackage.id.desc()).limit(1))
        return _plain(row) if row is not None else None


def _record_for(s, bag_dir: Path, year: int | None, current: dict[str, str] | None):
    """The record this package should match: one with its current digest (then the files
    are as built); else — the package was changed and perhaps re-hashed — the recent record of
    its year that shares the most file contents with it (ties: the newest)."""
    digest = package_digest(bag_dir)
    if digest:
        row = s.scalar(select(ArchivePackage).where(ArchivePackage.digest == digest)
                       .order_by(ArchivePackage.id.desc()).limit(1))
        if row is not None:
            return row
    if year is None:
        return None
    rows = s.scalars(select(ArchivePackage).where(ArchivePackage.year == year)
                     .order_by(ArchivePackage.id.desc()).limit(_CANDIDATES)).all()
    if len(rows) <= 1 or not current:
        return rows[0] if rows else None
    have = set(current.items())

    def shared(row) -> int:
        return sum(1 for p, h in s.execute(select(ArchivePackageFile.path, ArchivePackageFile.sha256)
                                           .where(ArchivePackageFile.package_id == row.id))
                   if (p, h) in have)

    return max(rows, key=lambda r: (shared(r), r.id))


_CANDIDATES = 20


def check_against_record(db, bag_dir: Path, year: int | None,
                         current: dict[str, str] | None = None) -> tuple[list[Problem], PackageRecord | None]:
    """Problems of ``bag_dir`` against the database's build record (None: no record found)."""
    with db.read() as s:
        row = _record_for(s, Path(bag_dir), year, current)
        if row is None:
            return [], None
        rec = _plain(row)
        files = {p: RecordedFile(h, n) for p, h, n in s.execute(
            select(ArchivePackageFile.path, ArchivePackageFile.sha256, ArchivePackageFile.size)
            .where(ArchivePackageFile.package_id == row.id))}
    probs = check_digest(bag_dir, rec.digest, "生成记录")
    probs += compare_with_record(bag_dir, files, current)
    return probs, rec


def receipt_path(out_dir: Path) -> Path:
    """Where the 移交清单 goes by default: beside the package, never inside it."""
    out_dir = Path(out_dir)
    return out_dir.parent / f"{out_dir.name}-移交清单.pdf"


def print_receipt(db, out_dir: Path | str, out: Path | str | None = None,
                  today: dt.date | None = None) -> Path:
    """The 移交清单 of the package at ``out_dir``, from the database's record of its build (a
    package that no longer matches any record is refused: verify it first)."""
    from ...archive import catalogue as cat_mod
    from ...errors import UserError
    from ...reports.archive_receipt import ReceiptData, render_receipt

    out_dir = Path(out_dir)
    digest = package_digest(out_dir)
    with db.read() as s:
        row = s.scalar(select(ArchivePackage).where(ArchivePackage.digest == (digest or ""))
                       .order_by(ArchivePackage.id.desc()).limit(1)) if digest else None
        rec = _plain(row) if row is not None else None
    if rec is None:
        raise UserError(f"“{out_dir}”与数据库中任何一次生成的记录都不符（或不是归档数据包），不能打印移交清单。"
                        "请先检测数据包，或重新生成。")
    try:
        cat = cat_mod.read_catalogue(out_dir / "data" / cat_mod.XML_NAME)
    except cat_mod.CatalogueError as e:
        raise UserError(str(e)) from e
    local = rec.recorded_at.replace(tzinfo=dt.timezone.utc).astimezone()
    data = ReceiptData(cat.fonds_no, cat.fonds_name, rec.year, out_dir.name, rec.digest, rec.items,
                       rec.pages, rec.files, len(cat.boxes), rec.octets, local.date(),
                       today or dt.date.today())
    target = Path(out) if out is not None else receipt_path(out_dir)
    if target.resolve().is_relative_to(out_dir.resolve()):
        raise UserError("移交清单不能放在数据包里面（它记载数据包的摘要），请另选位置。")
    render_receipt(data, target)
    return target
