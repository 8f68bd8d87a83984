"""The log file: there (0600) from setup_logging on, written through a rotating handler made at
the first record (logging.handlers is not imported before), rotated at 2 MB."""

from __future__ import annotations

import logging
import os
import subprocess
import sys


def test_the_log_file_rotates_and_stays_private(tmp_path, monkeypatch):
    from fupin_desktop import logsetup

    monkeypatch.setenv("FUPIN_DATA_DIR", str(tmp_path / "data"))
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        path = logsetup.setup_logging()
        assert path.is_file() and path.stat().st_size == 0
        if os.name == "posix":
            assert path.stat().st_mode & 0o777 == 0o600
        assert logsetup.setup_logging() == path  # one handler per file
        handler = next(h for h in root.handlers if h not in before)
        log = logging.getLogger("fupin_desktop.test")
        log.info("证件号码 11010519491231002X")
        handler.flush()
        assert "110105********002X" in path.read_text("utf-8")  # through the redacting filter
        for _ in range(2_100):
            log.info("x" * 1_000)
        handler.flush()
        rotated = path.with_name("fupin.log.1")
        assert rotated.is_file() and path.stat().st_size < 2_000_000
        if os.name == "posix":
            assert rotated.stat().st_mode & 0o777 == 0o600
    finally:
        for h in [h for h in root.handlers if h not in before]:
            root.removeHandler(h)
            h.close()


def test_setting_up_the_log_does_not_import_logging_handlers(tmp_path):
    code = ("import sys; from fupin_desktop.logsetup import setup_logging; setup_logging(); "
            "print('logging.handlers' in sys.modules)")
    env = dict(os.environ, FUPIN_DATA_DIR=str(tmp_path / "data"))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
