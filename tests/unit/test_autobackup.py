"""Automatic backups: made with the backup API, verified, listed, rotated; hooked before imports,
closes and migrations; nothing on a server database."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import func, select

from fupin_desktop.models import Household
from fupin_desktop.services import autobackup
from fupin_desktop.services.autobackup import BackupError
from tests.conftest import SAMPLES


def test_backup_is_written_verified_and_listed(db, tmp_path, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, 30, 5), tick=False)
    info = autobackup.make_backup(db, "import")
    assert info.path.parent == tmp_path / "backups"
    assert info.path.name == "test-20260302-083005-import.db"
    from fupin_desktop import migrate

    assert autobackup.verify(info.path) == migrate.head_revision()
    con = sqlite3.connect(info.path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    con.close()
    second = autobackup.make_backup(db, "import")  # the same second: a second file, not overwritten
    listed = autobackup.list_backups(db)
    assert [b.path for b in listed] == [second.path, info.path]
    assert listed[1].reason_text == "导入前" and listed[1].size == info.path.stat().st_size
    assert listed[1].made_at == dt.datetime(2026, 3, 2, 8, 30, 5)


def test_verify_refuses_a_damaged_file_or_one_without_revision(tmp_path):
    bad = tmp_path / "x.db"
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(BackupError, match="无法读取"):
        autobackup.verify(bad)
    plain = tmp_path / "plain.db"
    con = sqlite3.connect(plain)
    con.execute("CREATE TABLE alembic_version (version_num TEXT)")
    con.commit()
    con.close()
    with pytest.raises(BackupError, match="结构版本"):
        autobackup.verify(plain)


def test_start_backup_at_most_once_a_day(db, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, 0), tick=False)
    assert autobackup.daily_backup(db) is not None
    time_machine.move_to(dt.datetime(2026, 3, 2, 17, 0), tick=False)
    assert autobackup.daily_backup(db) is None  # started again the same day
    autobackup.make_backup(db, "import")  # another reason does not count as the day's start
    time_machine.move_to(dt.datetime(2026, 3, 3, 7, 0), tick=False)
    assert autobackup.daily_backup(db).reason == "start"
    assert [b.reason for b in autobackup.list_backups(db)] == ["start", "import", "start"]


def test_rotation_over_a_simulated_year(db, time_machine):
    """Start every day at 08:00 and import on Mondays for a year: 7 daily + 4 weekly + 12 monthly."""
    day = dt.datetime(2025, 1, 1, 8, 0)
    end = dt.datetime(2025, 12, 31, 8, 0)
    while day <= end:
        time_machine.move_to(day, tick=False)
        autobackup.daily_backup(db)
        if day.weekday() == 0:
            time_machine.move_to(day.replace(hour=10), tick=False)
            autobackup.before(db, "import")
        day += dt.timedelta(days=1)
    time_machine.move_to(dt.datetime(2026, 1, 2, 12, 0), tick=False)  # the last 24 h are past
    autobackup.rotate(db)
    kept = sorted(b.made_at for b in autobackup.list_backups(db))
    days = sorted({t.date() for t in kept})
    # daily: the last 7 days, each its newest backup
    assert days[-7:] == [dt.date(2025, 12, 25) + dt.timedelta(days=i) for i in range(7)]
    assert dt.datetime(2025, 12, 29, 10, 0) in kept  # Monday: the import backup is the newest
    assert dt.datetime(2025, 12, 29, 8, 0) not in kept
    # weekly: the newest of each of the last 4 ISO weeks; monthly: of each of the last 12 months
    weeks = {t.isocalendar()[:2] for t in kept}
    assert {(2025, 50), (2025, 51), (2025, 52), (2026, 1)} <= weeks
    assert dt.datetime(2025, 12, 14, 8, 0) in kept and dt.datetime(2025, 12, 13, 8, 0) not in kept
    months = {(t.year, t.month) for t in kept}
    assert months == {(2025, m) for m in range(1, 13)}
    assert dt.datetime(2025, 1, 31, 8, 0) in kept  # January's newest
    assert kept[0] == dt.datetime(2025, 1, 31, 8, 0)
    assert len(kept) <= 7 + 4 + 12
    for b in autobackup.list_backups(db):
        autobackup.verify(b.path)


def test_recent_backups_are_all_kept_and_the_policy_is_a_setting(db, time_machine):
    from fupin_desktop.services import settings

    with db.write() as s:
        settings.set(s, settings.BACKUP_KEEP, {"daily": 1, "weekly": 0, "monthly": 0})
    for hour in (8, 9, 10):
        time_machine.move_to(dt.datetime(2026, 3, 2, hour, 0), tick=False)
        autobackup.make_backup(db, "import")
    assert len(autobackup.list_backups(db)) == 3  # today's imports can still be undone
    time_machine.move_to(dt.datetime(2026, 3, 4, 8, 0), tick=False)
    autobackup.make_backup(db, "start")
    assert [b.made_at.hour for b in autobackup.list_backups(db)] == [8]


def test_select_kept_with_gaps_keeps_the_last_periods_that_have_backups():
    # the PC was off for months: the last 7 days with a backup are kept, not the last 7 calendar days
    made = [dt.datetime(2025, 1, d, 8) for d in range(1, 11)]
    kept = autobackup.select_kept(made, {"daily": 7, "weekly": 0, "monthly": 0},
                                  dt.datetime(2025, 6, 1))
    assert kept == set(made[3:])


def test_backup_before_import_and_a_failed_backup_stops_the_import(db, monkeypatch):
    from fupin_desktop import database
    from fupin_desktop.services.households.importing import import_households

    real = database.backup_sqlite_file

    def broken(engine, out):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(database, "backup_sqlite_file", broken)
    with pytest.raises(BackupError, match="无法自动备份"):
        import_households(db, SAMPLES / "national_export_clean.xlsx")
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Household)) == 0
    assert autobackup.list_backups(db) == []
    monkeypatch.setattr(database, "backup_sqlite_file", real)
    import_households(db, SAMPLES / "national_export_clean.xlsx")
    assert [b.reason for b in autobackup.list_backups(db)] == ["import"]


def test_server_database_has_no_file_backup(any_db):
    if any_db.is_sqlite:
        pytest.skip("server databases only")
    assert autobackup.make_backup(any_db, "start") is None
    assert autobackup.list_backups(any_db) == []
    cmd = autobackup.server_backup_command(any_db)
    assert cmd.startswith("pg_dump -Fc") and "-h 127.0.0.1" in cmd
