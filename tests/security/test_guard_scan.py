"""The import guard's C pre-filter (importers/_guard_scan.c) finds exactly the cell tags its
reference, the regular expression guard_cells.prefilter(exact=True), finds: on generated
fragments of sheet XML (cells inside and past the limits, cut tags, other attributes, either
quote, leading zeros, lower case, whitespace) and at every start and end of the searched range.
A hit it missed would let a far cell reach calamine, so the comparison is hit by hit."""

from __future__ import annotations

import os
import shutil
import sysconfig

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin_desktop.importers import guard_cells
from fupin_desktop.importers.guard_limits import Limits

native = guard_cells.native_scan

FRAGMENTS = [
    b"<c", b'<c r="', b" r=\"", b"<c>", b"<c/>", b"<c\t", b"<c\n", b"<cx", b"<col", b"</c>",
    b"<row r=\"1\">", b"</row>", b"<v>1</v>", b"<is><t>x</t></is>", b'"', b"'", b" s=\"1\"",
    b' t="s"', b' t="inlineStr"', b" x=\"1\"", b" s='1'", b"/>", b">", b"/", b"<", b" ",
    b"=", b"A", b"Z", b"GR", b"GS", b"XFD", b"a", b"0", b"1", b"9", b"200000", b"200001",
    b"1048576", b"&#88;", b'"&gt;"', b"\x00", "中".encode(),
]


def reference_hits(buf: bytes, start: int, end: int, limits: Limits) -> list[int]:
    search = guard_cells.prefilter(limits, "", exact=True).search
    out, pos = [], start
    while (m := search(buf, pos, end)) is not None:
        out.append(m.start())
        pos = m.end()
    return out


def native_hits(buf: bytes, start: int, end: int, limits: Limits) -> list[int]:
    out, pos = [], start
    while (at := native(buf, pos, end, limits.max_columns, limits.max_rows)) >= 0:
        out.append(at)
        pos = at + 2
    return out


needs_native = pytest.mark.skipif(native is None, reason="the C pre-filter is not built here")


@needs_native
@settings(max_examples=3000, deadline=None)
@given(parts=st.lists(st.sampled_from(FRAGMENTS), max_size=40),
       cols=st.sampled_from([1, 26, 27, 200, 702, 16_384]),
       rows=st.sampled_from([1, 9, 10, 200_000, 1_048_576]),
       cut=st.tuples(st.integers(0, 6), st.integers(0, 6)))
def test_native_and_reference_find_the_same_hits(parts, cols, rows, cut):
    buf = b"".join(parts)
    limits = Limits(max_columns=cols, max_rows=rows)
    start, end = min(cut[0], len(buf)), max(len(buf) - cut[1], 0)
    assert native_hits(buf, start, end, limits) == reference_hits(buf, start, end, limits)


@needs_native
@settings(max_examples=500, deadline=None)
@given(col=st.one_of(st.integers(1, 20_000), st.integers(198, 202)),
       row=st.one_of(st.integers(1, 2_000_000), st.integers(199_998, 200_002)),
       attrs=st.sampled_from([b"", b' s="3"', b' t="s" s="1"', b' s="1">', b" s='1'"]),
       pad=st.integers(0, 40))
def test_one_cell_at_any_reference(col, row, attrs, pad):
    # a cell behind up to 40 bytes of padding (every offset of the 16-byte blocks)
    cell = b'<c r="' + guard_cells.col_name(col).encode() + str(row).encode() + b'"' + attrs
    buf = b" " * pad + cell + b"><v>1</v></c>" + b" " * pad
    limits = Limits(max_columns=200, max_rows=200_000)
    assert native_hits(buf, 0, len(buf), limits) == reference_hits(buf, 0, len(buf), limits)


@needs_native
@pytest.mark.parametrize("limit", [1, 9, 10, 26, 27, 200, 702, 703, 16_384, 200_000, 1_048_576])
def test_references_at_and_past_each_limit(limit):
    limits = Limits(max_columns=limit, max_rows=limit)
    for col in (limit - 1, limit, limit + 1):
        for row in (limit - 1, limit, limit + 1):
            if col < 1 or row < 1:
                continue
            ref = guard_cells.col_name(col).encode() + str(row).encode()
            buf = b'<row r="1"><c r="' + ref + b'" t="s"><v>0</v></c></row>'
            hits = native_hits(buf, 0, len(buf), limits)
            assert hits == reference_hits(buf, 0, len(buf), limits)
            assert bool(hits) == (col > limit or row > limit), ref


def test_the_native_prefilter_is_built_where_a_compiler_is():
    """pip install builds it (hatch_build.py) when a C compiler and Python's headers are at
    hand, as README's apt line provides; a build hook that silently failed would cost every
    county import 7x the guard's time."""
    headers = sysconfig.get_paths()["include"]
    if not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler on this machine: the guard uses the pure-Python pre-filter")
    if not os.path.exists(os.path.join(headers, "Python.h")):
        pytest.skip("no Python headers (python3-dev) on this machine")
    assert native is not None
