"""Year-end archive (归档, DA/T 22-2015): years, items (件), boxes and a page-count cache.

Generated items (ledgers, 一户一档) are computed from the data while a year is open; closing
the year writes one ``ArchiveItemRecord`` per item with its 件号 so the numbers never change
again. Registered items (scans a clerk adds) always have a record; their original bytes live
content-addressed in the attachments folder (``sha256`` here).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, PrimaryKeyConstraint, String,
    Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, IdMixin, SoftDeleteMixin, TimestampMixin, VersionedMixin, utcnow

ITEM_SOURCES = ("generated", "registered")
RETENTIONS = ("Y", "D30", "D10")


class ArchiveYear(IdMixin, TimestampMixin, VersionedMixin, Base):
    """One archive year (年度) and what the paper documents print for it."""

    __tablename__ = "archive_years"

    year: Mapped[int] = mapped_column(Integer, unique=True)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[dt.datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(64))
    # Date printed on the year's documents (set when the year is first used, editable): a
    # stored date, not "today", so the same database always gives the same PDFs.
    archive_date: Mapped[dt.date | None]
    organizer: Mapped[str | None] = mapped_column(String(40))  # 整理人
    checker: Mapped[str | None] = mapped_column(String(40))  # 检查人
    check_date: Mapped[dt.date | None]  # 检查日期
    # SHA-256 of the records a closed year covers (services/closures.py ``year_digest``),
    # recomputed by each 更正; ``fupin db verify`` checks it
    content_hash: Mapped[str | None] = mapped_column(String(64))

    def audit_key(self) -> str:
        return str(self.year)


class ArchiveItemRecord(IdMixin, TimestampMixin, VersionedMixin, SoftDeleteMixin, Base):
    """One item (件): a registered file, or a generated item fixed by closing its year."""

    __tablename__ = "archive_items"
    __table_args__ = (
        UniqueConstraint("year", "key"),
        # NULL item_no (open year) never collides; numbered items are unique per group
        UniqueConstraint("year", "retention", "category", "item_no", name="uq_archive_items_no"),
        CheckConstraint("source IN ('generated', 'registered')", name="source_known"),
        CheckConstraint("retention IN ('Y', 'D30', 'D10')", name="retention_known"),
        CheckConstraint("item_no IS NULL OR (item_no >= 1 AND item_no <= 9999)", name="item_no_range"),
        Index("ix_archive_items_year_source", "year", "source"),
    )

    year: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(120))  # "household:12", "ledger:payroll:2025-03", "file:…"
    source: Mapped[str] = mapped_column(String(12))  # generated / registered
    kind: Mapped[str] = mapped_column(String(40))  # item kind (services/archive_settings.ITEM_KINDS)
    ref_id: Mapped[int | None] = mapped_column(Integer)  # household id of a household file
    period: Mapped[str | None] = mapped_column(String(10))  # "2025-03" of a monthly ledger
    retention: Mapped[str] = mapped_column(String(4))  # 保管期限 Y / D30 / D10
    category: Mapped[str] = mapped_column(String(16))  # 类别代码
    item_no: Mapped[int | None] = mapped_column(Integer)  # 件号, fixed once the year is closed
    title: Mapped[str] = mapped_column(String(300))  # 题名
    responsible: Mapped[str | None] = mapped_column(String(100))  # 责任者
    doc_no: Mapped[str | None] = mapped_column(String(60))  # 文号
    date: Mapped[dt.date | None]  # 日期
    secret: Mapped[str | None] = mapped_column(String(10))  # 密级
    pages: Mapped[int | None] = mapped_column(Integer)  # 页数 of the last build
    remark: Mapped[str | None] = mapped_column(String(200))  # 备注
    # registered items: the original file, stored content-addressed
    sha256: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(255))
    mime: Mapped[str | None] = mapped_column(String(60))
    size: Mapped[int | None] = mapped_column(Integer)

    def audit_key(self) -> str:
        return f"{self.year}/{self.key}"[:120]


class ArchiveBox(IdMixin, TimestampMixin, VersionedMixin, Base):
    """A box (档案盒) of a closed year, as its spine label was printed."""

    __tablename__ = "archive_boxes"
    __table_args__ = (UniqueConstraint("year", "box_no"),)

    year: Mapped[int] = mapped_column(Integer)
    box_no: Mapped[int] = mapped_column(Integer)  # 盒号
    retention: Mapped[str] = mapped_column(String(4))
    category: Mapped[str] = mapped_column(String(16))
    first_item_no: Mapped[int] = mapped_column(Integer)
    last_item_no: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    thickness_mm: Mapped[int] = mapped_column(Integer)
    oversize: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)  # 盒内文件情况说明 (empty = generated text)

    def audit_key(self) -> str:
        return f"{self.year}/{self.box_no}"


class ArchivePageCache(Base):
    """Page count of each item at its last build (a cache: derived, rebuilt, not audited)."""

    __tablename__ = "archive_page_cache"
    __audited__ = False
    __table_args__ = (PrimaryKeyConstraint("year", "key"),)

    year: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(120))
    pages: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))  # of the data the count was measured on


PACKAGE_EVENTS = ("build", "close")


class ArchivePackage(IdMixin, Base):
    """A package as it was built (or as it stood when its year was closed): the tamper record.

    ``digest`` is the SHA-256 of the bag's tagmanifest-sha256.txt (printed on the 移交清单);
    ``ArchivePackageFile`` rows hold every payload file's SHA-256 and size at that moment, so a
    package edited and re-hashed afterwards is still told apart from what the program wrote.
    """

    __tablename__ = "archive_packages"
    __table_args__ = (
        CheckConstraint("event IN ('build', 'close')", name="event_known"),
        Index("ix_archive_packages_year", "year"),
        Index("ix_archive_packages_digest", "digest"),
    )

    year: Mapped[int] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(8))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)  # UTC
    recorded_by: Mapped[str | None] = mapped_column(String(64))
    out_dir: Mapped[str] = mapped_column(String(1000))
    digest: Mapped[str] = mapped_column(String(64))
    items: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    files: Mapped[int] = mapped_column(Integer)
    octets: Mapped[int] = mapped_column(BigInteger)

    def audit_key(self) -> str:
        return f"{self.year}/{self.digest[:16]}"


class ArchivePackageFile(Base):
    """One payload file (data/…) of a recorded package (derived from the package: not audited)."""

    __tablename__ = "archive_package_files"
    __audited__ = False
    __table_args__ = (PrimaryKeyConstraint("package_id", "path"),)

    package_id: Mapped[int] = mapped_column(ForeignKey("archive_packages.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(500))  # "data/Z012-WS·2025-Y-0001.pdf"
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
