"""Benchmark: importing a 150,000-member county export into a fresh database.

Prints the floor (a bare python-calamine read of every row, best of N), the time of
``import_households`` into an empty database, a re-import of the same file (nothing to change),
their ratios to the floor, and the peak memory of each: the floor and the import each run in a
process of their own, whose high-water mark (VmHWM) is theirs alone — ``ru_maxrss`` of one
process would give the import the floor's peak, and a child's ``ru_maxrss`` starts from its
parent's. Targets (issue 11): import ≤ 1.5 × floor and ≤ 500 MB (issue 3's: ≤ 3 ×, ≤ 30 s, ≤ 1 GB).

    python bench/bench_import.py [--members 150000] [--db postgresql+psycopg://…] [--repeat 2]

The workbook comes from bench/bench_import_parse.py's generator (cached under /tmp).
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_import_parse import generate  # noqa: E402


def floor_read(path: Path) -> int:
    """Bare python-calamine: open, load the sheet, turn every row into Python objects."""
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    n = sum(1 for _row in wb.get_sheet_by_index(0).iter_rows())
    wb.close()
    return n


def timed(fn, *args):
    """(wall s, CPU s, result): CPU time too, because a shared machine inflates wall time."""
    gc.collect()
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args)
    return time.perf_counter() - w0, time.process_time() - c0, out


def _peak_rss_mb() -> float:
    """This process's resident high-water mark (Linux VmHWM; ru_maxrss elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _peak_of(what: str, path: Path, url: str | None) -> float:
    """Peak memory (MB) of the floor read or of one import, each in a fresh process."""
    import json
    import subprocess

    cmd = [sys.executable, __file__, "--peak-of", what, str(path)] + (["--db", url] if url else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])["peak_mb"]


def _peak_child(what: str, path: Path, url: str | None) -> int:
    import json

    if what == "floor":
        floor_read(path)
    else:
        from fupin_desktop.services.households.importing import import_households

        db, cleanup = _fresh_db(url, Path(tempfile.mkdtemp(prefix="bench_import_")))
        try:
            import_households(db, path)
        finally:
            cleanup()
    print(json.dumps({"peak_mb": _peak_rss_mb()}))
    return 0


def _fresh_db(url: str | None, tmp: Path):
    """(database, cleanup): a new SQLite file, or a private schema on the PostgreSQL server
    (never touching tables others may be using there)."""
    import uuid

    from sqlalchemy import create_engine, make_url, text

    from alembic import command

    from fupin_desktop import migrate
    from fupin_desktop.services.opening import open_database
    from fupin_desktop.models import Base

    def stamp(db):  # as the tests make it: the schema at head (the pre-import backup checks it)
        with db.engine.begin() as conn:
            command.stamp(migrate._config(conn), "head")

    if not url:
        db = open_database("sqlite:///" + (tmp / f"bench_{uuid.uuid4().hex}.db").as_posix(),
                           migrate=False)
        Base.metadata.create_all(db.engine)
        stamp(db)
        return db, db.dispose
    schema = "bench_import_" + uuid.uuid4().hex[:10]
    admin = create_engine(url)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    u = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    db = open_database(u.render_as_string(hide_password=False), migrate=False)
    Base.metadata.create_all(db.engine)
    stamp(db)

    def cleanup():
        db.dispose()
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return db, cleanup


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=150_000)
    ap.add_argument("--db", help="database URL (default: a fresh SQLite file under /tmp)")
    ap.add_argument("--repeat", type=int, default=2, help="best of N for the floor and import")
    ap.add_argument("--peak-of", nargs=2, metavar=("WHAT", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.peak_of:
        return _peak_child(args.peak_of[0], Path(args.peak_of[1]), args.db)

    cache = Path(tempfile.gettempdir()) / "fupin_bench"
    cache.mkdir(exist_ok=True)
    path = cache / f"national_export_{args.members}.xlsx"
    if not path.exists():
        t0 = time.perf_counter()
        tmp = path.with_suffix(".tmp.xlsx")
        generate(tmp, args.members)
        tmp.replace(path)
        print(f"generated {path} in {time.perf_counter() - t0:.1f} s")
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB), database: {args.db or 'SQLite'}")

    from fupin_desktop.services.households.importing import import_households

    floor = floor_cpu = None
    for _ in range(args.repeat):
        wall, cpu, nrows = timed(floor_read, path)
        floor = wall if floor is None else min(floor, wall)
        floor_cpu = cpu if floor_cpu is None else min(floor_cpu, cpu)
    print(f"floor     (calamine read, {nrows} rows): {floor:6.2f} s wall  {floor_cpu:6.2f} s CPU")

    work = Path(tempfile.mkdtemp(prefix="bench_import_"))
    best = best_cpu = result = db = cleanup = None
    for _ in range(args.repeat):
        if cleanup is not None:
            cleanup()
        db, cleanup = _fresh_db(args.db, work)
        wall, cpu, result = timed(import_households, db, path)
        best = wall if best is None else min(best, wall)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    c = result.counts
    ok = best <= 1.5 * floor
    print(f"import    (fresh database):              {best:6.2f} s wall  {best_cpu:6.2f} s CPU"
          f"   ratio {best / floor:.2f} wall, {best_cpu / floor_cpu:.2f} CPU"
          f"  (target ≤ 1.5; issue 3: ≤ 3.0 and ≤ 30 s)  {'OK' if ok else 'SLOW'}")
    print(f"          households {c['households_created']}, members {c['members_created']}, "
          f"rejected {result.rows_rejected}, warnings {len(result.warning_rows)}")
    wall, cpu, again = timed(import_households, db, path)
    a = again.counts
    print(f"re-import (nothing changes):             {wall:6.2f} s wall  {cpu:6.2f} s CPU"
          f"   ratio {wall / floor:.2f}   created {a['households_created'] + a['members_created']}, "
          f"updated {a['households_updated'] + a['members_updated']}")
    cleanup()
    floor_mb, import_mb = _peak_of("floor", path, None), _peak_of("import", path, args.db)
    print(f"peak memory, each in its own process: floor {floor_mb:.0f} MB, import {import_mb:.0f} MB"
          f"  (target ≤ 500 MB; issue 3: ≤ 1024 MB)  {'OK' if import_mb <= 500 else 'TOO MUCH'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
