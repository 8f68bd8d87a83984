"""Benchmark: the 考勤 month grid of the posts tab at 500 workers, through the Qt model and view.

Target (issue 4): the grid for 500 workers opens in ≤ 0.5 s and stays smooth while editing.
Printed next to floors measured in the same run:

  * open      = switch to the 考勤 page (stale) or change the month: month_grid + model reset +
                first paint; floor = the month_grid service call alone;
  * keystroke = one mark typed (key event → model → totals → Qt paints the changed cells);
                floor = an arrow key (the cursor moves, two cells repaint);
  * save      = the batch of marks typed in a burst, stored by one set_marks call;
                floor = set_marks of the same edits called directly;
  * scroll    = three rows (a wheel notch) and a page of rows down + paint;
                floor = a full repaint of the viewport.

    QT_QPA_PLATFORM=offscreen /work/venv/bin/python bench/bench_posts_grid.py [--workers 500]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_posts import build  # noqa: E402  (synthetic villages of 500 workers each)

from fupin_desktop.services.opening import open_database  # noqa: E402
from fupin_desktop.models import Base  # noqa: E402
from fupin_desktop.services.posts.attendance import month_grid, set_marks  # noqa: E402


def ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:7.1f} ms (max {max(samples) * 1000:.1f})"


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=500)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args()
    path = Path(tempfile.mkdtemp(prefix="bench_grid_")) / "grid.db"
    db = open_database("sqlite:///" + path.as_posix(), migrate=False)
    Base.metadata.create_all(db.engine)
    build(db, args.workers, args.year)
    oct_, sep = dt.date(args.year, 10, 1), dt.date(args.year, 9, 1)

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.posts.grid_model import FIXED
    from fupin_desktop.views.posts.tab import PostsTab

    app = create_app(["bench"])
    tab = PostsTab(AppContext(db))
    tab.resize(1400, 860)
    tab.show()
    app.processEvents()
    page = tab.attendance
    page.month.blockSignals(True)
    page.month.set_month(oct_)
    page.month.blockSignals(False)

    floor_open = timed(lambda: month_grid(db, oct_), args.repeat)

    def open_page():  # the page is stale: showing it reloads the grid, then it paints
        tab.pages.setCurrentIndex(0)
        tab._stale.add(page)
        tab.show_page("attendance")
        page.view.viewport().repaint()

    open_times = timed(open_page, args.repeat)
    rows = page.model.rowCount()

    def switch_month():
        page.month.set_month(sep if page.month.month() == oct_ else oct_)
        page.view.viewport().repaint()

    month_times = timed(switch_month, args.repeat)
    page.month.set_month(oct_)
    print(f"{rows} workers × {page.model.days} days ({db.engine.dialect.name})")
    print(f"open the 考勤 page   {ms(open_times)}   floor month_grid {ms(floor_open)}   target ≤ 500 ms")
    print(f"change the month     {ms(month_times)}")

    # typing: a burst of marks along a row, then the timer's batch save
    page.save_timer.setInterval(10 ** 6)  # saved explicitly below, not by the timer
    page.view.setFocus()
    app.processEvents()

    def key(k):
        t = time.perf_counter()
        QTest.keyClick(page.view, k)
        app.processEvents()  # Qt paints what changed: the cell, the rest of its row's totals
        return time.perf_counter() - t

    keys, arrows, saves, direct = [], [], [], []
    n = 0
    for r in range(0, 40, 2):
        page.view.setCurrentIndex(page.model.index(r, FIXED))
        app.processEvents()
        for k in range(25):
            keys.append(key(Qt.Key.Key_4 if k % 7 == 3 else Qt.Key.Key_1))
        arrows += [key(Qt.Key.Key_Down), key(Qt.Key.Key_Up)]
        n = len(page.model.pending)
        t = time.perf_counter()
        page.save_pending()
        saves.append(time.perf_counter() - t)
        # floor: the same kind of batch straight through the service
        g = month_grid(db, oct_)
        row = g.rows[r + 1]
        edits = [(row.assignment_id, day, "P") for day in range(1, 26) if row.can_mark(day)]
        t = time.perf_counter()
        set_marks(db, oct_, edits, versions={row.assignment_id: row.version})
        direct.append(time.perf_counter() - t)
    print(f"keystroke (mark)     {ms(keys)}   floor arrow key {ms(arrows)}")
    print(f"save a burst ({n} marks) {ms(saves)}   floor set_marks {ms(direct)}")
    full = timed(lambda: page.view.viewport().repaint(), 20)
    bar = page.view.verticalScrollBar()

    def wheel():  # three rows, as one notch of the mouse wheel
        bar.setValue((bar.value() + 3) % max(1, bar.maximum()))
        app.processEvents()

    def page_down():
        bar.setValue((bar.value() + bar.pageStep()) % max(1, bar.maximum()))
        app.processEvents()

    print(f"scroll 3 rows + paint {ms(timed(wheel, 30))}")
    print(f"scroll a page + paint {ms(timed(page_down, 30))}   floor full repaint {ms(full)}")
    worst = max(open_times)
    print(f"verdict: open median {statistics.median(open_times) * 1000:.0f} ms, worst "
          f"{worst * 1000:.0f} ms → {'OK' if worst <= 0.5 else 'TOO SLOW'} (≤ 500 ms)")
    tab.close()
    db.dispose()


if __name__ == "__main__":
    main()
