"""因病返贫 alerts: thresholds (amount, share of net income, no income), year boundaries, settings,
and the two actions (健康帮扶 measure, monitoring with risk 因病)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from fupin_desktop.errors import ConflictError, ValidationError
from fupin_desktop.models import AuditLog, Household, Measure
from fupin_desktop.services.medical import alerts as ma
from fupin_desktop.services.medical import settlement_edit as me
from fupin_desktop.services.medical import settlements as ms
from fupin_desktop.services.medical.settings import (
    AlertThresholds, alert_thresholds, set_alert_thresholds)

from ._medical_data import family, form

pytestmark = pytest.mark.date_sensitive  # CI runs it again on 1 Jan and 31 Dec

TODAY = dt.date(2026, 6, 15)
TH = AlertThresholds(D("10000.00"), D("0.50"))


def settle(db, mid, self_paid: str, date="2025-05-10", no=None):
    """A 门诊 settlement whose 个人自付 is exactly ``self_paid``."""
    sp = D(self_paid)
    data = form(mid, care_type="门诊", admission_date=None, discharge_date=None,
                settlement_date=date, total_cost=str(sp + 100), policy_cost=str(sp + 100),
                basic_insurance="100", medical_assistance="0")
    if no:
        data["settlement_no"] = no
    return me.save_settlement(db, data, today=TODAY)


def by_code(res):
    return {a.household_code: a for a in res.alerts}


def test_evaluate_rule():
    assert ma.evaluate(D("9999.99"), None, TH)[1] == []
    share, triggers, reasons = ma.evaluate(D("10000.00"), None, TH)
    assert (share, triggers) == (None, ["amount"])
    assert reasons == ["个人自付合计 10,000.00 元，达到预警金额 10,000.00 元"]
    # 4999.99 / 10000 = 0.499999 -> 0.5000 (rounded share decides, as it is shown)
    share, triggers, reasons = ma.evaluate(D("4999.99"), D("10000.00"), TH)
    assert share == D("0.5000") and triggers == ["share"]
    assert reasons == ["个人自付 4,999.99 元占家庭纯收入 10,000.00 元的 50.00%，达到预警比例 50.00%"]
    assert ma.evaluate(D("4999.49"), D("10000.00"), TH)[1] == []  # 0.499949 -> 0.4999
    share, triggers, reasons = ma.evaluate(D("1.00"), D("-200.00"), TH)
    assert share is None and triggers == ["no-income"]
    assert reasons == ["家庭纯收入为 -200.00 元，个人自付 1.00 元无收入可负担"]
    assert ma.evaluate(D("0.00"), D("0.00"), TH)[1] == []


def test_alert_list_per_household_and_year(any_db):
    _, (a1, a2), _ = family(any_db, code="A", names=("甲", "甲子"), net_income={2025: "50000"})
    _, (b,), _ = family(any_db, code="B", names=("乙",), net_income={2025: "8000"})
    _, (c,), _ = family(any_db, code="C", names=("丙",))  # no income record
    _, (d,), _ = family(any_db, code="D", names=("丁",), net_income={2025: "100000"})
    settle(any_db, a1, "6000.00")
    settle(any_db, a2, "4000.00")          # A: 10,000.00 in total -> amount
    settle(any_db, b, "4000.00")           # B: 4000 / 8000 = 50 % -> share
    settle(any_db, c, "9999.99")           # C: below the amount, no income: no alert
    settle(any_db, d, "20000.00", date="2024-12-31")  # D: other year
    settle(any_db, d, "3000.00", date="2025-01-01")   # D: 2025 only 3000 -> no alert
    res = ma.compute_alerts(any_db, 2025)
    got = by_code(res)
    assert sorted(got) == ["A", "B"]
    a = got["A"]
    assert (a.self_paid_total, a.settlement_count, a.triggers) == (D("10000.00"), 2, ["amount"])
    assert a.net_income == D("50000.00") and a.income_share == D("0.2000")
    assert a.head_name == "甲" and a.village_name == "东风村"
    assert got["B"].triggers == ["share"] and got["B"].share_text == "50.00%"
    assert [x.household_code for x in res.alerts] == ["A", "B"]  # largest self-pay first
    assert sorted(by_code(ma.compute_alerts(any_db, 2024))) == ["D"]


def test_thresholds_are_settings(any_db):
    _, (a,), _ = family(any_db, code="A", net_income={2025: "100000"})
    settle(any_db, a, "5000.00")
    assert ma.compute_alerts(any_db, 2025).alerts == []
    set_alert_thresholds(any_db, "5,000", "60%")
    with any_db.read() as s:
        assert alert_thresholds(s) == AlertThresholds(D("5000.00"), D("0.6000"))
    res = ma.compute_alerts(any_db, 2025)
    assert [x.triggers for x in res.alerts] == [["amount"]]
    set_alert_thresholds(any_db, "20000", "0.05")
    assert [x.triggers for x in ma.compute_alerts(any_db, 2025).alerts] == [["share"]]
    with pytest.raises(ValidationError, match="应在 0 到 100% 之间"):
        set_alert_thresholds(any_db, "1000", "150%")
    with pytest.raises(ValidationError, match="预警金额应大于 0"):
        set_alert_thresholds(any_db, "0", "0.5")


def test_deleted_settlements_and_households_do_not_count(db):
    hid, (a,), _ = family(db, code="A")
    row = settle(db, a, "12000.00")
    assert len(ma.compute_alerts(db, 2025).alerts) == 1
    me.delete_settlement(db, row.id, row.version, "重复")
    assert ma.compute_alerts(db, 2025).alerts == []
    settle(db, a, "12000.00")
    with db.write() as s:
        s.get(Household, hid).deleted_at = dt.datetime(2026, 1, 1)
    assert ma.compute_alerts(db, 2025).alerts == []


def test_village_filter_and_zero_income(db):
    _, (a,), _ = family(db, village="甲村", code="A", net_income={2025: "0"})
    _, (b,), _ = family(db, village="乙村", code="B", net_income={2025: "0"})
    settle(db, a, "0.01")
    settle(db, b, "0.01")
    res = ma.compute_alerts(db, 2025)
    assert sorted(x.household_code for x in res.alerts) == ["A", "B"]
    assert all(x.triggers == ["no-income"] for x in res.alerts)
    village_a = next(r.village_id for r in ms.list_settlements(db) if r.household_code == "A")
    assert [x.household_code for x in ma.compute_alerts(db, 2025, village_a).alerts] == ["A"]


def test_record_health_measure(any_db):
    hid, (a,), _ = family(any_db, code="A")
    settle(any_db, a, "12000.00")
    with pytest.raises(ValidationError, match="请填写帮扶措施内容"):
        ma.record_health_measure(any_db, hid, "  ")
    with pytest.raises(ValidationError, match="帮扶金额：无法识别的金额“三千”"):
        ma.record_health_measure(any_db, hid, "临时救助", amount="三千")
    ma.record_health_measure(any_db, hid, "申请临时救助并落实大病专项救治", dt.date(2025, 6, 1),
                             amount="3,000", member_id=a)
    alert = ma.compute_alerts(any_db, 2025).alerts[0]
    assert alert.health_measures == 1
    with any_db.read() as s:
        m = s.scalar(select(Measure))
        assert (m.category, m.amount, m.member_id) == ("健康帮扶", D("3000.00"), a)
        assert s.get(Household, hid).measure_health is True


def test_mark_for_monitoring(any_db):
    hid, (a,), _ = family(any_db, code="A", htype="一般农户")
    settle(any_db, a, "12000.00")
    alert = ma.compute_alerts(any_db, 2025).alerts[0]
    assert not alert.monitored_for_illness
    res = ma.mark_for_monitoring(any_db, hid, alert.version, date=dt.date(2026, 6, 1))
    assert res.newly_monitored and res.monitoring_category == "突发严重困难户"
    assert res.risks == ["因病"] and res.monitoring_date == dt.date(2026, 6, 1)
    assert ma.compute_alerts(any_db, 2025).alerts[0].monitored_for_illness
    with pytest.raises(ConflictError):  # the alert list was loaded before the change
        ma.mark_for_monitoring(any_db, hid, alert.version)
    again = ma.mark_for_monitoring(any_db, hid)  # idempotent: 因病 not added twice
    assert again.risks == ["因病"] and not again.newly_monitored
    with any_db.read() as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.table_name == "households",
                                                 AuditLog.action == "update")).all()
        assert audit and audit[0].changes["risk1"] == [None, "因病"]
        assert audit[0].reason == "因病返贫预警：纳入监测，风险类型因病"


def test_mark_keeps_existing_category_and_reopens_eliminated_risk(db):
    hid, _, _ = family(db, code="A", htype="脱贫户")
    with db.write() as s:
        h = s.get(Household, hid)
        h.monitoring_category, h.risk1, h.risk_eliminated = "脱贫不稳定户", "因残", True
        h.elimination_method = "帮扶消除"
    res = ma.mark_for_monitoring(db, hid)
    assert res.monitoring_category == "脱贫不稳定户" and res.risks == ["因残", "因病"]
    with db.read() as s:
        h = s.get(Household, hid)
        assert h.risk_eliminated is False and h.elimination_method is None
    assert ma.default_monitoring_category("脱贫户") == "脱贫不稳定户"
    with pytest.raises(ValidationError):
        ma.mark_for_monitoring(db, hid, category="不存在的类别")


def test_share_that_rounds_up_to_the_threshold_is_not_lost_by_the_sql_prefilter(any_db):
    # 1999.00 / 20000.00 = 0.09995 -> 0.1000 (half-up) ≥ 10 %: evaluate() alerts, so must the list
    _, (a,), _ = family(any_db, code="R", names=("甲",), net_income={2025: "20000"})
    settle(any_db, a, "1999.00")
    th = AlertThresholds(D("100000.00"), D("0.10"))
    assert ma.evaluate(D("1999.00"), D("20000.00"), th)[1] == ["share"]
    res = ma.compute_alerts(any_db, 2025, thresholds=th)
    assert [(x.household_code, x.income_share, x.triggers) for x in res.alerts] == [
        ("R", D("0.1000"), ["share"])]
