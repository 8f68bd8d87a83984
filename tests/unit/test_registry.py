"""Registry queries: filters, search, sorting by real values, page rows, members."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fupin_desktop.models import Household, HouseholdIncome, Member, Village
from fupin_desktop.models.base import utcnow
from fupin_desktop.services.households import registry
from fupin_desktop.services import settings
from fupin_desktop.domain.idcard import check_char
from fupin_desktop.services.households.registry import RegistryFilter as F


def make_id(birth: str, order: int) -> str:
    body = f"522727{birth}{order:03d}"
    return body + check_char(body)


@pytest.fixture
def reg(any_db):
    """Three live households (and a deleted one) chosen so text order ≠ numeric order."""
    with any_db.write() as s:
        va = Village(name="甲村", sort_order=2)
        vb = Village(name="乙村", sort_order=1)
        s.add_all([va, vb])
        s.flush()

        def house(code, village, **kw):
            h = Household(code=code, village_id=village.id, **kw)
            s.add(h)
            s.flush()
            return h

        def member(h, name, birth, order, relation="之子", **kw):
            m = Member(household_id=h.id, name=name, id_number=make_id(birth, order),
                       relation=relation, **kw)
            s.add(m)
            return m

        h1 = house("5227270101000001", va, household_type="脱贫户", helper_name="王五",
                   phone="08541234567")
        member(h1, "罗大明", "19700101", 11, "户主", phone="13900001111")
        member(h1, "周英", "19720202", 22, "配偶")
        member(h1, "罗小明", "19990303", 31)
        h2 = house("5227270101000002", vb, household_type="一般农户",
                   monitoring_category="边缘易致贫户", monitoring_date=dt.date(2024, 3, 1),
                   risk1="因病", risk2="因学", risk_eliminated=False, helper_name="艾伦")
        member(h2, "李琴", "19800404", 42, "户主")
        for i in range(9):
            member(h2, f"李子{i}", f"20{10 + i:02d}0505", 100 + i * 2, "之女")
        h3 = house("5227270101008888", vb, household_type="脱贫户",
                   monitoring_category="脱贫不稳定户", monitoring_date=dt.date(2023, 5, 1),
                   risk1="因残", risk2="因病", risk_eliminated=True, elimination_method="帮扶消除",
                   elimination_date=dt.date(2024, 6, 1))
        member(h3, "张罗", "19600606", 61, "户主")
        member(h3, "张老汉", "19300707", 71, "之父", status="死亡", status_date=dt.date(2025, 1, 2))
        member(h3, "错录人", "19900808", 82, deleted_at=utcnow())
        h4 = house("5227270101000099", va, household_type="脱贫户", deleted_at=utcnow())
        member(h4, "罗删除", "19500909", 91, "户主")
        for h, pc in ((h1, "12000.00"), (h2, "5000.00"), (h3, "900.00")):
            s.add(HouseholdIncome(household_id=h.id, year=2026, persons=1,
                                  declared_per_capita=Decimal(pc)))
        s.add(HouseholdIncome(household_id=h1.id, year=2025, persons=1,
                              declared_per_capita=Decimal("100.00")))
        ids = {"h1": h1.id, "h2": h2.id, "h3": h3.id, "h4": h4.id, "va": va.id, "vb": vb.id}
    return any_db, ids


def names(ids_map, found):
    back = {v: k for k, v in ids_map.items() if k.startswith("h")}
    return [back[i] for i in found]


def test_filters(reg):
    db, ids = reg
    n = lambda f: sorted(names(ids, registry.ids(db, f)))  # noqa: E731
    assert registry.count(db) == 3
    assert registry.count(db, F(include_deleted=True)) == 4
    assert n(F(village_id=ids["vb"])) == ["h2", "h3"]
    assert n(F(household_type="脱贫户")) == ["h1", "h3"]
    assert n(F(monitoring_category="边缘易致贫户")) == ["h2"]
    assert n(F(monitored=True)) == ["h2", "h3"] and n(F(monitored=False)) == ["h1"]
    assert n(F(risk="因病")) == ["h2", "h3"]  # risk1 or risk2
    assert n(F(risk="因学")) == ["h2"]
    assert n(F(risk_eliminated=True)) == ["h3"] and n(F(risk_eliminated=False)) == ["h2"]
    assert n(F(village_id=ids["vb"], risk_eliminated=True, household_type="一般农户")) == []


def test_below_threshold_uses_the_setting_of_that_year(reg):
    db, ids = reg
    with db.write() as s:
        settings.set(s, settings.MONITORING_THRESHOLDS, {"2025": "6000", "2026": "4000"})
    assert sorted(names(ids, registry.ids(db, F(below_threshold=2026)))) == ["h3"]
    assert names(ids, registry.ids(db, F(below_threshold=2025))) == ["h1"]  # 100.00 in 2025
    with db.write() as s:
        settings.set_monitoring_threshold(s, 2026, "5000.01")
    assert sorted(names(ids, registry.ids(db, F(below_threshold=2026)))) == ["h2", "h3"]


@pytest.mark.parametrize("text,expected", [
    ("罗", ["h1"]),  # one character: surname only, so 张罗 is not found
    ("大明", ["h1"]),  # given name without surname
    ("张罗", ["h3"]),
    ("李子3", ["h2"]),
    ("老汉", ["h3"]),  # a member who died is still found
    ("错录", []),  # a deleted member is not
    ("罗删", []),  # nor a deleted household
    ("0404", ["h2"]),  # digits of 李琴's ID
    ("１９８００４０４", ["h2"]),  # full-width digits
    (make_id("19800404", 42), ["h2"]),  # a whole ID number
    ("13900001111", ["h1"]),  # a member's phone
    ("12345", ["h1"]),  # part of the household phone
    ("8888", ["h3"]),  # end of a 户编号
    ("522", ["h1", "h2", "h3"]),  # first digits: start of the 户编号
    ("罗 0001", ["h1"]),  # every word must match
    ("罗 0002", []),
    ("_", []), ("%", []),  # LIKE wildcards are literal
])
def test_search(reg, text, expected):
    db, ids = reg
    assert sorted(names(ids, registry.ids(db, F(search=text)))) == expected
    assert registry.count(db, F(search=text)) == len(expected)


def test_search_lower_case_x(reg):
    db, ids = reg
    with db.read() as s:
        from sqlalchemy import select

        numbers = s.scalars(select(Member.id_number).where(Member.deleted_at.is_(None))).all()
    with_x = [n for n in numbers if n.endswith("X")]
    assert with_x  # 李子6's ID ends in X
    assert names(ids, registry.ids(db, F(search=with_x[0][-6:].lower()))) == ["h2"]


def test_sorting_uses_real_values(reg):
    db, ids = reg
    order = lambda key, desc=False: names(ids, registry.ids(db, F(), key, desc))  # noqa: E731
    assert order("code") == ["h1", "h2", "h3"]
    assert order("code", True) == ["h3", "h2", "h1"]
    assert order("size") == ["h3", "h1", "h2"]  # 1 < 3 < 10 (not "10" < "3")
    assert order("per_capita_income") == ["h3", "h2", "h1"]  # 900 < 5000 < 12000
    assert order("per_capita_income", True) == ["h1", "h2", "h3"]
    assert names(ids, registry.ids(db, F(), "per_capita_income", year=2025)) == ["h1", "h2", "h3"]
    assert order("village") == ["h2", "h3", "h1"]  # 乙村 has sort_order 1
    assert order("monitoring_category")[-1] == "h1"  # empty values last …
    assert order("monitoring_category", True)[-1] == "h1"  # … in both directions
    assert order("helper") == ["h1", "h2", "h3"]  # 王五 < 艾伦 (code points), none last
    assert names(ids, registry.ids(db, F(), "code", limit=1, offset=1)) == ["h2"]
    with pytest.raises(ValueError):
        registry.ids(db, F(), "nonsense")


def test_rows_for_a_page(reg):
    db, ids = reg
    with db.write() as s:
        settings.set(s, settings.MONITORING_THRESHOLDS, {"2026": "6000"})
    page = registry.rows(db, [ids["h3"], 999_999, ids["h1"], ids["h2"]])
    assert [r.id for r in page] == [ids["h3"], ids["h1"], ids["h2"]]
    h3, h1, h2 = page
    assert (h1.head_name, h1.size, h1.village, h1.helper_name) == ("罗大明", 3, "甲村", "王五")
    assert (h3.head_name, h3.size) == ("张罗", 1)  # the father died, the deleted entry is not counted
    assert h2.size == 10 and h2.risks == "因病、因学" and h2.risk_eliminated is False
    assert h1.per_capita_income == Decimal("12000.00") and h1.income_year == 2026
    assert isinstance(h2.per_capita_income, Decimal)
    assert [r.below_threshold for r in page] == [True, False, True]
    assert registry.rows(db, []) == []
    old = registry.rows(db, [ids["h1"], ids["h2"]], year=2025)
    assert old[0].per_capita_income == Decimal("100.00") and old[1].per_capita_income is None
    assert old[1].income_year is None and old[1].below_threshold is False


def test_query_gives_ids_and_first_page(reg):
    db, ids = reg
    page = registry.query(db, F(village_id=ids["vb"]), "size", True, page_size=1)
    assert page.count == 2 and names(ids, page.ids) == ["h2", "h3"]
    assert [r.id for r in page.rows] == [ids["h2"]] and page.income_year == 2026


def test_members_of_lists_history_head_first(reg):
    db, ids = reg
    ms = registry.members_of(db, ids["h3"])
    assert [m.name for m in ms] == ["张罗", "张老汉"]
    assert ms[1].status == "死亡" and not ms[1].active and ms[0].active
    assert [m.name for m in registry.members_of(db, ids["h3"], include_deleted=True)] == [
        "张罗", "张老汉", "错录人"]
    first = registry.members_of(db, ids["h1"])
    assert [m.relation for m in first] == ["户主", "配偶", "之子"]
    assert first[0].id_number == make_id("19700101", 11)


def test_village_choices_in_office_order(reg):
    db, ids = reg
    assert registry.village_choices(db) == [(ids["vb"], "乙村"), (ids["va"], "甲村")]
