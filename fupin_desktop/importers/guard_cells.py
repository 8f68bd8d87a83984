"""How the import guard reads a sheet's cell tags, as python-calamine (quick-xml) reads them:
column letters, the pre-filter that lets a plainly written cell inside the limits pass in C,
and the exact reading of any other tag (either quote, entities, a second r, a prefix)."""

from __future__ import annotations

import html
import re

from .guard_limits import Limits

try:  # the exact pre-filter compiled (hatch_build.py), ~7x faster than Python's regex engine
    from ._guard_scan import first_hit as native_scan
except ImportError:  # no compiler where it was installed: prefilter() below does the same
    native_scan = None


def col_name(i: int) -> str:
    """1 -> A, 200 -> GR."""
    s = ""
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


# --- the reference pre-filter ---------------------------------------------------------------
def _span(lo: str, hi: str, times: str = "") -> str:
    """A character class from ``lo`` to ``hi``, repeated ``times`` (a regex quantifier)."""
    return (lo if lo == hi else f"[{lo}-{hi}]") + times


def _lex_at_most(limit: str, alpha: str) -> str:
    """Regex for strings of exactly ``len(limit)`` characters of ``alpha`` that are ≤ ``limit``."""
    if not limit:
        return ""
    c, lo, rest = limit[0], alpha[0], limit[1:]
    if c == lo:
        return re.escape(c) + _lex_at_most(rest, alpha)
    smaller = _span(lo, chr(ord(c) - 1)) + (_span(alpha[0], alpha[-1], f"{{{len(rest)}}}")
                                            if rest else "")
    return f"(?:{smaller}|{re.escape(c)}{_lex_at_most(rest, alpha)})"


def _at_most(limit: str, first: str, alpha: str) -> str:
    """Regex for the numbers written in ``alpha`` (first character from ``first``: no leading
    zero) that are ≤ ``limit``, as column letters and row digits are. Each alternative starts
    with its own first characters: the regex engine skips the others on one comparison."""
    n, c0 = len(limit), limit[0]

    def any_(most: int) -> str:  # up to ``most`` more characters, possessive (no backtracking)
        return _span(alpha[0], alpha[-1], f"{{0,{most}}}+") if most > 0 else ""

    alts = []
    if c0 > first:  # a smaller first character: any length up to n
        alts.append(_span(first, chr(ord(c0) - 1)) + any_(n - 1))
    # the same first character: shorter than the limit, or as long and not greater
    same = [any_(n - 2)] if n >= 2 else []
    same.append(_lex_at_most(limit[1:], alpha))
    alts.append(re.escape(c0) + "(?:" + "|".join(same) + ")")
    if c0 < alpha[-1] and n >= 2:  # a larger first character: shorter than the limit
        alts.append(_span(chr(ord(c0) + 1), alpha[-1]) + any_(n - 2))
    return "(?:" + "|".join(alts) + ")"


def _below(limit: str, first: str, alpha: str) -> str:
    """Regex, without alternatives (about 0.06 s cheaper on the 150,000-member export), for a
    part of the numbers ≤ ``limit``: those shorter than it or, as long, with a smaller first
    character. Leading zeros are allowed (they only make the number smaller), and so is a
    reference without letters, or row 0: calamine refuses those itself (no grid is made)."""
    n, c0 = len(limit), limit[0]
    if n == 1:
        return _span(first, c0)
    lead = _span(first, chr(ord(c0) - 1), "?+") if c0 > first else ""
    rest = _span(alpha[0], alpha[-1], f"{{{0 if alpha[0] == 'A' else 1},{n - 1}}}+")
    return lead + rest


def prefilter(limits: Limits, prefix: str = "", exact: bool = True) -> re.Pattern:
    """A regex that finds every cell tag except ``<c r="REF" s="…" t="…">`` (only s and t
    after r, as the generators write them) with REF an upper-case reference
    inside the limits (``exact``) or inside a cheaper part of them (the rest are hits, read
    exactly). It is entered at '<c' only (9 M times in the 150,000-member export, against
    42 M '<'), and works on the sheet bytes as they are. A hit is read exactly by
    :meth:`guard._Guard._candidate` (a cell without ``r``, an entity, a lower-case letter, a
    reference beyond the limits...).

    Rows need no look: when every cell carries its reference, calamine places cells by it and
    the row tags change nothing; a cell without one is a hit and the sheet is read exactly."""
    pattern = _at_most if exact else _below
    col = pattern(col_name(limits.max_columns), "A", "AZ")
    row = pattern(str(limits.max_rows), "1", "09")
    p = re.escape(prefix)
    # ...followed by plainly written attributes other than r up to the tag's end (a second r
    # would count: calamine takes the last one)
    return re.compile(f'<{p}c(?! r="{col}{row}"{_OTHER_ATTRS}/?>)(?=[\\s>/])'.encode())


# the rest of the tag as the generators write it, ` s="3" t="s"`: only then is the first r the
# only one (calamine takes the last); any other attribute makes the cell a hit, read exactly
_OTHER_ATTRS = r'(?: [st]="[^"]*+")*+'

# a cell spelled with a namespace prefix (x:c): calamine reads it under any root
_PREFIXED_TAG = re.compile(rb"<[A-Za-z_][\w.-]*")


REF = re.compile(rb'r="([A-Za-z]+)([0-9]+)"')
_REF_VALUE = re.compile(rb"([A-Za-z]+)([0-9]+)")
# attributes as an XML parser reads them: either quote, a '>' inside a quoted value, spaces
# around '=' (calamine accepts all of these; a guard that did not would let them through)
_ATTRS = rb"""((?:[^>"']|"[^"]*"|'[^']*')*?)"""
ROW_OR_CELL = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s>/])" + _ATTRS + rb"(/?)>")
TAG_START = re.compile(rb"<(?:\w+:)?(?:row|c)(?=[\s>/])")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def prefixed_cell(buf: bytes, start: int, end: int) -> bool:
    """Whether ``buf[start:end]`` holds a cell tag with a namespace prefix (``<x:c ``): the
    pre-filter enters at '<c' only. ':' is rare in a sheet (a find, not a regex pass)."""
    i = buf.find(b":", start, end)  # one byte: memchr, ten times faster than finding ":c"
    while i >= 0:
        if buf[i + 1:i + 3] in _CELL_AFTER_PREFIX:
            lt = buf.rfind(b"<", max(start, i - 64), i)
            if lt >= 0 and _PREFIXED_TAG.fullmatch(buf, lt, i):
                return True
        i = buf.find(b":", i + 1, end)
    return False


_CELL_AFTER_PREFIX = frozenset(b"c" + bytes([x]) for x in b" \t\r\n>/")


def attr_r(attrs: bytes) -> bytes | None:
    """The value of the ``r`` attribute, entities resolved (a parser that resolved them
    would read ``&#88;FD1`` as XFD1); the last one where a tag has two, as calamine reads it."""
    m = None
    for m in _R_ATTR.finditer(attrs):
        pass
    if m is None:
        return None
    value = m[1] if m[1] is not None else m[2]
    if b"&" in value:
        value = html.unescape(value.decode("utf-8", "replace")).encode("utf-8", "replace")
    return value.strip()


def cell_ref(attrs: bytes) -> tuple[int, int] | None:
    """(row, column) of a cell's ``r`` attribute; None without one or when it is no reference."""
    value = attr_r(attrs)
    ref = _REF_VALUE.fullmatch(value) if value is not None else None
    return (int(ref[2]), col_index(ref[1].decode())) if ref else None
