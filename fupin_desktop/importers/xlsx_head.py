"""The first few rows of an .xlsx sheet (title and note lines), without loading the sheet.

python-calamine loads a whole sheet before the first row can be read (seconds for a county
export); the title above a table is in the first kilobytes of the sheet's XML. Best effort: any
file this cannot read (.xls, .ods, an odd producer) gives an empty list, never an error.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import zipfile

_NS = r"(?:\w+:)?"
_ROW = re.compile(rf"<{_NS}row\b[^>]*?(?:/>|>(.*?)</{_NS}row>)", re.S)
_CELL = re.compile(rf"<{_NS}c\b([^>]*?)(?:/>|>(.*?)</{_NS}c>)", re.S)
_V = re.compile(rf"<{_NS}v>(.*?)</{_NS}v>", re.S)
_T = re.compile(rf"<{_NS}t\b[^>]*>(.*?)</{_NS}t>", re.S)
_TYPE = re.compile(r'\bt="(\w+)"')
_SI_END = re.compile(rf"</{_NS}si>")


def _sheet_member(z: zipfile.ZipFile, sheet_name: str | None) -> str | None:
    wb = z.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    sheets = re.findall(rf'<{_NS}sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"', wb)
    if not sheets:
        return None
    rid = sheets[0][1]
    for name, r in sheets:
        if html.unescape(name) == sheet_name:
            rid = r
            break
    for attrs in re.findall(r"<Relationship\b([^>]*)/?>", rels):
        if f'Id="{rid}"' in attrs:
            target = re.search(r'Target="([^"]*)"', attrs)[1]
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
    return None


# A header cell is at most 32,767 characters (Excel's limit); an unterminated <si> longer
# than this is hostile and must not be rescanned on every chunk (quadratic time).
_MAX_SI_BUF = 1 << 18


def _shared_strings(z: zipfile.ZipFile, upto: int) -> list[str]:
    """Shared strings 0..upto, read only as far as needed."""
    if upto < 0 or "xl/sharedStrings.xml" not in z.namelist():
        return []
    out: list[str] = []
    buf = ""
    with z.open("xl/sharedStrings.xml") as f:
        while len(out) <= upto:
            chunk = f.read(1 << 16)
            if not chunk:
                break
            buf += chunk.decode("utf-8", "ignore")
            parts = _SI_END.split(buf)
            buf = parts.pop()
            if len(buf) > _MAX_SI_BUF:
                break  # one string larger than any real header cell: stop, don't rescan
            out += ["".join(html.unescape(t) for t in _T.findall(p)) for p in parts]
    return out


def _cell(attrs: str, body: str | None) -> tuple[str, str]:
    """(type, text): type "s" means text is a shared-string index."""
    t = _TYPE.search(attrs)
    kind = t[1] if t else "n"
    body = body or ""
    if kind == "inlineStr":
        return kind, "".join(html.unescape(x) for x in _T.findall(body))
    v = _V.findall(body)
    return kind, html.unescape(v[0]) if v else ""


def head_lines(path: str | os.PathLike, sheet_name: str | None = None, nrows: int = 3,
               max_bytes: int = 1 << 17) -> list[str]:
    """Text of each of the first ``nrows`` rows (non-empty cells joined by spaces)."""
    if nrows <= 0:
        return []
    try:
        with zipfile.ZipFile(path) as z:
            member = _sheet_member(z, sheet_name)
            if member is None:
                return []
            with z.open(member) as f:
                xml = f.read(max_bytes).decode("utf-8", "ignore")
            rows = []
            for m in _ROW.finditer(xml):
                rows.append(_CELL.findall(m[1] or ""))
                if len(rows) >= nrows:
                    break
            cells = [[_cell(attrs, body) for attrs, body in row] for row in rows]
            refs = [v for row in cells for kind, v in row if kind == "s" and v.isdigit()]
            shared = _shared_strings(z, max(map(int, refs), default=-1))
            lines = []
            for row in cells:
                texts = []
                for kind, v in row:
                    if kind == "s":
                        i = int(v) if v.isdigit() else -1
                        v = shared[i] if 0 <= i < len(shared) else ""
                    if v.strip():
                        texts.append(v.strip())
                lines.append(" ".join(texts))
            return lines
    except (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile, re.error):
        return []
