"""Issue 12: a second import (or ``wages --close``) while one runs is refused with who/when
(exit 2) — two real processes, SQLite and PostgreSQL; a lock left by a killed process does not
block forever."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from fupin_desktop.models import OperationLock

ROOT = Path(__file__).resolve().parents[2]

SLOW = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from fupin_desktop.services.households import importing as household_import
    real = household_import.import_households

    def slow(*a, **k):
        Path(sys.argv[1]).touch()  # "the import is running"
        time.sleep(float(sys.argv[2]))
        return real(*a, **k)

    household_import.import_households = slow
    from fupin_desktop.cli import main
    sys.exit(main(sys.argv[3:]))
""")


def env(tmp_path):
    e = {**os.environ, "PYTHONPATH": str(ROOT), "FUPIN_DATA_DIR": str(tmp_path / "userdata"),
         "FUPIN_USER": "", "FUPIN_PASSWORD": ""}
    e.pop("FUPIN_DB_URL", None)
    return e


def start_slow(tmp_path, db, src, seconds):
    script = tmp_path / "slow.py"
    script.write_text(SLOW, "utf-8")
    mark = tmp_path / f"running-{time.monotonic_ns()}"
    p = subprocess.Popen([sys.executable, str(script), str(mark), str(seconds), "--db", db.url,
                          "import", "households", str(src)], env=env(tmp_path),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while not mark.exists():
        assert p.poll() is None, p.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.1)
    return p


def cli(tmp_path, db, *args):
    return subprocess.run([sys.executable, "-m", "fupin_desktop.cli", "--db", db.url, *args],
                          env=env(tmp_path), capture_output=True, text=True, timeout=180)


def test_second_import_is_refused_while_one_runs(any_db, samples, tmp_path):
    src = samples / "national_export_clean.xlsx"
    first = start_slow(tmp_path, any_db, src, 8)
    try:
        second = cli(tmp_path, any_db, "import", "households", str(src))
        assert second.returncode == 2, second.stderr
        assert "另一个导入正在进行（开始于" in second.stderr and "请稍后再试" in second.stderr
        assert "IntegrityError" not in second.stderr and "Traceback" not in second.stderr
        closing = cli(tmp_path, any_db, "wages", "--month", "2025-10", "--close")
        assert closing.returncode == 2 and "另一个导入正在进行" in closing.stderr
        out, err = first.communicate(timeout=180)
        assert first.returncode == 0, err
    finally:
        if first.poll() is None:
            first.kill()
    with any_db.read() as s:  # released at the end
        assert s.get(OperationLock, "import") is None
    again = cli(tmp_path, any_db, "import", "households", str(src))
    assert again.returncode == 0, again.stderr


def test_lock_of_a_killed_import_does_not_block(any_db, samples, tmp_path):
    src = samples / "national_export_clean.xlsx"
    first = start_slow(tmp_path, any_db, src, 120)
    with any_db.read() as s:
        row = s.get(OperationLock, "import")
        assert row is not None and row.pid == first.pid
    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    later = cli(tmp_path, any_db, "import", "households", str(src))
    assert later.returncode == 0, later.stderr
    with any_db.read() as s:
        assert s.get(OperationLock, "import") is None


def test_lock_from_another_host_goes_stale_without_heartbeat(any_db):
    import datetime as dt

    from fupin_desktop.models.base import utcnow
    from fupin_desktop.services import oplock

    with any_db.write() as s:
        s.add(OperationLock(name="import", token="x", user="李四", host="other-pc", pid=1,
                            started_at=utcnow(), heartbeat_at=utcnow()))
    try:
        oplock.acquire(any_db)
        raise AssertionError("a live lock must be refused")
    except oplock.BusyError as exc:
        assert "用户 李四" in str(exc)
    with any_db.write() as s:
        s.get(OperationLock, "import").heartbeat_at = utcnow() - dt.timedelta(minutes=10)
    token = oplock.acquire(any_db)  # stale: taken over
    oplock.release(any_db, "import", token)
