"""Benchmark the 疑点 rules engine at county scale (40,000 households, ~150,000 members), in memory.

Prints the engine time, a floor (one pass of plain Python reading the same fields of the same
rows) and their ratio, and the time to check one household. With a database, the floor is one
pass over every row the rules read: households and members (``floor``) and the ledger rows of
the year (``floor_ledgers``: posts, attendance, settlements, cards, signings; a county's year of
settlements is as many rows as its members); the members-only ratio is printed for information.
Each figure is the best of three runs. With a database URL as argument
(``python bench/bench_check.py sqlite:///big.db``) it times the whole service instead: bulk load,
engine and exemptions, and the one-household check the household form runs.
"""
from __future__ import annotations

import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fupin_desktop.domain.checks import Context, Household, Income, Member, run  # noqa: E402

AS_OF = dt.date(2023, 12, 31)


def township(n_households=40_000, seed=14):
    rnd = random.Random(seed)
    out, seq = [], 0
    for h in range(n_households):
        ms = []
        for i in range(rnd.choice((2, 3, 4, 4, 5))):
            seq += 1
            born = dt.date(rnd.randint(1940, 2020), rnd.randint(1, 12), rnd.randint(1, 28))
            body = f"{522701 + seq % 90:06d}{born:%Y%m%d}{seq % 1000:03d}"
            ms.append(Member(id_number=body + "10X98765432"[2 * int(body, 13) % 11], name=f"人{seq}", relation="户主" if i == 0 else "子女",
                             sex=rnd.choice("男女"), birth_date=born, ethnicity="汉族", health="健康",
                             labour=rnd.choice(("普通劳动力", "无劳动力")), education="初中",
                             resident_insurance="是", employee_insurance="否", critical_insurance="是", pension="是"))
        out.append(Household(number=f"H{h:06d}", village=f"村{h % 20}", household_type="脱贫户",
                             monitor_type=rnd.choice(("", "", "边缘易致贫户")), risks=(rnd.choice(("因病", "因学", "")),),
                             risk_cleared=rnd.choice(("是", "否")), identified=dt.date(2023, 3, 1),
                             dangerous_house="否", safe_water="是", measures={"产业帮扶": "养殖"}, members=tuple(ms),
                             income=Income(per_capita=Decimal(rnd.randint(5000, 30000)), wage=Decimal(5000))))
    return out


def floor(households):
    """One pass of plain Python over the same rows: read every field a rule reads, once, and do one
    comparison per record (what any check over these rows must at least cost)."""
    n = 0
    for h in households:
        row = (h.number, h.village, h.household_type, h.monitor_type, h.risks, h.risk_cleared, h.clear_method,
               h.clear_date, h.cleared_per_capita, h.identified, h.dangerous_house, h.safe_water)
        for k, v in h.measures.items():
            n += v == k
        inc = h.income
        if inc is not None:
            n += (inc.per_capita, inc.wage, inc.business, inc.self_pay)[0] is None
        led = h.ledgers
        if led is not None:
            n += len((led.assignments, led.last_attendance, led.wages_paid, led.settlements, led.chronic_cards,
                      led.signings, led.posts_kept, led.medical_kept)[0])
        for m in h.members:
            r = (m.id_number, m.name, m.relation, m.sex, m.birth_date, m.status, m.status_date, m.ethnicity,
                 m.health, m.labour, m.school, m.education, m.out_of_school_reason, m.resident_insurance,
                 m.employee_insurance, m.critical_insurance, m.pension, m.dibao, m.tekun, m.document_type,
                 m.disability_card)
            n += r[5] == "正常"
        n += row[3] == ""
    return n


def floor_ledgers(households):
    """The ledger rows' share of the floor: one pass reading each field of every posts, attendance,
    wage and medical row the X rules read (``floor`` above reads only the first of the ledger
    parts, so it leaves a year of settlements out)."""
    n = 0
    for h in households:
        led = h.ledgers
        if led is None:
            continue
        for a in led.assignments:
            n += (a.member_id, a.post, a.start, a.end, a.min_age, a.max_age)[3] is None
        for k, d in led.last_attendance.items():
            n += d is None
        for s in led.settlements:
            n += (s.member_id, s.admitted, s.settled, s.self_pay, s.basic_paid)[2] is None
        for p in led.chronic_cards + led.signings:
            n += (p.member_id, p.start, p.end)[2] is None
        n += led.wages_paid is None
    return n


TOTAL_LIMIT, RATIO_LIMIT, ONE_LIMIT = 5.0, 3.0, 0.050


def _best(job, runs=3) -> float:
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        job()
        best = min(best, time.perf_counter() - t)
    return best


def bench_db(url: str) -> None:
    """The whole service (bulk load + engine + exemptions) over a real database, e.g. one made
    by ``fupin demo --households 40000``; the engine against the floor on the very rows the
    service loaded (same run); and the household form's one-household check."""
    from fupin_desktop.services.opening import open_database
    from fupin_desktop.models import Household
    from fupin_desktop.services.checks import run_check
    from sqlalchemy import select

    db = open_database(url)
    t = time.perf_counter(); result = run_check(db, AS_OF_DB); t_all = time.perf_counter() - t
    with db.read() as s:
        codes = s.scalars(select(Household.code).where(Household.deleted_at.is_(None))
                          .order_by(Household.id).limit(4000)).all()[::200]
    ts = []
    for c in codes:
        t = time.perf_counter(); run_check(db, AS_OF_DB, household_code=c); ts.append(time.perf_counter() - t)
    ts.sort()
    t_one, t_one_max = ts[len(ts) // 2], ts[-1]
    from fupin_desktop.domain.checks import Context, gc_paused, run
    from fupin_desktop.services import checks as sc, settings

    with gc_paused():
        with db.read() as s:
            year = sc.default_year(s, AS_OF_DB)
            t = time.perf_counter()
            led = sc.load_ledgers(s, AS_OF_DB, year)
            hs, ids = sc.load(s, AS_OF_DB, year, ledgers=led)
            t_load = time.perf_counter() - t
            threshold = settings.monitoring_threshold(s, year)
        ctx = Context(as_of=AS_OF_DB, year=year, threshold=threshold, all_ids=ids, alert_line=led.alert_line,
                      payment_ids=led.payment_ids)
        t_floor_hm = _best(lambda: floor(hs))
        t_floor = t_floor_hm + _best(lambda: floor_ledgers(hs))
        t_engine = _best(lambda: run(hs, ctx))
    ratio = t_engine / t_floor

    def verdict(ok):
        return "PASS" if ok else "FAIL"

    print(f"database: households {result.households}, members {result.members}, findings {len(result.findings)}")
    print(f"total (fupin check, whole service) {t_all:.2f} s  [{verdict(t_all <= TOTAL_LIMIT)} <= {TOTAL_LIMIT:g} s]")
    print(f"  load {t_load:.2f} s, engine {t_engine:.3f} s (same rows, in memory)")
    print(f"floor (every row the rules read, one pass) {t_floor:.3f} s, ratio engine/floor {ratio:.1f}x"
          f"  [{verdict(ratio <= RATIO_LIMIT)} <= {RATIO_LIMIT:g}x]")
    print(f"  floor over households and members only {t_floor_hm:.3f} s, ratio {t_engine / t_floor_hm:.1f}x"
          " (for information)")
    print(f"one household (household form, on save) median {t_one * 1000:.1f} ms, max {t_one_max * 1000:.1f} ms"
          f" over {len(ts)}  [{verdict(t_one_max <= ONE_LIMIT)} <= {ONE_LIMIT * 1000:g} ms]")


AS_OF_DB = dt.date(2025, 12, 31)


def main():
    if len(sys.argv) > 1:
        bench_db(sys.argv[1])
        return
    hs = township()
    ids = {}
    for h in hs:
        for m in h.members:
            ids[m.id_number] = ids.get(m.id_number, 0) + 1
    ctx = Context(as_of=AS_OF, year=2023, threshold=Decimal(7300), all_ids=ids)
    t = time.perf_counter(); floor(hs); t_floor = time.perf_counter() - t
    t = time.perf_counter(); found = run(hs, ctx); t_engine = time.perf_counter() - t
    t = time.perf_counter(); run([hs[0]], ctx); t_one = time.perf_counter() - t
    members = sum(len(h.members) for h in hs)
    print(f"households {len(hs)}, members {members}, findings {len(found)}")
    print(f"engine {t_engine:.2f} s, floor {t_floor:.3f} s, ratio {t_engine / t_floor:.1f}x; one household {t_one * 1000:.2f} ms")


if __name__ == "__main__":
    main()
