"""The demo never makes a record dated after the day it runs on, whatever day that is (1 January,
31 December, mid-year): no settlement, visit, wage month, box or problem in the future."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import Date, DateTime, inspect, select

from fupin_desktop.models import Base
from fupin_desktop.services import demo

pytestmark = pytest.mark.date_sensitive


# dates that name a day still to come: a chronic card's next review, the deadline of a problem or
# of an inspection finding
PLANNED = {("medical_chronic_cards", "review_date"), ("problems", "due"),
           ("post_inspections", "deadline")}


# when a row was written (the clock's time, whatever day the demo pretends it is)
WRITE_TIMES = {"created_at", "updated_at"}
AUDIT_TABLES = {"audit_log", "operation_locks"}


def _future_values(db, today: dt.date, now: dt.datetime, *,
                   skip_write_times: bool = False) -> list[str]:
    bad = []
    with db.read() as s:
        present = set(inspect(s.connection()).get_table_names())
        for table in Base.metadata.sorted_tables:
            if table.name not in present:
                continue
            for col in table.columns:
                if (table.name, col.name) in PLANNED:
                    continue
                if skip_write_times and (col.name in WRITE_TIMES or table.name in AUDIT_TABLES):
                    continue
                if isinstance(col.type, DateTime):
                    limit = now
                elif isinstance(col.type, Date):
                    limit = today
                else:
                    continue
                latest = s.scalar(select(col).where(col.is_not(None)).order_by(col.desc()).limit(1))
                if latest is None:
                    continue
                if isinstance(latest, dt.datetime):
                    latest_cmp = latest.replace(tzinfo=None)
                    if latest_cmp > limit:
                        bad.append(f"{table.name}.{col.name}={latest}")
                elif latest > limit:
                    bad.append(f"{table.name}.{col.name}={latest}")
    return bad


# 15 January: the current year has fewer days than a hospital stay (a stay used to end in the future)
@pytest.mark.parametrize("today", [dt.date(2027, 1, 1), dt.date(2027, 1, 15), dt.date(2027, 12, 31)])
def test_no_demo_record_is_dated_after_today(db, today):
    with time_machine.travel(dt.datetime.combine(today, dt.time(12, 0)), tick=False):
        demo.generate_demo(db, households=40, seed=5, today=today)
    # DateTime columns hold UTC: 23:59 covers any offset east of Greenwich
    bad = _future_values(db, today, dt.datetime.combine(today, dt.time(23, 59, 59)))
    assert not bad, bad


def test_the_demo_dates_its_records_by_its_today_not_by_the_clock(db):
    """Made with ``today`` mid-2026 while the clock says 2027: 归档日期, 问题 steps and every other
    record date follow ``today`` (only the write times — created_at, audit rows — are the clock's)."""
    today = dt.date(2026, 6, 15)
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, 0), tick=False):
        demo.generate_demo(db, households=40, seed=5, today=today)
    bad = _future_values(db, today, dt.datetime.combine(today, dt.time(23, 59, 59)),
                         skip_write_times=True)
    assert not bad, bad
