"""A bug is logged and shown in Chinese; Qt's own warnings go to the log."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import qWarning


def test_an_unhandled_exception_is_logged_and_shown(qapp, monkeypatch, caplog):
    from fupin_desktop.logsetup import log_file
    from fupin_desktop.views import app as app_mod

    app_mod.create_app()  # the Chinese translations
    shown = []
    monkeypatch.setattr(app_mod, "_crash_dialog", shown.append)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    previous = app_mod.install_crash_handlers()
    try:
        assert sys.excepthook is app_mod.handle_exception
        try:
            raise RuntimeError("boom in a slot")
        except RuntimeError:
            with caplog.at_level(logging.CRITICAL):
                sys.excepthook(*sys.exc_info())
    finally:
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(previous)
    assert len(shown) == 1
    assert "程序出现内部错误" in shown[0] and str(log_file()) in shown[0]
    rec = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert rec and rec[0].exc_info[0] is RuntimeError  # the traceback is in the log


def test_a_failing_dialog_does_not_raise_from_the_hook(qapp, monkeypatch, caplog):
    from fupin_desktop.views import app as app_mod

    def broken(_text):
        raise OSError("no display")

    monkeypatch.setattr(app_mod, "_crash_dialog", broken)
    with caplog.at_level(logging.ERROR):
        app_mod.handle_exception(ValueError, ValueError("x"), None)
    assert any("error dialog failed" in r.getMessage() for r in caplog.records)


def test_qt_warnings_go_to_the_log(qapp, caplog):
    from PySide6.QtCore import qInstallMessageHandler

    from fupin_desktop.views import app as app_mod

    previous = app_mod.install_crash_handlers()
    try:
        with caplog.at_level(logging.WARNING, logger="qt"):
            qWarning("a qt warning for the log")
    finally:
        qInstallMessageHandler(previous)
        sys.excepthook = sys.__excepthook__
    assert any(r.name == "qt" and "a qt warning for the log" in r.getMessage()
               for r in caplog.records)


def test_the_headless_plugins_size_hint_notice_is_not_logged(qapp, caplog):
    """Said for every window under the offscreen plugin: nothing to act on, and its log record
    would open the log file on every start. Other warnings still reach the log."""
    from PySide6.QtCore import qInstallMessageHandler

    from fupin_desktop.views import app as app_mod

    previous = app_mod.install_crash_handlers()
    try:
        with caplog.at_level(logging.WARNING, logger="qt"):
            qWarning("This plugin does not support propagateSizeHints()")
            qWarning("This plugin does not support propagateSizeHints() (and more)")
    finally:
        qInstallMessageHandler(previous)
        sys.excepthook = sys.__excepthook__
    said = [r.getMessage() for r in caplog.records if r.name == "qt"]
    assert len(said) == 1 and "(and more)" in said[0]


def test_the_gui_entry_point_installs_the_handlers(tmp_path):
    """gui.main() runs with the hook in place (it quits at once when shown). In a process of its
    own: a second QApplication.exec() in the test process leaves later tests' tasks unfinished."""
    import os
    import subprocess

    code = ("import sys; from fupin_desktop import gui; from fupin_desktop.views import app; "
            "rc = gui.main(['--no-first-run']); "
            "print('hooked' if sys.excepthook is app.handle_exception else 'not hooked'); sys.exit(rc)")
    env = dict(os.environ, FUPIN_EXIT_WHEN_SHOWN="1", QT_QPA_PLATFORM="offscreen",
               HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_STATE_HOME=str(tmp_path / "state"), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_CACHE_HOME=str(tmp_path / "cache"))
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "hooked"
