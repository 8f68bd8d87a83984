"""Bank account numbers: normalisation and the Luhn check (a warning, never a refusal)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fupin_desktop.domain.bankcard import luhn_ok, normalize_account


def luhn_complete(prefix: str) -> str:
    """Append the Luhn check digit (textbook definition)."""
    total = 0
    for i, ch in enumerate(reversed(prefix + "0")):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return prefix + str(-total % 10)


@pytest.mark.parametrize("number", ["4111111111111111", "6228486073815055042", "6228484023315233633",
                                    luhn_complete("622202123456789012")])
def test_valid_cards(number):
    assert luhn_ok(number)


@pytest.mark.parametrize("number", ["4111111111111112", "6228486073815055043", "", None, "12345",
                                    "62284860738150550421234", "6228A86073815055042"])
def test_invalid_or_not_a_card(number):
    assert not luhn_ok(number)


@given(st.text(alphabet="0123456789", min_size=11, max_size=18), st.integers(0, 18),
       st.integers(1, 9))
def test_any_single_digit_change_breaks_luhn(prefix, pos, delta):
    card = luhn_complete(prefix)
    pos %= len(card)
    changed = card[:pos] + str((int(card[pos]) + delta) % 10) + card[pos + 1:]
    assert luhn_ok(card)
    assert not luhn_ok(changed)


@given(st.text(alphabet="0123456789", min_size=11, max_size=18))
def test_separators_and_full_width_do_not_matter(prefix):
    card = luhn_complete(prefix)
    spaced = " ".join(card[i:i + 4] for i in range(0, len(card), 4))
    full = card.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert normalize_account(spaced) == normalize_account(full) == card
    assert luhn_ok(spaced) and luhn_ok(full) and luhn_ok(card.replace("", "-")[1:-1])


@pytest.mark.parametrize("raw, expected", [
    (" 6228 4860 7381 5055 042\u00a0", "6228486073815055042"),
    ("6228-4860-7381-5055-042", "6228486073815055042"),
    ("６２２８４８６０７３８１５０５５０４２", "6228486073815055042"),
    ("\u30006228486073815055042", "6228486073815055042"),
    ("", ""),
    (None, ""),
])
def test_normalize_account(raw, expected):
    assert normalize_account(raw) == expected


def test_normalize_account_refuses_numbers():
    with pytest.raises(TypeError):
        normalize_account(6.228486073815055e18)  # type: ignore[arg-type]


@given(st.text(alphabet="0123456789", min_size=12, max_size=19))
def test_luhn_agrees_with_textbook(number):
    assume(number)
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    assert luhn_ok(number) is (total % 10 == 0)
