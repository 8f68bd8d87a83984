"""Chronic-disease cards, the editable disease list, family-doctor signings and follow-ups, and
the two gap lists (chronic but unsigned; signings overdue for a follow-up)."""

from __future__ import annotations

import datetime as dt

import pytest

from fupin_desktop.errors import ConflictError, ValidationError
from fupin_desktop.models import Member
from fupin_desktop.models.medical import DEFAULT_DISEASES
from fupin_desktop.services.medical import chronic as mc
from fupin_desktop.services.medical import signing as sg
from fupin_desktop.services.medical.settings import followup_months, set_followup_months

from ._medical_data import family

TODAY = dt.date(2026, 6, 15)


def disease(db, name):
    return next(d.id for d in mc.list_disease_types(db) if d.name == name)


def test_disease_list_is_seeded_once_and_editable(any_db):
    names = [d.name for d in mc.list_disease_types(any_db)]
    assert names == list(DEFAULT_DISEASES)
    assert len(mc.list_disease_types(any_db)) == 8  # not seeded twice
    new_id = mc.save_disease_type(any_db, "慢性肾病")
    assert [d.name for d in mc.list_disease_types(any_db)][-1] == "慢性肾病"
    with pytest.raises(ValidationError, match="病种“高血压”已存在"):
        mc.save_disease_type(any_db, " 高血压 ")
    row = next(d for d in mc.list_disease_types(any_db) if d.id == new_id)
    mc.save_disease_type(any_db, "慢性肾脏病", new_id, row.version, active=False)
    assert "慢性肾脏病" not in [d.name for d in mc.list_disease_types(any_db)]
    assert "慢性肾脏病" in [d.name for d in mc.list_disease_types(any_db, include_inactive=True)]
    with pytest.raises(ConflictError):
        mc.save_disease_type(any_db, "慢性肾病", new_id, row.version)


def test_chronic_card_validation_and_duplicates(db):
    _, (mid,), _ = family(db, names=("蒋菊",))
    hyp = disease(db, "高血压")
    e = mc.validate_chronic_card(db, {"member_id": None, "disease_id": None,
                                      "approved_date": "2025-13-01", "status": "作废"})
    assert e["member_id"] == "请选择人员" and e["disease_id"] == "请选择病种"
    assert e["status"] == "状态只能是有效、待复审、已注销"
    assert e["approved_date"].startswith("认定日期：")
    e = mc.validate_chronic_card(db, {"member_id": mid, "disease_id": hyp,
                                      "approved_date": "2025-05-01", "review_date": "2025-04-01"})
    assert e == {"review_date": "复审日期不能早于认定日期"}
    card = mc.save_chronic_card(db, {"member_id": mid, "disease_id": hyp, "card_no": " MT 001 ",
                                     "approved_date": "2025-05-01", "review_date": "2027-05-01"})
    assert (card.member_name, card.disease_name, card.card_no, card.status) == ("蒋菊", "高血压", "MT001", "有效")
    e = mc.validate_chronic_card(db, {"member_id": mid, "disease_id": hyp})
    assert e == {"disease_id": "该人员已有此病种的有效慢性病卡，请勿重复登记"}
    # a cancelled card does not block a new one; editing the card itself is fine
    assert mc.validate_chronic_card(db, {"member_id": mid, "disease_id": hyp}, card.id) == {}
    upd = mc.save_chronic_card(db, {**card.form_data(), "status": "已注销"}, card.id, card.version)
    assert upd.status == "已注销"
    assert mc.validate_chronic_card(db, {"member_id": mid, "disease_id": hyp}) == {}
    with pytest.raises(ConflictError):
        mc.save_chronic_card(db, card.form_data(), card.id, card.version)


def test_card_list_filters_and_delete(db):
    _, (a,), _ = family(db, village="甲村", names=("甲",))
    _, (b,), _ = family(db, village="乙村", names=("乙",))
    hyp, dia = disease(db, "高血压"), disease(db, "糖尿病")
    mc.save_chronic_card(db, {"member_id": a, "disease_id": hyp, "review_date": "2026-07-01"})
    c2 = mc.save_chronic_card(db, {"member_id": b, "disease_id": dia, "review_date": "2027-01-01"})
    assert [c.member_name for c in mc.list_chronic_cards(db, disease_id=dia)] == ["乙"]
    assert [c.member_name for c in mc.list_chronic_cards(
        db, review_due_by=dt.date(2026, 12, 31))] == ["甲"]
    assert [c.member_name for c in mc.list_chronic_cards(db, text="乙")] == ["乙"]
    mc.delete_chronic_card(db, c2.id, c2.version, "误录")
    assert [c.member_name for c in mc.list_chronic_cards(db)] == ["甲"]


def test_signing_and_follow_up_validation(db):
    _, (mid,), _ = family(db, names=("孟长",))
    e = sg.validate_signing(db, {"member_id": mid, "doctor_name": "", "signed_date": "2025-06-01",
                                 "end_date": "2025-05-01", "doctor_phone": 1.3812345678e10})
    assert e["doctor_name"] == "请填写签约医生"
    assert e["end_date"] == "到期日期不能早于签约日期"
    assert "doctor_phone" not in e  # an integral phone number kept as text
    s = sg.save_signing(db, {"member_id": mid, "doctor_name": "韦芳", "team": "第1团队",
                             "signed_date": "2025-06-01"})
    assert (s.member_name, s.follow_up_count, s.last_follow_up, s.active) == ("孟长", 0, None, True)
    with pytest.raises(ValidationError) as ei:
        sg.save_follow_up(db, s.id, {"date": "2025-05-01", "content": ""})
    assert ei.value.errors == {"date": "随访日期不能早于签约日期 2025-06-01", "content": "请填写随访内容"}
    f = sg.save_follow_up(db, s.id, {"date": "2025-09-01", "content": "测血压", "method": "上门"})
    sg.save_follow_up(db, s.id, {"date": "2025-12-01", "content": "电话随访"})
    row = sg.list_signings(db, member_id=mid)[0]
    assert (row.follow_up_count, row.last_follow_up) == (2, dt.date(2025, 12, 1))
    assert [x.content for x in sg.list_follow_ups(db, s.id)] == ["测血压", "电话随访"]
    sg.delete_follow_up(db, f.id, f.version)
    assert sg.list_signings(db, member_id=mid)[0].follow_up_count == 1


def test_chronic_without_signing(db):
    _, (carded, signed_carded), _ = family(db, village="甲村", names=("有卡未签", "有卡已签"))
    _, (sick, healthy), _ = family(db, village="乙村", names=("慢病未签", "健康"))
    _, (dead,), _ = family(db, names=("已故",), status="死亡", status_date=dt.date(2025, 1, 1))
    with db.write() as s:
        s.get(Member, sick).health = "长期慢性病"
        s.get(Member, healthy).health = "健康"
    hyp = disease(db, "高血压")
    for m in (carded, signed_carded, dead):
        mc.save_chronic_card(db, {"member_id": m, "disease_id": hyp})
    sg.save_signing(db, {"member_id": signed_carded, "doctor_name": "韦芳", "signed_date": "2025-01-01"})
    gaps = sg.chronic_without_signing(db, today=TODAY)
    assert sorted((g.member_name, g.basis, g.diseases) for g in gaps) == sorted([
        ("有卡未签", "慢性病卡", "高血压"), ("慢病未签", "健康状况", "")])
    assert [g.member_name for g in sg.chronic_without_signing(
        db, today=TODAY, include_health_status=False)] == ["有卡未签"]
    # an expired signing does not count as signed
    sg.save_signing(db, {"member_id": carded, "doctor_name": "韦芳", "signed_date": "2024-01-01",
                         "end_date": "2024-12-31"})
    assert "有卡未签" in [g.member_name for g in sg.chronic_without_signing(db, today=TODAY)]
    sg.save_signing(db, {"member_id": carded, "doctor_name": "韦芳", "signed_date": "2026-01-01"})
    assert "有卡未签" not in [g.member_name for g in sg.chronic_without_signing(db, today=TODAY)]


def test_signings_without_follow_up_in_n_months(any_db):
    _, (a, b, c, d), _ = family(any_db, names=("久未随访", "近期随访", "新签约", "从未随访"))
    old = sg.save_signing(any_db, {"member_id": a, "doctor_name": "韦芳", "signed_date": "2025-01-10"})
    sg.save_follow_up(any_db, old.id, {"date": "2026-03-14", "content": "随访"})  # > 3 months
    recent = sg.save_signing(any_db, {"member_id": b, "doctor_name": "韦芳", "signed_date": "2025-01-10"})
    sg.save_follow_up(any_db, recent.id, {"date": "2026-03-15", "content": "随访"})  # exactly 3
    sg.save_signing(any_db, {"member_id": c, "doctor_name": "韦芳", "signed_date": "2026-05-01"})
    sg.save_signing(any_db, {"member_id": d, "doctor_name": "韦芳", "signed_date": "2025-02-01"})
    with any_db.read() as s:
        assert followup_months(s) == 3
    names = [r.member_name for r in sg.signings_without_followup(any_db, today=TODAY)]
    assert names == ["久未随访", "从未随访"]
    set_followup_months(any_db, 6)
    names = [r.member_name for r in sg.signings_without_followup(any_db, today=TODAY)]
    assert names == ["从未随访"]
    with pytest.raises(ValidationError):
        set_followup_months(any_db, 0)


def test_months_before_clamps_the_day():
    assert sg.months_before(dt.date(2026, 5, 31), 3) == dt.date(2026, 2, 28)
    assert sg.months_before(dt.date(2026, 1, 15), 1) == dt.date(2025, 12, 15)
    assert sg.months_before(dt.date(2026, 6, 15), 14) == dt.date(2025, 4, 15)


def test_card_signing_and_follow_up_forms_go_through_the_field_specs(db):
    """A control character, an over-long value or a date beyond next year is refused with the
    field named as on the form, and nothing is saved."""
    _, (mid,), _ = family(db, names=("蒋菊",))
    hyp = disease(db, "高血压")
    e = mc.validate_chronic_card(db, {"member_id": mid, "disease_id": hyp, "card_no": "MT\x00001",
                                      "review_date": "2999-01-01", "note": "复查\x1b"})
    assert "卡号" in e["card_no"] and "U+0000" in e["card_no"]
    assert "复审日期" in e["review_date"] and "超出允许范围" in e["review_date"]
    assert "备注" in e["note"] and "U+001B" in e["note"]
    assert mc.validate_chronic_card(db, {"member_id": mid, "disease_id": hyp, "card_no": "M" * 41})["card_no"] \
        .startswith("“卡号”有 41 个字")
    assert mc.list_chronic_cards(db) == []
    e = sg.validate_signing(db, {"member_id": mid, "doctor_name": "韦芳", "signed_date": "2025-01-01",
                                 "institution": "卫生院" * 34, "team": "第\x071团队"})
    assert "签约机构" in e["institution"] and "超过 100 个字" in e["institution"]
    assert "签约团队" in e["team"] and "U+0007" in e["team"]
    with pytest.raises(ValidationError) as bad:
        sg.save_signing(db, {"member_id": mid, "doctor_name": "韦" * 41, "signed_date": "2025-01-01"})
    assert "签约医生" in bad.value.errors["doctor_name"]
    s = sg.save_signing(db, {"member_id": mid, "doctor_name": "韦芳", "signed_date": "2025-01-01"})
    with pytest.raises(ValidationError) as bad:
        sg.save_follow_up(db, s.id, {"date": "2025-05-01", "content": "测血压\x00", "method": "上门" * 11})
    assert "随访内容" in bad.value.errors["content"] and "随访方式" in bad.value.errors["method"]
    assert sg.list_follow_ups(db, s.id) == []
