"""The damaged-file check begun early (sqlite_check.start) gives connect() the same answer as
one run then, and is not used when stale."""

from __future__ import annotations

import sqlite3

import pytest

from fupin_desktop import sqlite_check
from fupin_desktop.errors import DamagedDatabaseError


def _db(path):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()
    con.close()
    return path


def test_a_started_check_is_taken_once(tmp_path, monkeypatch):
    path = _db(tmp_path / "a.db")
    runs = []
    real = sqlite_check._quick_check_rows
    monkeypatch.setattr(sqlite_check, "_quick_check_rows", lambda p: runs.append(p) or real(p))
    sqlite_check.start(path)
    sqlite_check.quick_check_file(path)  # waits for the thread's result
    assert len(runs) == 1
    sqlite_check.quick_check_file(path)  # nothing started: checks now
    assert len(runs) == 2


def test_a_damaged_file_is_refused_from_the_started_check_too(tmp_path):
    path = tmp_path / "bad.db"
    path.write_bytes(b"not a database at all" * 100)
    sqlite_check.start(path)
    with pytest.raises(DamagedDatabaseError, match="已损坏"):
        sqlite_check.quick_check_file(path)
    with pytest.raises(DamagedDatabaseError, match="已损坏"):
        sqlite_check.quick_check_file(path)


def test_a_check_of_a_file_changed_since_is_not_used(tmp_path):
    path = _db(tmp_path / "c.db")
    sqlite_check.start(path)
    sqlite_check._started[sqlite_check._key(path)].join()
    path.write_bytes(b"garbage" * 1000)  # changed after the check began
    with pytest.raises(DamagedDatabaseError):
        sqlite_check.quick_check_file(path)


def test_nothing_is_started_for_a_missing_or_empty_file(tmp_path):
    sqlite_check.start(tmp_path / "none.db")
    (tmp_path / "empty.db").touch()
    sqlite_check.start(tmp_path / "empty.db")
    assert not [k for k in sqlite_check._started if str(tmp_path) in k]
