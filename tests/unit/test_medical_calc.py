"""Settlement arithmetic: derived 个人自付 and 报销比例 (hand-computed), the shared rules, periods."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from fupin_desktop.errors import InputError
from fupin_desktop.domain import medical_calc as calc
from fupin_desktop.services.medical.period import Period, period_from_args


def test_self_paid_and_ratio_hand_computed():
    # sample row 3: 57265.48 − (29067.79 + 5653.17 + 8053.35 + 0) = 14491.17
    d = calc.derive({"total_cost": "57,265.48", "policy_cost": 46489.74,
                     "basic_insurance": D("29067.79"), "critical_insurance": "5653.17",
                     "medical_assistance": "8053.35", "other_support": "0"})
    assert d.payers_total == D("42774.31")
    assert d.self_paid == D("14491.17")
    # 42774.31 / 46489.74 = 0.920080… -> 0.9201
    assert d.policy_ratio == D("0.9201")
    assert d.ratio_text == "92.01%"
    assert d.self_paid_text == "14,491.17"
    assert d.out_of_policy == D("10775.74")


def test_amounts_round_half_up_to_the_fen_before_subtracting():
    d = calc.derive({"total_cost": D("100.005"), "policy_cost": "100", "basic_insurance": D("33.335"),
                     "critical_insurance": D("0.004")})
    # 100.005 -> 100.01; 33.335 -> 33.34; 0.004 -> 0.00
    assert d.self_paid == D("66.67")
    assert d.payers_total == D("33.34")
    # typed text with a third decimal is a typo the form refuses: it counts as missing here
    assert calc.derive({"total_cost": "100.005", "policy_cost": "100"}).self_paid is None


def test_ratio_rounds_half_up_to_four_places():
    # 1 / 3 = 0.33333 -> 0.3333 ; 2 / 3 = 0.66667 -> 0.6667 ; 0.00005 boundary -> up
    assert calc.derive({"total_cost": "3", "policy_cost": "3", "basic_insurance": "1"}).policy_ratio == D("0.3333")
    assert calc.derive({"total_cost": "3", "policy_cost": "3", "basic_insurance": "2"}).policy_ratio == D("0.6667")
    assert calc.policy_ratio(D("1.00"), D("20000.00")) == D("0.0001")  # 0.00005 -> 0.0001
    assert calc.policy_ratio(D("0.99"), D("20000.00")) == D("0.0000")  # 0.0000495 -> 0.0000


def test_derive_never_raises_while_typing():
    d = calc.derive({"total_cost": "12a", "basic_insurance": "5"})
    assert d.self_paid is None and d.policy_ratio is None and d.payers_total == D("5.00")
    d = calc.derive({"total_cost": "500", "policy_cost": "0", "basic_insurance": ""})
    assert d.self_paid == D("500.00") and d.policy_ratio is None  # no policy cost: no ratio
    assert calc.derive({}).self_paid is None


def test_recompute_fills_dict_rows():
    row = {"total_cost": D("10.00"), "policy_cost": D("8.00"), "basic_insurance": D("4.00"),
           "critical_insurance": D("0"), "medical_assistance": D("2.00"), "other_support": D("0")}
    calc.recompute(row)
    assert row["self_paid"] == D("4.00") and row["policy_ratio"] == D("0.7500")


def test_check_amounts_messages():
    neg = calc.check_amounts({"total_cost": D("-1.00")})
    assert [(i.code, i.field) for i in neg] == [("negative-amount", "total_cost")]
    assert neg[0].message == "总费用不能为负数（填写的是 -1.00），请核对"
    over = calc.check_amounts({"total_cost": D("100.00"), "policy_cost": D("120.00"),
                               "basic_insurance": D("80.00"), "medical_assistance": D("30.00")})
    assert [(i.code, i.field) for i in over] == [("payers-exceed-total", "self_paid"),
                                                 ("policy-exceeds-total", "policy_cost")]
    assert "合计 110.00 元，超过总费用 100.00 元" in over[0].message
    assert over[1].message == "政策范围内费用 120.00 元不能超过总费用 100.00 元，请核对"
    assert calc.check_amounts({"total_cost": D("100.00"), "policy_cost": D("100.00"),
                               "basic_insurance": D("100.00")}) == []  # equal is fine


def test_check_dates_messages():
    today = dt.date(2025, 6, 1)
    issues = calc.check_dates("住院", dt.date(2025, 2, 27), dt.date(2025, 2, 24),
                              dt.date(2025, 2, 24), today)
    assert [(i.code, i.field) for i in issues] == [("dates", "discharge_date"), ("dates", "settlement_date")]
    assert issues[0].message == "出院日期 2025-02-24 早于入院日期 2025-02-27，请核对"
    future = calc.check_dates("门诊", None, None, dt.date(2025, 6, 2), today)
    assert future[0].field == "settlement_date" and "晚于今天" in future[0].message
    assert calc.check_dates("住院", dt.date(2025, 1, 1), dt.date(2025, 1, 1), dt.date(2025, 1, 1), today) == []


def test_member_alive_rule():
    day = dt.date(2025, 3, 1)
    assert calc.member_alive_message("王军", "正常", None, day) is None
    assert calc.member_alive_message("王军", "迁出", dt.date(2024, 1, 1), day) is None
    assert calc.member_alive_message("王军", "死亡", dt.date(2025, 3, 2), day) is None  # died after
    msg = calc.member_alive_message("王军", "死亡", dt.date(2025, 3, 1), day)
    assert msg == "王军已于 2025-03-01 死亡，不能有2025-03-01 的就医结算，请核对结算日期或成员状态"
    assert "未填死亡日期" in calc.member_alive_message("王军", "死亡", None, day)


def test_below_target_uses_the_rounded_ratio():
    targets = {"住院": D("0.90"), "门诊慢特病": D("0.80")}
    assert calc.is_below_target("住院", D("0.8999"), targets)
    assert not calc.is_below_target("住院", D("0.9000"), targets)
    assert not calc.is_below_target("门诊", D("0.1000"), targets)  # 门诊 has no target
    assert not calc.is_below_target("住院", None, targets)


def test_periods():
    assert (Period(2025).start, Period(2025).end) == (dt.date(2025, 1, 1), dt.date(2026, 1, 1))
    q4 = Period(2025, quarter=4)
    assert (q4.start, q4.end, q4.label) == (dt.date(2025, 10, 1), dt.date(2026, 1, 1), "2025年第4季度")
    dec = Period(2025, month=12)
    assert (dec.start, dec.end, dec.key) == (dt.date(2025, 12, 1), dt.date(2026, 1, 1), "2025-12")
    assert period_from_args(month="2025-03") == Period(2025, month=3)
    assert period_from_args(year=2025, quarter="2") == Period(2025, quarter=2)
    assert period_from_args(quarter="2024Q3") == Period(2024, quarter=3)
    assert period_from_args(today=dt.date(2026, 5, 1)) == Period(2026)
    with pytest.raises(InputError):
        period_from_args(month="2025-13")
    with pytest.raises(InputError):
        period_from_args(year=2024, month="2025-01")
