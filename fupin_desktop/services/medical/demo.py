"""Demo data of the medical tab: settlements for the previous and the current year (a few per
cent of members hospitalised, more outpatient visits, 门诊慢特病 for card holders), chronic cards,
family-doctor signings with follow-ups (some overdue), and a few households whose out-of-pocket
costs trip the 因病返贫 alert. Bulk inserts, one summary audit row per table.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import insert, select

from ...audit_events import record_bulk
from ...models import ChronicCard, DiseaseType, DoctorSigning, FollowUp, Settlement
from ..demo import data as dd
from ...domain.medical_calc import recompute
from .chronic import ensure_disease_types

FEN = Decimal("0.01")
HOSPITALS = {
    "乡镇": (f"{dd.TOWNSHIP}卫生院",),
    "县": (f"{dd.COUNTY}人民医院", f"{dd.COUNTY}中医医院"),
    "市": ("黔南州人民医院", "黔南州中医医院"),
    "省及以上": ("贵州医科大学附属医院", "贵州省人民医院"),
}
# level -> (weight, share of 政策范围内 paid by 基本医保: lower at bigger hospitals)
INPATIENT_LEVELS = (("乡镇", 30, 0.78), ("县", 45, 0.70), ("市", 15, 0.62), ("省及以上", 10, 0.55))
INPATIENT_DX = ("肺炎", "脑梗死", "慢性阻塞性肺病急性加重", "冠心病", "腰椎间盘突出", "骨折",
                "2型糖尿病", "高血压3级", "胆囊结石", "白内障", "慢性心力衰竭", "急性阑尾炎")
BIG_DX = ("恶性肿瘤（肺癌）", "恶性肿瘤（胃癌）", "尿毒症", "急性心肌梗死", "重型颅脑损伤", "白血病")
OUTPATIENT_DX = ("上呼吸道感染", "急性胃肠炎", "高血压", "腰肌劳损", "皮炎", "牙周炎", "头晕待查",
                 "支气管炎", "关节炎")
DISEASE_WEIGHTS = (("高血压", 40), ("糖尿病", 20), ("冠心病", 10), ("慢阻肺", 10),
                   ("脑卒中后遗症", 8), ("严重精神障碍", 4), ("肺结核", 2), ("其他", 6))
CHRONIC_DX = {"高血压": "高血压", "糖尿病": "2型糖尿病", "冠心病": "冠心病", "慢阻肺": "慢性阻塞性肺病",
              "脑卒中后遗症": "脑卒中后遗症", "严重精神障碍": "精神分裂症", "肺结核": "肺结核",
              "其他": "类风湿关节炎"}
FOLLOW_CONTENT = ("测量血压、血糖，调整用药，指导低盐低脂饮食", "入户随访，了解服药情况，开展健康教育",
                  "电话随访，提醒按时复查", "体格检查，评估病情稳定，继续原治疗方案",
                  "指导康复训练，发放健康宣传资料")


def _amt(x: float) -> Decimal:
    return Decimal(str(round(x, 2))).quantize(FEN, ROUND_HALF_UP)


def _date_in(rng: random.Random, start: dt.date, end: dt.date) -> dt.date | None:
    """A day in [start, end]; None when the period is empty (early January: the current year has
    had fewer days than the earliest day asked for), so no record is ever dated after ``end``."""
    if start > end:
        return None
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


class _Gen:
    def __init__(self, session, rng: random.Random, ctx):
        self.s, self.rng, self.ctx = session, rng, ctx
        self.hh = {h["id"]: h for h in ctx.households}
        self.village = dict(ctx.villages)
        self.seq = 0
        self.settlements: list[dict] = []

    def poor(self, m) -> bool:
        h = self.hh[m["household_id"]]
        return h["household_type"] in ("脱贫户", "未脱贫户") or bool(h["monitoring_category"])

    def _no(self, year: int) -> str:
        self.seq += 1
        return f"YB{dd.COUNTY_CODE}{year}{self.seq:07d}"

    def settlement(self, m, care: str, day: dt.date, total: float, level: str, dx: str,
                   basic_share: float, big: bool = False) -> None:
        rng = self.rng
        total_d = _amt(total)
        policy = _amt(total * rng.uniform(0.80, 0.95) if care == "住院" else total * rng.uniform(0.85, 0.97))
        if big:  # drugs and care outside the catalogue: the policy share is low
            policy = _amt(total * rng.uniform(0.55, 0.7))
        basic = _amt(float(policy) * basic_share * rng.uniform(0.92, 1.05))
        critical = Decimal("0.00")
        if care == "住院" and float(policy - basic) > 8000:
            critical = _amt(float(policy - basic - 8000) * rng.uniform(0.55, 0.65))
        rest = policy - basic - critical
        assist = Decimal("0.00")
        if self.poor(m):
            assist = _amt(float(rest) * (rng.uniform(0.3, 0.5) if big else rng.uniform(0.5, 0.75)))
        elif rng.random() < 0.2:
            assist = _amt(float(rest) * rng.uniform(0.1, 0.3))
        other, kind = Decimal("0.00"), None
        if care == "住院" and rng.random() < 0.12:
            kind = rng.choice(("医院减免", "慈善", "商业保险", "补充保险"))
            other = min(_amt(rng.choice((200, 300, 500, 1000))), total_d - basic - critical - assist)
        admission = discharge = None
        if care == "住院":
            stay = rng.randint(3, 9) if not big else rng.randint(12, 30)
            admission = day - dt.timedelta(days=stay)
            discharge = day
        names = HOSPITALS.get(level) or (f"{self.village.get(self.hh[m['household_id']]['village_id'], '')}卫生室",)
        row = {"member_id": m["id"], "hospital_name": rng.choice(names), "hospital_level": level,
               "care_type": care, "admission_date": admission, "discharge_date": discharge,
               "diagnosis": dx, "settlement_no": self._no(day.year), "settlement_date": day,
               "total_cost": total_d, "policy_cost": policy, "basic_insurance": basic,
               "critical_insurance": critical, "medical_assistance": assist, "other_support": other,
               "other_kind": kind, "pay_after_treatment": care == "住院" and self.poor(m),
               "one_stop": True, "source": "示例", "note": None, "version": 1}
        recompute(row)
        self.settlements.append(row)


def _years(ctx) -> list[tuple[dt.date, dt.date, float]]:
    """(first day, last day, fraction of a year) for the previous and the current year."""
    out = [(dt.date(ctx.prev_year, 1, 1), dt.date(ctx.prev_year, 12, 31), 1.0)]
    start = dt.date(ctx.year, 1, 1)
    end = min(ctx.today - dt.timedelta(days=1), dt.date(ctx.year, 12, 31))
    if end >= start:
        out.append((start, end, ((end - start).days + 1) / 365))
    return out


def demo_extend(session, rng: random.Random, ctx) -> None:
    ensure_disease_types(session)
    diseases = dict(session.execute(select(DiseaseType.name, DiseaseType.id)).all())
    g = _Gen(session, rng, ctx)
    alive = [m for m in ctx.members if m["status"] == "正常"]
    cards = _chronic_cards(g, alive, diseases)
    card_disease = {c["member_id"]: name for c, name in cards}
    for start, end, frac in _years(ctx):
        for m in alive:
            _member_year(g, m, start, end, frac, card_disease.get(m["id"]))
        _alert_households(g, alive, start, end)
    if g.settlements:
        session.execute(insert(Settlement), g.settlements)
    if cards:
        session.execute(insert(ChronicCard), [c for c, _ in cards])
    n_sign, n_follow = _signings(g, alive, set(card_disease))
    for table, n in ((Settlement.__tablename__, len(g.settlements)),
                     (ChronicCard.__tablename__, len(cards)),
                     (DoctorSigning.__tablename__, n_sign), (FollowUp.__tablename__, n_follow)):
        record_bulk(session, table, "bulk", [("*", "示例数据", {"count": n, "source": "demo"})])


def _age(m, year: int) -> int:
    b = m.get("birth_date")
    return year - b.year if b else 40


def _member_year(g: _Gen, m, start, end, frac, chronic: str | None) -> None:
    rng = g.rng
    born = m.get("birth_date")
    if born and born + dt.timedelta(days=40) > start:  # nobody is treated before birth
        start = born + dt.timedelta(days=40)
        if start > end:
            return
        frac *= ((end - start).days + 1) / 365
    age = _age(m, start.year)
    ill = (m.get("health") or "")
    p_in = 0.025 + (0.03 if age >= 60 else 0) + (0.06 if "慢性病" in ill else 0) + (
        0.15 if "大病" in ill else 0)
    if rng.random() < p_in * frac and (day := _date_in(rng, start + dt.timedelta(days=20), end)):
        level, _w, share = rng.choices(INPATIENT_LEVELS, [w for _l, w, _s in INPATIENT_LEVELS])[0]
        big = "大病" in ill and rng.random() < 0.3
        total = rng.uniform(30000, 80000) if big else rng.uniform(2500, 30000) * (
            1.6 if level in ("市", "省及以上") else 1)
        g.settlement(m, "住院", day, total, level, rng.choice(BIG_DX if big else INPATIENT_DX),
                     share, big)
    visits = sum(rng.random() < (0.25 + (0.15 if age >= 60 else 0)) * frac for _ in range(2))
    for _ in range(visits):
        level = rng.choice(("村", "乡镇", "乡镇", "县"))
        g.settlement(m, "门诊", _date_in(rng, start, end), rng.uniform(30, 900), level,
                     rng.choice(OUTPATIENT_DX), 0.6)
    if chronic:
        for _ in range(max(1, round(rng.randint(2, 6) * frac))):
            g.settlement(m, "门诊慢特病", _date_in(rng, start, end), rng.uniform(150, 1800),
                         rng.choice(("乡镇", "县")), CHRONIC_DX[chronic], rng.uniform(0.62, 0.8))


def _alert_households(g: _Gen, alive, start, end) -> None:
    """About 1.5 % of households get a costly illness, so the alert list is never empty."""
    rng = g.rng
    by_hh: dict[int, list] = {}
    for m in alive:
        by_hh.setdefault(m["household_id"], []).append(m)
    ids = sorted(by_hh)
    picks = rng.sample(ids, min(len(ids), max(2, len(ids) * 3 // 200)))
    for hid in picks:
        adults = [m for m in by_hh[hid] if m.get("birth_date") is None
                  or m["birth_date"] <= dt.date(start.year - 18, 1, 1)]
        if not adults:
            continue
        m = rng.choice(adults)
        day = _date_in(rng, start + dt.timedelta(days=40), end)
        if day is None:  # the current year is too young for a long stay: last year has them
            continue
        g.settlement(m, "住院", day, rng.uniform(50000, 100000), "省及以上", rng.choice(BIG_DX),
                     0.5, big=True)


def _chronic_cards(g: _Gen, alive, diseases) -> list[tuple[dict, str]]:
    rng, today = g.rng, g.ctx.today
    out = []
    for m in alive:
        age = _age(m, today.year)
        ill = m.get("health") or ""
        p = 0.7 if "慢性病" in ill else (0.08 if age >= 55 else 0.005)
        if rng.random() >= p:
            continue
        name = rng.choices([d for d, _w in DISEASE_WEIGHTS], [w for _d, w in DISEASE_WEIGHTS])[0]
        approved = today - dt.timedelta(days=rng.randint(60, 5 * 365))
        if m.get("birth_date") and approved < m["birth_date"] + dt.timedelta(days=180):
            continue  # too young for a card in that period: no card rather than a wrong date
        review = approved + dt.timedelta(days=2 * 365)
        status = "有效" if review >= today else rng.choice(("待复审", "有效"))
        out.append(({"member_id": m["id"], "disease_id": diseases[name],
                     "card_no": f"MT{dd.COUNTY_CODE}{len(out) + 1:06d}", "approved_date": approved,
                     "review_date": review, "status": status, "version": 1}, name))
    return out


def _signings(g: _Gen, alive, chronic_ids: set[int]) -> tuple[int, int]:
    rng, ctx = g.rng, g.ctx
    today = ctx.today
    doctors = {vid: [rng.choice(dd.SURNAMES) + dd.given_name(rng, rng.choice("男女"), 1975)
                     for _ in range(2)] for vid, _n in ctx.villages}
    rows, plans = [], []
    for m in alive:
        age = _age(m, today.year)
        p = 0.85 if m["id"] in chronic_ids else (0.35 if age >= 65 else 0.05)
        if rng.random() >= p:
            continue
        vid = g.hh[m["household_id"]]["village_id"]
        signed = today - dt.timedelta(days=rng.randint(30, 700))
        if m.get("birth_date") and signed < m["birth_date"]:
            signed = m["birth_date"] + dt.timedelta(days=30)
            if signed >= today:
                continue
        end = None
        if rng.random() < 0.08:
            end = min(today - dt.timedelta(days=1), signed + dt.timedelta(days=365))
        team_no = ctx.villages.index((vid, g.village[vid])) % 4 + 1
        rows.append({"member_id": m["id"], "doctor_name": rng.choice(doctors[vid]),
                     "team": f"{dd.TOWNSHIP}卫生院家庭医生第{team_no}团队",
                     "institution": rng.choice((f"{dd.TOWNSHIP}卫生院", f"{g.village[vid]}卫生室")),
                     "doctor_phone": dd.mobile(rng), "signed_date": signed, "end_date": end,
                     "version": 1})
        plans.append((signed, end or today, rng.random() < 0.12))  # 12 %: follow-ups lapse
    if not rows:
        return 0, 0
    ids = g.s.scalars(insert(DoctorSigning).returning(DoctorSigning.id, sort_by_parameter_order=True),
                      rows).all()
    follows = []
    for (signed, last, lapse), sid, row in zip(plans, ids, rows):
        day = signed + dt.timedelta(days=rng.randint(20, 60))
        stop = last - dt.timedelta(days=200) if lapse else last
        while day <= stop:
            if rng.random() < 0.9:
                follows.append({"signing_id": sid, "date": day, "content": rng.choice(FOLLOW_CONTENT),
                                "method": rng.choice(("上门", "上门", "电话", "门诊")),
                                "doctor_name": row["doctor_name"], "version": 1})
            day += dt.timedelta(days=rng.randint(75, 100))
    if follows:
        g.s.execute(insert(FollowUp), follows)
    return len(rows), len(follows)

