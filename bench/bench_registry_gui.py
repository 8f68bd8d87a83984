"""Benchmark: per-keystroke latency of the 户信息 tab at county scale, through the Qt model.

One "keystroke" = what the tab does once typing pauses: build the filter, run the id query
(all matching ids, sorted, with the first page of rows) in a worker, reset the lazily paged
model when it arrives, and paint the visible rows (a page not read yet is fetched in a worker
too: the bench waits for it). Printed next to a floor measured in the same run: the service calls alone
(``count`` + first page of ``ids`` + ``rows``, as bench/bench_registry.py times them).
Target: ≤ 100 ms median per keystroke.

    QT_QPA_PLATFORM=offscreen /work/venv/bin/python bench/bench_registry_gui.py \
        [--keep /tmp/registry40k.db] [--households 40000] [--db URL]

The database is the one bench/bench_registry.py builds (pass the same --keep file to reuse it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from fupin_desktop.services.opening import open_database  # noqa: E402
from fupin_desktop.models import Base, Household, Member  # noqa: E402
from fupin_desktop.services.households import registry  # noqa: E402


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm caches
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def _open(url: str | None, path: Path, households: int):
    if url:
        db = open_database(url)
    else:
        fresh = not path.exists()
        db = open_database("sqlite:///" + path.as_posix(), migrate=False)
        if fresh:
            Base.metadata.create_all(db.engine)
    with db.read() as s:
        n = s.scalar(select(func.count()).select_from(Household))
    if not n:
        from fupin_desktop.services.demo import generate_demo

        t = time.perf_counter()
        generate_demo(db, households=households, seed=2024)
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

    from PySide6.QtCore import Qt

    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.households.tab import HouseholdsTab

    app = create_app(["bench"])
    tab = HouseholdsTab(AppContext(db))
    tab.resize(1400, 860)
    tab.show()
    app.processEvents()

    def settle():
        """Until the list (and any page it painted) has arrived from its worker."""
        while tab.model.pending:
            app.processEvents()
            time.sleep(0.0005)
        app.processEvents()

    settle()

    with db.read() as s:
        n_h = s.scalar(select(func.count()).select_from(Household))
        n_m = s.scalar(select(func.count()).select_from(Member))
        a_name = s.scalar(select(Member.name).where(Member.id == n_m // 2))
        an_id = s.scalar(select(Member.id_number).where(Member.id == n_m // 3))
    print(f"{db.engine.dialect.name}: {n_h:,} households, {n_m:,} members")

    def set_widgets(search="", village=0, category=0, below=False):
        """Put the filter bar in a state without triggering queries (the bench times those)."""
        bar = tab.filters
        widgets = (bar.village_box, bar.category_box, bar.below_check, bar.search)
        for w in widgets:
            w.blockSignals(True)
        bar.village_box.setCurrentIndex(village)
        bar.category_box.setCurrentIndex(category)
        bar.below_check.setChecked(below)
        bar.search.setText(search)
        for w in widgets:
            w.blockSignals(False)

    cases = [
        ("no filter", {}),
        ("行政村", {"village": max(1, tab.filters.village_box.count() // 2)}),
        ("监测对象 (any)", {"category": 1}),
        ("低于监测线", {"below": True}),
        ("search surname 罗", {"search": "罗"}),
        (f"search name {a_name}", {"search": a_name}),
        ("search 4 ID digits", {"search": an_id[-4:]}),
        ("search full ID", {"search": an_id}),
        ("search 1 digit", {"search": "7"}),
        ("村 + name", {"village": 1, "search": "罗"}),
    ]

    print(f"{'case':26} {'matches':>8} {'floor':>9} {'GUI keystroke':>14}")
    gui_times = []
    for label, kw in cases:
        set_widgets(**kw)
        filt = tab.filters.current_filter()

        def floor(f=filt):
            registry.count(db, f)
            registry.rows(db, registry.ids(db, f, "code", limit=100))

        def keystroke():
            tab.apply_filter()
            settle()
            tab.table.viewport().repaint()  # paints the visible rows: fetches a missing page
            settle()

        f_ms = _median_ms(floor, args.repeat)
        g_ms = _median_ms(keystroke, args.repeat)
        gui_times.append(g_ms)
        print(f"{label:26} {tab.model.rowCount():>8,} {f_ms:>7.1f}ms {g_ms:>12.1f}ms")

    set_widgets()
    tab.apply_filter()
    settle()
    col = next(i for i, c in enumerate(tab.model.columns) if c.key == "per_capita_income")

    def sort_income():
        tab.table.sortByColumn(col, Qt.SortOrder.DescendingOrder)
        settle()
        tab.table.viewport().repaint()
        settle()

    print(f"sort all by 人均纯收入 (desc) {_median_ms(sort_income, 5):.1f} ms")

    def scroll():
        bar = tab.table.verticalScrollBar()
        bar.setValue((bar.value() + bar.maximum() // 7) % max(1, bar.maximum()))
        tab.table.viewport().repaint()
        settle()

    print(f"scroll a seventh + paint   {_median_ms(scroll, 20):.1f} ms")
    med = statistics.median(gui_times)
    print(f"median GUI keystroke {med:.1f} ms (target ≤ 100 ms); worst {max(gui_times):.1f} ms")
    tab.close()
    db.dispose()


if __name__ == "__main__":
    main()
