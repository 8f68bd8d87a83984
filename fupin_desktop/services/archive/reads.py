"""What each generated ledger of the year archive reads, and its data token.

A ledger item is re-rendered when its token changes. The token is built from the audit log
(every write is audited: ORM events, ``record_bulk`` for bulk statements) restricted to what the
ledger's queries read: for each table in ``LEDGER_READS[kind]``, every audit row that inserts,
deletes or bulk-writes rows of it, and every update that changes one of the listed columns.
An update of a column no query of the ledger reads (in its SELECT list, WHERE, JOIN, ORDER BY)
cannot change any of its query results, so it cannot change the ledger: a household's address,
which no ledger prints, re-renders that household's file only.

Listing too much only costs a re-render; listing too little keeps a stale item in the year's
archive. ``tests/unit/test_archive_reads.py`` therefore runs every ledger's renderer with every
statement traced and fails when a query reads a column (or selects a whole record) that is not
listed here: a ledger that starts to print a column must list it.

Reads of the audit log itself (the values a record had on the ledger's day, services/asof.py)
need no entry: they look up earlier values of listed columns, and an audit row about a listed
column is an update of it, which changes the token anyway.

The count and the highest id of the matching rows are kept, so a row that commits late with a
lower id (PostgreSQL sequences) still changes the token.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import func, or_, select

from ...domain.household_vocab import MEASURE_CATEGORIES
from ...models import AuditLog
from .settings import CONFIG_KEY

ALL = None  # every column of the table (a whole record is selected)

# Columns the audit log leaves out of its changes (audit_events._NOISE): a ledger reading one
# of them is taken to read the whole table.
_UNLOGGED = frozenset({"version", "updated_at", "created_at"})


def _cols(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MEASURE_FLAGS = " ".join(f"measure_{attr}" for attr, _cn in MEASURE_CATEGORIES)
_HOUSEHOLD_ROW = _cols("id code village_id deleted_at household_type monitoring_category "
                       "monitoring_date risk_eliminated elimination_method elimination_date "
                       "risk1 risk2 risk3 risk4 risk5 phone helper_name " + _MEASURE_FLAGS)
_HOUSEHOLD_KEY = _cols("id code village_id deleted_at")  # village, 户编号, live households
_HEADS = _cols("id household_id name id_number relation status status_date birth_date "
               "deleted_at")  # 户主 and the household size, as of the ledger's day
_VILLAGES = _cols("id name sort_order")
_MEMBER_NAME = _cols("id household_id name id_number deleted_at")
_POSTS_MONEY = {  # the payroll and its year summary (services/posts/payroll.py)
    "members": _cols("id name"),
    "post_assignments": _cols("id member_id post_id start_date end_date"),
    "post_attendance_corrections": ALL, "post_month_closures": ALL, "post_wage_lines": ALL,
    "post_wage_runs": ALL, "post_wage_slips": ALL,
    "posts": _cols("id name village_id"),
    "villages": _VILLAGES,
}

# ledger kind (ITEM_KINDS "ledger:<kind>") -> table -> the columns its content reads, or ALL.
# Every ledger reads the settings (township, unit, masking, thresholds): any change of them
# except the archive's own configuration re-renders it.
LEDGER_READS: dict[str, dict[str, frozenset[str] | None]] = {
    "households": {"households": _HOUSEHOLD_ROW, "members": _HEADS, "villages": _VILLAGES,
                   "household_incomes": _cols("household_id year net_income per_capita_income")},
    "members": {"households": _HOUSEHOLD_KEY, "villages": _VILLAGES, "members": _cols(
        "id household_id name sex id_number birth_date relation ethnicity education health "
        "labour_skill work_months status status_date phone deleted_at")},
    "monitoring": {"households": _HOUSEHOLD_ROW, "members": _HEADS, "villages": _VILLAGES,
                   "household_incomes": _cols("household_id year net_income per_capita_income")},
    "measures": {"households": _HOUSEHOLD_KEY, "members": _HEADS, "villages": _VILLAGES,
                 "measures": _cols("id household_id member_id category date content amount "
                                   "responsible deleted_at")},
    "visits": {"households": _HOUSEHOLD_KEY, "members": _HEADS, "villages": _VILLAGES,
               "visits": _cols("id household_id date visitor findings follow_up deleted_at")},
    "posts": {"households": _cols("id code"), "members": _cols("id household_id name id_number"),
              "post_assignments": ALL, "villages": _VILLAGES,
              "posts": _cols("id name post_type village_id duty_area wage_standard")},
    "attendance": {"members": _cols("id name id_number"),
                   "post_assignments": _cols("id member_id post_id start_date end_date deleted_at"),
                   "post_attendance": ALL, "post_attendance_corrections": ALL,
                   "post_month_closures": _cols("id month"), "villages": _VILLAGES,
                   "posts": _cols("id name post_type required_days village_id")},
    "payroll": _POSTS_MONEY,
    "wages-annual": _POSTS_MONEY,
    "medical": {"households": _HOUSEHOLD_KEY, "members": _MEMBER_NAME, "villages": _VILLAGES,
                "medical_settlements": ALL},
    "chronic": {"households": _HOUSEHOLD_KEY, "members": _MEMBER_NAME, "villages": _VILLAGES,
                "medical_chronic_cards": ALL, "medical_disease_types": _cols("id name sort_order"),
                "medical_doctor_signings": _cols("member_id signed_date end_date deleted_at")},
    "signing": {"households": _HOUSEHOLD_KEY, "members": _MEMBER_NAME, "villages": _VILLAGES,
                "medical_doctor_signings": ALL, "medical_follow_ups": _cols("signing_id date")},
    "problems": {"households": _cols("id code"), "villages": _VILLAGES,
                 "members": _cols("id household_id name relation deleted_at"),
                 "problems": ALL, "problem_events": _cols("id problem_id new_status ts")},
}
for _reads in LEDGER_READS.values():
    _reads["settings"] = ALL
    for _t, _c in list(_reads.items()):
        if _c is not ALL and _c & _UNLOGGED:
            _reads[_t] = ALL


def _not_archive_config():
    return or_(AuditLog.table_name != "settings", AuditLog.record_key.is_(None),
               AuditLog.record_key != CONFIG_KEY)


def ledger_tokens(session, kinds=None) -> dict[str, str]:
    """ledger kind -> a token that changes whenever an audited write touches what it reads."""
    kinds = list(LEDGER_READS) if kinds is None else [k for k in kinds if k in LEDGER_READS]
    tables = sorted({t for k in kinds for t in LEDGER_READS[k]})
    # (table, action) -> [count, highest id]
    whole: dict[tuple[str, str], list[int]] = {
        (t, a): [n, top] for t, a, n, top in session.execute(
            select(AuditLog.table_name, AuditLog.action, func.count(), func.max(AuditLog.id))
            .where(AuditLog.table_name.in_(tables), _not_archive_config())
            .group_by(AuditLog.table_name, AuditLog.action))}
    # the updates of tables some ledger reads only some columns of, filtered per ledger
    partial = sorted({t for k in kinds for t, c in LEDGER_READS[k].items() if c is not ALL})
    wanted = {k: {t: c for t, c in LEDGER_READS[k].items() if c is not ALL} for k in kinds}
    hits: dict[tuple[str, str], list[int]] = {}
    if partial:
        for rid, table, changes in session.execute(
                select(AuditLog.id, AuditLog.table_name, AuditLog.changes)
                .where(AuditLog.table_name.in_(partial), AuditLog.action == "update")):
            changed = set(changes) if isinstance(changes, dict) and changes else None
            for k in kinds:
                cols = wanted[k].get(table)
                if cols is None:
                    continue
                if changed is None or not changed.isdisjoint(cols):  # unknown: counts
                    h = hits.setdefault((k, table), [0, 0])
                    h[0] += 1
                    h[1] = max(h[1], rid)
    out = {}
    for k in kinds:
        parts = []
        for t, cols in sorted(LEDGER_READS[k].items()):
            for (table, action), (n, top) in sorted(whole.items()):
                if table == t and (cols is ALL or action != "update"):
                    parts.append([t, action, n, top])
            if cols is not ALL:
                parts.append([t, "update:" + ",".join(sorted(cols)), *hits.get((k, t), [0, 0])])
        out[k] = hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]
    return out
