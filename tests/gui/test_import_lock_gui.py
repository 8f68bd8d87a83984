"""Issue 12 in the GUI: while another clerk's import (or wage month close) holds the operation
lock, an import or the month close started from a page shows who/when in Chinese — not a
program error — and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import func, select

from fupin_desktop.models import Household, Settlement
from fupin_desktop.models.posts import Assignment, AttendanceMonth
from fupin_desktop.services import oplock
from fupin_desktop.services.posts.payroll import is_month_closed
from tests.security.test_import_lock_services import hold

from .test_medical_io import _sheet
from .test_medical_settlements import _living_member, demo_db  # noqa: F401 - fixtures

OCT = dt.date(2025, 10, 1)
BUSY = "另一个导入正在进行（开始于 "


@pytest.fixture
def db(any_db):
    """These tests run on SQLite and, with FUPIN_TEST_PG_URL, on PostgreSQL too."""
    return any_db


@pytest.fixture
def shown(monkeypatch):
    """Message boxes the pages show: (kind, title, text)."""
    out = []
    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(
            lambda _p, title, text, *a, _k=kind, **k: out.append((_k, title, text))))
    return out


def _count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def _refused(qtbot, task, shown) -> str:
    assert task is not None
    qtbot.waitUntil(lambda: not task.running and bool(shown), timeout=30000)
    assert isinstance(task.error, oplock.BusyError)
    ((kind, _title, text),) = shown
    assert kind == "warning", shown  # a clerk's message, not the 程序错误 box
    assert text.startswith(BUSY) and "用户 李四），请稍后再试" in text, text
    return text


def _window(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_households_import_from_the_tab_is_refused(qtbot, db, samples, shown, monkeypatch):
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.households.tab import HouseholdsTab

    create_app()
    tab = _window(qtbot, HouseholdsTab(AppContext(db)))
    hold(db)
    src = samples / "national_export_clean.xlsx"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(src), ""))
    _refused(qtbot, tab.start_import(), shown)
    assert _count(db, Household) == 0
    assert getattr(tab, "import_summary", None) is None


@pytest.fixture
def posts_tab(qtbot, db, samples):
    from fupin_desktop.services.households.importing import import_households
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.posts.tab import PostsTab

    import_households(db, samples / "national_export_messy.xlsx")
    create_app()
    return _window(qtbot, PostsTab(AppContext(db)))


def test_roster_and_attendance_imports_from_the_posts_tab_are_refused(qtbot, posts_tab, db,
                                                                      samples, shown):
    from fupin_desktop.services.posts.importing import import_roster

    hold(db)
    _refused(qtbot, posts_tab.start_import(str(samples / "post_roster_2025.xlsx")), shown)
    assert _count(db, Assignment) == 0
    shown.clear()
    with db.write() as s:  # let the roster in, then block the attendance sheet
        s.delete(s.get(oplock.OperationLock, oplock.IMPORT))
    import_roster(db, samples / "post_roster_2025.xlsx")
    hold(db)
    task = posts_tab.start_attendance_import(str(samples / "attendance_2025-10.xlsx"))
    _refused(qtbot, task, shown)  # refused at the preview already (a dry run writes too)
    assert getattr(posts_tab, "import_preview", None) is None
    assert _count(db, AttendanceMonth) == 0


def test_month_close_from_the_wages_page_is_refused(qtbot, posts_tab, db, samples, shown,
                                                    monkeypatch, tmp_path):
    from fupin_desktop.services.posts.importing import import_roster
    from fupin_desktop.views.common import print_preview

    import_roster(db, samples / "post_roster_2025.xlsx")
    page = posts_tab.show_page("wages")
    page.month.set_month(OCT)
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "花名册.pdf"), ""))
    opened = []
    monkeypatch.setattr(print_preview, "show_preview", lambda *a, **k: opened.append(a))
    hold(db)
    _refused(qtbot, page.close_and_print(), shown)
    with db.read() as s:
        assert not is_month_closed(s, OCT)
    assert not opened and not (tmp_path / "花名册.pdf").exists()


@pytest.fixture
def tab(qtbot, demo_db):
    """The 医疗 tab; at the end it waits for the tasks it started (not those another test left)."""
    from fupin_desktop.views.common import tasks
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.medical.tab import MedicalTab
    from fupin_desktop.views.common.widgets import MemberPicker

    before = set(tasks.running_tasks())
    create_app()
    t = _window(qtbot, MedicalTab(AppContext(demo_db)))
    yield t
    for picker in t.findChildren(MemberPicker):
        picker.timer.stop()
    qtbot.waitUntil(lambda: not (set(tasks.running_tasks()) - before), timeout=10000)


def test_medical_import_from_the_tab_is_refused(qtbot, tab, demo_db, shown, tmp_path):
    member = _living_member(demo_db)
    src = tmp_path / "结算明细.xlsx"
    _sheet(src, member)
    before = _count(demo_db, Settlement)
    hold(demo_db)
    _refused(qtbot, tab.start_import(str(src)), shown)
    assert _count(demo_db, Settlement) == before
    assert getattr(tab, "import_summary", None) is None
