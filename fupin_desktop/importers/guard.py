"""The one gate every imported Excel file passes before a parser sees it.

python-calamine trusts the file: one cell at XFD1048576 makes it ask for a 512 GB grid and the
process dies (SIGABRT), a gigabyte of whitespace in a zip of a few megabytes becomes a gigabyte
of memory, more than 1,048,576 rows break the reader. :func:`check_workbook` looks at the file
first, streaming, in bounded memory (a few MB whatever the file), and refuses it with an
``InputError`` (CLI exit 2) whose Chinese message names the limit and the file's figure.

What is checked (limits are the fields of :class:`Limits`, defaults below):

* the zip: number of members (read from the end record, before the central directory is
  loaded), each member's and the total uncompressed size and compression ratio — declared in
  the central directory AND counted while inflating (a member that lies about its size is
  caught when its real output passes the limit, not after);
* every worksheet: the declared ``<dimension>`` (recorded: a declared range alone is harmless
  and is never refused) and the actual last row and column of any cell holding a value,
  the longest text of a cell and the longest text between two tags (whitespace bombs);
* the shared-string table: number of strings and the longest one.

Speed (issue 12: the guard ≤ 5 % of an import; bench/bench_guard.py): a 150,000-member
export is 436 MB of sheet XML, 9 M cells; the import takes ~11.5 s of CPU. The guard takes
~0.75 s (6.5 %; was 1.85 s): inflating ~0.12 s (ISA-L when installed, else zlib), one regular
expression per 4 MB piece (guard_cells.prefilter). That expression works on the inflated bytes
where they lie and is entered at each '<c' only; it passes a cell written ``<c r="REF" s="…"
t="…">`` with REF an upper-case reference inside the limits, so the common case never enters
Python per cell. Any other cell tag is read exactly (guard_cells: either quote, entities, the
last of two r); an irregular sheet (a cell without ``r``, a prefixed cell...) is rescanned
exactly (row by row, as calamine numbers cells without ``r``).
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from fupin_desktop.errors import InputError

try:  # ISA-L inflates 3-4 times faster than zlib; same API
    from isal import isal_zlib as _zlib
except ImportError:  # pragma: no cover - depends on the installation
    import zlib as _zlib

from .guard_cells import (REF, ROW_OR_CELL, TAG_START, attr_r, cell_ref, col_index, col_name,
                          native_scan, prefilter, prefixed_cell)
from .guard_limits import DEFAULT_LIMITS, LIMIT_LABELS, MB, Limits, limits_from_env  # noqa: F401


@dataclass
class SheetFigures:
    member: str
    declared_dimension: str | None = None
    # 1-based, 0 when no cell holds a value; the exact maximum after an exact scan, else the
    # largest reference among the last cells of each 4 MB piece (any cell beyond the limits is
    # refused either way)
    last_row: int = 0
    last_column: int = 0
    longest_cell: int = 0  # characters, of the cells over max_cell_chars bytes only (else 0)
    exact: bool = False  # rescanned cell by cell (irregular references)
    # the merged ranges (<mergeCell ref>, after the rows), 0-based ((r0, c0), (r1, c1)) as
    # calamine gives them: the streamed reader (xlsx_rows) needs them before the first row,
    # and this pass is the one that reads the sheet to its end anyway
    merges: list = field(default_factory=list)


@dataclass
class Report:
    """What was measured (for benchmarks and logs)."""

    members: int = 0
    uncompressed: int = 0
    sheets: list[SheetFigures] = field(default_factory=list)
    shared_strings: int = 0


def _fmt(n: int) -> str:
    return f"{n:,}"


def _size(n: int) -> str:
    return f"{n / MB:,.1f} MB" if n >= MB else f"{n:,} 字节"


class _Refuse(Exception):
    pass


_PREFILTERS: dict[tuple[Limits, str, bool], re.Pattern] = {}
# hits of the cheap pre-filter that are inside the limits after all: past this many in a sheet
# (a sheet out to column GR, say), the exact one takes over
_CHEAP_MISSES = 256
_ROOT = re.compile(rb"<(\w+:)?worksheet\b")

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="([^"]*)"')
_TEXT_TAG = re.compile(rb"<(?:\w+:)?(t|v)\b[^>]*>$")
_SST_ROOT = re.compile(rb"<(\w+:)?sst\b")
_T_TEXT = re.compile(rb"<(?:\w+:)?t\b[^>]*>([^<]*)<", re.S)


# --- raw member streams ---------------------------------------------------------------------
class _Stream:
    """Inflate one member from its raw bytes, counting the real output (not the declared
    size) against the limits."""

    def __init__(self, f, info: zipfile.ZipInfo, guard: "_Guard"):
        self.f, self.info, self.g = f, info, guard
        self.out = 0

    def chunks(self, size: int = 4 * MB):
        info, f, g = self.info, self.f, self.g
        f.seek(info.header_offset)
        head = f.read(30)
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise InputError(g.damaged())
        n, e = struct.unpack("<HH", head[26:30])
        f.seek(info.header_offset + 30 + n + e)
        left = info.compress_size
        method = info.compress_type
        if method == zipfile.ZIP_STORED:
            while left:
                data = f.read(min(left, size))
                if not data:
                    raise InputError(g.damaged())
                left -= len(data)
                self._count(data)
                yield data
            return
        if method != zipfile.ZIP_DEFLATED:
            # bzip2/lzma members (no spreadsheet program writes them): through zipfile,
            # which stops at the declared size
            with zipfile.ZipFile(g.path) as z, z.open(info) as m:
                while True:
                    data = m.read(size)
                    if not data:
                        return
                    self._count(data)
                    yield data
        d = _zlib.decompressobj(-15)
        # compressed bytes per read: enough that nearly every call fills a whole piece (XML
        # inflates 5-15×). Pieces of one size reuse the memory the last one freed; pieces of
        # varying size got fresh memory, a page fault per 4 KB (0.2 s of the 0.8 s the guard
        # took on the 150,000-member export)
        step = max(size // 2, 1 << 16)
        while left or d.unconsumed_tail:
            if d.unconsumed_tail:
                data = d.unconsumed_tail
            else:
                data = f.read(min(left, step))
                if not data:
                    raise InputError(g.damaged())
                left -= len(data)
            try:
                out = d.decompress(data, size)
            except _zlib.error:
                raise InputError(g.damaged()) from None
            if out:
                self._count(out)
                yield out
            if d.eof:
                return

    def _count(self, data: bytes) -> None:
        self.out += len(data)
        self.g.member_output(self.info, self.out, len(data))


# --- the guard ------------------------------------------------------------------------------
class _Guard:
    def __init__(self, path: Path, limits: Limits):
        self.path, self.limits, self.name = path, limits, path.name
        self.report = Report()
        self.total = 0

    def refuse(self, what: str) -> InputError:
        return InputError(f"文件“{self.name}”{what}，超出导入限制，未导入任何数据。"
                          "请检查文件是否正确（可在 Excel 中删除多余的行列或拆分后再导入）")

    def damaged(self) -> str:
        return f"无法读取文件“{self.name}”：文件已损坏或不是 Excel 表格（支持 .xlsx、.xls、.ods）"

    # zip level
    def member_output(self, info: zipfile.ZipInfo, out: int, delta: int) -> None:
        lim = self.limits
        self.total += delta
        if out > lim.max_member:
            raise self.refuse(f"中的部件“{info.filename}”解压后超过{_size(lim.max_member)}"
                              f"（单个部件解压后大小上限 {_size(lim.max_member)}）")
        if self.total > lim.max_uncompressed:
            raise self.refuse(f"解压后超过{_size(lim.max_uncompressed)}（解压后总大小上限"
                              f" {_size(lim.max_uncompressed)}）")
        if out > lim.ratio_min_size and out > lim.max_ratio * max(info.compress_size, 1):
            raise self.refuse(f"中的部件“{info.filename}”压缩比超过 {out // max(info.compress_size, 1)}"
                              f":1（{_size(info.compress_size)} 解压出 {_size(out)} 以上；"
                              f"压缩比上限 {lim.max_ratio}:1），疑似“压缩炸弹”")

    def check(self) -> Report:
        lim = self.limits
        try:
            size = self.path.stat().st_size
        except OSError:
            raise InputError(f"找不到文件“{self.name}”，请确认文件位置后重新选择") from None
        if size > lim.max_file_size:
            raise self.refuse(f"大小为 {_size(size)}（文件大小上限 {_size(lim.max_file_size)}）")
        with open(self.path, "rb") as f:
            if f.read(4) != b"PK\x03\x04":
                return self.report  # .xls (OLE) or not a zip: calamine reports it
            count = _zip_entry_count(f)
            if count is not None and count > lim.max_members:
                raise self.refuse(f"内含 {_fmt(count)} 个文件（压缩包内文件数上限 "
                                  f"{_fmt(lim.max_members)}）")
            try:
                z = zipfile.ZipFile(f)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                return self.report  # calamine reports a damaged file with its own message
            with z:
                infos = z.infolist()
                self._declared(infos)
                sheets, sst = _parts(z)
                for info in infos:
                    if info.is_dir():
                        continue
                    if info.filename in sheets:
                        self._sheet(f, info)
                    elif info.filename == sst:
                        self._shared_strings(f, info)
                    else:
                        for _ in _Stream(f, info, self).chunks():
                            pass
        self.report.uncompressed = self.total
        return self.report

    def _declared(self, infos: list[zipfile.ZipInfo]) -> None:
        lim = self.limits
        self.report.members = len(infos)
        if len(infos) > lim.max_members:
            raise self.refuse(f"内含 {_fmt(len(infos))} 个文件（压缩包内文件数上限 "
                              f"{_fmt(lim.max_members)}）")
        total = 0
        for i in infos:
            total += i.file_size
            if (i.file_size > lim.ratio_min_size
                    and i.file_size > lim.max_ratio * max(i.compress_size, 1)):
                raise self.refuse(f"中的部件“{i.filename}”压缩比为 "
                                  f"{i.file_size // max(i.compress_size, 1)}:1（{_size(i.compress_size)}"
                                  f" 解压为 {_size(i.file_size)}；压缩比上限 {lim.max_ratio}:1），"
                                  "疑似“压缩炸弹”")
            if i.file_size > lim.max_member:
                raise self.refuse(f"中的部件“{i.filename}”解压后为 {_size(i.file_size)}"
                                  f"（单个部件解压后大小上限 {_size(lim.max_member)}）")
        if total > lim.max_uncompressed:
            raise self.refuse(f"解压后为 {_size(total)}（解压后总大小上限 "
                              f"{_size(lim.max_uncompressed)}）")

    # worksheets
    def _sheet(self, f, info: zipfile.ZipInfo) -> None:
        fig = SheetFigures(info.filename)
        self.report.sheets.append(fig)
        start_total = self.total
        if not self._sheet_fast(f, info, fig):
            self.total = start_total  # the member is read again: count it once
            fig.exact = True
            self._sheet_exact(f, info, fig)

    def _segments(self, f, info: zipfile.ZipInfo, fig: SheetFigures):
        """The sheet XML as ``(buf, start, end)``: pieces ``buf[start:end]`` that end at a '>'
        (no tag or text run is split), with every over-long text run checked. An inflated
        chunk is scanned where it lies: copying 4 MB per piece cost as much as scanning it, so
        only the bytes after a chunk's last '>' are joined to the head of the next chunk."""
        carry = tail = b""
        first = True
        run_max = self.limits.max_text_run
        fig.merges = []  # a sheet read again (exactly) lists them again
        for chunk in _Stream(f, info, self).chunks():
            if first:
                m = _DIMENSION.search(chunk, 0, 1 << 16)
                if m:
                    fig.declared_dimension = m[1].decode("ascii", "replace")
                first = False
            pieces = []
            start = 0
            if carry:  # the tag or text cut at the last chunk's end, up to its first '>'
                gt = chunk.find(b">")
                if gt < 0:
                    carry += chunk
                else:
                    head = carry + chunk[:gt + 1]
                    pieces.append((head, 0, len(head)))
                    carry, start = b"", gt + 1
            if not carry:
                end = chunk.rfind(b">", start) + 1
                if end > start:
                    pieces.append((chunk, start, end))
                carry = chunk[max(end, start):]
            if pieces:  # the last tag before the carry (which kind of run it is)
                buf, begin, end = pieces[-1]
                tag = buf.rfind(b"<", begin, end)
                tail = buf[tag:end] if tag >= 0 else buf[end - 1:end]
            if len(carry) > run_max:
                self._long_run(tail, carry)
            for piece in pieces:
                self._runs(*piece, fig)
                _merges(*piece, fig.merges)
                yield piece

    def _runs(self, buf: bytes, start: int, stop: int, fig: SheetFigures) -> None:
        """Any cell text longer than max_cell_chars bytes in ``buf[start:stop]``: count its
        characters exactly."""
        lim = self.limits.max_cell_chars
        w = max(lim // 2, 1)
        find = buf.find
        a = start
        while a < stop:
            if find(b"<", a, min(a + w, stop)) >= 0:
                a += w
                continue
            # a window of w bytes without '<': a text run of at least w bytes around it
            end = find(b"<", a, stop)
            end = stop if end < 0 else end
            begin = max(buf.rfind(b">", start, end) + 1, start)
            if end - begin > lim:
                self._text(buf, begin, end, fig)
            if end - begin > self.limits.max_text_run:
                tag = buf.rfind(b"<", start, begin)
                self._long_run(buf[tag:begin] if tag >= 0 else b"", buf[begin:end])
            a = end

    def _text(self, seg: bytes, start: int, end: int, fig: SheetFigures) -> None:
        tag_start = seg.rfind(b"<", 0, start)
        if not _TEXT_TAG.search(seg[max(tag_start, 0):start]):
            return  # between elements (whitespace): bounded by max_text_run, not a cell
        chars = len(html.unescape(seg[start:end].decode("utf-8", "replace")))
        fig.longest_cell = max(fig.longest_cell, chars)
        if chars > self.limits.max_cell_chars:
            raise self.refuse(f"工作表中有单元格长达 {_fmt(chars)} 个字（单元格字数上限 "
                              f"{_fmt(self.limits.max_cell_chars)}）")

    def _long_run(self, tail: bytes, carry: bytes) -> None:
        """More than max_text_run bytes without a '>': refused, whatever they are."""
        lim = self.limits
        if b"<" in carry:
            raise self.refuse(f"中有一个长度超过 {_size(lim.max_text_run)} 的 XML 标记"
                              f"（连续文本长度上限 {_size(lim.max_text_run)}），文件结构异常")
        if _TEXT_TAG.search(tail):
            raise self.refuse(f"工作表中有单元格超过 {_fmt(len(carry) // 10)} 个字（单元格字数上限 "
                              f"{_fmt(lim.max_cell_chars)}）")
        if carry.strip():
            raise self.refuse(f"中有一段超过 {_size(lim.max_text_run)} 的连续文本（连续文本长度上限 "
                              f"{_size(lim.max_text_run)}），文件结构异常")
        raise self.refuse(f"中有超过 {_size(lim.max_text_run)} 的连续空白（连续文本长度上限 "
                          f"{_size(lim.max_text_run)}），疑似“压缩炸弹”")

    def _sheet_fast(self, f, info: zipfile.ZipInfo, fig: SheetFigures) -> bool:
        """False when the sheet has irregular cells (then it must be read exactly)."""
        first_hit = None
        exact = native_scan is not None  # the C pre-filter is the exact one, and cheaper
        misses = 0
        for buf, start, end in self._segments(f, info, fig):
            if first_hit is None:
                m = _ROOT.search(buf, start, end)
                if m and m[1]:
                    return False  # a prefixed sheet (rare): its cells may be spelled either way
                first_hit = self._scanner(exact)
            if prefixed_cell(buf, start, end):
                return False
            # a piece ends at a '>': a cell tag is cut only where a '>' sits inside one of its
            # values, and such a tag is a hit (its r is not the first attribute)
            pos = start
            while True:
                at = first_hit(buf, pos, end)
                if at < 0:
                    break
                if not self._candidate(buf, at, end, fig):
                    return False
                pos = at + 2  # past '<c'
                misses += 1
                if misses > _CHEAP_MISSES and not exact:
                    exact = True
                    first_hit = self._scanner(exact)
            # figures: the last cell of each piece (the limits are enforced above, exactly)
            last = buf.rfind(b" r=", max(start, buf.rfind(b"<c ", start, end)), end)
            ref = REF.match(buf, last + 1, end) if last >= 0 else None
            if ref is not None:
                fig.last_row = max(fig.last_row, int(ref[2]))
                fig.last_column = max(fig.last_column, col_index(ref[1].decode()))
        return True

    def _scanner(self, exact: bool):
        """``first_hit(buf, pos, end)``: where the next cell tag the pre-filter does not let
        pass starts in ``buf[pos:end]``, or -1."""
        lim = self.limits
        if native_scan is not None:
            cols, rows = lim.max_columns, lim.max_rows
            return lambda buf, pos, end: native_scan(buf, pos, end, cols, rows)
        search = self._prefilter("", exact).search

        def first_hit(buf: bytes, pos: int, end: int) -> int:
            m = search(buf, pos, end)
            return -1 if m is None else m.start()
        return first_hit

    def _prefilter(self, prefix: str, exact: bool) -> re.Pattern:
        key = (self.limits, prefix, exact)
        if key not in _PREFILTERS:
            _PREFILTERS[key] = prefilter(self.limits, prefix, exact)
        return _PREFILTERS[key]

    def _candidate(self, buf: bytes, at: int, end: int, fig: SheetFigures) -> bool:
        """A pre-filter hit at ``at`` (in a piece ending at ``end``): refuse a real violation;
        False for an irregular sheet; True for a false alarm (e.g. a cell without a value)."""
        tag = ROW_OR_CELL.match(buf, at, end)
        if tag is None:
            return False  # a tag cut by the piece (a '>' inside a value): read it exactly
        if tag[1] == b"row":
            return False  # a row without r: rows are numbered by counting
        ref = cell_ref(tag[2])
        if ref is None or not tag[2].lstrip().startswith(b'r="'):
            return False
        if tag[3] == b"/" or buf.startswith(b"</", tag.end(), end):
            return True  # a cell without a value: calamine ignores it
        self._place(*ref, fig)
        return True

    def _place(self, row: int, col: int, fig: SheetFigures) -> None:
        lim = self.limits
        if row > fig.last_row:
            fig.last_row = row
        if col > fig.last_column:
            fig.last_column = col
        if row > lim.max_rows or col > lim.max_columns:
            dim = f"（表头声明的范围为 {fig.declared_dimension}）" if fig.declared_dimension else ""
            raise self.refuse(f"工作表中有数据的单元格 {col_name(col)}{row} 位于第 {_fmt(row)} 行、"
                              f"第 {_fmt(col)} 列{dim}（行数上限 {_fmt(lim.max_rows)} 行，列数上限 "
                              f"{_fmt(lim.max_columns)} 列）")

    def _sheet_exact(self, f, info: zipfile.ZipInfo, fig: SheetFigures) -> None:
        """Cell by cell, numbering cells and rows without ``r`` as calamine does."""
        row = 0
        col = 0
        carry = b""
        for buf, start, stop in self._segments(f, info, fig):
            # a piece ends at a '>', which may sit inside a quoted value: a tag left unfinished
            # waits for the next piece
            seg = carry + buf[start:stop]
            end = 0
            for m in ROW_OR_CELL.finditer(seg):
                end = m.end()
                kind, attrs, empty = m[1], m[2], m[3]
                if kind == b"row":
                    r = attr_r(attrs)
                    row = int(r) if r is not None and r.isdigit() else row + 1
                    col = 0
                    continue
                ref = cell_ref(attrs)
                if ref is not None:
                    row_c, col = ref
                else:
                    row_c, col = row, col + 1
                if empty == b"/" or seg.startswith(b"</", m.end()):
                    continue
                self._place(row_c, col, fig)
            open_tag = TAG_START.search(seg, end)
            carry = seg[open_tag.start():] if open_tag else b""
            if len(carry) > self.limits.max_text_run:
                self._long_run(b"", b"<" + carry)  # one tag longer than a text run may be

    # shared strings
    def _shared_strings(self, f, info: zipfile.ZipInfo) -> None:
        lim = self.limits
        cell_lim = lim.max_cell_chars
        count = 0
        carry = b""
        close = None
        for chunk in _Stream(f, info, self).chunks():
            buf = carry + chunk if carry else chunk
            if close is None:
                m = _SST_ROOT.search(buf)
                close = b"</" + (m[1] if m and m[1] else b"") + b"si>"
            cut = buf.rfind(close)
            if cut < 0:
                seg, carry = b"", buf
            else:
                seg, carry = buf[:cut + len(close)], buf[cut + len(close):]
            if len(carry) > max(lim.max_text_run, 10 * cell_lim):
                raise self.refuse(f"的共享字符串表中有一项超过 {_size(len(carry))}（单元格字数上限 "
                                  f"{_fmt(cell_lim)}）")
            if not seg:
                continue
            parts = seg.split(close)
            count += len(parts) - 1
            if count > lim.max_shared_strings:
                raise self.refuse(f"的共享字符串表有 {_fmt(count)} 项以上（共享字符串个数上限 "
                                  f"{_fmt(lim.max_shared_strings)}）")
            if max(map(len, parts)) > cell_lim:
                for part in parts:
                    if len(part) > cell_lim:
                        chars = sum(len(html.unescape(t.decode("utf-8", "replace")))
                                    for t in _T_TEXT.findall(part))
                        if chars > cell_lim:
                            raise self.refuse(f"的共享字符串表中有一项长达 {_fmt(chars)} 个字"
                                              f"（单元格字数上限 {_fmt(cell_lim)}）")
        self.report.shared_strings = count


def _zip_entry_count(f) -> int | None:
    """Entries in the zip, from its end record (before zipfile loads the whole directory)."""
    try:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 65_557))
        tail = f.read()
    except OSError:
        return None
    i = tail.rfind(b"PK\x05\x06")
    if i < 0 or len(tail) < i + 22:
        return None
    count = struct.unpack("<H", tail[i + 10:i + 12])[0]
    j = tail.rfind(b"PK\x06\x06", 0, i)  # zip64 end record
    if j >= 0 and len(tail) >= j + 40:
        count = max(count, struct.unpack("<Q", tail[j + 32:j + 40])[0])
    return count


_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?"')


def _merges(buf: bytes, start: int, end: int, out: list) -> None:
    """The merged ranges in ``buf[start:end]`` (a piece: no tag is cut) appended to ``out``."""
    hit = buf.find(b"<mergeCell ", start, end)
    if hit < 0:
        return
    for m in _MERGE.finditer(buf, hit, end):
        c0, r0 = col_index(m[1].decode()) - 1, int(m[2]) - 1
        c1, r1 = (col_index(m[3].decode()) - 1, int(m[4]) - 1) if m[3] else (c0, r0)
        out.append(((r0, c0), (r1, c1)))


def _parts(z: zipfile.ZipFile) -> tuple[set[str], str | None]:
    """Worksheet members (from the workbook's relationships, plus any xl/worksheets/*.xml)
    and the shared-string member."""
    names = set(z.namelist())
    sheets = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")
              and n.count("/") == 2}
    sst = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in names else None
    rels = "xl/_rels/workbook.xml.rels"
    info = z.NameToInfo.get(rels)
    if info is not None and info.file_size <= 4 * MB:
        from defusedxml import ElementTree as DET  # no entities, no external references

        try:
            root = DET.fromstring(z.read(rels))
        except Exception:  # noqa: BLE001 - a broken part is calamine's to report
            return sheets, sst
        for rel in root:
            target, kind = rel.get("Target") or "", rel.get("Type") or ""
            member = (target.lstrip("/") if target.startswith("/")
                      else posixpath.normpath(posixpath.join("xl", target)))
            if kind.endswith("/worksheet") and member in names:
                sheets.add(member)
            elif kind.endswith("/sharedStrings") and member in names:
                sst = member
    return sheets, sst


def check_workbook(path: str | os.PathLike, limits: Limits | None = None) -> Report:
    """Refuse ``path`` with ``InputError`` when it exceeds a limit; else what was measured.

    Anything that is not a zip (.xls, a text file) passes through: the reader reports it.
    """
    return _Guard(Path(path), limits or limits_from_env()).check()
