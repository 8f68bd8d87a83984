"""装盒 (DA/T 22-2015 §6.4): items fill boxes in 件号 order, never mixing 年度, 保管期限 or 类别.

A box holds up to the page capacity of its thickness (20/30/40/50 mm → settings). A box that is
exactly full closes; an item larger than a whole box gets a box of its own (flagged, so the
clerk knows it needs a thicker box or splitting). 盒号 run 1, 2, 3 … per 年度 across groups.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from fupin_desktop.archive.model import RETENTION_ORDER, ArchiveItem, Problem
from fupin_desktop.archive.numbering import archive_order_key, group_label

DEFAULT_CAPACITIES: Mapping[int, int] = {20: 200, 30: 300, 40: 400, 50: 500}


@dataclass(frozen=True)
class Box:
    box_no: int  # 盒号, sequential per 年度
    year: int
    retention: str
    category: str
    first_item_no: int  # 起件号
    last_item_no: int  # 止件号
    pages: int
    thickness_mm: int
    items: tuple[ArchiveItem, ...]
    oversize: bool = False  # one item larger than the box capacity

    @property
    def group(self) -> tuple[int, str, str]:
        return (self.year, self.retention, self.category)


def assign_boxes(
    items: Iterable[ArchiveItem],
    thickness_mm: int = 30,
    capacities: Mapping[int, int] = DEFAULT_CAPACITIES,
    *,
    category_order: Sequence[str] = (),
    retention_order: Sequence[str] = RETENTION_ORDER,
    existing: Sequence[Box] = (),
) -> list[Box]:
    """Box numbered items. ``existing`` boxes (a closed year's printed boxes) are kept as they are;
    items not in them go into new boxes numbered after the year's highest 盒号."""
    capacity = capacities[thickness_mm]
    if capacity < 1:
        raise ValueError("box capacity must be at least one page")
    boxed = {it.key for b in existing for it in b.items}
    todo = [it for it in items if it.key not in boxed]
    if any(it.item_no is None for it in todo):
        raise ValueError("number the items (assign_numbers) before boxing them")
    todo.sort(key=archive_order_key(category_order, retention_order))
    next_no: dict[int, int] = {}
    for b in existing:
        next_no[b.year] = max(next_no.get(b.year, 1), b.box_no + 1)

    boxes: list[Box] = list(existing)
    current: list[ArchiveItem] = []
    pages = 0

    def close(oversize: bool = False) -> None:
        nonlocal current, pages
        if current:
            first = current[0]
            no = next_no.get(first.year, 1)
            next_no[first.year] = no + 1
            boxes.append(Box(no, first.year, first.retention, first.category, first.item_no,
                             current[-1].item_no, pages, thickness_mm, tuple(current), oversize))
        current, pages = [], 0

    for it in todo:
        if current and _group(current[0]) != _group(it):
            close()  # never mix 年度, 保管期限 or 类别
        if it.pages > capacity:
            close()
            current, pages = [it], it.pages
            close(oversize=True)
            continue
        if pages + it.pages > capacity:
            close()
        current.append(it)
        pages += it.pages
        if pages == capacity:
            close()  # exactly full
    close()
    return sorted(boxes, key=lambda b: (b.year, b.box_no))


def _group(it: ArchiveItem) -> tuple[int, str, str]:
    return (it.year, it.retention, it.category)


def box_problems(boxes: Sequence[Box], capacities: Mapping[int, int] = DEFAULT_CAPACITIES
                 ) -> list[Problem]:
    """Warnings for the clerk: oversize items need a thicker box or splitting."""
    out = []
    for b in boxes:
        if b.oversize:
            it = b.items[0]
            out.append(Problem("box.oversize",
                               f"{b.year}年度第 {b.box_no} 盒：文件“{it.title}”共 {it.pages} 页，超过 "
                               f"{b.thickness_mm} mm 档案盒容量 {capacities.get(b.thickness_mm, '?')} 页，"
                               "已单独装盒，请改用更厚的盒或分册。", it.key))
    return out


def check_boxes(entries: Iterable[tuple[int, int, str, str, int]]) -> list[Problem]:
    """Verifier side. ``entries`` are (年度, 盒号, 保管期限, 类别, 件号) of every item.

    Checks: each box is homogeneous; its 件号 are consecutive; 盒号 run 1..n per year; within a
    group the boxes, in 盒号 order, continue each other's 件号 ranges.
    """
    problems: list[Problem] = []
    boxes: dict[tuple[int, int], list[tuple[str, str, int]]] = {}
    for year, box_no, ret, cat, no in entries:
        boxes.setdefault((year, box_no), []).append((ret, cat, no))
    years: dict[int, list[int]] = {}
    group_ranges: dict[tuple[int, str, str], list[tuple[int, int, int]]] = {}
    tainted: set[tuple[int, str, str]] = set()  # groups in a mixed box: ranges would only echo it
    for (year, box_no), members in sorted(boxes.items()):
        years.setdefault(year, []).append(box_no)
        kinds = sorted({(r, c) for r, c, _ in members})
        where = f"{year}年度第 {box_no} 盒"
        if len(kinds) > 1:
            mixed = "、".join(group_label(year, r, c) for r, c in kinds)
            problems.append(Problem("box.mixed", f"{where}混装了不同保管期限或类别的文件（{mixed}）。"))
            tainted.update((year, r, c) for r, c in kinds)
            continue
        nums = sorted(n for _, _, n in members)
        if nums != list(range(nums[0], nums[0] + len(nums))):
            problems.append(Problem("box.range", f"{where}内件号不连续（{nums[0]:04d}–{nums[-1]:04d}）。"))
        group_ranges.setdefault((year, *kinds[0]), []).append((box_no, nums[0], nums[-1]))
    for year, nos in years.items():
        if nos != list(range(1, len(nos) + 1)):
            problems.append(Problem("box.numbering", f"{year}年度的盒号不连续（应为 1–{len(nos)}）。"))
    for gk, ranges in sorted(group_ranges.items()):
        if gk in tainted:
            continue
        expected = 1
        for box_no, first, last in ranges:  # already in 盒号 order
            if first != expected:
                problems.append(Problem("box.range",
                                        f"{group_label(*gk)}：第 {box_no} 盒起件号为 {first:04d}，"
                                        f"应为 {expected:04d}。"))
            expected = last + 1
    return problems
