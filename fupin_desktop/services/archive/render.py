"""Renderers of archive items, run in the build's worker processes (and for previews).

Everything here is a module-level function taking plain values (database URL, ids, dates) so
``functools.partial(render_…, …)`` pickles into a "spawn" worker: the worker opens the database
once (by URL) and renders the ledger or household file there, spreading the slow part — ReportLab
— over the cores. In the main process ``use_database`` lets the same calls reuse the open
``Database`` instead of opening a second engine.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path

# Bump when a renderer's output changes for the same data: resumed builds re-render then.
RENDER_VERSION = "2"

_DBS: dict[str, object] = {}
_lock = threading.Lock()


def use_database(db) -> None:
    """Let renderers called in this process reuse ``db`` (same URL) instead of opening another."""
    _DBS[db.url] = db


def database(url: str):
    db = _DBS.get(url)
    if db is None:
        with _lock:
            db = _DBS.get(url)
            if db is None:
                from ..opening import open_database

                # a worker only reads: no migration, no backup (the GUI process did both)
                db = _DBS[url] = open_database(url, migrate=False, backup=False)
    return db


def render_ledger_item(url: str, kind: str, year: int, period: str | None, today_iso: str,
                       title: str | None = None) -> bytes:
    """PDF bytes of ledger ``kind`` ("households", "payroll" …) for ``year`` (or month ``period``),
    as the records stood on ``today`` (the year's 31 December, see archive_items.year_end),
    printing ``title`` (the catalogue's 题名)."""
    today = dt.date.fromisoformat(today_iso)
    db = database(url)
    buf = io.BytesIO()
    if kind in ("households", "members", "monitoring", "measures", "visits"):
        from ..households.ledger_data import write_household_ledger

        write_household_ledger(db, kind, buf, year=year, today=today, title=title)
    elif kind in ("posts", "attendance", "payroll", "wages-annual"):
        from ...reports.posts_ledgers import write_ledger
        from ..posts.ledger_data import posts_ledger_data

        when = {"year": year} if kind in ("wages-annual", "posts") else {"month": period}
        write_ledger(posts_ledger_data(db, kind, today=today, **when), buf, today=today,
                     title=title)
    elif kind in ("medical", "chronic", "signing"):
        from ...reports.medical_ledgers import render_medical_ledger
        from ..medical.ledger_data import medical_ledger_data
        from ..medical.period import Period

        render_medical_ledger(medical_ledger_data(db, kind, period=Period(year), today=today), buf,
                              today=today, title=title)
    elif kind == "problems":
        from ...reports.problems_ledger import render_problems_ledger
        from ..problems.ledger_data import problems_ledger_data

        render_problems_ledger(problems_ledger_data(db, year=year, today=today), buf,
                               today=today, title=title)
    else:
        raise ValueError(f"unknown ledger kind {kind!r}")
    return buf.getvalue()


def render_household_item(url: str, household_id: int, today_iso: str, year: int | None = None,
                          title: str | None = None) -> bytes:
    """PDF bytes of one household's 一户一档 for ``year`` (as it stood on ``today``); its data
    comes from the chunk's prefetch when there was one."""
    from ...reports.household_file import render_household_file
    from ..households.files import write_household_file

    buf = io.BytesIO()
    data = _PREFETCHED.pop((url, household_id, today_iso, year), None)
    if data is not None:
        render_household_file(data, buf, title)
    else:
        write_household_file(database(url), household_id, buf,
                             today=dt.date.fromisoformat(today_iso), year=year, title=title)
    return buf.getvalue()


# household files loaded ahead by the chunk's prefetch, taken (popped) by render_household_item
_PREFETCHED: dict[tuple, object] = {}


def _prefetch_household_files(sources) -> None:
    """The data of a chunk's household files in the bulk queries of households/file_data.py
    (one set per database, print date and year), for render_household_item to take."""
    from ..households.file_data import household_files_data

    _PREFETCHED.clear()  # what an earlier chunk left (an item that failed) is not kept
    groups: dict[tuple, list[int]] = {}
    for src in sources:
        url, household_id, today_iso, *rest = src.args
        groups.setdefault((url, today_iso, rest[0] if rest else None), []).append(household_id)
    for (url, today_iso, year), ids in groups.items():
        with database(url).read() as s:
            files = household_files_data(s, ids, today=dt.date.fromisoformat(today_iso), year=year)
        for f in files:
            _PREFETCHED[(url, f.id, today_iso, year)] = f


render_household_item.prefetch = _prefetch_household_files


def render_registered_item(path: str, mime: str) -> bytes:
    """PDF bytes of a registered file: a PDF as it is, an image as A4 PDF page(s)."""
    data = Path(path).read_bytes()
    if mime == "application/pdf":
        return data
    return image_to_pdf(data)


def image_to_pdf(data: bytes) -> bytes:
    """An image (JPG/PNG, also multi-frame TIFF) as A4 pages, portrait or landscape as the image
    is, EXIF rotation applied, fitted inside 10 mm margins below a free top band for the 归档章.
    Deterministic bytes (invariant canvas)."""
    from PIL import Image, ImageOps, ImageSequence
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from ...formats.fonts import FONT, register_fonts

    register_fonts()
    from ...archive.stamp import STAMP_H_MM, TOP_MM

    mm = 72 / 25.4
    top, side = (TOP_MM + STAMP_H_MM + 2) * mm, 10 * mm  # the stamp sits 10–26 mm from the top edge
    buf = io.BytesIO()
    with Image.open(io.BytesIO(data)) as img:
        frames = [ImageOps.exif_transpose(f.copy()) for f in ImageSequence.Iterator(img)]
    c = Canvas(buf, pagesize=A4, invariant=1, initialFontName=FONT, pageCompression=1)
    for frame in frames:
        if frame.mode not in ("RGB", "L"):
            rgba = frame.convert("RGBA")  # flatten transparency onto white paper
            frame = Image.new("RGB", rgba.size, (255, 255, 255))
            frame.paste(rgba, mask=rgba.getchannel("A"))
        w, h = frame.size
        pw, ph = landscape(A4) if w > h else A4
        c.setPageSize((pw, ph))
        scale = min((pw - 2 * side) / w, (ph - top - side) / h)
        dw, dh = w * scale, h * scale
        c.drawImage(ImageReader(frame), (pw - dw) / 2, ph - top - dh, dw, dh)
        c.showPage()
    c.save()
    return buf.getvalue()
