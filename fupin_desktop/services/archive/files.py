"""Registered items (登记的文件): scans and other files a clerk adds to an archive year. Their
bytes are kept by services/attachments.py; images become A4 PDF pages when the item is rendered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from ...archive.model import RETENTION_NAMES
from ...errors import InputError, UserError, ValidationError
from ...models import ArchiveItemRecord, ArchiveYear
from ...models.base import utcnow
from ..attachments import MAX_BYTES, inspect_file, store_attachment
from .settings import load_config


@dataclass(frozen=True)
class ItemMeta:
    """What the clerk types for a registered item."""

    title: str  # 题名
    responsible: str = ""  # 责任者
    doc_no: str = ""  # 文号
    date: dt.date | None = None  # 日期
    secret: str = ""  # 密级
    retention: str = ""  # 保管期限 ("" = the setting for registered items)
    category: str = ""  # 类别代码 ("" = the setting)
    remark: str = ""  # 备注


def _check_meta(session, meta: ItemMeta) -> ItemMeta:
    cfg = load_config(session)
    title = " ".join(meta.title.split())
    errors = {}
    if not title:
        errors["title"] = "请填写题名（文件标题）。"
    elif len(title) > 300:
        errors["title"] = "题名过长（最多300个字）。"
    retention = meta.retention or cfg.retention_of("registered")
    if retention not in RETENTION_NAMES:
        errors["retention"] = "保管期限应为永久、定期30年或定期10年。"
    category = meta.category or cfg.category_of("registered")
    if category not in {c.code for c in cfg.categories}:
        errors["category"] = f"类别“{category}”不在类别设置中，请重新选择。"
    for field, text, limit in (("responsible", meta.responsible, 100), ("doc_no", meta.doc_no, 60),
                               ("secret", meta.secret, 10), ("remark", meta.remark, 200)):
        if len(text.strip()) > limit:
            errors[field] = f"内容过长（最多{limit}个字）。"
    if meta.date and not dt.date(1949, 1, 1) <= meta.date <= dt.date.today():
        errors["date"] = "文件日期不能晚于今天，也不能早于1949年。"
    if errors:
        raise ValidationError("；".join(errors.values()), field=next(iter(errors)), errors=errors)
    return ItemMeta(title, meta.responsible.strip(), meta.doc_no.strip(), meta.date,
                    meta.secret.strip(), retention, category, meta.remark.strip())


def _year_row(session, year: int) -> ArchiveYear:
    row = session.scalar(select(ArchiveYear).where(ArchiveYear.year == year))
    if row is None:
        from .years import new_year_row

        row = new_year_row(session, year)
    return row


def _next_no(session, year: int, retention: str, category: str) -> int:
    top = session.scalar(select(func.max(ArchiveItemRecord.item_no)).where(
        ArchiveItemRecord.year == year, ArchiveItemRecord.retention == retention,
        ArchiveItemRecord.category == category)) or 0
    if top >= 9999:
        raise UserError(f"{year}年度该类别的件号已到 9999，不能再添加。")
    return top + 1


def add_registered(db, year: int, file: Path | str, meta: ItemMeta) -> int:
    """Add ``file`` to ``year``; returns the new record's id. In a closed year the item gets the
    next 件号 of its group at once (appended, never renumbering the others)."""
    file = Path(file)
    try:
        data = file.read_bytes()
    except OSError as e:
        raise InputError(f"无法读取文件“{file.name}”：{e.strerror or e}") from e
    if len(data) > MAX_BYTES:
        raise InputError(f"文件“{file.name}”超过 200 MB，请压缩或拆分后再加入。")
    mime, pages = inspect_file(data, file.name)
    sha, _ = store_attachment(db, data)
    with db.write(reason=f"档案：登记文件 {file.name}") as s:
        meta = _check_meta(s, meta)
        yr = _year_row(s, year)
        key = f"file:{sha[:16]}"
        n = 1
        while s.scalar(select(ArchiveItemRecord.id).where(ArchiveItemRecord.year == year,
                                                          ArchiveItemRecord.key == key)):
            n += 1  # the same scan twice (e.g. filed under two titles) is allowed
            key = f"file:{sha[:16]}:{n}"
        rec = ArchiveItemRecord(
            year=year, key=key, source="registered", kind="registered",
            retention=meta.retention, category=meta.category, title=meta.title,
            responsible=meta.responsible or None, doc_no=meta.doc_no or None, date=meta.date,
            secret=meta.secret or None, remark=meta.remark or None, pages=pages, sha256=sha,
            file_name=file.name[:255], mime=mime, size=len(data),
            item_no=_next_no(s, year, meta.retention, meta.category) if yr.closed else None)
        s.add(rec)
        s.flush()
        return rec.id


def update_registered(db, record_id: int, version: int, meta: ItemMeta) -> None:
    with db.write(reason="档案：修改登记文件") as s:
        rec = _registered(s, record_id)
        if rec.version != version:
            from ...errors import ConflictError

            raise ConflictError()
        meta = _check_meta(s, meta)
        if rec.item_no is not None and (meta.retention, meta.category) != (rec.retention, rec.category):
            raise ValidationError("年度已关闭，已编件号的文件不能改变类别或保管期限（会打乱已打印的目录）。",
                                  field="category")
        rec.title, rec.responsible, rec.doc_no = meta.title, meta.responsible or None, meta.doc_no or None
        rec.date, rec.secret, rec.remark = meta.date, meta.secret or None, meta.remark or None
        rec.retention, rec.category = meta.retention, meta.category


def remove_registered(db, record_id: int, reason: str = "") -> None:
    """Remove a registered item of an open year (soft delete; the stored file stays)."""
    with db.write(reason=f"档案：移除登记文件{('：' + reason) if reason else ''}") as s:
        rec = _registered(s, record_id)
        if rec.item_no is not None:
            raise UserError(f"“{rec.title}”已编件号 {rec.item_no:04d}（年度已关闭），不能移除："
                            "移除会在目录中留下空号。如确需处理，请在备注中说明。")
        rec.deleted_at = utcnow()
        rec.deleted_reason = (reason or "移除")[:200]


def _registered(session, record_id: int) -> ArchiveItemRecord:
    rec = session.get(ArchiveItemRecord, record_id)
    if rec is None or rec.deleted_at is not None or rec.source != "registered":
        raise InputError("找不到该登记文件，可能已被他人移除，请刷新。")
    return rec
