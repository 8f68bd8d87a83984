"""The household dialog's services: load/save with optimistic locking, members, lists."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from fupin_desktop.errors import ConflictError, UserError, ValidationError
from fupin_desktop.models import AuditLog, Household, Member, Village
from fupin_desktop.services.households import edit as hs
from fupin_desktop.services.households import registry
from fupin_desktop.services.households.forms import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from fupin_desktop.services.households.form_rules import phone_error, validate_household
from fupin_desktop.domain.idcard import check_char

TODAY = dt.date(2026, 6, 15)


def make_id(birth: str, order: int) -> str:
    body = f"522727{birth}{order:03d}"
    return body + check_char(body)


@pytest.fixture
def village(any_db):
    with any_db.write() as s:
        v = Village(name="青石村")
        s.add(v)
        s.flush()
        return any_db, v.id


def new_form(village_id, code="5227271001000001", **kw) -> hs.HouseholdForm:
    kw.setdefault("phone", "139 0000 1111")
    return hs.HouseholdForm(code=code, village_id=village_id, household_type="脱贫户",
                            bank_account="6228 4800 0000 0000 001", **kw)


def test_form_covers_every_model_column():
    bookkeeping = {"id", "version", "created_at", "updated_at", "deleted_at", "deleted_reason"}
    assert set(HOUSEHOLD_FIELDS) == {c.key for c in Household.__table__.columns} - bookkeeping
    assert set(MEMBER_FIELDS) == ({c.key for c in Member.__table__.columns}
                                  - bookkeeping - {"household_id"})


def test_create_load_and_update(village):
    db, vid = village
    form = new_form(vid, incomes=[hs.IncomeForm(year=2025, persons=3, wage_income=Decimal("10000"),
                                                business_income=Decimal("5000.5"),
                                                business_expense=Decimal("1000"))])
    assert hs.save_household(db, form, today=TODAY) == 1
    hid = form.id
    assert hid == registry.ids(db)[0] and form.version == 1
    loaded = hs.load_household(db, hid)
    assert (loaded.code, loaded.village_id, loaded.version) == (form.code, vid, 1)
    assert loaded.phone == "13900001111" and loaded.bank_account == "6228480000000000001"
    inc = loaded.incomes[0]
    assert inc.net_income == Decimal("14000.50") and inc.per_capita_income == Decimal("4666.83")

    loaded.monitoring_category = "脱贫不稳定户"
    loaded.monitoring_date = dt.date(2025, 3, 1)
    loaded.risk1 = "因病"
    loaded.risk_eliminated = False
    loaded.incomes[0].persons = 2
    assert hs.save_household(db, loaded, today=TODAY) == 2
    again = hs.load_household(db, hid)
    assert again.risk1 == "因病" and again.incomes[0].per_capita_income == Decimal("7000.25")
    with db.read() as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.table_name == "households",
                                                 AuditLog.action == "update")).all()
    assert audit and audit[-1].changes["risk1"] == [None, "因病"]


def test_stale_version_is_refused_and_nothing_is_written(village):
    db, vid = village
    hs.save_household(db, new_form(vid), today=TODAY)
    hid = registry.ids(db)[0]
    first = hs.load_household(db, hid)
    second = hs.load_household(db, hid)
    first.helper_name = "王五"
    hs.save_household(db, first, today=TODAY)
    second.helper_name = "李四"
    second.note = "后保存的人"
    with pytest.raises(ConflictError) as err:
        hs.save_household(db, second, today=TODAY)
    assert "已被他人修改" in str(err.value)
    assert (second.version, second.note) == (1, "后保存的人")  # what was typed is kept
    now = hs.load_household(db, hid)
    assert (now.helper_name, now.note, now.version) == ("王五", None, 2)


def test_concurrent_commit_between_read_and_write_is_a_conflict(village, monkeypatch):
    """Another clerk commits after save_household read the row but before it wrote: the
    version column of the UPDATE catches it (two real connections on PostgreSQL)."""
    db, vid = village
    hs.save_household(db, new_form(vid), today=TODAY)
    hid = registry.ids(db)[0]
    form = hs.load_household(db, hid)
    real_check = hs._check_version
    interleaved = []

    def check_then_other_clerk_saves(obj, version):
        real_check(obj, version)
        if not interleaved:  # once: the other clerk's own save runs this check too
            interleaved.append(True)
            other = hs.load_household(db, hid)
            other.note = "另一位办事员"
            hs.save_household(db, other, today=TODAY)

    monkeypatch.setattr(hs, "_check_version", check_then_other_clerk_saves)
    form.note = "我"
    with pytest.raises(ConflictError):
        hs.save_household(db, form, today=TODAY)
    monkeypatch.undo()
    assert hs.load_household(db, hid).note == "另一位办事员"


def test_validation_errors_name_the_fields(village):
    db, vid = village
    bad = new_form(vid, code=" ", risk1="因病", risk_eliminated=True, phone="1390000",
                   incomes=[hs.IncomeForm(year=2025, wage_income=Decimal("-1"))])
    with pytest.raises(ValidationError) as err:
        hs.save_household(db, bad, today=TODAY)
    errors = err.value.errors
    assert {"code", "risk1", "risk_eliminated", "phone", "income.2025.wage_income",
            "income.2025.persons"} <= set(errors)
    assert all(isinstance(m, str) and m for m in errors.values())
    assert registry.count(db) == 0


def test_monitoring_rules():
    ok = new_form(1, monitoring_category="边缘易致贫户", monitoring_date=dt.date(2025, 1, 1),
                  risk1="因病", risk_eliminated=True, elimination_method="帮扶消除",
                  elimination_date=dt.date(2025, 9, 1))
    assert validate_household(ok, TODAY) == {}
    cases = {
        "risk2": dict(risk2="因病"),  # same risk twice
        "elimination_date": dict(elimination_date=dt.date(2024, 12, 1)),  # before monitoring
        "monitoring_date": dict(monitoring_date=dt.date(2027, 1, 1)),  # future
        "elimination_method": dict(elimination_method="自己消除"),
        "risk3": dict(risk3="因学"),  # risk3 without risk2
        "monitoring_category": dict(monitoring_category="困难户"),
    }
    for key, change in cases.items():
        assert key in validate_household(dataclasses.replace(ok, **change), TODAY), key


@pytest.mark.parametrize("phone,ok", [
    ("13900001111", True), ("139 0000 1111", True), ("0854-7221234", True), (None, True),
    ("1390000111", False), ("139000011112", False), ("139-0000-111a", False), ("12", False)])
def test_phone_rule(phone, ok):
    assert (phone_error(phone) is None) is ok


def test_duplicate_code_is_refused(village):
    db, vid = village
    hs.save_household(db, new_form(vid), today=TODAY)
    with pytest.raises(ValidationError) as err:
        hs.save_household(db, new_form(vid), today=TODAY)
    assert "code" in err.value.errors


def _household(db, vid, code="5227271001000001") -> int:
    hs.save_household(db, new_form(vid, code=code), today=TODAY)
    return hs.load_household(db, [i for i in registry.ids(db)][-1]).id


def test_members_add_update_and_history(village):
    db, vid = village
    hid = _household(db, vid)
    head = hs.add_member(db, hid, hs.MemberForm(id_number=make_id("19700101", 11), name="罗大明",
                                                relation="户主"), today=TODAY)
    son = hs.add_member(db, hid, hs.MemberForm(id_number=make_id("20000202", 22).lower(),
                                               name=" 罗小明 ", relation="之子"), today=TODAY)
    members = {m.id: m for m in hs.load_household(db, hid).members}
    assert members[head].sex == "男" and members[head].birth_date == dt.date(1970, 1, 1)
    assert members[son].name == "罗小明" and members[son].sex == "女"  # 022: even → 女

    form = members[son]
    form.sex = "男"  # contradicts the ID
    with pytest.raises(ValidationError) as err:
        hs.update_member(db, form, today=TODAY)
    assert "sex" in err.value.errors
    form.sex, form.relation = None, "户主"  # a second head
    with pytest.raises(ValidationError) as err:
        hs.update_member(db, form, today=TODAY)
    assert "罗大明" in err.value.errors["relation"]

    with pytest.raises(ValidationError):
        hs.mark_member_status(db, head, "死亡", None, today=TODAY)  # date required
    v = hs.mark_member_status(db, head, "死亡", dt.date(2026, 2, 1), "因病去世", today=TODAY)
    assert v == 2
    rows = {m.id: m for m in registry.members_of(db, hid)}
    assert rows[head].status == "死亡" and rows[head].status_date == dt.date(2026, 2, 1)
    assert registry.rows(db, [hid])[0].size == 1  # history kept, not counted
    with db.read() as s:
        assert s.get(Member, head) is not None  # never deleted

    hs.remove_member(db, son, "录入错误")
    assert [m.id for m in hs.load_household(db, hid).members] == [head]
    assert {m.id for m in hs.load_household(db, hid, include_deleted_members=True).members} == {
        head, son}


def test_member_id_belongs_to_one_household(village):
    db, vid = village
    h1 = _household(db, vid, "5227271001000001")
    h2 = _household(db, vid, "5227271001000002")
    number = make_id("19800303", 33)
    hs.add_member(db, h1, hs.MemberForm(id_number=number, name="甲", relation="户主"), today=TODAY)
    with pytest.raises(ValidationError) as err:
        hs.add_member(db, h2, hs.MemberForm(id_number=number, name="乙", relation="户主"),
                      today=TODAY)
    assert "5227271001000001" in err.value.errors["id_number"]
    with pytest.raises(ValidationError) as err:
        hs.add_member(db, h2, hs.MemberForm(id_number=number[:17] + "0", name="乙",
                                            relation="户主"), today=TODAY)
    assert "id_number" in err.value.errors


def test_measures_and_visits(village):
    db, vid = village
    hid = _household(db, vid)
    mid = hs.add_measure(db, hid, hs.MeasureForm(category="产业帮扶", date=dt.date(2026, 3, 1),
                                                 content="发放产业奖补", amount=Decimal("2000")),
                         today=TODAY)
    vis = hs.add_visit(db, hid, hs.VisitForm(date=dt.date(2026, 4, 1), visitor="王五",
                                             findings="收入稳定"), today=TODAY)
    form = hs.load_household(db, hid)
    assert [m.content for m in form.measures] == ["发放产业奖补"]
    assert [v.findings for v in form.visits] == ["收入稳定"]
    measure = form.measures[0]
    measure.amount = Decimal("2500")
    assert hs.update_measure(db, measure, today=TODAY) == 2
    measure.amount = Decimal("9")
    with pytest.raises(ConflictError):
        hs.update_measure(db, measure, today=TODAY)  # still version 1 in this form
    with pytest.raises(ValidationError):
        hs.add_visit(db, hid, hs.VisitForm(date=dt.date(2027, 1, 1), visitor="王五",
                                           findings="未来"), today=TODAY)
    with pytest.raises(ValidationError):
        hs.add_measure(db, hid, hs.MeasureForm(category="扶贫", date=TODAY, content="x"),
                       today=TODAY)
    hs.remove_measure(db, mid)
    hs.remove_visit(db, vis)
    form = hs.load_household(db, hid)
    assert form.measures == [] and form.visits == []
    with db.read() as s:
        removal = s.scalars(select(AuditLog).where(
            AuditLog.table_name == "measures", AuditLog.record_id == str(mid),
            AuditLog.action.in_(("delete", "update"))).order_by(AuditLog.id)).all()[-1]
    # the audit keeps what was removed (a delete row with the old values, or deleted_at set)
    assert (removal.action == "delete" and removal.changes["content"][0] == "发放产业奖补"
            or "deleted_at" in removal.changes)


def test_income_years_and_conflicts(village):
    db, vid = village
    hid = _household(db, vid)
    saved = hs.save_income(db, hid, hs.IncomeForm(year=2026, persons=4,
                                                  transfer_income=Decimal("1000.01")),
                           today=TODAY)
    assert saved.per_capita_income == Decimal("250.00")  # 250.0025 rounds half-up to the fen
    with pytest.raises(ValidationError):
        hs.save_income(db, hid, hs.IncomeForm(year=2026, persons=1), today=TODAY)  # year exists
    stale = dataclasses.replace(saved)
    saved.persons = 2
    assert hs.save_income(db, hid, saved, today=TODAY).per_capita_income == Decimal("500.01")
    stale.persons = 5
    with pytest.raises(ConflictError):
        hs.save_income(db, hid, stale, today=TODAY)
    hs.remove_income(db, saved.id)
    assert hs.load_household(db, hid).incomes == []


def test_moving_an_income_to_a_year_already_recorded_is_a_validation_error(village):
    db, vid = village
    hid = _household(db, vid)
    hs.save_income(db, hid, hs.IncomeForm(year=2025, persons=1, wage_income=Decimal("1")),
                   today=TODAY)
    other = hs.save_income(db, hid, hs.IncomeForm(year=2026, persons=1,
                                                  wage_income=Decimal("2")), today=TODAY)
    other.year = 2025  # not a database IntegrityError: a message next to the year
    with pytest.raises(ValidationError) as err:
        hs.save_income(db, hid, other, today=TODAY)
    assert err.value.field == "income.2025.year"
    assert sorted(i.year for i in hs.load_household(db, hid).incomes) == [2025, 2026]


def test_soft_delete_household(village):
    db, vid = village
    hid = _household(db, vid)
    hs.remove_household(db, hid, "重复建档")
    assert registry.count(db) == 0 and hs.load_household(db, hid).deleted
    with pytest.raises(UserError):
        hs.save_household(db, hs.load_household(db, hid), today=TODAY)
    hs.restore_household(db, hid)
    assert registry.count(db) == 1
