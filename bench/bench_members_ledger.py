"""Benchmark: the 家庭成员信息台账 of 40,000 members, from the database to the PDF.

Prints the time of ``render_household_ledger(db, "members", out)`` (query, formatting, layout,
drawing) next to a floor measured in the same run: a bare ReportLab canvas drawing the same
rows on the same number of pages with one drawString per cell. Target (issue 3): ≤ 30 s.

    python bench/bench_members_ledger.py [--members 40000] [--keep out.pdf]

The database is built once by importing a generated export (bench_import_parse.generate) and
cached under /tmp/fupin_bench.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_import_parse import generate  # noqa: E402
from bench_ledger import floor  # noqa: E402


def _database(members: int, cache: Path):
    from alembic import command

    from fupin_desktop import migrate
    from fupin_desktop.services.opening import open_database
    from fupin_desktop.models import Base
    from fupin_desktop.services.households.importing import import_households

    path = cache / f"members_ledger_{members}.db"
    fresh = not path.exists()
    if fresh:
        xlsx = cache / f"national_export_{members}.xlsx"
        if not xlsx.exists():
            generate(xlsx, members)
        tmp = path.with_suffix(".tmp.db")
        tmp.unlink(missing_ok=True)
        db = open_database("sqlite:///" + tmp.as_posix(), migrate=False)
        Base.metadata.create_all(db.engine)
        with db.engine.begin() as conn:  # stamped, as a migrated file is: the import's backup checks it
            command.stamp(migrate._config(conn), "head")
        import_households(db, xlsx)
        db.dispose()
        tmp.replace(path)
    return open_database("sqlite:///" + path.as_posix(), migrate=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=40_000)
    ap.add_argument("--keep", help="keep the ledger PDF here")
    args = ap.parse_args(argv)
    cache = Path(tempfile.gettempdir()) / "fupin_bench"
    cache.mkdir(exist_ok=True)
    db = _database(args.members, cache)

    from fupin_desktop.formats.fonts import register_fonts
    from fupin_desktop.reports.household_ledgers import _fmt, _pdf_column
    from fupin_desktop.services.households.ledger_data import ledger_data, write_household_ledger
    from fupin_desktop.reports.ledger import layout_ledger

    register_fonts()  # a one-off start-up cost, not part of either figure
    work = tempfile.mkdtemp(prefix="bench_members_ledger_")
    out = args.keep or os.path.join(work, "members.pdf")

    w0, c0 = time.perf_counter(), time.process_time()
    pages = write_household_ledger(db, "members", out)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0

    t0 = time.perf_counter()
    with db.read() as s:
        data = ledger_data(s, "members")
    query = time.perf_counter() - t0
    kinds = [c.kind for c in data.columns]
    rows = [[_fmt(v, k) for v, k in zip(r, kinds)] for r in data.rows]
    from fupin_desktop.reports.ledger import LedgerSpec

    lay = layout_ledger(LedgerSpec("x", [_pdf_column(c) for c in data.columns], rows))
    per_page = max(len(p) for p in lay.pages)
    fl = floor(rows, per_page, pages, os.path.join(work, "floor.pdf"))
    db.dispose()

    print(f"members          {len(rows):>10,}")
    print(f"pages            {pages:>10,}  ({lay.page_size_name} landscape, {per_page} rows/page, "
          f"{os.path.getsize(out) / 1e6:.1f} MB)")
    print(f"query + format   {query:>10.2f} s")
    print(f"ledger total     {wall:>10.2f} s wall  {cpu:6.2f} s CPU   {pages / wall:6.1f} pages/s")
    print(f"floor            {fl:>10.2f} s   (bare drawString per cell, same pages)")
    print(f"ratio            {wall / fl:>10.2f} x floor   target ≤ 30 s: "
          f"{'OK' if wall <= 30 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
