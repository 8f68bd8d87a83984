"""Hostile workbooks are refused before python-calamine sees them (importers/guard.py).

Each test builds its file itself, runs the real CLI in a child process and checks: exit code 2,
a one-line Chinese reason naming the limit and the file's figure, the database unchanged, and
the child's own peak RSS and time. Measured before the guard: the XFD1048576 cell killed every
importer with SIGABRT (a 512 GB allocation), 1.1 GB of whitespace took 1.15 GB RSS, more than
1,048,576 rows raised IndexError in importers/sheet.py.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
import struct
import time
import zipfile
from pathlib import Path

import pytest

from fupin_desktop.errors import InputError
from fupin_desktop.importers import guard
from fupin_desktop.importers.guard import Limits, check_workbook
from tests.security._hostile import (
    header_rows, row, run_cli, sheet, simple_xlsx, valid_id, write_xlsx,
)

RSS_MB = 200
# the child pays its own start-up (imports, opening the database) on top of the 2 s budget of
# the guard itself, which is timed in-process below
STARTUP_ALLOWANCE = 6


def pytest_generate_tests(metafunc):
    # the guard checked in-process runs with the C pre-filter and with the pure-Python one (a
    # machine without a compiler); the CLI children use what is installed
    if "db" not in metafunc.fixturenames:
        metafunc.parametrize("scanner", ["c", "python"], indirect=True)


@pytest.fixture(autouse=True)
def scanner(request, monkeypatch):
    kind = getattr(request, "param", "c")
    if kind == "python":
        monkeypatch.setattr(guard, "native_scan", None)
    return kind


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A database holding one household, imported through the CLI."""
    d = tmp_path_factory.mktemp("seed")
    good = simple_xlsx(d / "good.xlsx", header_rows())
    db = d / "seed.db"
    r = run_cli("--db", str(db), "import", "households", str(good))
    assert r.code == 0, r
    return db


@pytest.fixture
def db(seeded, tmp_path) -> Path:
    p = tmp_path / "t.db"
    shutil.copy(seeded, p)
    return p


def snapshot(db: Path) -> dict[str, str]:
    con = sqlite3.connect(db)
    try:
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out = {}
        for t in tables:
            rows = con.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall()
            out[t] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return out
    finally:
        con.close()


def refused(db: Path, path: Path, *words: str, kind: tuple[str, ...] = ("import", "households"),
            env_limits: Limits | None = None):
    before = snapshot(db)
    r = run_cli("--db", str(db), *kind, str(path))
    assert r.code == 2, r
    line = r.err.strip()
    assert len(line.splitlines()) == 1 and line.startswith("错误："), r
    assert "超出导入限制" in line, r
    for w in words:
        assert w in line, (w, line)
    assert r.rss_mb < RSS_MB, r
    assert r.seconds < 2 + STARTUP_ALLOWANCE, r
    assert snapshot(db) == before
    return line


def guard_time(path: Path, limits: Limits | None = None) -> str:
    t0 = time.monotonic()
    with pytest.raises(InputError) as e:
        check_workbook(path, limits)
    assert time.monotonic() - t0 < 2
    return str(e.value)


FAR_CELL = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


@pytest.mark.parametrize("kind", [("import", "households"), ("import", "medical"),
                                  ("import", "posts"), ("import", "attendance"),
                                  ("survey", "import")])
def test_cell_at_xfd1048576_is_refused_by_every_importer(tmp_path, db, kind):
    p = simple_xlsx(tmp_path / "far.xlsx", [*header_rows(), FAR_CELL])
    assert p.stat().st_size < 4096
    line = refused(db, p, "XFD1048576", "1,048,576", "16,384", "行数上限 200,000", "列数上限 200",
                   kind=kind)
    assert "第 1,048,576 行" in line
    guard_time(p)


# the same far cell, written as an XML parser (calamine's quick-xml) still reads it
FAR_VARIANTS = {
    "single quotes": b"<row r='1048576'><c r='XFD1048576' t='inlineStr'><is><t>x</t></is></c></row>",
    "spaces around =": b'<row r = "1048576"><c r = "XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    "r after a '>' in a value": b'<row><c s=">" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    "tab before r": b'<row>\n<c\tr="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    "entity in r": b'<row><c r="&#88;FD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    # the same in a numbered row (the fast scan, not the exact one, must see it)
    "entity in r, numbered row": b'<row r="1048576"><c r="&#88;FD1048576" t="inlineStr"><is><t>x'
                                 b'</t></is></c></row>',
    "space inside r": b'<row r="1048576"><c r=" XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
                      b'</row>',
}


@pytest.mark.parametrize("variant", FAR_VARIANTS, ids=list(FAR_VARIANTS))
def test_the_far_cell_is_refused_however_its_attributes_are_written(tmp_path, variant):
    p = simple_xlsx(tmp_path / "far.xlsx", [*header_rows(), FAR_VARIANTS[variant]])
    assert "XFD1048576" in guard_time(p)


# a far column hidden where calamine still finds it: a second r (the last one counts) and a
# cell with a namespace prefix under an unprefixed root
HIDDEN_FAR = {
    "r twice": b'<row r="5"><c r="A5" r="XFD5" t="inlineStr"><is><t>x</t></is></c></row>',
    "r twice, '>' between": b'<row r="5"><c r="A5" s=">" r="XFD5" t="inlineStr"><is><t>x</t></is></c></row>',
    "prefixed cell": b'<row r="5"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
                     b' r="XFD5" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c></row>',
}


@pytest.mark.parametrize("variant", HIDDEN_FAR, ids=list(HIDDEN_FAR))
def test_a_far_cell_calamine_would_read_is_refused(tmp_path, variant):
    p = simple_xlsx(tmp_path / "far.xlsx", [*header_rows(), HIDDEN_FAR[variant]])
    assert "XFD5" in guard_time(p)


def test_cells_with_other_attributes_are_read_exactly_and_pass(tmp_path):
    """A cell the fast scan does not know the shape of (cm=, a second space) is read exactly."""
    p = simple_xlsx(tmp_path / "near.xlsx", [*header_rows(),
                                              b'<row r="9"><c r="GR9" cm="1"><v>1</v></c>'
                                              b'<c r="B9"  t="n"><v>2</v></c></row>'])
    fig = check_workbook(p).sheets[0]
    assert (fig.last_row, fig.last_column) == (9, 200)


def test_unusual_attribute_syntax_is_still_counted_exactly(tmp_path):
    """The same spellings on a cell inside the limits: passed, and placed where it is."""
    p = simple_xlsx(tmp_path / "near.xlsx", [*header_rows(),
                                              b"<row r='7'><c s=\">\" r = 'GR7'><v>1</v></c></row>"])
    fig = check_workbook(p).sheets[0]
    assert (fig.last_row, fig.last_column, fig.exact) == (7, 200, True)


def test_a_tag_cut_at_a_quoted_gt_on_a_piece_boundary_is_read_whole(tmp_path):
    """The guard reads the sheet in 4 MB pieces cut after a '>': a '>' inside a quoted value
    placed right at a piece's end must not hide the tag's r attribute in the next piece."""
    head = b"".join(sheet([*header_rows()]))[:-len(b"</sheetData></worksheet>")]
    lead = b'<row><c s=">'
    pad = 4 * 1024 * 1024 - len(head) - len(lead) - len(b"<x></x>")
    # one text run under max_text_run, random so that the ratio limit does not answer first
    filler = b"<x>" + bytes(random.Random(1).choices(b"abcdefghij", k=pad)) + b"</x>"
    body = head + filler + lead + b'" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    assert body.index(lead) + len(lead) == 4 * 1024 * 1024
    p = write_xlsx(tmp_path / "cut.xlsx", [body, b"</sheetData></worksheet>"])
    assert "XFD1048576" in guard_time(p)


@pytest.mark.parametrize("limit", [1, 2, 9, 10, 26, 27, 52, 182, 200, 201, 702, 703, 16_384,
                                   99_999, 100_000, 150_000, 200_000, 1_048_576])
def test_the_fast_scan_passes_exactly_the_references_inside_the_limits(limit):
    """The pre-filter's 'reference inside the limits' (guard_cells._at_most), against arithmetic."""
    import itertools
    import re

    from fupin_desktop.importers import guard_cells as guard

    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    cols = re.compile(guard._at_most(guard.col_name(limit), "A", "AZ").encode())
    for n in (1, 2, 3):
        for t in itertools.product(letters, repeat=n):
            name = "".join(t)
            assert bool(cols.fullmatch(name.encode())) == (guard.col_index(name) <= limit), name
    rows = re.compile(guard._at_most(str(limit), "1", "09").encode())
    rng = random.Random(limit)
    sample = [rng.randrange(limit * 12 + 10) for _ in range(3_000)]
    for v in [*range(2_000), *sample, limit, limit + 1]:
        for text in (str(v), "0" + str(v)):  # a leading zero is left to the exact reading
            want = not text.startswith("0") and v <= limit
            assert bool(rows.fullmatch(text.encode())) == want, text


def test_declared_dimension_alone_is_harmless(tmp_path, db):
    p = simple_xlsx(tmp_path / "dim.xlsx", header_rows(), dimension="A1:XFD1048576")
    assert check_workbook(p).sheets[0].declared_dimension == "A1:XFD1048576"
    r = run_cli("--db", str(db), "--json", "import", "households", str(p))
    assert r.code == 0, r


def test_cell_at_row_limit_passes_and_one_past_it_is_refused(tmp_path):
    ok = simple_xlsx(tmp_path / "ok.xlsx", [*header_rows(), row(200_000, ["x"], 199)])
    fig = check_workbook(ok).sheets[0]
    assert (fig.last_row, fig.last_column) == (200_000, 200)
    for ref_row, first_col, what in ((200_001, 0, "第 200,001 行"), (3, 200, "第 201 列")):
        p = simple_xlsx(tmp_path / "bad.xlsx", [*header_rows(), row(ref_row, ["x"], first_col)])
        assert what in guard_time(p)


def test_a_sheet_out_to_the_last_column_is_scanned_fast_and_exactly(tmp_path):
    """Columns GA-GR (183-200) are inside the limits but outside the cheap pre-filter: its
    hits are read exactly, then the exact pre-filter takes over; one cell past is refused."""
    rows = [row(r, ["x"] * 18, 182) for r in range(3, 400)]
    fig = check_workbook(simple_xlsx(tmp_path / "wide.xlsx", [*header_rows(), *rows])).sheets[0]
    assert (fig.last_row, fig.last_column, fig.exact) == (399, 200, False)
    bad = simple_xlsx(tmp_path / "wider.xlsx", [*header_rows(), *rows, row(400, ["x"], 200)])
    assert "GS400" in guard_time(bad)


def test_cells_without_a_value_do_not_count(tmp_path):
    # calamine ignores a styled empty cell (Excel writes them for formatted ranges)
    p = simple_xlsx(tmp_path / "styled.xlsx", [*header_rows(),
                                               b'<row r="9"><c r="XFD9" s="1"/></row>'])
    check_workbook(p)  # not refused


def test_cells_without_references_are_numbered_like_calamine(tmp_path):
    cells = b"".join(b"<c><v>1</v></c>" for _ in range(201))
    p = simple_xlsx(tmp_path / "norefs.xlsx", [*header_rows(), b"<row>" + cells + b"</row>"])
    assert "第 201 列" in guard_time(p)
    ok = simple_xlsx(tmp_path / "ok.xlsx", [*header_rows(), b"<row>" + cells[15:] + b"</row>"])
    fig = check_workbook(ok).sheets[0]
    assert fig.exact and fig.last_column == 200 and fig.last_row == 3


def _whitespace(total: int):
    block = b" " * (1 << 20)
    for _ in range(total >> 20):
        yield block


def test_whitespace_bomb_is_refused_fast_and_flat(tmp_path, db):
    # 1.1 GB of whitespace inside <sheetData>, a zip of about a megabyte
    p = write_xlsx(tmp_path / "ws.xlsx", sheet([*header_rows(), *_whitespace(1100 << 20)]),
                   level=9)
    assert p.stat().st_size < 8 << 20
    refused(db, p, "压缩比", "压缩比上限 100:1", "xl/worksheets/sheet1.xml")
    guard_time(p)


def _lie_about_size(path: Path, member: str, size: int) -> None:
    """Rewrite the declared uncompressed size of ``member`` (local header and central
    directory), as a hostile zip would."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    i = data.find(b"PK\x03\x04" + b"")
    while i >= 0:
        n = struct.unpack_from("<H", data, i + 26)[0]
        if data[i + 30:i + 30 + n] == name:
            struct.pack_into("<I", data, i + 22, size)
        i = data.find(b"PK\x03\x04", i + 4)
    j = data.find(b"PK\x01\x02")
    while j >= 0:
        n = struct.unpack_from("<H", data, j + 28)[0]
        if data[j + 46:j + 46 + n] == name:
            struct.pack_into("<I", data, j + 24, size)
        j = data.find(b"PK\x01\x02", j + 4)
    path.write_bytes(bytes(data))


def test_member_that_lies_about_its_size_is_caught_while_inflating(tmp_path, db):
    p = write_xlsx(tmp_path / "liar.xlsx", sheet([*header_rows(), *_whitespace(300 << 20)]),
                   level=9)
    _lie_about_size(p, "xl/worksheets/sheet1.xml", 10_000)
    with zipfile.ZipFile(p) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size == 10_000
    refused(db, p, "疑似“压缩炸弹”")
    guard_time(p)


def test_whitespace_run_is_refused_even_at_a_modest_ratio(tmp_path):
    # 5 MB of mixed whitespace: the ratio stays low, the single text run is over the limit
    junk = (b" \t\r\n" * (1 << 18)) * 5
    p = write_xlsx(tmp_path / "run.xlsx", sheet([*header_rows(), junk]), level=1)
    assert "连续空白" in guard_time(p, Limits(max_ratio=10_000))


def _many_rows(n: int):
    for r in range(3, n + 3):
        yield b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r)


def test_more_than_a_million_rows_is_refused_streaming(tmp_path, db):
    p = write_xlsx(tmp_path / "rows.xlsx", sheet([*header_rows(), *_many_rows(1_048_600)]),
                   level=1)
    line = refused(db, p, "第 200,001 行", "行数上限 200,000")
    assert "A200001" in line
    guard_time(p)


def test_giant_shared_string_is_refused(tmp_path, db):
    sst = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
           b'spreadsheetml/2006/main"><si><t>' + "长".encode() * 40_000 + b"</t></si></sst>")
    body = [*header_rows(), b'<row r="3"><c r="A3" t="s"><v>0</v></c></row>']
    p = write_xlsx(tmp_path / "sst.xlsx", sheet(body), [sst])
    refused(db, p, "40,000 个字", "单元格字数上限 32,767")


def test_giant_inline_cell_is_refused(tmp_path, db):
    p = simple_xlsx(tmp_path / "cell.xlsx", [*header_rows(), row(3, ["名" * 40_000])])
    refused(db, p, "40,000 个字", "单元格字数上限 32,767")
    # exactly at Excel's limit: accepted
    ok = simple_xlsx(tmp_path / "ok.xlsx", [*header_rows(), row(3, ["名" * 32_767])])
    assert check_workbook(ok).sheets[0].last_row == 3


def test_limits_are_settings(tmp_path, db, monkeypatch):
    sst = (b"<sst>" + b"".join(b"<si><t>%d</t></si>" % i for i in range(1001)) + b"</sst>")
    p = write_xlsx(tmp_path / "many.xlsx", sheet(header_rows()), [sst],
                   extra={f"xl/media/x{i}.bin": b"" for i in range(30)})
    assert check_workbook(p).shared_strings == 1001
    monkeypatch.setenv("FUPIN_IMPORT_MAX_SHARED_STRINGS", "1000")
    refused(db, p, "共享字符串个数上限 1,000")
    monkeypatch.setenv("FUPIN_IMPORT_MAX_SHARED_STRINGS", "")
    monkeypatch.setenv("FUPIN_IMPORT_MAX_MEMBERS", "20")
    refused(db, p, "个文件", "压缩包内文件数上限 20")


def test_guard_memory_is_flat_in_the_row_count(tmp_path):
    """190,000 valid rows: scanned within the limits in a child with a small RSS."""
    p = write_xlsx(tmp_path / "big.xlsx", sheet([*header_rows(), *_many_rows(190_000)]),
                   level=1)
    import subprocess
    import sys

    code = ("import resource,sys;from fupin_desktop.importers.guard import check_workbook;"
            "r=check_workbook(sys.argv[1]);"
            "hwm=[l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1];"
            "print(r.sheets[0].last_row,int(hwm)//1024)")
    out = subprocess.run([sys.executable, "-c", code, str(p)], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2]).stdout.split()
    assert int(out[0]) == 190_002
    assert int(out[1]) < 100


def test_a_valid_id_helper_is_valid():
    from fupin_desktop.domain.idcard import check_fields
    import datetime as dt

    assert check_fields(valid_id(), dt.date(2025, 1, 1))[0]
