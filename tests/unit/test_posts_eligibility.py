"""Eligibility rules for public-welfare posts, one test per rule, plus override and settings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from fupin_desktop.models import AuditLog
from fupin_desktop.models.posts import Assignment
from fupin_desktop.services.posts.assignments import (AssignmentInput, EligibilityError, PostInput,
                                                      create_assignment, end_assignment, save_post)
from fupin_desktop.services.posts.eligibility import check_eligibility
from fupin_desktop.services.posts.rules import save_rules
from tests.unit import _posts_data as d

START = dt.date(2025, 3, 1)


def _setup(db, **member_kw):
    htype = member_kw.pop("htype", "脱贫户")
    monitoring = member_kw.pop("monitoring", None)
    with db.write() as s:
        vid = d.village(s)
        hid = d.household(s, vid, htype=htype, monitoring=monitoring)
        mid = d.member(s, hid, **member_kw)
    post = save_post(db, PostInput(name="东风村保洁员", post_type="保洁员",
                                   wage_standard=Decimal("500"), village_id=vid))
    return vid, hid, mid, post.id


def _check(db, mid, start=START, end=None):
    with db.read() as s:
        return check_eligibility(s, mid, start, end)


def _codes(result):
    return [f.code for f in result.failures]


def test_registered_household_member_is_eligible(any_db):
    _, _, mid, _ = _setup(any_db)
    r = _check(any_db, mid)
    assert r.ok, r.message


def test_general_household_not_monitored_fails_registered_rule(any_db):
    _, _, mid, _ = _setup(any_db, htype="一般农户")
    r = _check(any_db, mid)
    assert _codes(r) == ["registered"]
    assert "脱贫户或监测对象家庭成员" in r.message and "一般农户" in r.message


def test_general_household_under_monitoring_is_eligible(any_db):
    _, _, mid, _ = _setup(any_db, htype="一般农户", monitoring="边缘易致贫户")
    assert _check(any_db, mid).ok


@pytest.mark.parametrize("status", ["死亡", "迁出"])
def test_dead_or_moved_out_member_fails(any_db, status):
    _, _, mid, _ = _setup(any_db, status=status)
    r = _check(any_db, mid)
    assert _codes(r) == ["alive"]
    assert status in r.message and "健在且未迁出" in r.message


@pytest.mark.parametrize("birth,ok", [
    (dt.date(2009, 3, 1), True),    # 16 exactly on the start date
    (dt.date(2009, 3, 2), False),   # one day short of 16
    (dt.date(1959, 3, 2), True),    # 65, turns 66 the next day
    (dt.date(1959, 3, 1), False),   # 66 on the start date
])
def test_age_range_default_16_to_65(any_db, birth, ok):
    _, _, mid, _ = _setup(any_db, birth=birth)
    r = _check(any_db, mid)
    assert r.ok is ok
    if not ok:
        assert _codes(r) == ["age"] and "16至65周岁" in r.message


def test_age_range_is_a_setting(any_db):
    _, _, mid, _ = _setup(any_db, birth=dt.date(1963, 1, 1))  # 62 on START
    assert _check(any_db, mid).ok
    save_rules(any_db, {"posts.age_max": 60}, reason="县里新规定")
    r = _check(any_db, mid)
    assert _codes(r) == ["age"] and "16至60周岁" in r.message


@pytest.mark.parametrize("skill,ok", [("丧失劳动力", False), ("无劳动力", False),
                                      ("弱劳动力或半劳动力", True), ("普通劳动力", True)])
def test_labour_ability(any_db, skill, ok):
    _, _, mid, _ = _setup(any_db, labour=skill)
    r = _check(any_db, mid)
    assert r.ok is ok
    if not ok:
        assert _codes(r) == ["labour"] and skill in r.message


def test_one_post_per_person(any_db):
    vid, _, mid, pid = _setup(any_db)
    create_assignment(any_db, AssignmentInput(mid, pid, dt.date(2025, 1, 1)))
    other = save_post(any_db, PostInput(name="东风村护林员", post_type="护林员",
                                        wage_standard="400", village_id=vid))
    with pytest.raises(EligibilityError) as err:
        create_assignment(any_db, AssignmentInput(mid, other.id, START))
    assert [f.code for f in err.value.result.failures] == ["one_per_person"]
    assert "一人一岗" in str(err.value)


def test_one_post_per_person_allows_consecutive_posts(any_db):
    vid, _, mid, pid = _setup(any_db)
    a = create_assignment(any_db, AssignmentInput(mid, pid, dt.date(2025, 1, 1)))
    end_assignment(any_db, a.id, dt.date(2025, 2, 28), "离岗", "调整岗位")
    other = save_post(any_db, PostInput(name="东风村护林员", post_type="护林员",
                                        wage_standard="400", village_id=vid))
    b = create_assignment(any_db, AssignmentInput(mid, other.id, START))
    assert b.status == "在岗"


def test_one_post_per_household_is_configurable(any_db):
    vid, hid, mid, pid = _setup(any_db)
    with any_db.write() as s:
        spouse = d.member(s, hid, name="李四", birth=dt.date(1982, 1, 1))
    other = save_post(any_db, PostInput(name="东风村护路员", post_type="护路员",
                                        wage_standard="400", village_id=vid))
    create_assignment(any_db, AssignmentInput(mid, pid, dt.date(2025, 1, 1)))
    r = _check(any_db, spouse)
    assert _codes(r) == ["one_per_household"] and "张三" in r.message
    save_rules(any_db, {"posts.one_per_household": False})
    assert _check(any_db, spouse).ok
    create_assignment(any_db, AssignmentInput(spouse, other.id, START))


def test_override_needs_reason_and_is_stored_and_audited(any_db):
    _, _, mid, pid = _setup(any_db, htype="一般农户")
    with pytest.raises(EligibilityError):
        create_assignment(any_db, AssignmentInput(mid, pid, START), override_reason="  ")
    a = create_assignment(any_db, AssignmentInput(mid, pid, START),
                          override_reason="村两委研究同意，临时困难")
    assert a.override_rules == "脱贫户或监测对象家庭成员"
    assert a.override_reason == "村两委研究同意，临时困难"
    with any_db.read() as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.table_name == "post_assignments",
                                                 AuditLog.action == "insert")).one()
        assert audit.reason == "资格例外：村两委研究同意，临时困难"
        assert s.scalar(select(Assignment.override_reason)) == "村两委研究同意，临时困难"


def test_several_failures_are_all_named(any_db):
    _, _, mid, _ = _setup(any_db, htype="一般农户", status="迁出", labour="丧失劳动力",
                          birth=dt.date(1940, 1, 1))
    r = _check(any_db, mid)
    assert _codes(r) == ["registered", "alive", "age", "labour"]


def test_update_assignment_rechecks_rules_but_not_against_itself(any_db):
    from fupin_desktop.services.posts.assignments import update_assignment

    vid, hid, mid, pid = _setup(any_db)
    a = create_assignment(any_db, AssignmentInput(mid, pid, dt.date(2025, 1, 1)))
    b = update_assignment(any_db, a.id, AssignmentInput(mid, pid, dt.date(2025, 2, 1),
                                                        bank_account="6228 4804 0256 4890 018"),
                          a.version)
    assert b.start_date == dt.date(2025, 2, 1) and b.bank_account == "6228480402564890018"
    with any_db.write() as s:
        old = d.member(s, hid, name="老人", birth=dt.date(1950, 1, 1))
    with pytest.raises(EligibilityError):
        update_assignment(any_db, a.id, AssignmentInput(old, pid, dt.date(2025, 2, 1)), b.version)
