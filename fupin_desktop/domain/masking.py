"""Masking for public lists (公示, DESIGN.md §3).

Defaults: ID 6 + ******** + 4, bank card 6 + *** + 4, phone 3 + **** + 4. The pattern is a
setting, so :func:`mask_text` takes it as arguments. Short or odd input never leaks: when the
value is too short for the pattern to hide as many characters as it has stars, only a quarter is
kept at each end and the rest is starred.
"""

from __future__ import annotations

import unicodedata


def _compact(value: object) -> str:
    if value is None:
        return ""
    s = str(value)
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)
    return "".join(s.split())


def mask_text(value: object, head: int, tail: int, stars: str) -> str:
    """Keep ``head`` leading and ``tail`` trailing characters, replace the middle by ``stars``."""
    s = _compact(value)
    n = len(s)
    if n == 0:
        return ""
    if n >= head + tail + len(stars):  # hides at least as many characters as it shows stars
        return s[:head] + stars + (s[n - tail:] if tail else "")
    keep = n // 4  # a short (wrong) value: show at most a quarter at each end
    return s[:keep] + stars + (s[n - keep:] if keep else "")


def mask_id(value: object) -> str:
    """ID number: 522729********3116."""
    return mask_text(value, 6, 4, "********")


def mask_bank(value: object) -> str:
    """Bank account: 622848***5042."""
    return mask_text(value, 6, 4, "***")


def mask_phone(value: object) -> str:
    """Phone: 157****7514."""
    return mask_text(value, 3, 4, "****")
