"""Benchmark: the 家庭成员信息台账 of 150,000 members, from the database to the PDF.

Prints the time of ``write_household_ledger(db, "members", out)`` (query, formatting, layout,
drawing) and its peak memory, measured in a process of its own, next to a floor measured in the
same run: a bare ReportLab canvas drawing the same rows on the same number of pages with one
drawString per cell. Targets (issue 11): ≤ 15 s and ≤ 300 MB for 150,000 members.

    python bench/bench_members_ledger.py [--members 150000] [--keep out.pdf]

The database is built once by importing a generated export (bench_import_parse.generate) and
cached under /tmp/fupin_bench.

Measured (2 cores, machine loaded by other work, same hour), 150,000 members, 6,216 pages:
before (17d2a85) 11.8-14.2 s, 634 MB; streamed (the query read in batches, repeated values
kept once, the rows turned to text in place, widths in one flat array, each page deflated as
it is finished) 13.2-13.3 s, 291 MB. The same PDF: page streams byte-identical.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_import_parse import generate  # noqa: E402
from bench_ledger import floor  # noqa: E402


def _db_path(members: int, cache: Path) -> Path:
    return cache / f"members_ledger_{members}.db"


def _database(members: int, cache: Path):
    from alembic import command

    from fupin_desktop import migrate
    from fupin_desktop.services.opening import open_database
    from fupin_desktop.models import Base
    from fupin_desktop.services.households.importing import import_households

    path = _db_path(members, cache)
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
    ap.add_argument("--members", type=int, default=150_000)
    ap.add_argument("--keep", help="keep the ledger PDF here")
    args = ap.parse_args(argv)
    cache = Path(tempfile.gettempdir()) / "fupin_bench"
    cache.mkdir(exist_ok=True)
    db = _database(args.members, cache)

    from fupin_desktop.formats.fonts import register_fonts
    from fupin_desktop.reports.household_ledgers import _fmt, _pdf_column
    from fupin_desktop.services.households.ledger_data import ledger_data
    from fupin_desktop.reports.ledger import layout_ledger

    register_fonts()  # a one-off start-up cost, not part of either figure
    work = tempfile.mkdtemp(prefix="bench_members_ledger_")
    out = args.keep or os.path.join(work, "members.pdf")

    # the ledger in a process of its own: its peak memory is the ledger's, not the floor's
    child = subprocess.run([sys.executable, __file__, "--child", str(_db_path(args.members, cache)),
                            out], check=True, capture_output=True, text=True)
    fig = json.loads(child.stdout.strip().splitlines()[-1])
    pages, wall, cpu, peak = fig["pages"], fig["wall"], fig["cpu"], fig["peak_mb"]

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
    print(f"peak memory      {peak:>10.0f} MB (the ledger's own process; before the ledger: "
          f"{fig['start_mb']:.0f} MB)")
    print(f"ratio            {wall / fl:>10.2f} x floor")
    print(f"targets          ≤ 15 s: {'OK' if wall <= 15 else 'MISSED'}   ≤ 300 MB: "
          f"{'OK' if peak <= 300 else 'MISSED'}")
    return 0


def _child(db_path: str, out: str) -> int:
    from bench_import import _peak_rss_mb

    from fupin_desktop.formats.fonts import register_fonts
    from fupin_desktop.services.households.ledger_data import write_household_ledger
    from fupin_desktop.services.opening import open_database

    db = open_database("sqlite:///" + db_path, migrate=False)
    register_fonts()
    start = _peak_rss_mb()
    w0, c0 = time.perf_counter(), time.process_time()
    pages = write_household_ledger(db, "members", out)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(json.dumps({"pages": pages, "wall": wall, "cpu": cpu, "peak_mb": _peak_rss_mb(),
                      "start_mb": start}))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        raise SystemExit(_child(*sys.argv[2:4]))
    raise SystemExit(main())
