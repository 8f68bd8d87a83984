"""件号 and 档号 (DA/T 22-2015 §5.4; DA/T 13 档号编制规则).

档号 = ``全宗号-WS·年度-保管期限-类别代码-件号`` (WS = 文书 records class), 件号 4 digits and
contiguous from 0001 within each (年度, 保管期限, 类别).

Open year: every number is provisional and recomputed from the ordering rule. Closed year: paper
copies carry the numbers, so existing numbers are never changed; new items append after the
maximum, and gaps or duplicates are *reported* (a silent renumber would contradict the paper).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from fupin_desktop.archive.model import RETENTION_NAMES, RETENTION_ORDER, ArchiveItem, Problem

MAX_ITEM_NO = 9999  # 4 digits
RECORDS_CLASS = "WS"  # 文书档案
_CODE_RE = re.compile(
    r"^(?P<fonds>[A-Za-z0-9]+)-WS·(?P<year>\d{4})-(?P<ret>Y|D30|D10)-(?P<cat>[A-Za-z0-9]+)"
    r"-(?P<no>\d{4})$")

GroupKey = tuple[int, str, str]  # (年度, 保管期限, 类别代码)


def archival_code(fonds_no: str, year: int, retention: str, category: str, item_no: int) -> str:
    """``Z012-WS·2025-Y-SB-0001``."""
    return f"{fonds_no}-{RECORDS_CLASS}·{year}-{retention}-{category}-{item_no:04d}"


def item_code(fonds_no: str, item: ArchiveItem) -> str:
    if item.item_no is None:
        raise ValueError(f"item {item.key} has no 件号 yet")
    return archival_code(fonds_no, item.year, item.retention, item.category, item.item_no)


def parse_archival_code(code: str) -> tuple[str, int, str, str, int] | None:
    """(全宗号, 年度, 保管期限, 类别代码, 件号), or None when ``code`` is not a 档号."""
    m = _CODE_RE.match(code)
    if not m:
        return None
    return m["fonds"], int(m["year"]), m["ret"], m["cat"], int(m["no"])


def group_label(year: int, retention: str, category: str) -> str:
    """Human label of a numbering group, for messages: ``2025年度 永久 类别SB``."""
    return f"{year}年度 {RETENTION_NAMES.get(retention, retention)} 类别{category}"


def default_sort_key(item: ArchiveItem) -> tuple:
    """Within a group: by date (undated last), then the stable key, so reruns agree."""
    return (item.date or dt.date.max, item.key)


@dataclass
class NumberingResult:
    items: list[ArchiveItem]  # numbered, in archive order (年度, 保管期限, 类别, 件号)
    problems: list[Problem] = field(default_factory=list)
    rejected: list[ArchiveItem] = field(default_factory=list)  # unknown 保管期限 / 类别

    @property
    def ok(self) -> bool:
        return not self.problems


def archive_order_key(category_order: Sequence[str], retention_order: Sequence[str] = RETENTION_ORDER
                      ) -> Callable[[ArchiveItem], tuple]:
    """Sort key putting items in catalogue order: 年度, 保管期限 order, 类别 order, 件号."""
    cat = {c: i for i, c in enumerate(category_order)}
    ret = {r: i for i, r in enumerate(retention_order)}

    def key(item: ArchiveItem) -> tuple:
        return (item.year, ret.get(item.retention, len(ret)), cat.get(item.category, len(cat)),
                item.category, item.item_no or 0, item.key)

    return key


def assign_numbers(
    items: Iterable[ArchiveItem],
    closed: bool,
    category_order: Sequence[str],
    retention_order: Sequence[str] = RETENTION_ORDER,
    *,
    sort_key: Callable[[ArchiveItem], tuple] = default_sort_key,
) -> NumberingResult:
    """Give every item its 件号; see the module docstring for the open/closed rules."""
    known_cat, known_ret = set(category_order), set(retention_order)
    problems: list[Problem] = []
    rejected: list[ArchiveItem] = []
    groups: dict[GroupKey, list[ArchiveItem]] = defaultdict(list)
    seen_keys: set[str] = set()
    for it in items:
        if it.key in seen_keys:
            problems.append(Problem("numbering.duplicate_key", f"文件“{it.title}”重复出现（标识 {it.key}）。",
                                    it.key))
            continue
        seen_keys.add(it.key)
        if it.retention not in known_ret or it.category not in known_cat:
            what = (f"保管期限“{it.retention}”" if it.retention not in known_ret
                    else f"类别代码“{it.category}”")
            problems.append(Problem("numbering.unknown_group",
                                    f"文件“{it.title}”的{what}不在设置中，无法编号。", it.key))
            rejected.append(it)
            continue
        groups[(it.year, it.retention, it.category)].append(it)

    numbered: list[ArchiveItem] = []
    for gk in sorted(groups):
        members = groups[gk]
        if closed:
            numbered += _number_closed(gk, members, sort_key, problems)
        else:
            members.sort(key=sort_key)
            numbered += [replace(it, item_no=i) for i, it in enumerate(members, 1)]
        if len(members) > MAX_ITEM_NO:
            problems.append(Problem("numbering.overflow",
                                    f"{group_label(*gk)}共 {len(members)} 件，超过件号上限 9999。"))
    numbered.sort(key=archive_order_key(category_order, retention_order))
    return NumberingResult(numbered, problems, rejected)


def _number_closed(gk: GroupKey, members: list[ArchiveItem], sort_key, problems: list[Problem]
                   ) -> list[ArchiveItem]:
    kept = [it for it in members if it.item_no is not None]
    new = sorted((it for it in members if it.item_no is None), key=sort_key)
    label = group_label(*gk)
    by_no: dict[int, list[ArchiveItem]] = defaultdict(list)
    for it in kept:
        if not 1 <= it.item_no <= MAX_ITEM_NO:
            problems.append(Problem("numbering.range",
                                    f"{label}：文件“{it.title}”的件号 {it.item_no} 超出 0001–9999。",
                                    it.key))
        by_no[it.item_no].append(it)
    for no, same in sorted(by_no.items()):
        if len(same) > 1:
            titles = "、".join(f"“{it.title}”" for it in same)
            problems.append(Problem("numbering.duplicate",
                                    f"{label}：件号 {no:04d} 重复（{titles}）。年度已关闭，请人工核对。",
                                    same[0].key))
    top = max(by_no, default=0)
    missing = [n for n in range(1, top + 1) if n not in by_no]
    if missing:
        problems.append(Problem("numbering.gap",
                                f"{label}：缺少件号 {_ranges(missing)}。年度已关闭，删除文件会留下空号，"
                                "请补回文件或经批准后重新编号。"))
    return kept + [replace(it, item_no=top + i) for i, it in enumerate(new, 1)]


def _ranges(numbers: Sequence[int]) -> str:
    """[3, 4, 5, 9] -> '0003–0005、0009' (short messages for long gaps)."""
    out: list[str] = []
    start = prev = numbers[0]
    for n in list(numbers[1:]) + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(f"{start:04d}" if start == prev else f"{start:04d}–{prev:04d}")
        if n is not None:
            start = prev = n
    return "、".join(out)


def check_contiguous(numbers_by_group: dict[GroupKey, list[int]]) -> list[Problem]:
    """Verifier side: every group must hold exactly 1..n. Returns gap/duplicate problems."""
    problems: list[Problem] = []
    for gk in sorted(numbers_by_group):
        nums = sorted(numbers_by_group[gk])
        label = group_label(*gk)
        for n in sorted(n for n, c in Counter(nums).items() if c > 1):
            problems.append(Problem("numbering.duplicate", f"{label}：件号 {n:04d} 重复。"))
        top = max(nums, default=0)
        have = set(nums)
        missing = [n for n in range(1, top + 1) if n not in have]
        if missing:
            problems.append(Problem("numbering.gap", f"{label}：件号不连续，缺少 {_ranges(missing)}。"))
    return problems
