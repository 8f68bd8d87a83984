"""件号 / 档号 rules of DA/T 22-2015 (open year, closed year, gaps and duplicates)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from fupin_desktop.archive.model import ArchiveItem
from fupin_desktop.archive.numbering import (
    archival_code,
    assign_numbers,
    check_contiguous,
    item_code,
    parse_archival_code,
)

CATS = ["SB", "TP", "SC"]


def item(key, cat="SB", ret="Y", day=1, year=2025, no=None):
    return ArchiveItem(key=key, year=year, retention=ret, category=cat, title=f"文件{key}",
                       date=dt.date(year, 1, day), pages=3, item_no=no)


def numbers(result):
    return {it.key: it.item_no for it in result.items}


def test_archival_code_format_and_parse():
    code = archival_code("Z012", 2025, "Y", "SB", 1)
    assert code == "Z012-WS·2025-Y-SB-0001"
    assert parse_archival_code(code) == ("Z012", 2025, "Y", "SB", 1)
    assert parse_archival_code("Z012-WS·2025-X-SB-0001") is None
    assert parse_archival_code("Z012-WS·2025-Y-SB-001") is None


def test_open_year_contiguous_per_group_in_date_then_key_order():
    items = [item("b", day=5), item("a", day=5), item("c", day=1), item("d", cat="TP"),
             item("e", ret="D10"), item("f", ret="D10", day=2)]
    res = assign_numbers(items, closed=False, category_order=CATS)
    assert res.ok
    assert numbers(res) == {"c": 1, "a": 2, "b": 3, "d": 1, "e": 1, "f": 2}
    # archive order: retention order (Y before D10), then category order, then 件号
    assert [it.key for it in res.items] == ["c", "a", "b", "d", "e", "f"]
    assert item_code("Z012", res.items[2]) == "Z012-WS·2025-Y-SB-0003"


def test_open_year_ignores_old_numbers_and_is_deterministic():
    items = [item("a", no=7), item("b", no=3, day=2)]
    first = assign_numbers(items, closed=False, category_order=CATS)
    again = assign_numbers(list(reversed(items)), closed=False, category_order=CATS)
    assert numbers(first) == {"a": 1, "b": 2} == numbers(again)


def test_category_order_setting_decides_order():
    items = [item("x", cat="SB"), item("y", cat="TP")]
    res = assign_numbers(items, closed=False, category_order=["TP", "SB"])
    assert [it.key for it in res.items] == ["y", "x"]


def test_closed_year_adding_appends_after_max_and_keeps_numbers():
    numbered = assign_numbers([item("a", day=3), item("b", day=4)], False, CATS).items
    late = item("z", day=1)  # earliest date, but the year is closed: it must not jump ahead
    res = assign_numbers(numbered + [late], closed=True, category_order=CATS)
    assert res.ok
    assert numbers(res) == {"a": 1, "b": 2, "z": 3}


def test_closed_year_removal_leaves_reported_gap_not_renumbered():
    numbered = assign_numbers([item(k, day=i + 1) for i, k in enumerate("abcd")], False, CATS).items
    without_b = [it for it in numbered if it.key != "b"]
    res = assign_numbers(without_b, closed=True, category_order=CATS)
    assert numbers(res) == {"a": 1, "c": 3, "d": 4}
    assert [p.code for p in res.problems] == ["numbering.gap"]
    assert "0002" in res.problems[0].message_cn and "类别SB" in res.problems[0].message_cn


def test_closed_year_duplicate_reported_and_new_item_after_max():
    items = [item("a", no=1), item("b", no=1), item("c", no=2), item("n")]
    res = assign_numbers(items, closed=True, category_order=CATS)
    assert [p.code for p in res.problems] == ["numbering.duplicate"]
    assert numbers(res)["n"] == 3


def test_closed_year_new_group_starts_at_one():
    res = assign_numbers([item("a", no=1), item("t", cat="TP")], closed=True, category_order=CATS)
    assert numbers(res) == {"a": 1, "t": 1}


def test_unknown_category_or_retention_is_rejected_with_problem():
    res = assign_numbers([item("a"), item("q", cat="QQ"), item("r", ret="D5")], False, CATS)
    assert numbers(res) == {"a": 1}
    assert [it.key for it in res.rejected] == ["q", "r"]
    assert {p.code for p in res.problems} == {"numbering.unknown_group"}


def test_duplicate_key_reported():
    res = assign_numbers([item("a"), item("a")], False, CATS)
    assert [p.code for p in res.problems] == ["numbering.duplicate_key"]


def test_years_are_separate_groups():
    res = assign_numbers([item("a", year=2024), item("b", year=2025)], False, CATS)
    assert numbers(res) == {"a": 1, "b": 1}


def test_check_contiguous_reports_gap_and_duplicate():
    probs = check_contiguous({(2025, "Y", "SB"): [1, 2, 2, 5], (2025, "Y", "TP"): [1, 2]})
    assert [p.code for p in probs] == ["numbering.duplicate", "numbering.gap"]
    assert "0003–0004" in probs[1].message_cn


def test_undated_items_sort_last():
    res = assign_numbers([replace(item("a"), date=None), item("b", day=9)], False, CATS)
    assert numbers(res) == {"b": 1, "a": 2}
