"""One item's file: source PDF → 归档章 on page 1 → PDF/A-2b → ``data/<档号>.pdf``.

Runs in worker processes (ProcessPoolExecutor), so everything here is picklable: module-level
functions and frozen dataclasses. A ``source`` callable is called *in the worker*, so rendering
(the slow part) is spread over the cores too.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fupin_desktop.archive.pdfa import PdfaMeta, make_pdfa, save_pdfa
from fupin_desktop.archive.stamp import StampFields, apply_stamp
from fupin_desktop.paths import write_bytes_atomic

Source = bytes | Path | Callable[[], bytes]


@dataclass(frozen=True)
class ItemJob:
    code: str  # 档号
    target: str  # absolute path of data/<档号>.pdf
    source: Source
    stamp: StampFields | None  # None: no 归档章 (e.g. paper documents of the package)
    meta: PdfaMeta
    # where the file is written before it is renamed to ``target`` (same file system); empty:
    # beside the target. A killed build leaves at most a partial file in this folder.
    tmp_dir: str = ""


@dataclass(frozen=True)
class ItemDone:
    code: str
    pages: int = 0
    sha256: str = ""
    size: int = 0
    error: str = ""  # Chinese sentence when the item could not be made


def read_source(source: Source) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, Path):
        return source.read_bytes()
    data = source()
    if not isinstance(data, bytes | bytearray):
        raise TypeError(f"PDF source returned {type(data).__name__}, expected bytes")
    return bytes(data)


def make_item_pdf(data: bytes, stamp: StampFields | None, meta: PdfaMeta) -> tuple[bytes, int]:
    """(PDF/A bytes, page count) for one item, stamped when ``stamp`` is given."""
    import pikepdf

    keep: list = []  # the stamp overlay document must live until the save
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
        if stamp is not None:
            apply_stamp(pdf, stamp, keep_alive=keep)
        make_pdfa(pdf, meta)
        return save_pdfa(pdf), pages


def process_job(job: ItemJob) -> ItemDone:
    try:
        out, pages = make_item_pdf(read_source(job.source), job.stamp, job.meta)
    except Exception as e:  # noqa: BLE001 - reported per item; the build goes on with the rest
        return ItemDone(job.code, error=f"{job.code}（{job.meta.title}）无法生成：{type(e).__name__}: {e}")
    target = Path(job.target)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, out, Path(job.tmp_dir) if job.tmp_dir else None)
    return ItemDone(job.code, pages, hashlib.sha256(out).hexdigest(), len(out))


def write_atomic(target: Path, data: bytes, tmp_dir: Path | None = None) -> None:
    """Write ``data`` through a temporary file (in ``tmp_dir`` when given): a crash never leaves
    a half-written file under its name or inside the package (paths.write_atomic)."""
    write_bytes_atomic(target, data, tmp_dir)


def process_jobs(jobs: list[ItemJob]) -> list[ItemDone]:
    """Worker entry point: a chunk of jobs per task keeps inter-process traffic small."""
    prefetch(jobs)
    return [process_job(j) for j in jobs]


def prefetch(jobs: list[ItemJob]) -> None:
    """Let renderers load a chunk's data in one go: a source that is a ``functools.partial`` of a
    function with a ``prefetch`` attribute is handed, with the chunk's other sources of that
    function, to ``prefetch(sources)`` first (one set of bulk queries for 25 household files
    instead of 25). A failing prefetch changes nothing: each item then loads its own data."""
    groups: dict = {}
    for job in jobs:
        fn = getattr(job.source, "func", None)
        if fn is not None and callable(getattr(fn, "prefetch", None)):
            groups.setdefault(fn, []).append(job.source)
    for fn, sources in groups.items():
        try:
            fn.prefetch(sources)
        except Exception:  # noqa: BLE001 - the items load (and report) their own data instead
            pass
