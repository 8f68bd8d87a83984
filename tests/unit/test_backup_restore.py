"""Backup and restore: a round trip keeps every row; a bad file is refused and changes nothing."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from fupin_desktop.backup import backup, restore
from fupin_desktop.errors import InputError
from fupin_desktop.models import Household, Village


def _fill(db, n=3):
    with db.write() as s:
        v = Village(name="河西村")
        s.add(v)
        s.flush()
        for i in range(n):
            s.add(Household(code=f"H{i:03d}", village_id=v.id, household_type="脱贫户"))


def _codes(db):
    with db.read() as s:
        return sorted(s.scalars(select(Household.code)))


def test_round_trip(any_db, tmp_path):
    _fill(any_db)
    out = backup(any_db, tmp_path / "b.db")
    con = sqlite3.connect(out)
    assert con.execute("PRAGMA quick_check").fetchone() == ("ok",)
    con.close()
    with any_db.write() as s:  # change the data after the backup
        s.get(Household, 1).phone = "13900000000"
        s.add(Household(code="H999", village_id=1))
    safety = restore(any_db, out)
    assert _codes(any_db) == ["H000", "H001", "H002"]
    with any_db.read() as s:
        assert s.get(Household, 1).phone is None
        # the ids keep counting after the restored rows (sequences reset on PostgreSQL)
        s.rollback()
    with any_db.write() as s:
        h = Household(code="H100", village_id=1)
        s.add(h)
        s.flush()
        assert h.id == 4
    # the data as it was before the restore is kept in the safety copy
    con = sqlite3.connect(safety)
    assert con.execute("SELECT COUNT(*) FROM households").fetchone() == (4,)
    con.close()


def test_restore_refuses_damaged_file(db, tmp_path):
    _fill(db)
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    with pytest.raises(InputError) as err:
        restore(db, bad)
    assert "无法恢复" in str(err.value)
    assert _codes(db) == ["H000", "H001", "H002"]


def test_restore_refuses_database_of_another_program(db, tmp_path):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(InputError):
        restore(db, other)


def test_backup_is_a_consistent_copy_while_writing(db, tmp_path):
    _fill(db, 50)
    s = db.sessions()
    s.add(Village(name="未提交村"))
    s.flush()  # an open write transaction must not leak into the backup
    out = backup(db, tmp_path / "b2.db")
    s.rollback()
    s.close()
    con = sqlite3.connect(out)
    assert con.execute("SELECT COUNT(*) FROM households").fetchone() == (50,)
    assert con.execute("SELECT COUNT(*) FROM villages WHERE name='未提交村'").fetchone() == (0,)
    con.close()
    with db.read() as s2:
        assert s2.scalar(select(func.count()).select_from(Household)) == 50


def test_scanned_documents_travel_with_backup_and_restore(db, tmp_path):
    """Archive scans live beside the database (content-addressed): a backup without them would
    lose the originals."""
    import hashlib

    from fupin_desktop.services.attachments import attachment_path, attachments_dir

    data = "扫描件".encode() * 100
    sha = hashlib.sha256(data).hexdigest()
    live = attachment_path(db, sha)
    live.parent.mkdir(parents=True)
    live.write_bytes(data)
    out = backup(db, tmp_path / "backups" / "b.db")
    copied = out.parent / "attachments" / sha[:2] / sha
    assert copied.read_bytes() == data
    live.unlink()  # lost on this PC: the restore brings it back
    restore(db, out)
    assert attachment_path(db, sha).read_bytes() == data
    assert attachments_dir(db).is_dir()
