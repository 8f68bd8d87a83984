"""A worksheet's rows streamed out of an .xlsx file (the C decoder _xlsx_rows), for sheet.py.

python-calamine loads a whole sheet before the first row: for a county's export that is 6 s and
650 MB before the import begins. Here the sheet XML is inflated a megabyte at a time and decoded
straight into row lists; memory stays flat. Only what can be read exactly as calamine reads it
is read here (see _xlsx_rows.c): a file or a row with anything else raises ``Unsupported``, and
sheet.py reads it (or the rest of it) with calamine, the reference, as before.

The file has passed the import guard (importers/guard.py) before it gets here.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

try:
    from isal import isal_zlib as _zlib
except ImportError:  # pragma: no cover - depends on the installation
    import zlib as _zlib

try:
    from ._xlsx_rows import Rows, Unsupported, shared_strings
except ImportError:  # no C compiler where it was installed: calamine reads everything
    Rows = shared_strings = None

    class Unsupported(ValueError):  # type: ignore[no-redef]
        pass

available = Rows is not None
CHUNK = 1 << 20

# the built-in number formats that are not dates or times (ECMA-376 18.8.30)
_PLAIN_BUILTIN = frozenset({0, 1, 2, 3, 4, 9, 10, 11, 12, 13, 37, 38, 39, 40, 48, 49})
_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKET = re.compile(r"\[([^\]]*)\]")
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"')


def _plain_format(code: str) -> bool:
    """Whether a custom number format shows a plain number (no date, time or duration part)."""
    code = _QUOTED.sub("", code)
    for inner in _BRACKET.findall(code):
        if inner and set(inner.lower()) <= set("hms"):
            return False  # [h], [mm]: a duration
    code = _BRACKET.sub("", code)
    return code.lower() == "general" or not re.search(r"[dmyhsDMYHS]|AM/PM|A/P", code)


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


class StreamedWorkbook:
    """The parts of an .xlsx that the streamed read needs: each worksheet's member, the shared
    strings, which cell styles show plain numbers."""

    def __init__(self, path: Path, sheet_names: list[str]):
        from defusedxml import ElementTree as ET  # no entities, no external references

        if not available:
            raise Unsupported("no C decoder")
        self.path = path
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())

            def xml(name):
                return ET.fromstring(z.read(name)) if name in names else None

            book, rels = xml("xl/workbook.xml"), xml("xl/_rels/workbook.xml.rels")
            if book is None or rels is None:
                raise Unsupported("no workbook part")
            ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
            rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            self.members: dict[str, str] = {}
            for s in book.iterfind("m:sheets/m:sheet", ns):
                t = targets.get(s.get(rid), "")
                member = t.lstrip("/") if t.startswith("/") else "xl/" + t
                self.members[s.get("name")] = member
            if list(self.members) != list(sheet_names):
                raise Unsupported("sheets differ from calamine's")
            self.plain = self._plain_styles(xml("xl/styles.xml"), ns)
            self.sst = (shared_strings(z.read("xl/sharedStrings.xml"))
                        if "xl/sharedStrings.xml" in names else [])
            self._infos = {i.filename: i for i in z.infolist()}

    @staticmethod
    def _plain_styles(styles, ns) -> bytes:
        if styles is None:
            return b""
        custom = {int(f.get("numFmtId")): f.get("formatCode", "")
                  for f in styles.iterfind("m:numFmts/m:numFmt", ns)}
        mask = bytearray()
        for xf in styles.iterfind("m:cellXfs/m:xf", ns):
            fid = int(xf.get("numFmtId", "0"))
            mask.append(1 if (fid in custom and _plain_format(custom[fid]))
                        or (fid not in custom and fid in _PLAIN_BUILTIN) else 0)
        return bytes(mask)

    def _chunks(self, member: str) -> Iterator[bytes]:
        """The member inflated, a megabyte at a time."""
        info = self._infos.get(member)
        if info is None:
            raise Unsupported("no such sheet member")
        with open(self.path, "rb") as f:
            f.seek(info.header_offset)
            head = f.read(30)
            if len(head) < 30 or head[:4] != b"PK\x03\x04":
                raise Unsupported("damaged member")
            n, e = struct.unpack("<HH", head[26:30])
            f.seek(info.header_offset + 30 + n + e)
            left = info.compress_size
            if info.compress_type == zipfile.ZIP_STORED:
                while left:
                    data = f.read(min(left, CHUNK))
                    if not data:
                        raise Unsupported("truncated member")
                    left -= len(data)
                    yield data
                return
            if info.compress_type != zipfile.ZIP_DEFLATED:
                raise Unsupported("compression method")
            d = _zlib.decompressobj(-15)
            while left:
                data = f.read(min(left, CHUNK // 4))
                if not data:
                    raise Unsupported("truncated member")
                left -= len(data)
                out = d.decompress(data)
                if out:
                    yield out
            out = d.flush()
            if out:
                yield out

    def tail(self, sheet: str) -> tuple[list[tuple[tuple[int, int], tuple[int, int]]], int]:
        """The sheet's merged ranges as calamine gives them (0-based ((r0, c0), (r1, c1))) and
        its last row's number. <mergeCells> follows the rows: this reads the sheet to its end
        (inflating only: a tenth of reading its rows)."""
        out, tail, last = [], b"", 0
        for chunk in self._chunks(self.members[sheet]):
            buf = tail + chunk
            cut = buf.rfind(b"<")
            row = buf.rfind(b'<row r="')
            if row >= 0:
                m = re.match(rb'<row r="([0-9]+)"', buf[row:row + 20])
                last = int(m[1]) if m else last
            hit = buf.find(b"<mergeCell ")
            if hit >= 0:
                for m in _MERGE.finditer(buf, hit, cut if cut > hit else len(buf)):
                    c0, r0 = _col(m[1]), int(m[2]) - 1
                    c1, r1 = (_col(m[3]), int(m[4]) - 1) if m[3] else (c0, r0)
                    out.append(((r0, c0), (r1, c1)))
            tail = buf[cut:] if cut >= 0 else b""
        return out, last

    def rows(self, sheet: str, width: int, stop: int | None = None) -> Iterator[tuple[int, list]]:
        """``(excel_row, values)`` for each row the sheet writes, ``width`` absolute columns
        from A ('' where empty). Raises Unsupported at a cell it cannot read as calamine does
        (the rows before it were read exactly). ``stop``: no row past this Excel row."""
        decoder = Rows(width, self.sst, self.plain, stop or 0)
        for chunk in self._chunks(self.members[sheet]):
            rows = decoder.feed(chunk)
            yield from rows
            if stop is not None and rows and rows[-1][0] >= stop:
                return  # the rest is not even inflated
        yield from decoder.close()
