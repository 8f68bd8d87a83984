"""Masking for public lists (公示): ID 6+8*+4, bank 6+3*+4, phone 3+4*+4."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin_desktop.domain.masking import mask_bank, mask_id, mask_phone, mask_text


def test_default_patterns():
    assert mask_id("522729196208023116") == "522729********3116"
    assert mask_id("52272919650324216X") == "522729********216X"
    assert mask_bank("6228486073815055042") == "622848***5042"
    assert mask_phone("15799367514") == "157****7514"


def test_spaces_are_dropped_before_masking():
    assert mask_id(" 522729196208023116\u00a0") == "522729********3116"
    assert mask_bank("6228 4860 7381 5055 042") == "622848***5042"
    assert mask_phone("157 9936 7514") == "157****7514"


@pytest.mark.parametrize("fn", [mask_id, mask_bank, mask_phone])
@pytest.mark.parametrize("empty", [None, "", "   "])
def test_empty_gives_empty(fn, empty):
    assert fn(empty) == ""


@pytest.mark.parametrize("fn, value, expected", [
    (mask_phone, "1234567", "1****7"),
    (mask_id, "52272919620802311", "5227********2311"),
    (mask_bank, "622848607381", "622***381"),
    (mask_phone, "123", "****"),
    (mask_id, "5227291962", "52********62"),
    (mask_bank, "12345678", "12***78"),
    (mask_bank, "1", "***"),
])
def test_short_input_never_reveals_much(fn, value, expected):
    assert fn(value) == expected


@given(st.text(alphabet="0123456789X", min_size=1, max_size=30),
       st.sampled_from([(mask_id, 6, 4, 8), (mask_bank, 6, 4, 3), (mask_phone, 3, 4, 4)]))
def test_masked_never_shows_more_than_head_and_tail(value, case):
    fn, head, tail, stars = case
    out = fn(value)
    shown = len(out) - stars
    assert out.count("*") >= stars
    assert shown <= head + tail
    hidden = len(value) - shown
    assert hidden >= stars or shown <= len(value) // 2  # a short value is mostly hidden


def test_mask_text_is_the_configurable_pattern():
    assert mask_text("522729196208023116", 3, 3, "#") == "522#116"
    assert mask_text("522729196208023116", 4, 0, "**") == "5227**"
