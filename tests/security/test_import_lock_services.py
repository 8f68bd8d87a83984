"""Issue 12: the operation lock lives in the service use cases, so the GUI (which calls them
directly) and the CLI share one path. While another clerk's import (or wage month close) holds
the lock, every import and the month close are refused with who/when and write nothing."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from fupin_desktop.models import AuditLog, Household, OperationLock, Settlement
from fupin_desktop.models.base import utcnow
from fupin_desktop.models.posts import Assignment, MonthClosure
from fupin_desktop.services import oplock
from fupin_desktop.services.posts.attendance_import import import_attendance
from fupin_desktop.services.households.importing import import_households
from fupin_desktop.services.medical.importing import import_medical
from fupin_desktop.services.posts.importing import import_roster
from fupin_desktop.services.posts.payroll import close_month
from fupin_desktop.services.problems.survey_import import import_surveys

TODAY = dt.date(2026, 3, 1)


def hold(db, what: str = "import households", user: str = "李四") -> None:
    """Another clerk's running operation, on another PC (its heartbeat is fresh)."""
    with db.write() as s:
        s.add(OperationLock(name=oplock.IMPORT, token="other", user=user, host="other-pc", pid=1,
                            what=what, started_at=utcnow(), heartbeat_at=utcnow()))


def counts(db) -> tuple:
    with db.read() as s:
        return tuple(s.scalar(select(func.count()).select_from(m))
                     for m in (Household, Settlement, Assignment, MonthClosure, AuditLog))


def operations(samples):
    return {
        "households": lambda db: import_households(db, samples / "national_export_clean.xlsx"),
        "roster": lambda db: import_roster(db, samples / "post_roster_2025.xlsx"),
        "attendance": lambda db: import_attendance(db, samples / "attendance_2025-10.xlsx"),
        "attendance-preview": lambda db: import_attendance(db, samples / "attendance_2025-10.xlsx",
                                                           dry_run=True),
        "medical": lambda db: import_medical(db, samples / "medical_settlements_2025.xlsx",
                                             today=TODAY),
        "survey": lambda db: import_surveys(db, samples / "national_export_clean.xlsx", today=TODAY),
        "wages-close": lambda db: close_month(db, "2025-10", today=TODAY,
                                              allow_missing_attendance=True),
    }


def test_every_import_and_the_month_close_is_refused_while_another_runs(any_db, samples):
    import_households(any_db, samples / "national_export_messy.xlsx")  # people for the others
    import_roster(any_db, samples / "post_roster_2025.xlsx")
    hold(any_db)
    before = counts(any_db)
    for name, op in operations(samples).items():
        with pytest.raises(oplock.BusyError) as exc:
            op(any_db)
        msg = str(exc.value)
        assert msg.startswith("另一个导入正在进行（开始于 ") and "用户 李四" in msg, (name, msg)
        assert msg.endswith("请稍后再试。"), name
    assert counts(any_db) == before
    with any_db.read() as s:  # the other clerk's lock is untouched
        assert s.get(OperationLock, oplock.IMPORT).token == "other"
    with any_db.write() as s:  # the other clerk is done: the same calls go through now
        s.delete(s.get(OperationLock, oplock.IMPORT))
    ops = operations(samples)
    for name in ("attendance", "medical", "wages-close"):
        ops[name](any_db)
    after = counts(any_db)
    assert after[1] > before[1] and after[3] == before[3] + 1  # settlements, the closed month


def test_a_running_month_close_is_named_as_such(any_db, samples):
    hold(any_db, what=f"{oplock.CLOSE_WHAT} 2025-10", user="王五")
    with pytest.raises(oplock.BusyError, match=r"^岗位补贴关账正在进行（开始于 .*，用户 王五），请稍后再试。$"):
        import_roster(any_db, samples / "post_roster_2025.xlsx")


def test_the_lock_is_released_after_the_use_case_and_on_its_failure(any_db, samples):
    import_roster(any_db, samples / "post_roster_2025.xlsx")
    assert oplock.holder(any_db) is None
    with pytest.raises(Exception):
        import_roster(any_db, samples / "no-such-file.xlsx")
    assert oplock.holder(any_db) is None


def test_reentrant_in_one_thread_refused_from_another(any_db, samples):
    """The CLI holds the lock for the whole command and the service takes it again; a second GUI
    task (another thread of the same process) is refused."""
    import_households(any_db, samples / "national_export_messy.xlsx")
    errors: list[BaseException] = []
    with oplock.exclusive(any_db, what="import posts"):
        res = import_roster(any_db, samples / "post_roster_2025.xlsx")  # same thread: nested
        assert res.rows_imported == 12

        def other():
            try:
                import_roster(any_db, samples / "post_roster_2025.xlsx")
            except BaseException as exc:  # noqa: BLE001 - handed to the test thread
                errors.append(exc)

        t = threading.Thread(target=other)
        t.start()
        t.join(60)
        row = oplock.holder(any_db)
        assert row is not None and row.what == "import posts"  # the outer hold, still in place
    assert len(errors) == 1 and isinstance(errors[0], oplock.BusyError)
    assert "另一个导入正在进行" in str(errors[0])
    assert oplock.holder(any_db) is None
