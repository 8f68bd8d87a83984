"""装盒 rules: capacity per thickness, exactly full, oversize, no mixing of groups."""

from __future__ import annotations

import pytest

from fupin_desktop.archive.boxes import assign_boxes, box_problems, check_boxes
from fupin_desktop.archive.model import ArchiveItem

CAPS = {20: 10, 30: 15}


def items(pages, cat="SB", ret="Y", year=2025, start=1):
    return [ArchiveItem(key=f"{year}{ret}{cat}{i}", year=year, retention=ret, category=cat,
                        title=f"件{i}", pages=p, item_no=i)
            for i, p in enumerate(pages, start)]


def summary(boxes):
    return [(b.box_no, b.category, b.first_item_no, b.last_item_no, b.pages, b.oversize)
            for b in boxes]


def test_fill_in_order_until_capacity():
    boxes = assign_boxes(items([4, 4, 4, 4]), 20, CAPS)
    assert summary(boxes) == [(1, "SB", 1, 2, 8, False), (2, "SB", 3, 4, 8, False)]
    assert all(b.thickness_mm == 20 for b in boxes)


def test_exactly_full_box_closes():
    boxes = assign_boxes(items([6, 4, 1]), 20, CAPS)
    assert summary(boxes) == [(1, "SB", 1, 2, 10, False), (2, "SB", 3, 3, 1, False)]


def test_item_bigger_than_box_gets_own_flagged_box():
    boxes = assign_boxes(items([3, 25, 2]), 20, CAPS)
    assert summary(boxes) == [(1, "SB", 1, 1, 3, False), (2, "SB", 2, 2, 25, True),
                              (3, "SB", 3, 3, 2, False)]
    probs = box_problems(boxes, CAPS)
    assert [p.code for p in probs] == ["box.oversize"] and "25 页" in probs[0].message_cn


def test_category_change_forces_new_box_and_box_numbers_run_per_year():
    its = items([2, 2], "SB") + items([2], "TP") + items([2], "SB", ret="D10") + \
        items([2], "SB", year=2024)
    boxes = assign_boxes(its, 20, CAPS, category_order=["SB", "TP"])
    assert [(b.year, b.box_no, b.retention, b.category) for b in boxes] == [
        (2024, 1, "Y", "SB"), (2025, 1, "Y", "SB"), (2025, 2, "Y", "TP"), (2025, 3, "D10", "SB")]


def test_thickness_selects_capacity():
    assert len(assign_boxes(items([5, 5, 5]), 30, CAPS)) == 1
    assert len(assign_boxes(items([5, 5, 5]), 20, CAPS)) == 2


def test_unnumbered_items_refused():
    its = items([1])
    its[0] = ArchiveItem(key="x", year=2025, retention="Y", category="SB", title="x", pages=1)
    with pytest.raises(ValueError):
        assign_boxes(its, 20, CAPS)


def test_existing_boxes_kept_new_items_get_new_boxes():
    first = assign_boxes(items([4, 4]), 20, CAPS)  # one box, 8 pages
    later = items([4, 4, 1], start=1)  # item 3 added after closing
    boxes = assign_boxes(later, 20, CAPS, existing=first)
    assert summary(boxes) == [(1, "SB", 1, 2, 8, False), (2, "SB", 3, 3, 1, False)]


def test_check_boxes_accepts_good_and_catches_each_fault():
    boxes = assign_boxes(items([6, 4, 1, 1]) + items([1], "TP"), 20, CAPS, category_order=["SB", "TP"])
    entries = [(b.year, b.box_no, b.retention, b.category, it.item_no) for b in boxes for it in b.items]
    assert check_boxes(entries) == []
    mixed = entries + [(2025, 1, "Y", "TP", 9)]
    assert [p.code for p in check_boxes(mixed)] == ["box.mixed"]
    hole = [e for e in entries if e[4] != 3 or e[3] != "SB"]  # box 2 now holds 4 only
    assert "box.range" in {p.code for p in check_boxes(hole)}
    renum = [(y, 5 if b == 3 else b, r, c, n) for y, b, r, c, n in entries]
    assert [p.code for p in check_boxes(renum)] == ["box.numbering"]
