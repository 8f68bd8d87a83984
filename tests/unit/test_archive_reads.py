"""The year archive re-renders a ledger exactly when its content can change.

A ledger's fingerprint follows only the audited writes to what its queries read
(services/archive/reads.py). Two guards: every query a ledger's renderer runs reads only columns
``LEDGER_READS`` lists for it (traced here, statement by statement), and after real edits every
ledger whose rendered bytes changed got a new fingerprint (never a stale item), while a field
no ledger prints (the household's address) re-renders the household's file alone."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import Column, Table, event, select
from sqlalchemy.sql import visitors
from sqlalchemy.sql.selectable import FromClause
from sqlalchemy.sql.util import find_tables

from fupin_desktop.archive.itemfile import read_source
from fupin_desktop.archive.package import _volatile_free
from fupin_desktop.models import Base, Household, Measure, Member, Village, Visit
from fupin_desktop.services.archive import render as archive_render
from fupin_desktop.services.archive.build import build_year
from fupin_desktop.services.archive.plan import plan_year
from fupin_desktop.services.archive.reads import ALL, LEDGER_READS
from fupin_desktop.services.archive.settings import ITEM_KINDS
from fupin_desktop.services.demo import generate_demo

YEAR = 2025
TODAY = dt.date(2025, 11, 20)


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    from tests.conftest import make_sqlite_db

    base = tmp_path_factory.mktemp("reads")
    db = make_sqlite_db(base / "town.db")
    generate_demo(db, households=30, seed=5, today=TODAY)
    archive_render.use_database(db)
    yield db, base
    db.dispose()


def _reads_of(stmt, out: dict[str, set]) -> None:
    """table -> the columns ``stmt`` references anywhere ("*": a whole record selected)."""
    for el in getattr(stmt, "_raw_columns", None) or ():
        if isinstance(el, FromClause):
            for t in find_tables(el, include_aliases=True):
                if isinstance(t, Table):
                    out.setdefault(t.name, set()).add("*")
    if not hasattr(stmt, "_raw_columns"):
        out.setdefault("?", set()).add(f"{type(stmt).__name__}: {str(stmt)[:120]}")
        return
    for el in visitors.iterate(stmt):
        if isinstance(el, Column) and isinstance(getattr(el, "table", None), Table):
            out.setdefault(el.table.name, set()).add(el.key)


def _ledger_items(db):
    return [p for p in plan_year(db, YEAR).items if p.kind.startswith("ledger:")]


def test_every_ledger_kind_and_table_is_covered():
    kinds = {k.removeprefix("ledger:") for k in ITEM_KINDS if k.startswith("ledger:")}
    assert kinds == set(LEDGER_READS)
    audited = {m.local_table.name: getattr(m.class_, "__audited__", False)
               for m in Base.registry.mappers}
    for kind, reads in LEDGER_READS.items():
        for table in reads:
            assert audited.get(table), f"{kind} reads {table}, which the audit log does not follow"


def test_every_query_of_every_ledger_reads_only_what_reads_py_lists(town):
    db, _ = town
    items = _ledger_items(db)
    assert {p.kind.removeprefix("ledger:") for p in items} == set(LEDGER_READS)  # all exercised
    seen: dict[str, set] = {}

    def trace(conn, stmt, *args):
        _reads_of(stmt, seen)

    event.listen(db.engine, "before_execute", trace)
    try:
        for p in items:
            seen.clear()
            assert read_source(p.source)[:5] == b"%PDF-"
            kind = p.kind.removeprefix("ledger:")
            declared = LEDGER_READS[kind]
            assert "?" not in seen, (p.item.key, seen["?"])
            for table, cols in seen.items():
                if table == "audit_log":
                    continue  # earlier values of listed columns (see reads.py)
                assert table in declared, f"{p.item.key} reads table {table} ({sorted(cols)})"
                if declared[table] is not ALL:
                    extra = cols - declared[table]
                    assert not extra, f"{p.item.key} reads {table}.{sorted(extra)}, not listed"
    finally:
        event.remove(db.engine, "before_execute", trace)


def _ledger_bytes(db) -> dict[str, tuple[str, str]]:
    """key -> (fingerprint, sha256 of the rendered ledger without its volatile /ID and dates)."""
    return {p.item.key: (p.fingerprint,
                         hashlib.sha256(_volatile_free(read_source(p.source))).hexdigest())
            for p in _ledger_items(db)}


def _set(model, where, **values):
    def edit(s):
        row = s.scalars(select(model).where(*where).order_by(model.id)).first()
        for k, v in values.items():
            setattr(row, k, v(getattr(row, k)) if callable(v) else v)
    return edit


_HEAD = (Member.relation == "户主", Member.deleted_at.is_(None))
_LIVE = (Household.deleted_at.is_(None),)
_JAN1 = dt.date(YEAR, 1, 1)
# an edit; the ledgers (kinds) whose content it changes; those it re-renders (the monitoring
# ledger reads the household columns the households ledger prints: one query for both)
EDITS = {
    "household address": (_set(Household, _LIVE, address=lambda a: (a or "") + "（门牌已更正）"),
                          set(), set()),
    "household phone": (_set(Household, _LIVE, phone="13800001111"), {"households"},
                        {"households", "monitoring"}),
    "household helper": (_set(Household, _LIVE, helper_name="帮扶人甲"),  # not monitored
                         {"households"}, {"households", "monitoring"}),
    "head's name": (_set(Member, _HEAD, name="张新名"), None, None),  # printed by many
    "member education": (_set(Member, _HEAD, education="大专"), {"members"}, {"members"}),
    "member phone": (_set(Member, _HEAD, phone="13912345678"), {"members"}, {"members"}),
    "village name": (_set(Village, (), name=lambda n: n + "新"), None, None),
    "measure content": (_set(Measure, (Measure.deleted_at.is_(None), Measure.date.between(_JAN1, TODAY)),
                             content=lambda c: (c or "") + "（补记）"), {"measures"}, {"measures"}),
    "visit findings": (_set(Visit, (Visit.deleted_at.is_(None), Visit.date.between(_JAN1, TODAY)),
                            findings=lambda f: (f or "") + "（补记）"), {"visits"}, {"visits"}),
}


def test_an_edit_changes_the_fingerprint_of_every_ledger_it_changes_and_no_other(town):
    db, _ = town
    before = _ledger_bytes(db)
    for name, (edit, content, rendered) in EDITS.items():
        with db.write() as s:
            edit(s)
        after = _ledger_bytes(db)
        assert after.keys() == before.keys(), name
        changed = {k for k in after if after[k][1] != before[k][1]}  # the content
        refreshed = {k for k in after if after[k][0] != before[k][0]}  # the fingerprint
        assert changed <= refreshed, f"{name}: stale ledgers {sorted(changed - refreshed)}"
        if content is not None:
            assert {k.split(":")[1] for k in changed} == content, name
            assert {k.split(":")[1] for k in refreshed} == rendered, name
        else:
            assert changed, name
        before = after


def test_a_rebuild_after_an_address_change_renders_that_household_file_only(town, tmp_path):
    db, _ = town
    first = build_year(db, YEAR, tmp_path / "bag", workers=1)
    with db.write() as s:
        h = s.scalars(select(Household).where(*_LIVE).order_by(Household.id)).first()
        h.address, hid = (h.address or "") + "（门牌已更正）", h.id
    plan = plan_year(db, YEAR)
    stale = [p for p in plan.items if p.stale]
    assert [(p.kind, p.ref_id) for p in stale] == [("household-file", hid)]
    again = build_year(db, YEAR, tmp_path / "bag", workers=1)
    assert again.rendered == 1 and again.skipped == first.items - 1
    with db.write() as s:
        s.get(Household, hid).phone = "13800002222"  # printed by the households ledger
    plan = plan_year(db, YEAR)
    assert sorted(p.item.key for p in plan.items if p.stale) == [
        f"household:{hid}", f"ledger:households:{YEAR}", f"ledger:monitoring:{YEAR}"]
    again = build_year(db, YEAR, tmp_path / "bag", workers=1)
    assert again.rendered == 3
    from fupin_desktop.reports.pdfcheck import extract_text

    ledger = next(p for p in plan.items if p.item.key == f"ledger:households:{YEAR}")
    text = extract_text(tmp_path / "bag" / "data" / f"{plan.code(ledger)}.pdf").replace("\n", "")
    assert "13800002222" in text


def test_tokens_follow_the_columns_read_on_each_database(any_db):
    """The token query (audit rows grouped by table and action, updates' changed columns) on
    SQLite and PostgreSQL alike."""
    from fupin_desktop.services.archive.reads import ledger_tokens

    with any_db.write() as s:
        v = Village(name="甲村")
        s.add(v)
        s.flush()
        h = Household(code="5227271008000001", village_id=v.id, household_type="脱贫户")
        s.add(h)
        s.flush()
        hid = h.id

    def tokens():
        with any_db.read() as s:
            return ledger_tokens(s)

    t0 = tokens()
    with any_db.write() as s:
        s.get(Household, hid).address = "一组12号"
    t1 = tokens()
    assert t1 == t0  # no ledger prints the address
    with any_db.write() as s:
        s.get(Household, hid).phone = "13800001111"
    t2 = tokens()
    assert {k for k in t2 if t2[k] != t1[k]} == {"households", "monitoring"}
    with any_db.write() as s:
        s.add(Household(code="5227271008000002", village_id=v.id, household_type="脱贫户"))
    t3 = tokens()  # a new row changes every ledger reading the table
    assert {k for k in t3 if t3[k] != t2[k]} == {k for k, r in LEDGER_READS.items()
                                                 if "households" in r}
