"""The posts part of the demo township: plausible share, eligible holders, consistent wages."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from fupin_desktop.models import Member
from fupin_desktop.models.posts import (AttendanceMonth, Assignment, Inspection, MonthClosure,
                                        WageLine, WageRun, WageSlip)
from fupin_desktop.services.posts.eligibility import age_on, check_eligibility

pytestmark = pytest.mark.date_sensitive  # CI runs it again on 1 Jan and 31 Dec

TODAY = dt.date(2025, 11, 20)


def _demo(db, seed=7):
    try:
        from fupin_desktop.services.demo import generate_demo
    except ImportError:
        pytest.skip("示例数据生成（services.demo）尚未提供")
    return generate_demo(db, households=400, seed=seed, today=TODAY)


def test_demo_posts_are_plausible_and_consistent(db):
    summary = _demo(db)
    assert "posts_demo" in summary.extensions
    with db.read() as s:
        births = s.scalars(select(Member.birth_date)).all()
        working = sum(1 for b in births if b and 16 <= age_on(b, TODAY) <= 65)
        assignments = s.scalars(select(Assignment)).all()
        assert 0.03 * working - 1 <= len(assignments) <= 0.06 * working + 1
        for a in assignments:  # every holder passed the rules when put in post
            r = check_eligibility(s, a.member_id, a.start_date, a.end_date, exclude_assignment_id=a.id)
            assert r.ok, r.message
        marks = s.scalars(select(AttendanceMonth.marks)).all()
        assert len({m for m in s.scalars(select(AttendanceMonth.month))}) == 12
        joined = "".join(marks)
        assert 0 < joined.count("A") < 0.05 * joined.count("P")  # absences exist but are rare
        days = s.scalars(select(Inspection.date)).all()
        assert days and all(d.weekday() == 4 for d in days)  # Fridays
        assert s.scalar(select(func.count()).select_from(Inspection).where(Inspection.flag == "黄旗"))
        closed = s.scalars(select(MonthClosure.month)).all()
        assert closed and max(closed) < dt.date(2025, 10, 1)  # last finished month left open
        for run in s.scalars(select(WageRun)):
            slips = s.scalars(select(WageSlip).where(WageSlip.run_id == run.id)).all()
            assert run.total == sum(x.amount for x in slips)
            for x in slips[:50]:
                lines = s.scalars(select(WageLine.amount).where(WageLine.slip_id == x.id)).all()
                assert x.amount == sum(lines)


def test_demo_posts_are_deterministic(tmp_path):
    from tests.conftest import make_sqlite_db

    def snapshot(path):
        db = make_sqlite_db(path)
        try:
            _demo(db, seed=3)
            with db.read() as s:
                return (s.execute(select(Assignment.member_id, Assignment.start_date,
                                         Assignment.bank_account).order_by(Assignment.id)).all(),
                        s.execute(select(AttendanceMonth.marks).order_by(AttendanceMonth.id)).all(),
                        s.scalars(select(WageRun.total).order_by(WageRun.month)).all())
        finally:
            db.dispose()

    assert snapshot(tmp_path / "a.db") == snapshot(tmp_path / "b.db")
