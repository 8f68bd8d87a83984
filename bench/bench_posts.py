"""Benchmark: the posts tab's two speed targets (issue 4), against floors measured in this run.

  * month grid for 500 workers (one village of 500): target ≤ 0.5 s;
    floor = the same 500 attendance rows fetched with bare SQL through the same engine;
  * wage computation for 2,000 workers × 12 months: target ≤ 5 s;
    floor = bare SQL fetch of the year's attendance rows and inspections (the input data);
  * saving one edited cell of the grid (set_marks), median of 20.

Synthetic data: 4 villages × 500 workers, each with a post, 12 months of marks and weekly
inspections (≈104,000 rows), generated with Core bulk inserts.

    /work/venv/bin/python bench/bench_posts.py [--workers 2000] [--year 2025] [--db PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from fupin_desktop.services.opening import open_database  # noqa: E402
from fupin_desktop.models import Base, Household, Member, Village  # noqa: E402
from fupin_desktop.models.base import utcnow  # noqa: E402
from fupin_desktop.models.posts import AttendanceMonth, Assignment, Inspection, Post  # noqa: E402
from fupin_desktop.domain.idcard import check_char  # noqa: E402
from fupin_desktop.services.posts.attendance import month_grid, set_marks  # noqa: E402
from fupin_desktop.domain.posts_calendar import days_in_month  # noqa: E402
from fupin_desktop.services.posts.rules import load_rules  # noqa: E402
from fupin_desktop.services.posts.wages import compute_month  # noqa: E402

PER_VILLAGE = 500


def _ins(s, model, rows, stamp=True):
    now = utcnow()
    if stamp:
        for r in rows:
            r.update(version=1, created_at=now, updated_at=now)
    t = model.__table__
    return list(s.scalars(insert(t).returning(t.c.id, sort_by_parameter_order=True), rows))


def build(db, workers: int, year: int) -> list[int]:
    rng = random.Random(4)
    with db.write() as s:
        vids = _ins(s, Village, [dict(name=f"第{i + 1}村", sort_order=i)
                                 for i in range((workers + PER_VILLAGE - 1) // PER_VILLAGE)])
        hids = _ins(s, Household, [dict(code=f"H{i:08d}", village_id=vids[i // PER_VILLAGE],
                                        household_type="脱贫户") for i in range(workers)])
        mrows = []
        for i, hid in enumerate(hids):
            body = f"522729{1970 + i % 30}0{1 + i % 9}1{i % 9}{i % 1000:03d}"
            mrows.append(dict(household_id=hid, id_number=body + check_char(body), name=f"工{i}",
                              birth_date=dt.date(1970 + i % 30, 1 + i % 9, 10 + i % 9),
                              status="正常", labour_skill="普通劳动力"))
        mids = _ins(s, Member, mrows)
        pids = _ins(s, Post, [dict(name=f"保洁员{i}", post_type="保洁员", village_id=vids[i // PER_VILLAGE],
                                   wage_standard=Decimal(rng.choice((300, 400, 500, 800))))
                              for i in range(workers)])
        starts = [dt.date(year, 1, 1) if rng.random() < 0.9 else dt.date(year, rng.randint(2, 11),
                                                                          rng.randint(1, 28))
                  for _ in range(workers)]
        aids = _ins(s, Assignment, [dict(member_id=m, post_id=p, start_date=st, status="在岗")
                                    for m, p, st in zip(mids, pids, starts)])
        att, insp = [], []
        for aid, st in zip(aids, starts):
            for mo in range(1, 13):
                m0 = dt.date(year, mo, 1)
                dim = days_in_month(m0)
                marks = "".join(
                    "." if m0.replace(day=d) < st or m0.replace(day=d).weekday() == 6
                    else rng.choices("PLSA", (95, 2, 2, 1))[0] for d in range(1, dim + 1))
                att.append(dict(assignment_id=aid, month=m0, marks=marks, version=1))
            day = dt.date(year, 1, 3)
            while day.year == year:
                if day >= st:
                    score = max(40, min(100, round(rng.gauss(86, 7))))
                    flag = "红旗" if score >= 96 else "黄旗" if score < 70 else None
                    insp.append(dict(assignment_id=aid, date=day, score=score, flag=flag,
                                     deadline=day + dt.timedelta(days=7) if flag == "黄旗" else None,
                                     rectified=rng.random() < 0.8 if flag == "黄旗" else False,
                                     rectified_date=day + dt.timedelta(days=5) if flag == "黄旗" else None))
                day += dt.timedelta(days=7)
        s.execute(insert(AttendanceMonth.__table__), att)
        now = utcnow()
        for r in insp:
            r.update(version=1, created_at=now, updated_at=now)
        s.execute(insert(Inspection.__table__), insp)
    print(f"data: {workers} workers, {len(att)} attendance rows, {len(insp)} inspections")
    return vids


def timed(fn, repeat=5):
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2000)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--db", type=Path, help="SQLite file to build (default: a temporary one)")
    args = ap.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="bench_posts_")) / "posts.db"
    path.unlink(missing_ok=True)
    db = open_database("sqlite:///" + path.as_posix(), migrate=False)
    Base.metadata.create_all(db.engine)
    t = time.perf_counter()
    vids = build(db, args.workers, args.year)
    print(f"build: {time.perf_counter() - t:.1f} s ({path})")
    oct_ = dt.date(args.year, 10, 1)

    def floor_grid():
        with db.engine.connect() as c:
            c.exec_driver_sql(
                "SELECT a.id, a.start_date, a.end_date, m.name, m.id_number, p.name, t.marks, t.version "
                "FROM post_assignments a JOIN members m ON m.id = a.member_id "
                "JOIN posts p ON p.id = a.post_id LEFT JOIN post_attendance t "
                "ON t.assignment_id = a.id AND t.month = ? WHERE p.village_id = ?",
                (oct_.isoformat(), vids[0])).fetchall()

    grid_rows = len(month_grid(db, oct_, village_id=vids[0]).rows)
    f = timed(floor_grid)
    g = timed(lambda: month_grid(db, oct_, village_id=vids[0]))
    print(f"month grid, {grid_rows} workers: {g * 1000:.1f} ms (floor {f * 1000:.1f} ms, "
          f"×{g / f:.1f}; target ≤ 500 ms)")

    grid = month_grid(db, oct_, village_id=vids[0])
    row = grid.rows[0]
    versions = {row.assignment_id: row.version}
    edits = []
    for k in range(20):
        mark = "A" if k % 2 == 0 else "P"
        t = time.perf_counter()
        saved = set_marks(db, oct_, [(row.assignment_id, 2, mark)], versions=versions)
        edits.append(time.perf_counter() - t)
        versions = saved.versions
    print(f"save one edited cell: median {statistics.median(edits) * 1000:.1f} ms")

    def floor_wages():
        with db.engine.connect() as c:
            c.exec_driver_sql("SELECT assignment_id, month, marks FROM post_attendance").fetchall()
            c.exec_driver_sql("SELECT assignment_id, date, score, flag FROM post_inspections").fetchall()

    def wages():
        n = 0
        with db.read() as s:
            rules = load_rules(s)
            for mo in range(1, 13):
                n += len(compute_month(s, dt.date(args.year, mo, 1), rules))
        return n

    slips = wages()
    f = timed(floor_wages, 3)
    w = timed(wages, 3)
    print(f"wage computation, {slips} slips ({args.workers} workers × 12 months): {w:.2f} s "
          f"(floor {f:.2f} s, ×{w / f:.1f}; target ≤ 5 s)")
    db.dispose()


if __name__ == "__main__":
    main()
