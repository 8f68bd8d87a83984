"""GUI fixtures: a window over a fresh database."""

from __future__ import annotations

import pytest


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
    from fupin_desktop.views.context import AppContext

    return AppContext(db)


@pytest.fixture
def window_for(qtbot, qapp):
    """Build a MainWindow over a given database, with the app's font and translations."""
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.context import AppContext
    from fupin_desktop.views.main_window import MainWindow

    create_app()

    def make(database):
        w = MainWindow(AppContext(database))
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        return w

    return make
