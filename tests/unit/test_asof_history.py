"""A member's status on a past day comes from the status date and the audited changes."""

from __future__ import annotations

import datetime as dt

import time_machine

from fupin_desktop.domain.asof import card_state_on, status_on
from fupin_desktop.models import Household, Member, Village
from fupin_desktop.services.asof import member_states_on
from fupin_desktop.services.households.edit import mark_member_status

END_2025 = dt.date(2025, 12, 31)


def test_status_on_takes_the_last_state_in_effect():
    states = [(dt.date(2025, 3, 1), "失联"), (dt.date(2026, 2, 1), "死亡")]
    assert status_on(states, dt.date(2025, 1, 1)) == "正常"
    assert status_on(states, END_2025) == "失联"
    assert status_on(states, dt.date(2026, 2, 1)) == "死亡"
    assert status_on([(None, "迁出")], END_2025) == "迁出"  # no date: cannot tell, keep it


def test_card_state_comes_from_its_dates():
    assert card_state_on("有效", dt.date(2024, 1, 1), dt.date(2025, 6, 30), END_2025) == "已过期"
    assert card_state_on("有效", dt.date(2024, 1, 1), dt.date(2026, 6, 30), END_2025) == "有效"
    assert card_state_on("有效", dt.date(2026, 1, 2), None, END_2025) is None
    assert card_state_on("已注销", dt.date(2024, 1, 1), dt.date(2025, 6, 30), END_2025) == "已注销"


def _members(db, n):
    with db.write(reason="测试") as s:
        v = Village(name="幸福村")
        h = Household(code="5227271001000001", village=v, household_type="脱贫户")
        ms = [Member(household=h, id_number=f"52272719800101{i:03d}X"[:18], name=f"成员{i}",
                     relation="户主" if i == 0 else "之子", status="正常") for i in range(n)]
        s.add_all([v, h, *ms])
        s.flush()
        return [m.id for m in ms]


def test_member_states_follow_the_audit_trail(any_db):
    db = any_db
    a, b, c = _members(db, 3)
    with time_machine.travel(dt.datetime(2025, 4, 5, 9), tick=False):
        mark_member_status(db, a, "失联", dt.date(2025, 3, 1))
        mark_member_status(db, b, "迁出", dt.date(2025, 4, 1))
    with time_machine.travel(dt.datetime(2026, 2, 3, 9), tick=False):
        mark_member_status(db, a, "死亡", dt.date(2026, 2, 1))  # 失联, then found dead
        mark_member_status(db, b, "正常", None)  # came back in 2026
        mark_member_status(db, c, "死亡", dt.date(2026, 1, 20))
    with db.read() as s:
        y2025 = member_states_on(s, END_2025)
        now = member_states_on(s, dt.date(2026, 6, 1))
    assert (y2025[a].status, y2025[a].status_date) == ("失联", dt.date(2025, 3, 1))
    assert (y2025[b].status, y2025[b].status_date) == ("迁出", dt.date(2025, 4, 1))
    assert (y2025[c].status, y2025[c].status_date) == ("正常", None)
    assert [now[i].status for i in (a, b, c)] == ["死亡", "正常", "死亡"]
