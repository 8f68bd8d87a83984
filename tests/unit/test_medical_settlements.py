"""Settlement form service: every validation message, save/update with optimistic locking,
filters (period, village, text, below-target with per-year targets), totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from fupin_desktop.errors import ConflictError, ValidationError
from fupin_desktop.models import AuditLog, Settlement
from fupin_desktop.services.medical import settlement_edit as me
from fupin_desktop.domain.medical_totals import summarize
from fupin_desktop.services.medical import settlements as ms
from fupin_desktop.services.medical.period import Period
from fupin_desktop.services.medical.settings import (
    policy_targets, set_policy_targets)

from ._medical_data import family, form

TODAY = dt.date(2026, 6, 15)


def errors(db, data, sid=None):
    return me.validate_settlement(db, data, sid, today=TODAY)


def test_valid_form_has_no_errors_and_saves_derived_values(any_db):
    _, (mid,), _ = family(any_db)
    data = form(mid)
    assert errors(any_db, data) == {}
    row = me.save_settlement(any_db, data, today=TODAY)
    # 10000 − (6000 + 0 + 1500 + 0) = 2500 ; 7500 / 9000 = 0.83333 -> 0.8333
    assert row.self_paid == D("2500.00") and row.policy_ratio == D("0.8333")
    assert row.target == D("0.90") and row.below_target is True
    assert row.pay_after_treatment is True and row.one_stop is True
    with any_db.read() as s:
        stored = s.scalar(select(Settlement))
        assert (stored.self_paid, stored.policy_ratio) == (D("2500.00"), D("0.8333"))
        audit = s.scalars(select(AuditLog).where(AuditLog.table_name == "medical_settlements")).all()
        assert [a.action for a in audit] == ["insert"] and audit[0].record_key == data["settlement_no"]


def test_required_fields_messages(db):
    e = errors(db, {"member_id": None, "care_type": "住院"})
    assert e["member_id"] == "请选择就医人员"
    assert e["hospital_name"] == "请填写医疗机构名称"
    assert e["settlement_no"] == "请填写结算单据号"
    assert e["settlement_date"] == "请填写结算日期"
    assert e["admission_date"] == "住院结算请填写入院日期"
    assert e["total_cost"] == "请填写总费用"
    assert errors(db, {"care_type": None})["care_type"] == "请选择就诊类别"


def test_unreadable_values_messages(db):
    _, (mid,), _ = family(db)
    e = errors(db, form(mid, total_cost="一万", admission_date="2025-02-30", care_type="急救",
                        hospital_level="国家级", one_stop="也许"))
    assert e["total_cost"] == "总费用“一万”不是有效金额，请只填写数字，如 1234.56"
    assert e["admission_date"].startswith("入院日期：日期“2025-02-30”不存在")
    assert e["care_type"] == "就诊类别“急救”不在可选范围内（门诊、住院、门诊慢特病）"
    assert e["hospital_level"] == "医院等级“国家级”不在可选范围内（村、乡镇、县、市、省及以上）"
    assert e["one_stop"] == "一站式结算请选择“是”或“否”"


def test_amount_rules_messages(db):
    _, (mid,), _ = family(db)
    e = errors(db, form(mid, medical_assistance="-5"))
    assert e == {"medical_assistance": "医疗救助不能为负数（填写的是 -5.00），请核对"}
    e = errors(db, form(mid, basic_insurance="9000", medical_assistance="1500.01"))
    assert e == {"self_paid": "基本医保统筹、大病保险、医疗救助、其他保障合计 10,500.01 元，超过总费用 "
                              "10,000.00 元，请核对各项报销金额"}
    e = errors(db, form(mid, policy_cost="10000.01"))
    assert e == {"policy_cost": "政策范围内费用 10,000.01 元不能超过总费用 10,000.00 元，请核对"}


def test_date_rules_messages(db):
    _, (mid,), _ = family(db)
    e = errors(db, form(mid, discharge_date="2025-02-28"))
    assert e == {"discharge_date": "出院日期 2025-02-28 早于入院日期 2025-03-01，请核对"}
    e = errors(db, form(mid, settlement_date="2026-06-16", discharge_date="2026-06-16"))
    assert e["settlement_date"] == "结算日期 2026-06-16 晚于今天，请核对"
    assert e["discharge_date"] == "出院日期 2026-06-16 晚于今天，请核对"


def test_settlement_number_unique_message(db):
    _, (mid,), _ = family(db, names=("李霞",))
    first = me.save_settlement(db, form(mid, settlement_no="JS001"), today=TODAY)
    e = errors(db, form(mid, settlement_no=" JS001 "))
    assert e == {"settlement_no": "结算单据号 JS001 已存在：李霞 2025-03-11 的结算，请核对单据号"}
    assert errors(db, form(mid, settlement_no="JS001"), sid=first.id) == {}  # editing itself
    me.delete_settlement(db, first.id, first.version, "录入重复")
    assert "（该记录已删除）" in errors(db, form(mid, settlement_no="JS001"))["settlement_no"]


def test_member_must_be_alive_at_the_date(db):
    _, (dead,), _ = family(db, names=("王军",), status="死亡", status_date=dt.date(2025, 3, 5))
    e = errors(db, form(dead))  # settled 2025-03-11, died 2025-03-05
    assert e == {"member_id": "王军已于 2025-03-05 死亡，不能有2025-03-11 的就医结算，"
                              "请核对结算日期或成员状态"}
    assert errors(db, form(dead, settlement_date="2025-03-04", discharge_date="2025-03-04")) == {}
    assert errors(db, form(999999))["member_id"] == "所选人员不存在或已删除，请重新选择"


def test_save_raises_validation_error_with_all_fields(db):
    _, (mid,), _ = family(db)
    with pytest.raises(ValidationError) as ei:
        me.save_settlement(db, form(mid, total_cost="", hospital_name=""), today=TODAY)
    assert set(ei.value.errors) == {"total_cost", "hospital_name"}
    with db.read() as s:
        assert s.scalar(select(Settlement)) is None


def test_update_and_stale_version_conflict(any_db):
    _, (mid,), _ = family(any_db)
    row = me.save_settlement(any_db, form(mid), today=TODAY)
    data = row.form_data()
    data["medical_assistance"] = "2500"
    upd = me.save_settlement(any_db, data, row.id, row.version, today=TODAY)
    assert upd.version == row.version + 1 and upd.self_paid == D("1500.00")
    assert upd.policy_ratio == D("0.9444")  # 8500 / 9000
    with pytest.raises(ConflictError) as ei:  # the second clerk still holds the old version
        me.save_settlement(any_db, data, row.id, row.version, today=TODAY)
    assert str(ei.value) == "该记录已被他人修改，请刷新后重试"


def test_filters_period_village_text_type(db):
    _, (a,), _ = family(db, village="甲村", names=("赵一",))
    _, (b,), _ = family(db, village="乙村", names=("钱二",))
    me.save_settlement(db, form(a, settlement_no="A1"), today=TODAY)
    me.save_settlement(db, form(a, settlement_no="A2", care_type="门诊", admission_date=None,
                                discharge_date=None, settlement_date="2025-04-02"), today=TODAY)
    me.save_settlement(db, form(b, settlement_no="B1", settlement_date="2025-12-31"), today=TODAY)
    me.save_settlement(db, form(b, settlement_no="B2", settlement_date="2026-01-01",
                                admission_date="2025-12-25", discharge_date="2025-12-31"), today=TODAY)

    def nos(**kw):
        return sorted(r.settlement_no for r in ms.list_settlements(db, ms.SettlementFilter(**kw)))

    assert nos(period=Period(2025)) == ["A1", "A2", "B1"]
    assert nos(period=Period(2025, quarter=4)) == ["B1"]
    assert nos(period=Period(2025, month=4)) == ["A2"]
    assert nos(period=Period(2026)) == ["B2"]
    vid = ms.list_settlements(db, ms.SettlementFilter(text="钱二"))[0].village_id
    assert nos(village_id=vid) == ["B1", "B2"]
    assert nos(care_type="门诊") == ["A2"]
    assert nos(text="a2") == ["A2"]
    assert ms.count_settlements(db, ms.SettlementFilter(period=Period(2025), limit=1)) == 3
    assert [r.settlement_no for r in ms.list_settlements(db, ms.SettlementFilter(limit=2))] == ["B2", "B1"]


def test_below_target_filter_follows_the_year_setting(any_db):
    _, (mid,), _ = family(any_db)
    # 7500 / 9000 = 0.8333 住院 ; 门诊慢特病 0.8333 ; 门诊 has no target
    for no, care in (("I1", "住院"), ("C1", "门诊慢特病"), ("O1", "门诊")):
        extra = {} if care == "住院" else {"admission_date": None, "discharge_date": None}
        me.save_settlement(any_db, form(mid, settlement_no=no, care_type=care, **extra), today=TODAY)

    def below(year=2025):
        return sorted(r.settlement_no for r in ms.list_settlements(
            any_db, ms.SettlementFilter(period=Period(year), below_target_only=True)))

    assert below() == ["I1"]  # defaults: 住院 0.90, 门诊慢特病 0.80
    set_policy_targets(any_db, 2025, "80%", "0.85")
    with any_db.read() as s:
        assert policy_targets(s, 2025) == {"住院": D("0.8000"), "门诊慢特病": D("0.8500")}
        assert policy_targets(s, 2024) == {"住院": D("0.90"), "门诊慢特病": D("0.80")}
    assert below() == ["C1"]
    set_policy_targets(any_db, 2025, "83.33%", "83.34%")  # equal to the ratio is not below
    assert below() == ["C1"]
    rows = {r.settlement_no: r for r in ms.list_settlements(any_db)}
    assert rows["C1"].below_target and not rows["I1"].below_target and rows["O1"].target is None
    assert sorted(r.settlement_no for r in ms.list_settlements(
        any_db, ms.SettlementFilter(below_target_only=True))) == ["C1"]  # no period: all years


def test_summarize_totals_are_sums_of_rows(db):
    _, (mid,), _ = family(db)
    me.save_settlement(db, form(mid, settlement_no="S1"), today=TODAY)
    me.save_settlement(db, form(mid, settlement_no="S2", total_cost="0.03", policy_cost="0.03",
                                basic_insurance="0.01", medical_assistance="0.01"), today=TODAY)
    t = summarize(ms.list_settlements(db))
    assert (t.count, t.inpatient_count) == (2, 2)
    assert t.total_cost == D("10000.03") and t.self_paid == D("2500.01")
    assert t.payers_total == D("7500.02")
    assert t.policy_ratio == D("0.8333")  # 7500.02 / 9000.03
    # the SQL totals of the tab's status line agree with the sum of the rows
    assert ms.settlement_totals(db, ms.SettlementFilter(limit=1)) == t
    assert ms.settlement_totals(db, ms.SettlementFilter(text="S2")).total_cost == D("0.03")


def test_delete_requires_a_reason_and_hides_the_row(db):
    _, (mid,), _ = family(db)
    row = me.save_settlement(db, form(mid), today=TODAY)
    with pytest.raises(ValidationError, match="请填写删除原因"):
        me.delete_settlement(db, row.id, row.version, " ")
    me.delete_settlement(db, row.id, row.version, "重复录入")
    assert ms.list_settlements(db) == []
    assert ms.get_settlement(db, row.id).deleted is True
    with pytest.raises(ConflictError, match="已不存在"):  # a form still open on another PC
        me.save_settlement(db, row.form_data(), row.id, row.version, today=TODAY)


def test_member_search(db):
    _, _, (idno,) = family(db, names=("周霞",))
    hits = ms.search_members(db, "周")
    assert [h.name for h in hits] == ["周霞"] and hits[0].id_number == idno
    assert ms.search_members(db, idno[-6:])[0].name == "周霞"
    assert ms.search_members(db, "") == []


def test_amount_beyond_the_column_range_is_refused_not_crashing_the_save(any_db):
    # an ID number pasted into 总费用 would overflow Numeric(12, 2) (PostgreSQL refuses the write)
    _, (mid,), _ = family(any_db, names=("陈燕",))
    data = form(mid, total_cost="522729199001016165", policy_cost="1")
    errs = me.validate_settlement(any_db, data, today=TODAY)
    assert errs == {"total_cost": "总费用 522,729,199,001,016,165.00 元超出可录入的最大金额"
                                  "（9,999,999,999.99 元），请核对是否填错列"}
    with pytest.raises(ValidationError):
        me.save_settlement(any_db, data, today=TODAY)
    # the field specs allow amounts up to 10^9 (issue 12), below the column's limit
    assert me.validate_settlement(any_db, form(mid, total_cost="1000000000.00"), today=TODAY) == {}
    errs = me.validate_settlement(any_db, form(mid, total_cost="9999999999.99"), today=TODAY)
    assert "超出允许范围" in errs["total_cost"] and "医疗费总额" in errs["total_cost"]
