"""文件目录.XML / 文件目录.csv / 说明文件.TXT of the electronic package, and their reader.

The XML is the authoritative machine-readable catalogue (UTF-8, Chinese element names as in
Chinese archive transfer practice, one <文件> per item); the CSV is the same table for Excel
(UTF-8 *with* BOM, or Excel guesses GBK); 说明文件.TXT tells a person what the package is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

from fupin_desktop.archive.model import RETENTION_NAMES

XML_NAME = "文件目录.XML"
CSV_NAME = "文件目录.csv"
README_NAME = "说明文件.TXT"
STANDARDS = (
    "DA/T 22-2015《归档文件整理规则》",
    "GB/T 18894-2016《电子文件归档与管理规范》",
    "DA/T 47-2009《版式电子文件长期保存格式需求》（PDF/A-2b，ISO 19005-2）",
    "RFC 8493 BagIt 1.0（SHA-256 校验）",
)


@dataclass(frozen=True)
class CatalogueEntry:
    archival_code: str  # 档号
    fonds_no: str  # 全宗号
    year: int  # 年度
    retention: str  # 保管期限 (Y / D30 / D10)
    category: str  # 类别代码
    category_name: str  # 类别
    item_no: int  # 件号
    doc_no: str  # 文号
    responsible: str  # 责任者
    title: str  # 题名
    date: str  # 日期 YYYYMMDD ("" if unknown)
    secret: str  # 密级
    pages: int  # 页数
    remark: str  # 备注
    box_no: int  # 盒号
    file_name: str  # 文件名, relative to data/
    sha256: str


@dataclass(frozen=True)
class BoxEntry:
    box_no: int
    year: int
    retention: str
    category: str
    first_item_no: int
    last_item_no: int
    pages: int
    thickness_mm: int


@dataclass(frozen=True)
class OtherFile:
    """A non-item file in data/ (paper documents as PDF: 归档文件目录, 盒脊, 备考表 …)."""

    file_name: str
    title: str
    sha256: str


@dataclass
class Catalogue:
    fonds_no: str
    fonds_name: str
    year: int
    entries: list[CatalogueEntry]
    boxes: list[BoxEntry] = field(default_factory=list)
    others: list[OtherFile] = field(default_factory=list)


# (XML element / CSV column, attribute); the order is the CSV column order.
ENTRY_FIELDS = [
    ("档号", "archival_code"), ("全宗号", "fonds_no"), ("年度", "year"), ("保管期限", "retention"),
    ("类别代码", "category"), ("类别", "category_name"), ("件号", "item_no"), ("文号", "doc_no"),
    ("责任者", "responsible"), ("题名", "title"), ("日期", "date"), ("密级", "secret"),
    ("页数", "pages"), ("备注", "remark"), ("盒号", "box_no"), ("文件名", "file_name"),
    ("sha256", "sha256"),
]
BOX_FIELDS = [("盒号", "box_no"), ("年度", "year"), ("保管期限", "retention"), ("类别代码", "category"),
              ("起件号", "first_item_no"), ("止件号", "last_item_no"), ("页数", "pages"),
              ("厚度", "thickness_mm")]
OTHER_FIELDS = [("文件名", "file_name"), ("题名", "title"), ("sha256", "sha256")]


def _text(obj, attr: str) -> str:
    v = getattr(obj, attr)
    return f"{v:04d}" if attr in ("item_no", "first_item_no", "last_item_no") else str(v)


def date_text(d: dt.date | None) -> str:
    return d.strftime("%Y%m%d") if d else ""


def catalogue_xml(cat: Catalogue) -> bytes:
    root = ET.Element("归档文件目录", {"全宗号": cat.fonds_no, "全宗名称": cat.fonds_name,
                                   "年度": str(cat.year), "件数": str(len(cat.entries))})
    for n, e in enumerate(cat.entries, 1):
        el = ET.SubElement(root, "文件")
        ET.SubElement(el, "序号").text = str(n)
        for tag, attr in ENTRY_FIELDS:
            ET.SubElement(el, tag).text = _text(e, attr)
    for b in cat.boxes:
        el = ET.SubElement(root, "档案盒")
        for tag, attr in BOX_FIELDS:
            ET.SubElement(el, tag).text = _text(b, attr)
    for o in cat.others:
        el = ET.SubElement(root, "其他文件")
        for tag, attr in OTHER_FIELDS:
            ET.SubElement(el, tag).text = _text(o, attr)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def catalogue_csv(cat: Catalogue) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["序号"] + [tag for tag, _ in ENTRY_FIELDS])
    for n, e in enumerate(cat.entries, 1):
        w.writerow([n] + [_text(e, attr) for _, attr in ENTRY_FIELDS])
    return buf.getvalue().encode("utf-8-sig")


class CatalogueError(ValueError):
    """The catalogue cannot be read; ``str()`` is a Chinese sentence."""


def read_catalogue(path: Path | str) -> Catalogue:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        raise CatalogueError(f"无法读取 {Path(path).name}：{e}") from e
    if root.tag != "归档文件目录":
        raise CatalogueError(f"{Path(path).name} 的根元素不是“归档文件目录”。")
    try:
        year = int(root.get("年度", "0"))
        entries = [_read(el, CatalogueEntry, ENTRY_FIELDS) for el in root.findall("文件")]
        boxes = [_read(el, BoxEntry, BOX_FIELDS) for el in root.findall("档案盒")]
        others = [_read(el, OtherFile, OTHER_FIELDS) for el in root.findall("其他文件")]
    except (TypeError, ValueError) as e:
        raise CatalogueError(f"{Path(path).name} 的条目格式错误：{e}") from e
    return Catalogue(root.get("全宗号", ""), root.get("全宗名称", ""), year, entries, boxes, others)


def _read(el: ET.Element, cls, spec):
    types = {f.name: f.type for f in fields(cls)}
    values = {}
    for tag, attr in spec:
        child = el.find(tag)
        if child is None:
            raise ValueError(f"缺少“{tag}”")
        text = child.text or ""
        values[attr] = int(text) if types[attr] in (int, "int") else text
    return cls(**values)


def read_csv_rows(path: Path | str) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def csv_matches(cat: Catalogue, rows: list[list[str]]) -> bool:
    expected = catalogue_csv(cat).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(expected, newline=""))) == rows


def readme_text(cat: Catalogue, *, software: str, built_on: dt.date,
                category_order: Sequence[str] = ()) -> str:
    """说明文件.TXT: what the package is, counts, standards, software, date (CRLF for Notepad)."""
    items = Counter((e.retention, e.category) for e in cat.entries)
    pages = Counter()
    for e in cat.entries:
        pages[(e.retention, e.category)] += e.pages
    boxes = Counter((b.retention, b.category) for b in cat.boxes)
    names = {e.category: e.category_name for e in cat.entries}
    order = {c: i for i, c in enumerate(category_order)}
    rets = {r: i for i, r in enumerate(RETENTION_NAMES)}
    lines = [
        f"{cat.fonds_name}（全宗号 {cat.fonds_no}）{cat.year} 年度文书档案电子移交数据包",
        "",
        "一、内容",
        f"本数据包为 BagIt 1.0 格式。data 目录中每份归档文件为一个 PDF/A-2b 文件，以档号命名；"
        f"{XML_NAME} 为归档文件目录（UTF-8），{CSV_NAME} 为同一目录的表格形式；"
        "manifest-sha256.txt 记录每个文件的 SHA-256 校验值。",
        "",
        "二、数量",
        f"共 {len(cat.entries)} 件，{sum(e.pages for e in cat.entries)} 页，{len(cat.boxes)} 盒"
        f"，另附其他文件 {len(cat.others)} 个。",
    ]
    for ret, c in sorted(items, key=lambda k: (rets.get(k[0], 9), order.get(k[1], 99), k[1])):
        lines.append(f"  {RETENTION_NAMES.get(ret, ret)}  {names.get(c, c)}（{c}）："
                     f"{items[(ret, c)]} 件，{pages[(ret, c)]} 页，{boxes[(ret, c)]} 盒")
    lines += ["", "三、档号结构", "全宗号-WS·年度-保管期限代码-类别代码-件号（件号四位，按年度、保管期限、类别分别从 0001 连续编号）；"
              "保管期限代码：Y 永久，D30 定期30年，D10 定期10年。", "", "四、遵循的标准"]
    lines += [f"  {s}" for s in STANDARDS]
    lines += ["", "五、生成", f"生成软件：{software}", f"生成日期：{built_on.isoformat()}", ""]
    return "\r\n".join(lines)
