"""Benchmark: `fupin demo --households 5000` (target ≤ 30 s).

Prints the time of generate_demo on a fresh SQLite file (or an empty database given by --db),
the rows it wrote, and a floor measured in the same run: a bare executemany of the same number
of rows (12 columns each) into one table of a fresh SQLite file with the program's pragmas, in
one transaction — the cost of merely storing that much, without generating anything.

    /work/venv/bin/python bench/bench_demo.py [--households 5000] [--db URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fupin_desktop.services.opening import open_database  # noqa: E402
from fupin_desktop.models import Base  # noqa: E402
from fupin_desktop.services.demo import generate_demo  # noqa: E402


def floor(path: Path, n: int) -> float:
    con = sqlite3.connect(path)
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=FULL"):
        con.execute(f"PRAGMA {pragma}")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT, d INTEGER, "
                "e REAL, f TEXT, g TEXT, h INTEGER, i TEXT, j TEXT, k TEXT)")
    today = dt.date.today().isoformat()
    rows = [(f"52272719800101{i % 10000:04d}", "罗大明", "之子", i % 7, i * 1.5, today, "健康",
             1, "普通劳动力", "13900001111", "清河镇青石村3组") for i in range(n)]
    t = time.perf_counter()
    with con:
        con.executemany("INSERT INTO t (a, b, c, d, e, f, g, h, i, j, k) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", help="an empty database URL (default: a fresh SQLite file)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            db = open_database(args.db)
        else:
            db = open_database("sqlite:///" + (Path(tmp) / "demo.db").as_posix(), migrate=False)
            Base.metadata.create_all(db.engine)
        t = time.perf_counter()
        summary = generate_demo(db, households=args.households, seed=args.seed)
        took = time.perf_counter() - t
        db.dispose()
        written = sum(n for table, n in summary.counts.items())
        fl = floor(Path(tmp) / "floor.db", written)
    print(f"{db.engine.dialect.name}: demo --households {args.households:,}: {took:.1f} s "
          f"(target ≤ 30 s), {written:,} rows in {len(summary.counts)} tables "
          f"({written / took:,.0f} rows/s); extensions: {', '.join(summary.extensions) or '—'}")
    print("  stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in summary.timings.items()))
    for table, n in summary.counts.items():
        print(f"  {table:32} {n:>9,}")
    print(f"floor: bare SQLite executemany of {written:,} rows: {fl:.2f} s "
          f"({written / fl:,.0f} rows/s); demo = {took / fl:.1f}× floor")


if __name__ == "__main__":
    main()
