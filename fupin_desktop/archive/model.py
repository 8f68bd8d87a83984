"""Plain dataclasses shared by the archive modules (no ORM: the database layer maps onto these)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..domain.archive_terms import RETENTION_LABELS, RETENTION_NAMES, RETENTION_ORDER  # noqa: F401

#: 全宗号 and 类别代码 end up in file names (the 档号), so only letters and digits.
CODE_RE = re.compile(r"^[A-Za-z0-9]{1,16}$")


@dataclass(frozen=True)
class Category:
    code: str  # short code used in the 档号, e.g. "SB"
    name: str  # 识别类


DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category("SB", "识别类"),
    Category("TP", "脱贫类"),
    Category("SC", "施策类"),
    Category("ZH", "综合类"),
    Category("PK", "贫困户类"),
    Category("ZG", "整改类"),  # 问题整改台账 (issue 15)
)


@dataclass(frozen=True)
class ArchiveItem:
    """One 件 (item) of the year's archive, as the catalogue sees it."""

    key: str  # stable id, e.g. "household:123" or "upload:<sha256>"
    year: int  # 年度
    retention: str  # 保管期限 code: Y / D30 / D10
    category: str  # 类别代码
    title: str  # 题名
    responsible: str = ""  # 责任者
    doc_no: str = ""  # 文号
    date: dt.date | None = None  # 日期 (YYYYMMDD in catalogues)
    secret: str = ""  # 密级 (empty = 公开/无)
    pages: int = 0  # 页数; the package builder replaces it with the real PDF page count
    remark: str = ""  # 备注
    item_no: int | None = None  # 件号; None until numbered


@dataclass(frozen=True)
class Problem:
    """One finding of a check. ``message_cn`` is a complete Chinese sentence for the clerk."""

    code: str  # machine-readable, e.g. "numbering.gap", "bag.checksum"
    message_cn: str
    path: str = ""  # file (relative to the package) or 档号 the problem is about

    def __str__(self) -> str:
        return self.message_cn


@dataclass(frozen=True)
class ArchiveSettings:
    """Township settings that shape the package (read from the settings table by the services)."""

    fonds_no: str  # 全宗号, e.g. "Z012"
    fonds_name: str  # 全宗名称 (the township office's full name)
    categories: Sequence[Category] = DEFAULT_CATEGORIES  # order = 类别 order in numbering
    retention_order: Sequence[str] = RETENTION_ORDER
    box_thickness_mm: int = 30
    box_capacities: Mapping[int, int] = field(
        default_factory=lambda: {20: 200, 30: 300, 40: 400, 50: 500})
    closed: bool = False  # year closed: existing 件号 never change
    # Metadata dates (CreationDate/ModDate, xmp:CreateDate/ModifyDate) of the PDFs a build
    # writes; None = the real time of the build (local zone, whole seconds). An item skipped by
    # a rebuild keeps the file, so its dates stay those of the build that created it.
    fixed_datetime: dt.datetime | None = None
    bagging_date: dt.date | None = None  # None = today
    source_organization: str = ""  # bag-info Source-Organization; "" = fonds_name
    workers: int = 2  # processes for stamping/PDF-A (and rendering) of many items

    def category_codes(self) -> list[str]:
        return [c.code for c in self.categories]

    def category_name(self, code: str) -> str:
        for c in self.categories:
            if c.code == code:
                return c.name
        return code

    def metadata_datetime(self, year: int) -> dt.datetime:  # noqa: ARG002 - kept for callers
        if self.fixed_datetime is not None:
            return self.fixed_datetime
        return dt.datetime.now().astimezone().replace(microsecond=0)

    def validate(self) -> None:
        """Raise ValidationError (Chinese) for settings that cannot produce valid 档号."""
        from fupin_desktop.errors import ValidationError

        if not CODE_RE.match(self.fonds_no or ""):
            raise ValidationError(f"全宗号“{self.fonds_no}”无效：只能由字母和数字组成（例如 Z012）。",
                                  field="fonds_no")
        seen: set[str] = set()
        for c in self.categories:
            if not CODE_RE.match(c.code):
                raise ValidationError(f"类别“{c.name}”的代码“{c.code}”无效：只能由字母和数字组成。",
                                      field="categories")
            if c.code in seen:
                raise ValidationError(f"类别代码“{c.code}”重复，请为每个类别设置不同的代码。",
                                      field="categories")
            seen.add(c.code)
        if self.box_thickness_mm not in self.box_capacities:
            raise ValidationError(f"没有 {self.box_thickness_mm} mm 档案盒的容量设置。",
                                  field="box_thickness_mm")
