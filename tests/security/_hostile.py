"""Hostile workbooks, built by the tests themselves (no binary fixtures).

``write_xlsx`` writes the smallest package python-calamine opens: content types, relationships,
one workbook with one sheet whose XML comes from an iterator of byte chunks (so a sheet of a
million rows or a gigabyte of whitespace is streamed into the zip, never held in memory).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
    'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="'
    'application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"'
    '/></Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
    'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
    '//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/'
    'workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets><sheet name="监测对象" sheetId="1" r:id="rId1"/>'
    '</sheets></workbook>')
WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
    'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
    '//schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="'
    'worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>')

HEADER = ("户编号", "行政村", "姓名", "证件号码", "与户主关系")


def col_name(i: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def cell(ref: str, value) -> str:
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def row(r: int, values, first_col: int = 0) -> bytes:
    cells = "".join(cell(f"{col_name(first_col + c)}{r}", v) for c, v in enumerate(values)
                    if v is not None)
    return f'<row r="{r}">{cells}</row>'.encode()


def valid_id(body17: str = "52272919800101001") -> str:
    from fupin_desktop.domain.idcard import check_char

    return body17 + check_char(body17)


def header_rows() -> Iterator[bytes]:
    yield row(1, HEADER)
    yield row(2, ("5227291010000001", "幸福村", "张三", valid_id(), "户主"))


def sheet(body: Iterable[bytes], dimension: str | None = None) -> Iterator[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ' + NS + b">"
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>"
    yield from body
    yield b"</sheetData></worksheet>"


def write_xlsx(path: Path, sheet_chunks: Iterable[bytes], shared_strings: Iterable[bytes] = (),
               level: int = 6, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WB_RELS)
        # force_zip64: a streamed member may grow beyond 2 GiB (the central directory says so)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            buf = []
            size = 0
            for chunk in sheet_chunks:
                buf.append(chunk)
                size += len(chunk)
                if size >= 1 << 20:
                    f.write(b"".join(buf))
                    buf, size = [], 0
            f.write(b"".join(buf))
        sst = b"".join(shared_strings)
        if sst:
            z.writestr("xl/sharedStrings.xml", sst)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def simple_xlsx(path: Path, rows: Iterable[bytes], dimension: str | None = None) -> Path:
    return write_xlsx(path, sheet(rows, dimension))


# --- running the CLI in a child process -------------------------------------------------------
class Run:
    def __init__(self, code: int, out: str, err: str, seconds: float, rss_mb: float):
        self.code, self.out, self.err, self.seconds, self.rss_mb = code, out, err, seconds, rss_mb

    def __repr__(self) -> str:
        return (f"Run(code={self.code}, {self.seconds:.2f} s, {self.rss_mb:.0f} MB, "
                f"err={self.err[-300:]!r})")


def _vm_hwm_mb(pid: int) -> float:
    """Peak RSS of a running process. Not ru_maxrss: Linux carries that over an exec, so a
    child forked from a big pytest process would report the parent's size."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_cli(*argv: str, timeout: float = 120) -> Run:
    """``python -m fupin_desktop.cli ARGV`` in a child; its own wall time and peak RSS
    (os.wait4 gives the rusage of that one child, not the maximum over all children so far)."""
    import signal
    import tempfile

    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        t0 = time.monotonic()
        p = subprocess.Popen([sys.executable, "-m", "fupin_desktop.cli", *argv], cwd=ROOT,
                             env=env, stdout=fo, stderr=fe)
        deadline = t0 + timeout
        hwm = 0.0
        while True:
            hwm = max(hwm, _vm_hwm_mb(p.pid))
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                os.kill(p.pid, signal.SIGKILL)
                os.wait4(p.pid, 0)
                raise subprocess.TimeoutExpired(argv, timeout)
            time.sleep(0.005)
        seconds = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read(), fe.read()
    return Run(p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
               seconds, hwm)
