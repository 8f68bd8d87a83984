"""Use cases ``fupin household-file``, the households tab's 一户一档 and the archive's household
files: take the data from services/households/file_data.py, render with reports/household_file.py.

A batch (the tab's selection) goes into one PDF or one file per household; its households load
a chunk at a time in bulk queries, and each is rendered after its read transaction has ended.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ...reports.household_file import merge_pdfs, render_household_file
from .file_data import CHUNK, find_household_ids, household_file_data, household_files_data


def write_household_file(db, household_id_or_code, out, today: dt.date | None = None,
                         year: int | None = None, title: str | None = None) -> int:
    """Write the 一户一档 of one household (id or 户编号) to ``out``; returns the page count.
    ``year``: as the household stood on that year's 31 December; ``today``: the print date
    (the archive passes a fixed one: reproducible PDFs); ``title``: the cover's subtitle."""
    with db.read() as s:
        data = household_file_data(s, household_id_or_code, today=today, year=year)
    return render_household_file(data, out, title)


@dataclass
class BatchResult:
    files: list[Path] = field(default_factory=list)
    pages: int = 0
    households: int = 0


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "household"


def write_household_files(db, ids, out, progress=None, year: int | None = None) -> BatchResult:
    """Print several households: ``out`` ending in .pdf gets one PDF (each household with its
    own cover and page numbers), otherwise ``out`` is a folder receiving ``户编号_户主.pdf``
    files. ``progress(done, total, text)`` may raise ``Cancelled``: a single PDF is then not
    written (files already finished in a folder stay, they are complete)."""
    with db.read() as s:
        ids = find_household_ids(s, list(ids))
    res = BatchResult()
    single = str(out).lower().endswith(".pdf")
    work = Path(tempfile.mkdtemp(prefix="fupin_hhfiles_")) if single else Path(out)
    work.mkdir(parents=True, exist_ok=True)
    parts: list[Path] = []
    try:
        for start in range(0, len(ids), CHUNK):
            with db.read() as s:
                files = household_files_data(s, ids[start:start + CHUNK], year=year)
            for i, f in enumerate(files, start):
                code, head = f.household.code, f.current_head or ""
                if progress:
                    progress(i, len(ids), f"正在生成 {code} {head} 的一户一档")
                name = f"{i + 1:05d}.pdf" if single else _safe_name(f"{code}_{head}") + ".pdf"
                path = work / name
                res.pages += render_household_file(f, path)
                parts.append(path)
                res.households += 1
        if progress:
            progress(len(ids), len(ids), "正在合并文件…" if single else "完成")
        if single:
            merge_pdfs(parts, out)
            res.files = [Path(out)]
        else:
            res.files = parts
    finally:
        if single:
            shutil.rmtree(work, ignore_errors=True)
    return res
