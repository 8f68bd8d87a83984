"""Demo data for the posts tab: posts for about 3–6 % of working-age members (one per household,
eligible ones only), a year of attendance with realistic absences, weekly (Friday) inspections
with some red and yellow flags, and the wages of every finished month but the last closed.

Called by services.demo inside its one write transaction as ``demo_extend(session, rng, ctx)``.
Bulk inserts (Core executemany) keep a 5,000-household township under a second or two.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import insert

from ...audit_events import record_bulk
from ...models.base import utcnow
from ...models.posts import AttendanceMonth, Assignment, Inspection, MonthClosure, Post, WageRun
from ...domain.bankcard import luhn_ok
from ...domain.posts_calendar import add_months, days_in_month, month_end, overlap
from .eligibility import NO_LABOUR, REGISTERED_TYPES, age_on
from .payroll import _store_slips
from .rules import load_rules
from .wages import ZERO, compute_month

POST_TYPE_WEIGHTS = (("保洁员", 40), ("护林员", 15), ("护路员", 15), ("治安巡逻员", 8),
                     ("水管员", 7), ("孝老助残", 8), ("公共设施管护", 7))
AREAS = ("一组", "二组", "三组", "四组", "五组", "村委会周边", "主干道沿线", "后山林区", "坑塘周边",
         "河道沿线", "学校周边", "集市广场", "水源地", "村东片区", "村西片区")
STANDARDS = ((Decimal("300.00"), 25), (Decimal("400.00"), 30), (Decimal("500.00"), 30),
             (Decimal("600.00"), 10), (Decimal("800.00"), 5))
FUNDING = ("衔接推进乡村振兴补助资金", "县级财政资金", "生态护林员专项资金", "村集体经济收益")
INSPECTORS = ("王建国", "李秀兰", "张志强", "刘德华", "陈光明", "杨桂芳")
PROBLEMS = ("责任区垃圾未及时清运", "路面杂物未清理", "巡护记录缺失", "沟渠杂草未清除",
            "公共设施损坏未上报", "在岗时间不足")
BANK_PREFIXES = (("622848", "中国农业银行"), ("621779", "农村信用社"), ("622188", "中国邮政储蓄银行"))


def _weighted(rng, pairs):
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _account(rng) -> tuple[str, str]:
    prefix, bank = rng.choice(BANK_PREFIXES)
    while True:
        body = prefix + "".join(rng.choice("0123456789") for _ in range(12))
        for d in "0123456789":
            if luhn_ok(body + d):
                return body + d, bank


def _rows(model, rows: list[dict], stamp: bool = True) -> list[dict]:
    if stamp:
        now = utcnow()
        for r in rows:
            r.update(version=1, created_at=now, updated_at=now)
    return rows


def _bulk(s, model, rows, returning=False, stamp=True):
    if not rows:
        return []
    t = model.__table__
    rows = _rows(model, rows, stamp)
    if returning:
        return list(s.scalars(insert(t).returning(t.c.id, sort_by_parameter_order=True), rows))
    s.execute(insert(t), rows)
    return []


def demo_extend(session, rng, ctx) -> None:
    s = session
    rules = load_rules(s)
    today = ctx.today
    this_month = today.replace(day=1)
    first_month = add_months(this_month, -11)  # a year of attendance up to today
    households = {h["id"]: h for h in ctx.households}
    village_name = dict(ctx.villages)
    working = [m for m in ctx.members if m["birth_date"] and 16 <= age_on(m["birth_date"], today) <= 65]
    eligible = []
    for m in working:
        h = households[m["household_id"]]
        skill = m.get("labour_skill") or ""
        if ((h["household_type"] in REGISTERED_TYPES or h["monitoring_category"])
                and (m.get("status") or "正常") == "正常" and skill not in NO_LABOUR
                and rules.age_min <= age_on(m["birth_date"], first_month) <= rules.age_max):
            eligible.append(m)
    rng.shuffle(eligible)
    want = round(len(working) * rng.uniform(0.03, 0.06))
    chosen, seen_households = [], set()
    for m in eligible:
        if len(chosen) >= want:
            break
        if m["household_id"] not in seen_households:
            seen_households.add(m["household_id"])
            chosen.append(m)
    if not chosen:
        return

    post_rows, plans = [], []
    for m in chosen:
        vid = households[m["household_id"]]["village_id"]
        ptype = _weighted(rng, POST_TYPE_WEIGHTS)
        area = rng.choice(AREAS)
        post_rows.append(dict(name=f"{village_name[vid]}{ptype}（{area}）", post_type=ptype,
                              village_id=vid, duty_area=area,
                              wage_standard=_weighted(rng, STANDARDS),
                              funding_source=rng.choice(FUNDING), required_days=None,
                              start_date=dt.date(ctx.prev_year, 1, 1), end_date=None, note=None,
                              deleted_at=None, deleted_reason=None))
        late = rng.random() < 0.2  # started during the year: a partial first month
        start = (first_month + dt.timedelta(days=rng.randrange(0, 330)) if late
                 else dt.date(ctx.prev_year, rng.choice((1, 3, 6)), 1))
        end, status, reason = None, "在岗", None
        r = rng.random()
        if r < 0.06 and start < today - dt.timedelta(days=60):
            end = start + dt.timedelta(days=rng.randrange(45, (today - start).days))
            status, reason = ("撤销", "黄旗累计，考核不合格") if r < 0.01 else ("离岗", "外出务工")
        account, bank = _account(rng)
        plans.append(dict(member=m, start=start, end=end, status=status, reason=reason,
                          account=account, bank=bank, sloppy=rng.random() < 0.08))
    post_ids = _bulk(s, Post, post_rows, returning=True)
    a_rows = [dict(member_id=p["member"]["id"], post_id=pid, start_date=p["start"],
                   end_date=p["end"], status=p["status"], end_reason=p["reason"],
                   agreement_no=f"GY{p['start'].year}{i:04d}", bank_name=p["bank"],
                   bank_account=p["account"], override_rules=None, override_reason=None,
                   note=None, deleted_at=None, deleted_reason=None)
              for i, (p, pid) in enumerate(zip(plans, post_ids), 1)]
    a_ids = _bulk(s, Assignment, a_rows, returning=True)

    att_rows, insp_rows = [], []
    months = [add_months(first_month, k) for k in range(12)]
    for p, aid in zip(plans, a_ids):
        absent_p = 0.04 if p["sloppy"] else 0.008
        for m0 in months:
            period = overlap(m0, p["start"], p["end"])
            if period is None:
                continue
            marks = []
            for d in range(1, days_in_month(m0) + 1):
                day = m0.replace(day=d)
                if not period[0] <= d <= period[1] or day > today or day.weekday() == 6:
                    marks.append(".")
                    continue
                x = rng.random()
                marks.append("A" if x < absent_p else "L" if x < absent_p + 0.02
                             else "S" if x < absent_p + 0.035 else "P")
            att_rows.append(dict(assignment_id=aid, month=m0, marks="".join(marks)))
        day = first_month + dt.timedelta(days=(4 - first_month.weekday()) % 7)  # first Friday
        while day <= today:
            if p["start"] <= day and (p["end"] is None or day <= p["end"]):
                score = max(40, min(100, round(rng.gauss(80 if p["sloppy"] else 87, 6))))
                flag = "红旗" if score >= 95 and rng.random() < 0.5 else "黄旗" if score < 70 else None
                row = dict(assignment_id=aid, date=day, inspector=rng.choice(INSPECTORS),
                           score=score, grade=rules.grade_for_score(score), flag=flag,
                           problem=None, deadline=None, rectified=False, rectified_date=None,
                           deleted_at=None, deleted_reason=None)
                if flag == "黄旗":
                    row["problem"] = rng.choice(PROBLEMS)
                    row["deadline"] = day + dt.timedelta(days=rules.rectify_days)
                    fixed = day + dt.timedelta(days=rng.randint(1, rules.rectify_days + 4))
                    if rng.random() < 0.85 and fixed <= today:
                        row.update(rectified=True, rectified_date=fixed)
                insp_rows.append(row)
            day += dt.timedelta(days=7)
    _bulk(s, AttendanceMonth, [dict(r, version=1) for r in att_rows], stamp=False)
    _bulk(s, Inspection, insp_rows)
    for table, n in (("posts", len(post_rows)), ("post_assignments", len(a_rows)),
                     ("post_attendance", len(att_rows)), ("post_inspections", len(insp_rows))):
        record_bulk(s, table, "bulk", [("*", "示例数据", {"count": n, "source": "demo"})])
    s.flush()
    closed = [m for m in months if month_end(m) < today][:-1]
    _close_months(s, rules, closed, today)
    if closed:
        _demo_correction(s, rng, closed[-1])


def _demo_correction(s, rng, m0) -> None:
    """One late sick note: a closed month's 旷工 turned into 病假, paid back next month."""
    from sqlalchemy import select

    from .attendance import set_marks_in

    rows = s.execute(select(AttendanceMonth.assignment_id, AttendanceMonth.marks)
                     .where(AttendanceMonth.month == m0).order_by(AttendanceMonth.assignment_id)).all()
    absent = [(aid, marks.index("A") + 1) for aid, marks in rows if "A" in marks]
    if absent:
        aid, day = rng.choice(absent)
        set_marks_in(s, m0, [(aid, day, "S")], reason="补交医院病假证明，旷工改为病假", user="示例数据")


def _close_months(s, rules, months, today: dt.date) -> None:
    """Close every finished month but the last, as an office that pays monthly would have: on
    the 5th of the next month (09:00 Beijing, stored as UTC), never after the demo's today."""
    for m0 in months:
        slips = compute_month(s, m0, rules)
        if not slips:
            continue
        paid = dt.datetime.combine(min(month_end(m0) + dt.timedelta(days=5), today), dt.time(1, 0))
        total = sum((x.amount for x in slips), ZERO)
        (run_id,) = _bulk(s, WageRun, [dict(month=m0, computed_at=paid, computed_by="示例数据",
                                             rules=rules.to_json(), total=total,
                                             slip_count=len(slips))], returning=True, stamp=False)
        _store_slips(s, run_id, slips)
        from ..closures import month_digest

        _bulk(s, MonthClosure, [dict(month=m0, run_id=run_id, closed_at=paid,
                                     closed_by="示例数据", note="示例数据",
                                     content_hash=month_digest(s, run_id))], stamp=False)
