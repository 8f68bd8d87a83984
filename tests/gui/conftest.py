"""GUI fixtures: a window over a fresh database."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def unanswered_message_boxes(monkeypatch):
    """A message box no test answers would wait for a click forever (offscreen, nobody clicks)
    and stall the whole run. Each one is answered at once with its safe default (No / the
    default button) and the test fails at teardown naming it; a test that expects a message
    patches QMessageBox itself, which takes precedence."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []

    def unanswered(kind):
        def box(parent, title, text, buttons=None, default=QMessageBox.StandardButton.NoButton):
            shown.append(f"{kind}: {title}: {text}")
            if kind == "question":
                return QMessageBox.StandardButton.No
            return default if default != QMessageBox.StandardButton.NoButton else QMessageBox.StandardButton.Ok
        return staticmethod(box)

    for kind in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, unanswered(kind))
    yield shown
    assert not shown, f"message boxes nobody expected: {shown}"


@pytest.fixture(autouse=True)
def no_worker_outlives_its_test(qtbot):
    """A worker still running after its test would write to the next test's world (or to a
    database already gone): wait for every worker thread before the next test starts."""
    yield
    from PySide6.QtCore import QThreadPool

    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0, timeout=30000)


@pytest.fixture
def demo_db(db):
    """The demo township, made and used on a fixed day (mid-year: every tab has data for the
    year shown), so that no test depends on today's date."""
    import datetime as dt

    import time_machine

    from tests.conftest import load_demo

    with time_machine.travel(dt.datetime(2026, 6, 15, 9, 0), tick=True):
        load_demo(db, households=40, seed=7)  # generated once, copied for each test
        yield db


@pytest.fixture
def ctx(qapp, db):
    from fupin_desktop.views.common.context import AppContext

    return AppContext(db)


@pytest.fixture
def window_for(qtbot, qapp):
    """Build a MainWindow over a given database, with the app's font and translations."""
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.main_window import MainWindow

    create_app()

    def make(database):
        w = MainWindow(AppContext(database))
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        return w

    return make
