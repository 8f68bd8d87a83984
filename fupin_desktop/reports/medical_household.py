"""The medical section of the household file (一户一档), rendered from plain data.

``household_medical_tables(data)`` (data: services/medical_household_data) returns
``[(title, columns, rows)]`` ready for ``DocumentBuilder.section(title).table(columns, rows)``:
``columns`` are ledger ``Column`` objects, ``rows`` lists of already formatted strings. Sections
without records are left out, so a household that never saw a doctor adds nothing. The service
applies ``as_of`` (settlements, cards and signings up to that day; card validity on it).
"""

from __future__ import annotations

from collections import defaultdict

from ..domain import medical_calc as calc
from .ledger import Column

m = calc.money_text


def _d(v) -> str:
    return v.isoformat() if v else ""


def _col(key, title, weight=1.0, kind="text") -> Column:
    if kind == "money":
        return Column(key, title, weight, "right", wrap=False)
    if kind == "date":
        return Column(key, title, weight, "center", wrap=False)
    return Column(key, title, weight, "center" if kind == "center" else "left")


def household_medical_tables(data) -> list[tuple[str, list, list[list[str]]]]:
    """``data``: settlements (by date), incomes {year: net}, alerts {year: (share, triggers,
    reasons)}, cards, signings — see services/medical_household_data."""
    out = []
    rows = data.settlements
    if rows:
        by_year: dict[int, list] = defaultdict(list)
        for r in rows:
            by_year[r.settlement_date.year].append(r)
        incomes = data.incomes
        cols = [_col("year", "年度", 0.6, "center"), _col("count", "就医人次", 0.6, "center"),
                _col("total", "总费用", 1, "money"), _col("payers", "各项报销合计", 1, "money"),
                _col("self", "个人自付", 1, "money"), _col("net", "家庭纯收入", 1, "money"),
                _col("share", "自付占纯收入", 0.8, "money"), _col("alert", "因病返贫预警", 2.2)]
        summary = []
        for year in sorted(by_year):
            yr = by_year[year]
            total = sum((r.total_cost for r in yr), calc.ZERO)
            self_paid = sum((r.self_paid for r in yr), calc.ZERO)
            net = incomes.get(year)
            net = None if net is None else calc.fen(net)
            share, triggers, reasons = data.alerts[year]
            summary.append([str(year), str(len(yr)), m(total), m(total - self_paid),
                            m(self_paid), m(net), calc.ratio_text(share),
                            "；".join(reasons) if triggers else "未达预警标准"])
        out.append(("医疗费用年度汇总（因病返贫监测）", cols, summary))
        cols = [_col("name", "姓名", 0.7), _col("date", "结算日期", 0.9, "date"),
                _col("hospital", "医疗机构", 1.4), _col("type", "类别", 0.7, "center"),
                _col("diagnosis", "诊断", 1.0), _col("total", "总费用", 1, "money"),
                _col("payers", "报销合计", 1, "money"), _col("self", "个人自付", 1, "money"),
                _col("ratio", "报销比例", 0.7, "money")]
        detail = [[r.member_name, _d(r.settlement_date), r.hospital_name, r.care_type,
                   r.diagnosis or "", m(r.total_cost), m(r.total_cost - r.self_paid),
                   m(r.self_paid), calc.ratio_text(r.policy_ratio)] for r in rows]
        out.append(("就医结算明细", cols, detail))
    cards = data.cards
    if cards:
        cols = [_col("name", "姓名", 0.8), _col("disease", "病种", 1.0), _col("card", "卡号", 1.2),
                _col("approved", "认定日期", 0.9, "date"), _col("review", "复审日期", 0.9, "date"),
                _col("status", "状态", 0.6, "center"), _col("signed", "家庭医生", 0.7, "center")]
        out.append(("慢性病卡", cols, [
            [c.member_name, c.disease_name, c.card_no or "", _d(c.approved_date),
             _d(c.review_date), c.status, "已签约" if c.signed else "未签约"] for c in cards]))
    signings = data.signings
    if signings:
        cols = [_col("name", "姓名", 0.8), _col("doctor", "签约医生", 0.8),
                _col("team", "签约团队", 1.2), _col("signed", "签约日期", 0.9, "date"),
                _col("end", "到期日期", 0.9, "date"), _col("n", "随访次数", 0.6, "center"),
                _col("last", "最近随访", 0.9, "date")]
        out.append(("家庭医生签约", cols, [
            [g.member_name, g.doctor_name, g.team or "", _d(g.signed_date), _d(g.end_date),
             str(g.follow_up_count), _d(g.last_follow_up)] for g in signings]))
    return out
