"""Issue 12: the GUI recomputes the audit hash chain at start (in the background) and warns in
the status bar when an entry was altered outside the program."""

from __future__ import annotations

import pytest
from sqlalchemy import text

pytest.importorskip("pytestqt")


@pytest.fixture
def make_window(qtbot, qapp):
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.main_window import MainWindow

    create_app()

    def make(database):
        w = MainWindow(AppContext(database))
        qtbot.addWidget(w)
        w.show()
        qtbot.waitUntil(lambda: hasattr(w, "integrity_result"), timeout=20000)
        return w

    return make


def _some_entries(db):
    from fupin_desktop.services import settings

    for name in ("示例镇", "示例乡"):
        with db.write() as s:
            settings.set(s, settings.TOWNSHIP, name)


def test_intact_database_shows_no_warning(make_window, db):
    _some_entries(db)
    w = make_window(db)
    assert w.integrity_result.intact and not hasattr(w, "integrity_label")


def test_altered_audit_row_is_reported_in_the_status_bar(make_window, db, qtbot):
    _some_entries(db)
    with db.engine.begin() as c:
        c.execute(text("UPDATE audit_log SET reason = 'x' WHERE id = (SELECT MIN(id) FROM audit_log)"))
    w = make_window(db)
    assert not w.integrity_result.intact
    assert w.integrity_label.isVisibleTo(w) and "完整性" in w.integrity_label.text()
    assert w.integrity_box.isVisible() and "审计日志第" in w.integrity_box.text()
    w.integrity_box.close()


def test_altered_record_of_a_closed_archive_year_is_reported(make_window, db):
    import datetime as dt

    from fupin_desktop.models import ArchiveYear, Visit
    from fupin_desktop.models.triggers import drop_statements
    from fupin_desktop.services.closures import year_digest
    from tests.unit import _posts_data as d

    with db.write() as s:
        hid = d.household(s, d.village(s))
        s.add(Visit(household_id=hid, date=dt.date(2025, 3, 1), visitor="王", findings="稳定"))
        s.flush()
        s.add(ArchiveYear(year=2025, closed=True, content_hash=year_digest(s, 2025)))
    with db.engine.begin() as c:
        for sql in drop_statements(db.engine.dialect.name):  # SQL that gets past the triggers
            c.exec_driver_sql(sql)
        c.execute(text("UPDATE visits SET findings = '已脱贫'"))
    w = make_window(db)
    assert not w.integrity_result.intact
    assert w.integrity_label.isVisibleTo(w)
    assert "2025年度档案关闭时封存的记录" in w.integrity_box.text()
    w.integrity_box.close()
