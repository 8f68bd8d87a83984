"""Queries for year-end ("as of a date") outputs: the values records had on a given day.

History comes from two places (README “年度档案的截止日”):
- effective dates kept on the records themselves: a member's 状态日期, a household's
  识别监测时间 and 风险消除时间, a post assignment's 上岗/离岗日期, a card's 认定/复审日期;
- the audit trail (one row per change with old → new, written in the same transaction) for
  fields that keep only their current value: a member's earlier status, a household's 户类型
  and 监测对象类别, a chronic card's 状态. A change is dated by its audit timestamp.

The pure rules are in domain/asof.py. Every function here takes a session and returns plain
values keyed by record id.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import String, cast, func, select

from ..domain.asof import NORMAL, date_on, status_on
from ..models import AuditLog, Household, HouseholdIncome, Member


def default_year(session, as_of: dt.date) -> int:
    """The income year outputs look at by default on ``as_of``: the latest year with incomes
    up to as_of's year (as_of's year when there are none)."""
    y = session.scalar(select(func.max(HouseholdIncome.year)).where(HouseholdIncome.year <= as_of.year))
    return int(y) if y else as_of.year


def cutoff(on: dt.date) -> dt.datetime:
    """The end of day ``on`` (local time) as the naive UTC the audit log stores."""
    local = dt.datetime.combine(on + dt.timedelta(days=1), dt.time()).astimezone()
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _changes(session, table: str, field: str, ids: Iterable[int] | None, *, after=None):
    """(record id, ts, old, new) of every audited update of ``field`` in ``table``, in order."""
    q = (select(AuditLog.record_id, AuditLog.ts, AuditLog.changes)
         .where(AuditLog.table_name == table, AuditLog.action == "update",
                cast(AuditLog.changes, String).like(f'%"{field}"%'))
         .order_by(AuditLog.id))
    if after is not None:
        q = q.where(AuditLog.ts >= after)
    if ids is not None:
        ids = [str(i) for i in ids]
        if not ids:
            return
        q = q.where(AuditLog.record_id.in_(ids))
    for rid, ts, changes in session.execute(q):
        pair = (changes or {}).get(field)
        if isinstance(pair, list) and len(pair) == 2 and rid.isdigit():
            yield int(rid), ts, pair[0], pair[1]


def values_on(session, table: str, field: str, on: dt.date,
              ids: Iterable[int] | None = None) -> dict[int, object]:
    """record id -> the value ``field`` had on ``on``, for the records whose value changed after
    that day (the old value of the first later change); records missing here kept theirs."""
    out: dict[int, object] = {}
    for rid, _ts, old, _new in _changes(session, table, field, ids, after=cutoff(on)):
        out.setdefault(rid, old)
    return out


def _parse_date(v) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(v)[:10]) if v else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class MemberOn:
    status: str
    status_date: dt.date | None  # the date the (non-正常) status took effect


def member_states_on(session, on: dt.date, ids: Iterable[int] | None = None) -> dict[int, MemberOn]:
    """member id -> status on ``on`` (and its date), for every member, deleted ones included.

    The states are the audited status changes in order (each effective on its 状态日期, or on
    the day it was recorded when it has none — a return to 正常 carries no date), ending with
    the current value, whose 状态日期 is authoritative."""
    q = select(Member.id, Member.status, Member.status_date)
    if ids is not None:
        ids = list(ids)
        q = q.where(Member.id.in_(ids))
    current = {mid: (st or NORMAL, sd) for mid, st, sd in session.execute(q)}
    history: dict[int, list[tuple[dt.date | None, str]]] = defaultdict(list)
    dates = {}
    for rid, ts, _old, new in _changes(session, "members", "status_date", ids):
        dates[(rid, ts)] = _parse_date(new)
    for rid, ts, old, new in _changes(session, "members", "status", ids):
        h = history[rid]
        if not h and old and old != NORMAL:
            h.append((None, old))  # recorded with that status from the start
        eff = dates.get((rid, ts)) if new != NORMAL else None
        h.append((eff or ts.date(), new or NORMAL))
    out = {}
    for mid, (status, sdate) in current.items():
        states = history.get(mid, [])
        if not states or states[-1][1] != status:
            states = [*states, (None, status)]
        if status != NORMAL:
            states[-1] = (sdate, status)  # the current 状态日期 corrects any earlier entry
        st = status_on(states, on)
        if st == NORMAL:
            out[mid] = MemberOn(NORMAL, None)
        elif st == status:
            out[mid] = MemberOn(st, date_on(sdate, on))
        else:
            eff = next((e for e, s in reversed(states) if s == st and (e is None or e <= on)), None)
            out[mid] = MemberOn(st, eff)
    return out


@dataclass(frozen=True, slots=True)
class HouseholdOn:
    household_type: str | None
    monitoring_category: str | None
    monitoring_date: dt.date | None
    risk_eliminated: bool | None
    elimination_method: str | None
    elimination_date: dt.date | None


def household_states_on(session, on: dt.date, ids: Iterable[int] | None = None) -> dict[int, HouseholdOn]:
    """household id -> 户类型, 监测 and 风险消除 as they stood on ``on``.

    户类型 and 监测对象类别 come from the audit trail (current value unless changed after
    ``on``); a household identified for monitoring after ``on`` was not monitored yet, and a
    risk eliminated after ``on`` was still open."""
    q = select(Household.id, Household.household_type, Household.monitoring_category,
               Household.monitoring_date, Household.risk_eliminated,
               Household.elimination_method, Household.elimination_date)
    if ids is not None:
        ids = list(ids)
        q = q.where(Household.id.in_(ids))
    rows = session.execute(q).all()
    types = values_on(session, "households", "household_type", on, ids)
    cats = values_on(session, "households", "monitoring_category", on, ids)
    mdates = values_on(session, "households", "monitoring_date", on, ids)
    out = {}
    for hid, htype, cat, mdate, elim, method, edate in rows:
        htype = types.get(hid, htype)
        cat = cats.get(hid, cat) or None
        if hid in mdates:
            mdate = _parse_date(mdates[hid])
        if mdate is not None and mdate > on:
            cat, mdate = None, None
        if edate is not None and edate > on:
            elim, method, edate = False, None, None
        if cat is None and mdate is None and not elim:
            method = edate = None
        out[hid] = HouseholdOn(htype, cat, mdate, elim, method, edate)
    return out


def chronic_statuses_on(session, on: dt.date, ids: Iterable[int] | None = None) -> dict[int, str]:
    """card id -> its recorded 状态 on ``on`` where it changed after that day (audit trail)."""
    return {k: str(v) for k, v in values_on(session, "medical_chronic_cards", "status", on,
                                            ids).items() if v}


def live_on(deleted_at, on: dt.date) -> bool:
    """A soft-deleted row still counts on ``on`` when it was deleted after that day."""
    return deleted_at is None or deleted_at >= cutoff(on)
