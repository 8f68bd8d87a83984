"""Issue 12: closed means closed, and provably so.

A closed wage month refuses edits of its attendance, inspections and stored wages (service guard
and database trigger); a closed archive year refuses edits of its visits / measures / incomes;
changes go through an explicit 更正. The audit log and each month closure are hash-chained /
sealed, and ``fupin db verify`` names the first entry altered by SQL.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError as SADatabaseError

from fupin_desktop import cli
from fupin_desktop.models import ArchiveYear, AuditLog, Visit
from fupin_desktop.models.posts import AttendanceMonth, MonthClosure, WageLine
from fupin_desktop.services.users.audit_chain import verify_chain
from fupin_desktop.services.closures import ClosedPeriodError, allow_correction
from fupin_desktop.services.posts.inspections import InspectionInput, add_inspection
from fupin_desktop.services.posts.payroll import close_month
from tests.unit import _posts_data as d
from tests.unit.test_posts_wages import put

pytestmark = pytest.mark.date_sensitive  # CI runs it again on 1 Jan and 31 Dec

OCT = dt.date(2025, 10, 1)
TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def closed(any_db):
    _, aid = d.worker(any_db, name="甲")
    put(any_db, aid, OCT, "P20 A2")
    close_month(any_db, OCT, today=TODAY)
    return any_db, aid


def test_closed_month_refuses_direct_edits_at_the_service_level(closed):
    db, aid = closed
    with pytest.raises(ClosedPeriodError):  # even bypassing posts_attendance's own checks
        with db.write() as s:
            row = s.scalar(select(AttendanceMonth).where(AttendanceMonth.assignment_id == aid))
            row.marks = "P" * len(row.marks)
    with pytest.raises(ClosedPeriodError):
        with db.write() as s:
            line = s.scalars(select(WageLine)).first()
            line.label = "改过"
    with pytest.raises(Exception):  # add_inspection refuses a closed month too
        add_inspection(db, InspectionInput(aid, dt.date(2025, 10, 9), "村支书", 90, None))
    # the explicit 更正 (reason + user) goes through, as a correction line of the next month
    put(db, aid, OCT, "P22", reason="补记两天出勤")
    with db.read() as s:
        assert s.scalar(select(AttendanceMonth.marks).where(AttendanceMonth.assignment_id == aid)) \
            .startswith("P" * 22)
        assert s.scalar(select(AuditLog.reason).where(AuditLog.table_name == "post_attendance")
                        .order_by(AuditLog.id.desc()).limit(1)) == "补记两天出勤"
    with pytest.raises(Exception):
        with db.write() as s:
            allow_correction(s, "  ")  # a correction without a reason is refused


def test_database_trigger_keeps_closed_wage_lines_read_only(closed):
    db, _ = closed
    for sql in ("UPDATE post_wage_lines SET amount = 9999",
                "DELETE FROM post_wage_lines",
                "UPDATE post_wage_slips SET amount = 9999",
                "DELETE FROM post_month_closures"):
        with pytest.raises(SADatabaseError, match="closed wage month"):
            with db.engine.begin() as c:
                c.execute(text(sql))
    with db.read() as s:
        assert s.scalar(select(MonthClosure.content_hash))  # the closure is sealed


def test_closed_archive_year_refuses_edits_of_its_records(any_db):
    with any_db.write() as s:
        vid = d.village(s)
        hid = d.household(s, vid)
        s.add(Visit(household_id=hid, date=dt.date(2025, 3, 1), visitor="王", findings="稳定"))
    with any_db.write() as s:  # closed afterwards (the triggers refuse records of a closed year)
        s.add(ArchiveYear(year=2025, closed=True))
    with pytest.raises(ClosedPeriodError, match="2025年度"):
        with any_db.write() as s:
            s.add(Visit(household_id=hid, date=dt.date(2025, 6, 1), visitor="王", findings="补录"))
    with pytest.raises(ClosedPeriodError):
        with any_db.write() as s:
            v = s.scalar(select(Visit))
            v.date = dt.date(2026, 1, 5)  # moving it out of the closed year is an edit of it too
    with any_db.write() as s:  # 2026 is open
        s.add(Visit(household_id=hid, date=dt.date(2026, 1, 2), visitor="王", findings="正常"))
    with any_db.write() as s:  # an explicit 更正 is allowed, and audited with its reason
        allow_correction(s, "漏录的走访记录")
        s.add(Visit(household_id=hid, date=dt.date(2025, 6, 1), visitor="王", findings="补录"))
    with any_db.read() as s:
        assert s.scalar(select(AuditLog.reason).where(AuditLog.table_name == "visits")
                        .order_by(AuditLog.id.desc()).limit(1)) == "更正：漏录的走访记录"


def run_verify(db, capsys):
    code = cli.main(["--db", db.url, "--json", "db", "verify"])
    return code, json.loads(capsys.readouterr().out)


def test_verify_names_the_first_audit_entry_altered_by_sql(closed, capsys):
    db, _ = closed
    code, out = run_verify(db, capsys)
    assert code == 0 and out["intact"] and out["entries"] > 3 and out["closures"] == 1
    with db.read() as s:
        ids = list(s.scalars(select(AuditLog.id).order_by(AuditLog.id)))
    victim = ids[len(ids) // 2]
    with db.engine.begin() as c:
        c.execute(text("UPDATE audit_log SET \"user\" = 'mallory' WHERE id = :i"), {"i": victim})
    code, out = run_verify(db, capsys)
    assert code == 2 and not out["intact"] and out["ok"] is False
    assert out["first_altered"]["ref"] == str(victim)
    assert f"第 {victim} 条" in out["first_altered"]["message"]
    code = cli.main(["--db", db.url, "db", "verify"])
    assert code == 2 and f"审计日志第 {victim} 条" in capsys.readouterr().out


def test_verify_catches_a_deleted_entry_and_an_altered_closure(closed):
    db, _ = closed
    with db.read() as s:
        ids = list(s.scalars(select(AuditLog.id).order_by(AuditLog.id)))
    with db.engine.begin() as c:
        c.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": ids[1]})
    res = verify_chain(db)
    assert not res.intact and res.problems[0].ref == str(ids[2])
    # a sealed closure altered behind the triggers' back (they are dropped first)
    from fupin_desktop.models.triggers import drop_statements

    with db.engine.begin() as c:
        for sql in drop_statements(db.engine.dialect.name):
            c.exec_driver_sql(sql)
        c.execute(text("UPDATE post_wage_lines SET amount = amount + 1"))
    res = verify_chain(db)
    assert any(p.kind == "closure" and p.ref == "2025-10" for p in res.problems)
