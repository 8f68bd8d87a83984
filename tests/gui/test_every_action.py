"""Every menu action, toolbar button and tab/page button of the main window, once, on the demo
township: none may raise or log an error (issue 10 §6: no crash anywhere).

Every modal answer is patched: file dialogs answer with paths under tmp_path (the sample sheets
for imports), questions answer 否 (so nothing destructive happens), every QDialog/QMessageBox
``exec`` is rejected, input dialogs are cancelled — the test can never hang on a modal dialog.
"""

from __future__ import annotations

import itertools
import logging
import re
import shutil
import sys
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractButton, QApplication, QDialog, QFileDialog, QInputDialog, QMenu, QMessageBox,
    QTabBar, QTableView, QToolButton,
)

from fupin_desktop.views.common import print_preview
from tests.conftest import SAMPLES

# actions that end the session or the window: not "crashes" to look for
SKIP_TEXTS = {"退出", "注销", "立即锁定", "切换用户…"}


class Answers:
    """The patched modal dialogs: what each one answered, for the failure message."""

    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.n = itertools.count(1)
        self.log: list[str] = []
        self.fired: list[str] = []

    def _ext(self, filt: str, default: str) -> str:
        m = re.search(r"\*(\.[A-Za-z0-9]+)", filt or "")
        return m.group(1) if m else default

    def open_file(self, parent=None, caption="", directory="", filt="", *a, **k):
        self.log.append(f"open {caption}")
        for key, sample in (("花名册", "post_roster_2025.xlsx"), ("考勤", "attendance_2025-10.xlsx"),
                            ("医疗", "medical_settlements_2025.xlsx"),
                            ("户", "national_export_clean.xlsx")):
            if key in caption and (SAMPLES / sample).is_file():
                out = self.tmp / f"in{next(self.n)}-{sample}"
                shutil.copy(SAMPLES / sample, out)
                return str(out), filt
        return str(self.tmp / f"missing{next(self.n)}{self._ext(filt, '.xlsx')}"), filt

    def open_files(self, parent=None, caption="", directory="", filt="", *a, **k):
        path, f = self.open_file(parent, caption, directory, filt)
        return [path], f

    def save_file(self, parent=None, caption="", directory="", filt="", *a, **k):
        self.log.append(f"save {caption}")
        return str(self.tmp / f"out{next(self.n)}{self._ext(filt, '.xlsx')}"), filt

    def directory(self, parent=None, caption="", *a, **k):
        self.log.append(f"dir {caption}")
        d = self.tmp / f"dir{next(self.n)}"
        d.mkdir()
        return str(d)

    def question(self, parent, title, text, *a, **k):
        self.log.append(f"question {title}")
        return QMessageBox.StandardButton.No

    def message(self, parent, title, text, *a, **k):
        self.log.append(f"message {title}: {text[:80]}")
        return QMessageBox.StandardButton.Ok


@pytest.fixture
def answers(monkeypatch, tmp_path):
    a = Answers(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(a.open_file))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(a.open_files))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(a.save_file))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(a.directory))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(a.question))
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(a.message))
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda *x, **k: a.log.append("about")))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: QMessageBox.StandardButton.Cancel)
    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: a.log.append(f"open {url.toString()}") or True))

    def preview(parent, path, title=""):  # a generated PDF opens in the print preview
        assert Path(path).is_file()
        a.log.append(f"preview {path}")

    monkeypatch.setattr(print_preview, "show_preview", preview)
    for name, cancel in (("getText", ("", False)), ("getItem", ("", False)), ("getInt", (0, False)),
                         ("getDouble", (0.0, False)), ("getMultiLineText", ("", False))):
        monkeypatch.setattr(QInputDialog, name, staticmethod(lambda *x, _c=cancel, **k: _c))
    return a


def _wait_tasks(qtbot, stale=frozenset()):
    """Wait for the tasks this test started (``stale``: tasks other tests left behind)."""
    from fupin_desktop.views.common import tasks

    qtbot.waitUntil(lambda: not (set(tasks.running_tasks()) - stale), timeout=60000)
    QApplication.processEvents()


def _open_windows(window, earlier=frozenset()):
    """The windows an action left open: not the main window, nor one that was there before the
    test began (a dialog an earlier test in this process left open, deleted whenever Qt gets to
    it: its buttons are not this window's)."""
    return [w for w in QApplication.topLevelWidgets()
            if w is not window and id(w) not in earlier and w.isVisible() and not isinstance(w, QMenu)]


def _close_windows(window, earlier=frozenset()):
    """Close what an action left open (non-modal dialogs)."""
    for w in _open_windows(window, earlier):
        w.hide()
        w.deleteLater()
    QApplication.processEvents()


def _buttons(widget):
    for b in widget.findChildren(QAbstractButton):
        if not (b.isVisible() and b.isEnabled()) or isinstance(b.parent(), QTabBar):
            continue
        if isinstance(b, QToolButton) and b.defaultAction() is not None:
            continue  # a toolbar button: its action is triggered with the others
        yield b


def _select_first_rows(widget):
    for t in widget.findChildren(QTableView):
        if t.isVisible() and t.model() is not None and t.model().rowCount() > 0:
            t.selectRow(0)


def _menu_actions(menu):
    for a in menu.actions():
        if a.menu() is not None:
            yield from _menu_actions(a.menu())
        elif not a.isSeparator():
            yield a


def test_every_action_and_button_runs_without_error(window_for, demo_db, qtbot, answers,
                                                    monkeypatch, caplog):
    from fupin_desktop.views import app as app_mod

    w = window_for(demo_db)
    failures: list[str] = []
    current = {"what": "start"}

    def hook(exc_type, exc, tb):
        failures.append(f"{current['what']}: {exc_type.__name__}: {exc}")
        logging.getLogger("test").error("exception", exc_info=(exc_type, exc, tb))

    monkeypatch.setattr(sys, "excepthook", hook)
    monkeypatch.setattr(app_mod, "_crash_dialog", lambda text: None)
    done: set[int] = set()
    from fupin_desktop.views.common import tasks

    stale = frozenset(tasks.running_tasks())
    earlier = frozenset(id(x) for x in QApplication.topLevelWidgets() if x is not w)

    def fire(what: str, run, depth: int = 0) -> None:
        current["what"] = what
        before = len(caplog.records)
        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collected, reported together
            failures.append(f"{what}: {type(exc).__name__}: {exc}")
        _wait_tasks(qtbot, stale)
        for r in caplog.records[before:]:
            if r.levelno >= logging.ERROR:
                failures.append(f"{what}: logged {r.levelname} {r.getMessage()[:200]}")
        if depth == 0:  # the buttons of a dialog the action left open (户 dialog, 结算 dialog …)
            for dlg in _open_windows(w, earlier):
                for b in list(_buttons(dlg)):
                    if not shiboken6.isValid(b):
                        break  # a click before closed the dialog and deleted its buttons
                    if b.isVisible() and b.isEnabled() and b.text() not in ("关闭", "取消"):
                        fire(f"{what} ▸ {b.text() or b.toolTip()}", b.click, depth + 1)
            _close_windows(w, earlier)

    def trigger(act, where: str) -> None:
        if id(act) in done or act.text() in SKIP_TEXTS or not act.isEnabled() or not act.isVisible():
            return
        done.add(id(act))
        fire(f"{where} ▸ {act.text()}", act.trigger)

    with caplog.at_level(logging.WARNING):
        for i in range(w.tabs.count()):
            tab = w.tabs.widget(i)
            w.tabs.setCurrentIndex(i)
            qtbot.waitUntil(tab.isVisible, timeout=10_000)
            pages = getattr(tab, "pages", None)
            for j in range(pages.count() if pages is not None else 1):
                if pages is not None:
                    pages.setCurrentIndex(j)
                where = w.tabs.tabText(i) + (f" / {pages.tabText(j)}" if pages is not None else "")
                _select_first_rows(tab)
                for act in tab.actions():  # the toolbar and the tab's shortcuts
                    _select_first_rows(tab)
                    trigger(act, where)
                for b in list(_buttons(tab)):
                    if id(b) in done or not b.isVisible() or not b.isEnabled():
                        continue
                    done.add(id(b))
                    _select_first_rows(tab)
                    fire(f"{where} ▸ button {b.text() or b.toolTip()}", b.click)
        for top in w.menuBar().actions():
            for act in _menu_actions(top.menu()):
                trigger(act, top.text())
    assert len(done) > 60  # the test really went through the window
    assert not failures, "\n".join(failures) + "\n\nanswers:\n" + "\n".join(answers.log[-30:])
