"""Benchmark: the annual 医疗救助台账 of 20,000 settlements to PDF, and the 因病返贫 alert list of a
40,000-household county — each printed next to a floor measured in the same run.

* Ledger: full pipeline (query through the service, aggregate totals, format, lay out, draw) vs the
  floor of the ledger engine alone rendering the same, already formatted rows. Target ≤ 20 s.
* Alerts: ``compute_alerts`` (SQL aggregate + thresholds + heads + measures) vs the floor of the
  bare aggregate ``SUM(self_paid) GROUP BY household`` through sqlite3. Target ≤ 3 s.

    /work/venv/bin/python bench/bench_medical.py [--households 40000] [--ledger-rows 20000]
                                                 [--county-rows 80000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from fupin_desktop.services.opening import open_database  # noqa: E402
from fupin_desktop.models import (  # noqa: E402
    Base, Household, HouseholdIncome, Member, Settlement, Village)
from fupin_desktop.domain.idcard import check_char  # noqa: E402
from fupin_desktop.domain.medical_calc import recompute  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅文辉春林海燕琴云飞鹏金凤"
HOSPITALS = (("乡镇", "清河镇卫生院"), ("县", "平塘县人民医院"), ("县", "平塘县中医医院"),
             ("市", "黔南州人民医院"), ("省及以上", "贵州医科大学附属医院"))
DX = ("肺炎", "脑梗死", "慢性阻塞性肺病", "高血压", "2型糖尿病", "骨折", "冠心病", "上呼吸道感染")
YEAR = 2025


def build(path: Path, households: int, ledger_rows: int, county_rows: int, seed: int = 5):
    db = open_database("sqlite:///" + path.as_posix(), migrate=False)
    Base.metadata.create_all(db.engine)
    rnd = random.Random(seed)
    with db.write() as s:
        vids = s.scalars(insert(Village).returning(Village.id, sort_by_parameter_order=True),
                         [{"name": f"第{i + 1}村", "sort_order": i} for i in range(40)]).all()
        hids = s.scalars(insert(Household).returning(Household.id, sort_by_parameter_order=True),
                         [{"code": f"5227271{i:09d}", "village_id": vids[i % len(vids)],
                           "household_type": rnd.choice(("脱贫户", "一般农户"))}
                          for i in range(households)]).all()
        members, n = [], 0
        base = dt.date(1940, 1, 1)
        for hid in hids:
            for k in range(rnd.choice((2, 3, 4, 4, 5))):
                n += 1  # unique: one birth date per 1,000 people, the sequence within it
                body = f"522727{base + dt.timedelta(days=n // 1000 * 97):%Y%m%d}{n % 1000:03d}"
                members.append({"household_id": hid, "id_number": body + check_char(body),
                                "name": rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN),
                                "relation": "户主" if k == 0 else "之子", "status": "正常"})
        mids = s.scalars(insert(Member).returning(Member.id, sort_by_parameter_order=True),
                         members).all()
        s.execute(insert(HouseholdIncome), [
            {"household_id": h, "year": y, "persons": 4, "wage_income": w,
             "net_income": w, "per_capita_income": w / 4}
            for h in hids for y, w in ((YEAR - 1, Decimal(rnd.randint(8000, 90000))),
                                       (YEAR, Decimal(rnd.randint(8000, 90000))))])
        rows, seq = [], 0
        for year, count in ((YEAR, ledger_rows), (YEAR - 1, county_rows)):
            for _ in range(count):
                seq += 1
                inpatient = rnd.random() < 0.2
                total = Decimal(rnd.randint(300_00, 60000_00) if inpatient else rnd.randint(30_00, 1500_00)) / 100
                policy = (total * Decimal(rnd.uniform(0.8, 0.95))).quantize(Decimal("0.01"))
                basic = (policy * Decimal(rnd.uniform(0.5, 0.75))).quantize(Decimal("0.01"))
                assist = ((policy - basic) * Decimal(rnd.uniform(0, 0.6))).quantize(Decimal("0.01"))
                day = dt.date(year, 1, 1) + dt.timedelta(days=rnd.randint(0, 364))
                level, hosp = rnd.choice(HOSPITALS)
                row = {"member_id": rnd.choice(mids), "hospital_name": hosp, "hospital_level": level,
                       "care_type": "住院" if inpatient else rnd.choice(("门诊", "门诊", "门诊慢特病")),
                       "admission_date": day - dt.timedelta(days=7) if inpatient else None,
                       "discharge_date": day if inpatient else None, "diagnosis": rnd.choice(DX),
                       "settlement_no": f"YB{year}{seq:09d}", "settlement_date": day,
                       "total_cost": total, "policy_cost": policy, "basic_insurance": basic,
                       "critical_insurance": Decimal("0.00"), "medical_assistance": assist,
                       "other_support": Decimal("0.00"), "one_stop": True, "version": 1}
                recompute(row)
                rows.append(row)
        for i in range(0, len(rows), 20000):
            s.execute(insert(Settlement), rows[i:i + 20000])
    return db, len(members)


def bench_ledger(db, out_dir: Path) -> tuple[float, float, int]:
    from fupin_desktop.reports.ledger import LedgerSpec, render_ledger
    from fupin_desktop.reports.medical_ledgers import medical_ledger, render_medical_ledger
    from fupin_desktop.reports.medical_render import _pdf_column, fmt
    from fupin_desktop.services.medical.ledger_data import medical_data, medical_ledger_data
    from fupin_desktop.services.medical.period import Period

    t = time.perf_counter()
    pages = render_medical_ledger(medical_ledger_data(db, "medical", period=Period(YEAR)),
                                  out_dir / "ledger.pdf")
    full = time.perf_counter() - t
    with db.read() as s:
        led = medical_ledger(medical_data(s, Period(YEAR)))
    kinds = [c.kind for c in led.columns]
    rows = [tuple(fmt(v, k) for v, k in zip(r, kinds)) for r in led.rows]
    spec = LedgerSpec(title=led.title, columns=[_pdf_column(c) for c in led.columns], rows=rows,
                      subtitle=led.subtitle, totals=tuple(fmt(v, k) for v, k in zip(led.totals, kinds)))
    t = time.perf_counter()
    render_ledger(spec, out_dir / "floor.pdf")
    floor = time.perf_counter() - t
    return full, floor, pages


def bench_alerts(db, path: Path) -> tuple[float, float, int]:
    from fupin_desktop.services.medical.alerts import compute_alerts

    def bare():
        con = sqlite3.connect(path)
        con.execute("SELECT m.household_id, SUM(s.self_paid) FROM medical_settlements s "
                    "JOIN members m ON m.id = s.member_id WHERE s.settlement_date >= ? "
                    "AND s.settlement_date < ? GROUP BY m.household_id",
                    (f"{YEAR - 1}-01-01", f"{YEAR}-01-01")).fetchall()
        con.close()

    def timed(fn, runs=3):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t)
        return times, out

    # first call of each is cold (file cache, SQL compilation); report it and the median
    floor_t, _ = timed(bare)
    full_t, res = timed(lambda: compute_alerts(db, YEAR - 1))
    return full_t, floor_t, len(res.alerts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=40000)
    ap.add_argument("--ledger-rows", type=int, default=20000)
    ap.add_argument("--county-rows", type=int, default=80000)
    ap.add_argument("--keep", metavar="DIR")
    a = ap.parse_args()
    work = Path(a.keep or tempfile.mkdtemp(prefix="bench_medical_"))
    work.mkdir(parents=True, exist_ok=True)
    path = work / "bench.db"
    for f in work.glob("bench.db*"):
        f.unlink()
    t = time.perf_counter()
    db, n_members = build(path, a.households, a.ledger_rows, a.county_rows)
    print(f"data: {a.households:,} households, {n_members:,} members, "
          f"{a.ledger_rows:,} settlements in {YEAR}, {a.county_rows:,} in {YEAR - 1} "
          f"(built in {time.perf_counter() - t:.1f} s)")
    full, floor, pages = bench_ledger(db, work)
    print(f"annual ledger, {a.ledger_rows:,} settlements -> {pages:,} pages: {full:.2f} s "
          f"(floor: engine alone on the same rows {floor:.2f} s, ×{full / floor:.2f}); target ≤ 20 s")
    full_t, floor_t, n = bench_alerts(db, path)
    full, floor = sorted(full_t)[1], sorted(floor_t)[1]
    print(f"alerts, {a.households:,} households / {a.county_rows:,} settlements -> {n:,} alerts: "
          f"first {full_t[0]:.3f} s, median {full:.3f} s (floor: bare GROUP BY via sqlite3 first "
          f"{floor_t[0]:.3f} s, median {floor:.3f} s, ×{full / floor:.2f}); target ≤ 3 s")
    db.dispose()
    if not a.keep:
        for f in work.iterdir():
            f.unlink()
        work.rmdir()


if __name__ == "__main__":
    main()
