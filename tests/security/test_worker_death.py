"""Issue 12: the archive's worker processes die with the process that started them, and a killed
build leaves no half-written file inside the package."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

SCRIPT = textwrap.dedent("""
    import datetime as dt, functools, sys
    from dataclasses import replace
    from pathlib import Path
    from fupin_desktop.archive.demo import demo_items
    from fupin_desktop.archive.model import ArchiveSettings
    from fupin_desktop.archive.package import PackageItem, build_package
    from tests.security._slow_source import slow_pdf

    if __name__ == "__main__":
        out, marks = Path(sys.argv[1]), sys.argv[2]
        settings = ArchiveSettings("Z012", "示例镇人民政府", workers=2,
                                   bagging_date=dt.date(2026, 1, 10))
        items = [PackageItem(it, functools.partial(slow_pdf, marks, 120.0))
                 for it, _ in demo_items(48)]
        build_package(items, settings, out, built_on=dt.date(2026, 1, 10))
""")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie has exited (waiting to be reaped by init)


def test_workers_exit_when_the_build_process_is_killed(tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    script = tmp_path / "build.py"
    script.write_text(SCRIPT, "utf-8")
    out = tmp_path / "pkg" / "bag"
    out.parent.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(script), str(out), str(marks)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while len(list(marks.iterdir())) < 2:  # both workers are rendering
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "workers did not start"
            time.sleep(0.2)
        workers = [int(p.name) for p in marks.iterdir()]
        assert all(alive(w) for w in workers) and proc.pid not in workers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 5
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [w for w in workers if alive(w)]
        assert not left, f"worker processes {left} outlived the killed build"
    finally:
        if proc.poll() is None:
            proc.kill()
        for p in marks.iterdir():  # never leave a stray process behind, even when failing
            try:
                os.kill(int(p.name), signal.SIGKILL)
            except ProcessLookupError:
                pass
    # nothing half-written inside the package: partial files live in the temp folder only
    assert not [p for p in out.rglob("*") if p.is_file() and p.suffix in (".part", ".tmp")]
