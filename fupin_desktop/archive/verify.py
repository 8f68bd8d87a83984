"""``archive verify``: re-check a built package (四性检测: authenticity, integrity, usability,
safety) and list every problem in Chinese, naming the file or 档号.

Checks: the bag (every checksum, completeness, Payload-Oxum, no unexpected files); catalogue ↔
files one-to-one and sha256 equal; 档号 well-formed and matching its fields and file name; 件号
contiguous without duplicates per (年度, 保管期限, 类别); boxes homogeneous with contiguous
ranges, and the box list agreeing with the items; the CSV equal to the XML; every PDF opens,
is not encrypted, has no JavaScript, only embedded fonts, the PDF/A markers, and 页数 equal to its
real page count. Per-PDF checks never parse content streams, to stay well within 30 s for a
5,000-item package.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fupin_desktop.archive import catalogue as cat_mod
from fupin_desktop.archive.bagit import check_bag, file_sha256, payload_files
from fupin_desktop.archive.boxes import check_boxes
from fupin_desktop.archive.model import Problem
from fupin_desktop.archive.numbering import archival_code, check_contiguous, parse_archival_code
from fupin_desktop.archive.pdfa import inspect_pdf

META_FILES = (cat_mod.XML_NAME, cat_mod.CSV_NAME, cat_mod.README_NAME)


@dataclass
class VerifyReport:
    problems: list[Problem] = field(default_factory=list)
    items: int = 0
    pdfs_checked: int = 0
    seconds: float = 0.0
    digest: str = ""  # SHA-256 of the package's tagmanifest (the 移交清单's 数据包摘要)
    # What the contents were compared with besides the package itself: "database" (the build
    # record), "digest" (a digest given by the user, e.g. from the 移交清单), both, or neither.
    checked_against: list[str] = field(default_factory=list)
    scope_note: str = ""  # one Chinese sentence on what was (not) compared
    payload_sha256: dict[str, str] = field(default_factory=dict, repr=False)
    year: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        if self.ok:
            lines = [f"检测通过：{self.items} 件，检查 PDF {self.pdfs_checked} 个，用时 {self.seconds:.1f} 秒。"]
        else:
            lines = [f"检测未通过，发现 {len(self.problems)} 个问题："]
            lines += [f"{n}. {p.message_cn}" for n, p in enumerate(self.problems, 1)]
        if self.scope_note:
            lines.append(self.scope_note)
        return "\n".join(lines)


def verify_package(bag_dir: Path | str, progress: Callable[[int, int], None] | None = None,
                   cancel: Callable[[], bool] | None = None) -> VerifyReport:
    t0 = time.perf_counter()
    bag_dir = Path(bag_dir)
    report = VerifyReport()
    probs = report.problems
    bag_probs, digests = check_bag(bag_dir)
    report.payload_sha256 = digests
    probs += bag_probs
    xml_path = bag_dir / "data" / cat_mod.XML_NAME
    try:
        cat = cat_mod.read_catalogue(xml_path)
    except cat_mod.CatalogueError as e:
        probs.append(Problem("catalogue.unreadable", str(e), f"data/{cat_mod.XML_NAME}"))
        report.seconds = time.perf_counter() - t0
        return report
    report.items = len(cat.entries)
    report.year = cat.year
    probs += _files_vs_catalogue(bag_dir, cat, digests)
    probs += _codes(cat)
    probs += check_contiguous(_groups(cat))
    probs += check_boxes([(e.year, e.box_no, e.retention, e.category, e.item_no) for e in cat.entries])
    probs += _box_list(cat)
    probs += _csv(bag_dir, cat)
    probs += _pdfs(bag_dir, cat, report, progress, cancel)
    report.seconds = time.perf_counter() - t0
    return report


def _files_vs_catalogue(bag_dir: Path, cat: cat_mod.Catalogue, digests: dict[str, str]) -> list[Problem]:
    out = []
    listed: dict[str, str] = {}  # rel path -> expected sha256 ("" for the meta files)
    for e in cat.entries:
        if f"data/{e.file_name}" in listed:
            out.append(Problem("catalogue.duplicate_file", f"目录中文件 {e.file_name} 出现了多次。",
                               f"data/{e.file_name}"))
        listed[f"data/{e.file_name}"] = e.sha256
    for o in cat.others:
        listed[f"data/{o.file_name}"] = o.sha256
    for name in META_FILES:
        listed[f"data/{name}"] = ""
    present = set(payload_files(bag_dir)) if (bag_dir / "data").is_dir() else set()
    for rel in sorted(listed.keys() - present):
        out.append(Problem("package.missing_file", f"缺少文件：目录中登记的文件 {rel[5:]} 不存在。", rel))
    for rel in sorted(present - listed.keys()):
        out.append(Problem("package.unexpected_file", f"多出文件：{rel[5:]} 未登记在归档文件目录中。", rel))
    for rel, expected in sorted(listed.items()):
        if expected and rel in present:
            actual = digests.get(rel) or file_sha256(bag_dir / rel)
            if actual != expected:
                out.append(Problem("catalogue.sha256", f"文件 {rel[5:]} 的 SHA-256 与归档文件目录记录不符。", rel))
    return out


def _codes(cat: cat_mod.Catalogue) -> list[Problem]:
    out = []
    seen: set[str] = set()
    for e in cat.entries:
        where = f"data/{e.file_name}"
        if e.archival_code in seen:
            out.append(Problem("catalogue.duplicate_code", f"档号 {e.archival_code} 重复。", where))
        seen.add(e.archival_code)
        parsed = parse_archival_code(e.archival_code)
        expected = archival_code(e.fonds_no, e.year, e.retention, e.category, e.item_no)
        if parsed is None or e.archival_code != expected:
            out.append(Problem("catalogue.code", f"档号 {e.archival_code} 格式错误或与其全宗号、年度、"
                                                 f"保管期限、类别、件号不一致（应为 {expected}）。", where))
        if e.fonds_no != cat.fonds_no:
            out.append(Problem("catalogue.fonds", f"{e.archival_code} 的全宗号与目录的全宗号 {cat.fonds_no} 不同。",
                               where))
        if e.file_name != f"{e.archival_code}.pdf":
            out.append(Problem("catalogue.file_name", f"{e.archival_code} 的文件名应为 {e.archival_code}.pdf，"
                                                      f"实为 {e.file_name}。", where))
    return out


def _groups(cat: cat_mod.Catalogue) -> dict[tuple[int, str, str], list[int]]:
    groups: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    for e in cat.entries:
        groups[(e.year, e.retention, e.category)].append(e.item_no)
    return groups


def _box_list(cat: cat_mod.Catalogue) -> list[Problem]:
    """The <档案盒> list (what the printed box labels show) must agree with the items."""
    actual: dict[tuple[int, int], list[cat_mod.CatalogueEntry]] = defaultdict(list)
    for e in cat.entries:
        actual[(e.year, e.box_no)].append(e)
    out = []
    listed = {(b.year, b.box_no): b for b in cat.boxes}
    for key in sorted(actual.keys() - listed.keys()):
        out.append(Problem("box.unlisted", f"{key[0]}年度第 {key[1]} 盒未登记在档案盒列表中。"))
    for key in sorted(listed.keys() - actual.keys()):
        out.append(Problem("box.empty", f"{key[0]}年度第 {key[1]} 盒登记在档案盒列表中，但没有文件。"))
    for key in sorted(listed.keys() & actual.keys()):
        b, members = listed[key], actual[key]
        nums = [e.item_no for e in members]
        same = (min(nums), max(nums), sum(e.pages for e in members)) == \
            (b.first_item_no, b.last_item_no, b.pages) and \
            all((e.retention, e.category) == (b.retention, b.category) for e in members)
        if not same:
            out.append(Problem("box.list", f"{key[0]}年度第 {key[1]} 盒的起止件号、页数或类别与盒内文件不符。"))
    return out


def _csv(bag_dir: Path, cat: cat_mod.Catalogue) -> list[Problem]:
    path = bag_dir / "data" / cat_mod.CSV_NAME
    if not path.is_file():
        return []  # reported as a missing file already
    try:
        rows = cat_mod.read_csv_rows(path)
    except (OSError, UnicodeDecodeError):
        rows = None
    if rows is None or not cat_mod.csv_matches(cat, rows):
        return [Problem("catalogue.csv", f"{cat_mod.CSV_NAME} 与 {cat_mod.XML_NAME} 的内容不一致。",
                        f"data/{cat_mod.CSV_NAME}")]
    return []


def _pdfs(bag_dir: Path, cat: cat_mod.Catalogue, report: VerifyReport,
          progress: Callable[[int, int], None] | None, cancel: Callable[[], bool] | None) -> list[Problem]:
    out = []
    todo = [(f"data/{e.file_name}", e) for e in cat.entries]
    todo += [(f"data/{o.file_name}", None) for o in cat.others if o.file_name.lower().endswith(".pdf")]
    for n, (rel, entry) in enumerate(todo, 1):
        if cancel and cancel():
            out.append(Problem("verify.cancelled", "检测已取消，结果不完整。"))
            break
        path = bag_dir / rel
        if progress and n % 100 == 0:
            progress(n, len(todo))
        if not path.is_file():
            continue
        facts = inspect_pdf(path)
        report.pdfs_checked += 1
        name = entry.archival_code if entry else rel[5:]
        out += [Problem("pdf.pdfa", f"{name}：{msg}。", rel) for msg in facts.problems]
        if entry is None or (facts.problems and facts.pages == 0):
            continue
        if facts.pages != entry.pages:
            out.append(Problem("pdf.pages", f"{name}：目录记录 {entry.pages} 页，文件实际 {facts.pages} 页。", rel))
        if facts.identifier and facts.identifier != entry.archival_code:
            out.append(Problem("pdf.identifier", f"{name}：文件元数据中的档号为 {facts.identifier}。", rel))
        if facts.title != entry.title:
            out.append(Problem("pdf.title", f"{name}：文件元数据中的题名与目录不一致。", rel))
    if progress:
        progress(len(todo), len(todo))
    return out
