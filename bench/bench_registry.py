"""Benchmark: registry queries at county scale (40,000 households / ~150,000 members).

For each filter or search text, one "keystroke" = ``count`` + the first page of ``ids`` (100) +
``rows`` for that page; and ``query`` = what the 户信息 tab runs when the filter changes (every
matching id, sorted, for scrolling + the rows of the first page, in one read). Also timed: sorting
all households by derived columns. Prints median ms next to a floor measured in the same run: a
bare ``SELECT id FROM households LIMIT 100`` through the same engine. Target: ≤ 100 ms median.

    /work/venv/bin/python bench/bench_registry.py [--households 40000] [--db URL] [--keep F.db]

Without --db a SQLite file is built with the demo generator (≈ 1 min for 40,000) — --keep
saves it for the next run. With --db URL an existing database (e.g. PostgreSQL) is used as it is,
or filled when empty.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text  # noqa: E402

from fupin_desktop.services.opening import open_database  # noqa: E402
from fupin_desktop.models import Base, Household, Member  # noqa: E402
from fupin_desktop.services.households import registry  # noqa: E402
from fupin_desktop.services import demo  # noqa: E402
from fupin_desktop.services.households.registry import RegistryFilter  # noqa: E402


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm the statement cache and the page cache
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def _open(url: str | None, path: Path, households: int):
    # a bench database: tables straight from the models (create_all skips existing ones)
    db = open_database(url or "sqlite:///" + path.as_posix(), migrate=False)
    Base.metadata.create_all(db.engine)
    with db.read() as s:
        n = s.scalar(select(func.count()).select_from(Household))
    if not n:
        t = time.perf_counter()
        demo.DEMO_EXTENSION_MODULES = ()  # the other tabs' demo data plays no part here
        demo.generate_demo(db, households=households, seed=2024)
        print(f"built {households:,} households in {time.perf_counter() - t:.1f} s")
    return db


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=40_000)
    ap.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    ap.add_argument("--keep", help="SQLite file to build once and reuse")
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    path = Path(args.keep) if args.keep else Path(tmp.name) / "registry.db"
    db = _open(args.db, path, args.households)
    with db.read() as s:
        n_h = s.scalar(select(func.count()).select_from(Household))
        n_m = s.scalar(select(func.count()).select_from(Member))
        a_name = s.scalar(select(Member.name).where(Member.id == n_m // 2))
        an_id = s.scalar(select(Member.id_number).where(Member.id == n_m // 3))
        a_phone = s.scalar(select(Member.phone).where(Member.phone.is_not(None)).limit(1))
        year = registry.latest_income_year(s)
    villages = registry.village_choices(db)
    print(f"{db.engine.dialect.name}: {n_h:,} households, {n_m:,} members")

    def floor():
        with db.read() as s:
            s.execute(text("SELECT id FROM households LIMIT 100")).all()

    cases = [
        ("no filter", RegistryFilter()),
        ("行政村", RegistryFilter(village_id=villages[len(villages) // 2][0])),
        ("监测对象", RegistryFilter(monitored=True)),
        ("风险 因病 未消除", RegistryFilter(risk="因病", risk_eliminated=False)),
        ("低于监测线", RegistryFilter(below_threshold=year)),
        ("search surname 罗", RegistryFilter(search="罗")),
        (f"search name {a_name}", RegistryFilter(search=a_name)),
        ("search 4 ID digits", RegistryFilter(search=an_id[-4:])),
        ("search 8 ID digits", RegistryFilter(search=an_id[6:14])),
        ("search full ID", RegistryFilter(search=an_id)),
        ("search phone prefix", RegistryFilter(search=a_phone[:7])),
        ("search 1 digit", RegistryFilter(search="7")),
        ("村 + 监测 + name", RegistryFilter(village_id=villages[0][0], monitored=True, search="罗")),
    ]
    floor_ms = _median_ms(floor, args.repeat)
    print(f"floor (SELECT id FROM households LIMIT 100): {floor_ms:.2f} ms")
    print(f"{'case':28} {'matches':>8} {'keystroke':>10} {'query':>9}")
    keystrokes, queries = [], []
    for label, f in cases:
        def keystroke(f=f):
            registry.count(db, f)
            registry.rows(db, registry.ids(db, f, "code", limit=100))

        ms = _median_ms(keystroke, args.repeat)
        q_ms = _median_ms(lambda f=f: registry.query(db, f), args.repeat)
        keystrokes.append(ms)
        queries.append(q_ms)
        print(f"{label:28} {registry.count(db, f):>8,} {ms:>8.1f}ms {q_ms:>7.1f}ms")
    for key in ("per_capita_income", "size", "head", "village"):
        ms = _median_ms(lambda k=key: registry.ids(db, RegistryFilter(), k, True), 3)
        print(f"sort all by {key:18}          {ms:>8.1f}ms")
    for label, values in (("keystroke (count+ids+rows)", keystrokes), ("query (all ids+rows)", queries)):
        med = statistics.median(values)
        print(f"median {label}: {med:.1f} ms (target ≤ 100 ms; {med / floor_ms:.0f}× floor); "
              f"worst {max(values):.1f} ms")
    db.dispose()


if __name__ == "__main__":
    main()
