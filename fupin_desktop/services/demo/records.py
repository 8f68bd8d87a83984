"""Demo household records: type and monitoring status, risks, incomes, measures and visits.

Risks follow the family (a member with 患有大病 gives 因病, a student in high school 因学); a
monitored household whose risk is not yet eliminated usually earns below that year's threshold,
others above it; measures answer the risks; helpers visit monitored households every quarter.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from . import data as dd
from ...domain.income import net_income, per_capita

YUAN = Decimal(1)


def _month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def _random_day(rng, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def household_status(rng: random.Random, members: list[dict], today: dt.date) -> dict:
    """户类型, 监测对象类别 with date and risks, 风险消除, indicators and support flags."""
    poor = rng.random() < 0.8
    h = {"household_type": "脱贫户" if poor else "一般农户",
         "poverty_exit_year": dd.weighted(rng, ((2016, 2), (2017, 3), (2018, 3), (2019, 3),
                                                (2020, 2))) if poor else None}
    monitored = rng.random() < (0.15 if poor else 0.35)
    active = [m for m in members if m["status"] == "正常"]
    needs = []
    if any(m["health"] in ("患有大病", "长期慢性病") for m in active):
        needs.append("因病")
    if any(m["health"] == "残疾" for m in active):
        needs.append("因残")
    if any(m["school_status"].startswith(("普通高中", "中职", "本科", "高职")) for m in active):
        needs.append("因学")
    if not any(m["labour_skill"] in ("普通劳动力", "技能劳动力") for m in active):
        needs.append("缺劳动力")
    h.update(monitoring_category=None, monitoring_date=None, risk_eliminated=None,
             elimination_method=None, elimination_date=None)
    risks: list[str] = []
    if monitored:
        h["monitoring_category"] = ("脱贫不稳定户" if poor else
                                    dd.weighted(rng, (("边缘易致贫户", 7), ("突发严重困难户", 3))))
        first = dt.date(2021, 3, 1)
        months = (today.year - first.year) * 12 + today.month - first.month - 1
        h["monitoring_date"] = _add_months(first, rng.randint(0, max(0, months)))
        others = ["因意外事故", "因务工就业不稳", "因自然灾害", "因产业项目失败", "住房出现安全问题",
                  "饮水安全问题"]
        risks = rng.sample(needs, k=min(len(needs), rng.randint(1, 2))) if needs else []
        while not risks or (len(risks) < 3 and rng.random() < 0.25):
            r = rng.choice(others)
            if r not in risks:
                risks.append(r)
        age_months = (today.year - h["monitoring_date"].year) * 12 + today.month - h["monitoring_date"].month
        h["risk_eliminated"] = age_months >= 8 and rng.random() < 0.6
        if h["risk_eliminated"]:
            h["elimination_method"] = "帮扶消除" if rng.random() < 0.85 else "自然消除"
            h["elimination_date"] = min(_add_months(h["monitoring_date"], rng.randint(6, 24)),
                                        _month_start(today))
    for i in range(5):
        h[f"risk{i + 1}"] = risks[i] if i < len(risks) else None
    open_risk = monitored and not h["risk_eliminated"]
    house_risk = open_risk and "住房出现安全问题" in risks
    h.update(food_secure=True, clothing_secure=True, education_secure=True, medical_secure=True,
             housing_secure=not house_risk, dangerous_house=house_risk,
             safe_water=not (open_risk and "饮水安全问题" in risks),
             low_income_support=rng.random() < (0.45 if monitored else 0.12),
             extreme_poverty_support=len(active) == 1 and active[0]["age"] >= 60 and rng.random() < 0.5)
    h["needs"] = needs
    return h


def _whole(x: float) -> Decimal:
    return Decimal(max(0, round(x))).quantize(YUAN)


def _components(rng, members: list[dict], h: dict) -> dict:
    active = [m for m in members if m["status"] == "正常"]
    wage = 0.0
    for m in active:
        if m["labour_skill"] == "技能劳动力":
            wage += m["work_months"] * rng.uniform(3000, 4500)
        elif m["labour_skill"] == "普通劳动力":
            wage += m["work_months"] * rng.uniform(2000, 3200)
        elif m["labour_skill"] == "弱劳动力或半劳动力":
            wage += m["work_months"] * rng.uniform(1200, 2000)
    workers = sum(m["labour_skill"] != "无劳动力" and m["labour_skill"] != "丧失劳动力" for m in active)
    business = rng.uniform(1500, 5000) * max(1, workers) ** 0.6
    prop = rng.choice((0, 0, 0, rng.uniform(200, 1500)))
    elderly = sum(m["age"] >= 60 for m in active)
    transfer = elderly * rng.uniform(1400, 2200) + rng.uniform(150, 600)  # pension + eco subsidy
    if h["low_income_support"]:
        transfer += len(active) * rng.uniform(3000, 4200)
    ill = sum(m["health"] in ("患有大病", "长期慢性病") for m in active)
    return {"wage_income": wage, "business_income": business, "property_income": prop,
            "transfer_income": transfer, "business_expense": business * rng.uniform(0.25, 0.45),
            "compliant_self_paid": ill * rng.uniform(800, 9000) if ill else 0.0}


def _scaled(c: dict, factor: float) -> dict:
    return {k: v * factor for k, v in c.items()}


def incomes(rng: random.Random, members: list[dict], h: dict, years: tuple[int, int],
            thresholds: dict[int, Decimal]) -> list[dict]:
    """HouseholdIncome rows for the previous and the current year (derived figures included)."""
    persons = sum(m["status"] == "正常" for m in members) or 1
    base = _components(rng, members, h)
    below = (h["monitoring_category"] is not None and not h["risk_eliminated"]
             and rng.random() < 0.6)
    rows = []
    for i, year in enumerate(years):
        c = base if i == 0 else {k: v * rng.uniform(1.02, 1.12) for k, v in base.items()}
        threshold = float(thresholds[year])
        net = (c["wage_income"] + c["business_income"] + c["property_income"]
               + c["transfer_income"] - c["business_expense"])
        target = (threshold * rng.uniform(0.55, 0.93) if below
                  else max(net / persons, threshold * rng.uniform(1.15, 1.6)))
        c = _scaled(c, target * persons / net) if net > 0 else c
        row = {k: _whole(v) for k, v in c.items()}
        row["compliant_self_paid"] = row["compliant_self_paid"] or None
        net_d = net_income(row["wage_income"], row["business_income"], row["property_income"],
                           row["transfer_income"], row["business_expense"])
        pc = per_capita(net_d, persons)
        row.update(year=year, persons=persons, net_income=net_d, per_capita_income=pc,
                   declared_per_capita=pc)
        rows.append(row)
    return rows


# (category, content, amount range or None, who it is for)
_MEASURES = {
    "产业帮扶": (("发放产业奖补资金（养殖生猪3头）", (1500, 3000)), ("发放李子树苗200株及种植技术指导", (800, 1500)),
             ("茶叶种植技术培训", None), ("入股村合作社食用菌产业分红", (300, 1200)),
             ("发放肉牛养殖奖补", (3000, 6000))),
    "就业帮扶": (("推荐到县内工业园区企业务工", None), ("发放一次性外出务工交通补贴", (300, 800)),
             ("参加电工技能培训并取得证书", None), ("参加家政服务技能培训", None)),
    "公益性岗位帮扶": (("安排村级保洁员公益性岗位", (6000, 7200)), ("安排生态护林员岗位", (8000, 10000)),
                ("安排护路员公益性岗位", (6000, 7200))),
    "健康帮扶": (("家庭医生签约服务并定期随访", None), ("慢性病门诊费用报销", (500, 3000)),
             ("大病专项救治及医疗救助", (2000, 15000)), ("代缴城乡居民基本医疗保险", (350, 400))),
    "教育帮扶": (("发放雨露计划职业教育补助", (1500, 1500)), ("发放普通高中国家助学金", (2000, 2000)),
             ("落实义务教育营养改善计划", None), ("发放大学新生入学资助", (1000, 3000))),
    "住房安全保障": (("实施农村危房改造", (20000, 35000)), ("房屋屋面维修加固", (3000, 8000))),
    "饮水安全保障": (("入户自来水管网改造", (500, 1200)), ("安装净水设备", (300, 800))),
    "综合保障": (("纳入农村低保", (3600, 9000)), ("发放临时救助金", (1000, 3000)),
             ("发放残疾人两项补贴", (1200, 2400))),
    "金融帮扶": (("发放脱贫人口小额信贷5万元", (50000, 50000)), ("小额信贷财政贴息", (1500, 2200))),
    "社会帮扶": (("东西部协作帮扶物资发放", (300, 800)), ("结对帮扶单位节日慰问", (200, 500))),
    "生产生活条件改善": (("庭院经济改造（圈舍、菜园）", (1000, 3000)),),
    "基础设施建设": (("通组路硬化到户", None),),
}
_NEED_MEASURE = {"因病": "健康帮扶", "因残": "综合保障", "因学": "教育帮扶", "缺劳动力": "公益性岗位帮扶",
                 "住房出现安全问题": "住房安全保障", "饮水安全问题": "饮水安全保障",
                 "因务工就业不稳": "就业帮扶", "因产业项目失败": "产业帮扶", "因自然灾害": "社会帮扶",
                 "因意外事故": "综合保障"}


def _for_member(category: str, members: list[dict]):
    active = [m for m in members if m["status"] == "正常"]
    if category == "健康帮扶":
        pick = [m for m in active if m["health"] != "健康"]
    elif category == "教育帮扶":
        pick = [m for m in active if m["student"]]
    elif category in ("就业帮扶", "公益性岗位帮扶"):
        pick = [m for m in active if m["labour_skill"] in ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力")]
    else:
        return None
    return pick[0] if pick else None


def measures(rng: random.Random, members: list[dict], h: dict, start: dt.date,
             today: dt.date, responsible: str | None) -> list[dict]:
    """帮扶措施 across both years; ``member`` is the plan dict a measure is for (or None)."""
    if h["household_type"] != "脱贫户" and not h["monitoring_category"]:
        return []
    wanted = [_NEED_MEASURE[r] for r in (h[f"risk{i}"] for i in range(1, 6)) if r]
    wanted += [_NEED_MEASURE[n] for n in h["needs"] if rng.random() < 0.5]
    wanted += rng.sample(("产业帮扶", "产业帮扶", "金融帮扶", "社会帮扶", "就业帮扶",
                          "生产生活条件改善", "基础设施建设"), k=rng.randint(1, 2))
    out = []
    for category in dict.fromkeys(wanted):  # unique, in order
        member = _for_member(category, members)
        if category in ("健康帮扶", "教育帮扶") and member is None:
            continue
        content, span = rng.choice(_MEASURES[category])
        amount = None
        if span:
            value = rng.randint(*span)
            amount = Decimal(value // 100 * 100 if value >= 1000 else value)  # round sums
        out.append({"category": category, "date": _random_day(rng, start, today),
                    "content": content, "amount": amount, "responsible": responsible,
                    "member": member})
    return out


_FINDINGS_OK = ("两不愁三保障及饮水安全有保障，家庭收入稳定", "家庭成员务工稳定，收入较上年有所增长",
                "住房安全，饮水正常，医保已参保", "产业发展良好，生猪存栏正常")
_FINDINGS_RISK = {
    "因病": "家庭成员患病，医疗支出较大，已落实医保报销和医疗救助",
    "因残": "家中有残疾人，劳动能力弱，已落实残疾人补贴",
    "因学": "子女就读高中（中职），教育支出增加，已落实教育资助",
    "缺劳动力": "家庭缺少劳动力，收入主要依靠转移性收入",
    "因务工就业不稳": "务工人员失业返乡，正在推荐新的就业岗位",
    "因意外事故": "家庭成员遭遇意外事故，已申请临时救助",
    "因自然灾害": "受暴雨灾害影响，农作物减产，已发放救灾物资",
    "因产业项目失败": "养殖项目亏损，已协调技术人员上门指导",
    "住房出现安全问题": "房屋墙体开裂，已申报危房改造",
    "饮水安全问题": "入户水管老化，供水不稳定，已报水务站维修",
}
_FOLLOW_UP = ("持续跟踪收入情况", "下次走访核实措施落实情况", "协调镇卫生院上门随访",
              "联系县人社局推荐就业岗位", "按月跟踪风险变化")


def visits(rng: random.Random, h: dict, years: tuple[int, int], today: dt.date,
           visitor: str) -> list[dict]:
    """走访记录: quarterly for an open monitoring case, less often for the others."""
    if h["monitoring_category"] and not h["risk_eliminated"]:
        per_year = 4
    elif h["monitoring_category"] or h["household_type"] == "脱贫户":
        per_year = rng.choice((1, 2, 2))
    else:
        per_year = rng.choice((0, 0, 1))
    risks = [h[f"risk{i}"] for i in range(1, 6) if h[f"risk{i}"]]
    out = []
    for year in years:
        for q in range(per_year):
            months = 12 // per_year
            start = dt.date(year, q * months + 1, 1)
            end = _add_months(start, months) - dt.timedelta(days=1)
            if start > today:
                break
            day = _random_day(rng, start, min(end, today))
            open_case = (h["monitoring_category"] and risks and not (
                h["risk_eliminated"] and h["elimination_date"] and day >= h["elimination_date"]))
            if open_case:
                findings = _FINDINGS_RISK.get(rng.choice(risks), _FINDINGS_OK[0])
                follow = rng.choice(_FOLLOW_UP)
            else:
                findings, follow = rng.choice(_FINDINGS_OK), None
            out.append({"date": day, "visitor": visitor, "findings": findings, "follow_up": follow})
    return out
