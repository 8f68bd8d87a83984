"""Start-up: a newer database is refused naming both versions; an older one is backed up and
migrated off the GUI thread with a progress dialog."""

from __future__ import annotations

import sqlite3

from fupin_desktop import __version__, migrate
from fupin_desktop.services import autobackup
from fupin_desktop.services.opening import open_database
from fupin_desktop.views import startup
from tests.unit.test_session_hooks import assert_all_hooks


def test_a_newer_database_is_refused_naming_both_versions(qapp, tmp_path, monkeypatch):
    path = tmp_path / "new.db"
    open_database(str(path)).dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '0099'")
    con.commit()
    con.close()
    shown, ready = [], []
    monkeypatch.setattr(startup.QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    startup.open_and_upgrade(None, str(path), ready.append, lambda e: startup.refuse(None, e))
    assert not ready and len(shown) == 1
    assert "0099" in shown[0] and __version__ in shown[0] and migrate.head_revision() in shown[0]


def test_an_older_database_is_backed_up_and_migrated_in_the_background(qtbot, tmp_path):
    from alembic import command

    path = tmp_path / "old.db"
    db = open_database(str(path))
    with db.engine.begin() as conn:
        command.downgrade(migrate._config(conn), "-1")
    old = migrate.current_revision(db.engine)
    db.dispose()
    assert old != migrate.head_revision()
    ready, refused = [], []
    startup.open_and_upgrade(None, str(path), ready.append, refused.append)
    assert not ready  # the migration runs on the thread pool
    qtbot.waitUntil(lambda: bool(ready or refused), timeout=20000)
    assert not refused
    db = ready[0]
    try:
        assert migrate.current_revision(db.engine) == migrate.head_revision()
        assert_all_hooks(db)  # audit trail, closed-period guard, derived income
        backups = autobackup.list_backups(db)
        assert [b.reason for b in backups] == ["migration"]
        assert autobackup.verify(backups[0].path) == old  # the copy holds the data before migrating
    finally:
        db.dispose()


def test_the_days_backup_runs_at_start(qtbot, db):
    startup.start_backup(None, db)
    qtbot.waitUntil(lambda: bool(autobackup.list_backups(db)), timeout=10000)
    assert autobackup.list_backups(db)[0].reason == "start"


def test_the_usual_command_lines_read_as_argparse_reads_them(monkeypatch):
    """gui.parse_args reads the usual command lines without importing argparse; the result is
    argparse's, and anything else (--help, an abbreviation, a mistake) still goes to argparse."""
    from fupin_desktop import gui

    for argv in ([], ["--db", "x.db"], ["--db=postgresql://u@h/f", "--no-first-run"],
                 ["--no-first-run", "--db", "a.db", "--db", "b.db"]):
        plain = gui._plain_args(argv)
        assert plain is not None, argv
        monkeypatch.setattr(gui, "_plain_args", lambda _a: None)
        assert vars(gui.parse_args(argv)) == vars(plain), argv
        monkeypatch.undo()
    for argv in (["--db"], ["--db", "-h"], ["--no"], ["--help"], ["x.db"]):
        assert gui._plain_args(argv) is None, argv
