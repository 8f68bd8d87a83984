"""Issue 12: what the program creates holds ID, bank and phone numbers of whole villages, so on
POSIX it is for its owner only: files 0600, folders 0700 (umask at the start of the CLI / GUI,
plus explicit modes where the file is created below the entry points)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
ROOT = Path(__file__).resolve().parents[2]


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def run_cli(*args, data: Path, umask: int = 0o022):
    env = {**os.environ, "FUPIN_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    env.pop("FUPIN_DB_URL", None)
    code = (f"import os, sys; os.umask({umask}); from fupin_desktop.cli import main; "
            f"sys.argv = ['fupin'] + {list(map(str, args))!r}; sys.exit(main())")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=300)


def test_database_and_wal_are_private_even_under_a_loose_umask(tmp_path):
    from fupin_desktop.services.opening import open_database

    old = os.umask(0o022)
    try:
        path = tmp_path / "new" / "fupin.db"
        db = open_database(str(path))
        try:
            with db.engine.connect() as c:  # WAL and SHM exist while a connection is open
                c.exec_driver_sql("SELECT count(*) FROM settings").scalar()
                for p in (path, path.with_name("fupin.db-wal"), path.with_name("fupin.db-shm")):
                    assert p.exists(), p
                    assert mode(p) == 0o600, (p, oct(mode(p)))
        finally:
            db.dispose()
    finally:
        os.umask(old)


def test_cli_creates_owner_only_files(tmp_path, samples):
    data = tmp_path / "userdata"
    dbfile = data / "fupin.db"
    r = run_cli("--db", dbfile, "import", "households", samples / "national_export_clean.xlsx",
                data=data)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "out"
    out.mkdir()
    r = run_cli("--db", dbfile, "export", "households", out / "户.xlsx", data=data)
    assert r.returncode == 0, r.stderr
    r = run_cli("--db", dbfile, "backup", out / "bk" / "backup.db", data=data)
    assert r.returncode == 0, r.stderr
    files = [dbfile, out / "户.xlsx", out / "bk" / "backup.db", data / "logs" / "fupin.log"]
    for f in files:
        assert f.is_file(), f
        assert mode(f) == 0o600, (f, oct(mode(f)))
    for d in (data, data / "logs", out / "bk"):
        assert mode(d) == 0o700, (d, oct(mode(d)))


def test_backup_file_is_private_when_called_as_a_library(db, tmp_path):
    from fupin_desktop.backup import backup

    old = os.umask(0o022)
    try:
        out = backup(db, tmp_path / "b" / "x.db")
    finally:
        os.umask(old)
    assert mode(out) == 0o600


def test_make_private_tree(tmp_path):
    from fupin_desktop.paths import make_private_tree

    old = os.umask(0o022)
    try:
        (tmp_path / "pkg" / "data" / "sub").mkdir(parents=True)
        (tmp_path / "pkg" / "data" / "sub" / "a.pdf").write_bytes(b"x")
    finally:
        os.umask(old)
    make_private_tree(tmp_path / "pkg")
    assert mode(tmp_path / "pkg" / "data" / "sub") == 0o700
    assert mode(tmp_path / "pkg" / "data" / "sub" / "a.pdf") == 0o600
