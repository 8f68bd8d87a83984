"""run_task: an error is shown to the clerk even when the caller gave no on_error, the clerk's own
取消 is not reported as an error, and closing the window while work runs asks first, then
cancels and waits for it."""

from __future__ import annotations

import threading

import pytest

from PySide6.QtWidgets import QMessageBox

from fupin_desktop.errors import UserError
from fupin_desktop.services.progress import Cancelled


def _patch_boxes(monkeypatch, answer=QMessageBox.StandardButton.Yes):
    shown = []

    def box(kind):
        def show(parent, title, text, *a, **k):
            shown.append((kind, title, text))
            return answer
        return show

    for kind in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, box(kind))
    return shown


def test_an_error_without_on_error_reaches_the_clerk(qtbot, qapp, monkeypatch):
    from fupin_desktop.views.common.tasks import run_task

    shown = _patch_boxes(monkeypatch)

    def work(_p):
        raise UserError("第 3 行“户编号”为空，请填写后重新导入")

    task = run_task(None, "导入", work, quiet=True)
    qtbot.waitUntil(lambda: not task.running)
    qtbot.waitUntil(lambda: bool(shown))
    assert shown[0][0] == "warning"
    assert "第 3 行“户编号”为空" in shown[0][2]


def test_a_bug_is_logged_and_shown_without_on_error(qtbot, qapp, monkeypatch, caplog):
    from fupin_desktop.views.common.tasks import run_task

    shown = _patch_boxes(monkeypatch)

    def work(_p):
        raise RuntimeError("boom-in-worker")

    task = run_task(None, "打印", work, quiet=True)
    qtbot.waitUntil(lambda: bool(shown))
    assert not task.running
    assert shown[0][0] == "critical"
    assert "boom-in-worker" in caplog.text  # the traceback is in the log, not in the message box
    assert "boom-in-worker" not in shown[0][2]


def test_the_clerks_own_cancel_is_not_reported(qtbot, qapp, monkeypatch):
    from fupin_desktop.views.common.tasks import run_task

    shown = _patch_boxes(monkeypatch)
    started = threading.Event()

    def work(progress):
        started.set()
        for _ in range(500):
            progress(0, 1, "")
            threading.Event().wait(0.01)
        return "not cancelled"

    task = run_task(None, "导出", work)
    assert started.wait(5)
    task.cancel()
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)
    assert isinstance(task.error, Cancelled)
    qtbot.wait(50)
    assert shown == []


def _slow_task(window, title, quiet=False, read_only=False):
    from fupin_desktop.views.common.tasks import run_task

    started = threading.Event()
    stopped = threading.Event()

    def work(progress):
        started.set()
        try:
            for _ in range(3000):
                progress(0, 1, "")
                threading.Event().wait(0.01)
        finally:
            stopped.set()

    task = run_task(window, title, work, on_error=lambda e: None, quiet=quiet,
                    read_only=read_only)
    assert started.wait(5)
    return task, stopped


def test_closing_while_an_import_runs_asks_and_keeps_working_on_no(window_for, db, qtbot, monkeypatch):
    shown = _patch_boxes(monkeypatch, answer=QMessageBox.StandardButton.No)
    w = window_for(db)
    task, stopped = _slow_task(w, "正在导入户信息…")
    assert not w.close()  # the clerk said 否: the window stays, the import goes on
    assert w.isVisible()
    question = [s for s in shown if s[0] == "question"]
    assert question and "正在导入户信息" in question[0][2]
    assert task.running and not stopped.is_set()
    task.cancel()
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)


def test_closing_while_an_import_runs_cancels_and_waits_on_yes(window_for, db, qtbot, monkeypatch):
    _patch_boxes(monkeypatch, answer=QMessageBox.StandardButton.Yes)
    w = window_for(db)
    task, stopped = _slow_task(w, "正在导入户信息…")
    assert w.close()
    assert stopped.is_set()  # the worker has ended before the window went away
    assert task.cancelled


@pytest.mark.parametrize("kind", ["quiet", "read_only"])
def test_a_load_is_cancelled_without_asking(window_for, db, qtbot, monkeypatch, kind):
    """A page filling itself (quiet), or counts the clerk asked for (the overview's 刷新): closing
    loses nothing, so it does not ask."""
    shown = _patch_boxes(monkeypatch, answer=QMessageBox.StandardButton.No)
    w = window_for(db)
    _task, stopped = _slow_task(w, "总览", **{kind: True})
    assert w.close(), shown
    assert stopped.is_set()
    assert not [s for s in shown if s[0] == "question"]


def test_a_list_loader_shows_only_the_newest_load(qtbot, qapp, monkeypatch):
    """A filter changed while the last list still loads: the older result, even when it comes
    last, is dropped; an error of the newest load is shown."""
    from PySide6.QtWidgets import QWidget

    from fupin_desktop.views.common.background_load import ListLoader
    from fupin_desktop.views.common.tasks import running_tasks

    shown_boxes = _patch_boxes(monkeypatch)
    owner = QWidget()
    qtbot.addWidget(owner)
    loader = ListLoader(owner, "读取")
    release_old = threading.Event()
    shown = []

    def old():
        release_old.wait(10)
        return "旧"

    loader.load(old, shown.append)
    loader.load(lambda: "新", shown.append)
    qtbot.waitUntil(lambda: shown == ["新"], timeout=10_000)
    assert not loader.pending
    release_old.set()  # the old load ends after the new one: it is not shown
    qtbot.waitUntil(lambda: not running_tasks(), timeout=10_000)
    assert shown == ["新"]

    def broken():
        raise UserError("读取失败，请重试")

    loader.load(broken, shown.append)
    qtbot.waitUntil(lambda: not loader.pending, timeout=10_000)
    assert shown == ["新"] and shown_boxes and "读取失败" in shown_boxes[-1][2]
