"""Bank card / passbook account numbers (银行账号).

A Luhn failure is only a warning (DESIGN.md §3): rural credit co-op passbook numbers often do
not follow Luhn. Account numbers are text end to end, like ID numbers.
"""

from __future__ import annotations

import unicodedata

# spaces and separators people type to group digits: "6228 4800 ...", "6228-4800-..."
_SEPARATORS = frozenset(" \t\r\n\u00a0\u3000-_")


def normalize_account(text: str | None) -> str:
    """NFKC (full-width digits), drop spaces and '-' separators, upper-case letters."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise TypeError("银行账号必须是文本，不能是数字")
    if text.isdigit() and text.isascii():  # the usual cell: nothing to clean
        return text
    s = text if text.isascii() else unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in s if ch not in _SEPARATORS and not ch.isspace()).upper()


# Luhn doubles every second digit from the right and adds the digits of the product:
# 0→0 1→2 2→4 3→6 4→8 5→1 6→3 7→5 8→7 9→9, a one-character translation.
_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_ok(number: str | None) -> bool:
    """True when ``number`` (after :func:`normalize_account`) passes the Luhn check.

    Anything that is not 12–19 ASCII digits is not a card number and fails.
    """
    s = normalize_account(number)
    if not (12 <= len(s) <= 19 and s.isascii() and s.isdigit()):
        return False
    total = sum(map(int, s[::-1][::2])) + sum(map(int, s[::-1][1::2].translate(_DOUBLED)))
    return total % 10 == 0
