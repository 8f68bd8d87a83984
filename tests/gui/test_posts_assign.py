"""人员 page: 上岗 with the worker picker. An eligible member is assigned at once; a member who
fails a rule is assigned only with a written reason (stored and audited); cancelling the reason
assigns nothing. 离岗 needs a reason too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from fupin_desktop.models import AuditLog
from fupin_desktop.models.posts import Assignment
from fupin_desktop.services.posts.assignments import PostInput, save_post
from fupin_desktop.views.posts.widgets import ReasonDialog
from tests.unit import _posts_data as d


@pytest.fixture
def people(db):
    with db.write() as s:
        vid = d.village(s, "东风村")
        poor = d.household(s, vid, htype="脱贫户")
        ordinary = d.household(s, vid, htype="一般农户")
        eligible = d.member(s, poor, name="赵六", birth=dt.date(1980, 3, 4))
        ineligible = d.member(s, ordinary, name="钱七", birth=dt.date(1979, 8, 9))
    post = save_post(db, PostInput(name="东风村保洁员（一组）", post_type="保洁员",
                                   wage_standard=Decimal("500.00"), village_id=vid))
    return post.id, eligible, ineligible


@pytest.fixture
def page(qtbot, db, people):
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.posts.tab import PostsTab

    create_app()
    tab = PostsTab(AppContext(db))
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    p = tab.show_page("people")
    p.tab = tab
    return p


def _open_for(qtbot, page, post_id, name):
    dlg = page.new_record(post_id)
    qtbot.addWidget(dlg)
    assert dlg.form["post_id"].value() == post_id
    dlg.search.setText(name)
    dlg.load_candidates()
    assert [c.worker_name for c in dlg.cand_model.rows] == [name]
    dlg.cand_table.selectRow(0)
    dlg.form["start_date"].set_value(dt.date(2025, 3, 1))
    return dlg


def _reason_dialogs(qtbot, answer: str | None, seen: list):
    """Answer every reason dialog that opens: type ``answer`` and accept, or cancel (None)."""

    def check():
        dlg = QApplication.activeModalWidget()
        if isinstance(dlg, ReasonDialog):
            seen.append(dlg.explanation.text())
            if answer is None:
                dlg.reject()
            else:
                dlg.text.insertPlainText(answer)
                dlg.ok.click()
            return
        QTimer.singleShot(20, check)

    QTimer.singleShot(0, check)


def _assignments(db):
    with db.read() as s:
        return s.scalars(select(Assignment)).all()


def test_eligible_member_is_assigned_without_a_reason(qtbot, page, db, people):
    post_id, eligible, _ = people
    dlg = _open_for(qtbot, page, post_id, "赵六")
    assert "符合全部上岗条件" in dlg.picked.text()
    dlg.accept()
    (a,) = _assignments(db)
    assert (a.member_id, a.start_date, a.override_reason) == (eligible, dt.date(2025, 3, 1), None)
    assert page.model.rowCount() == 1 and page.current().worker_name == "赵六"


def test_ineligible_member_needs_a_written_reason(qtbot, page, db, people):
    post_id, _, ineligible = people
    dlg = _open_for(qtbot, page, post_id, "钱七")
    assert "脱贫户或监测对象家庭成员" in dlg.picked.text()  # the picker shows the failed rule
    # cancelled: nothing is assigned, the dialog stays open and says why
    seen: list[str] = []
    _reason_dialogs(qtbot, None, seen)
    dlg.accept()
    assert len(seen) == 1 and "钱七" in seen[0] and "一般农户" in seen[0]
    assert _assignments(db) == [] and dlg.isVisible()
    assert "例外原因" in dlg.banner.text()
    # with a reason: assigned, the reason and the broken rule stored and audited
    _reason_dialogs(qtbot, "村民代表会议决定：家庭突发困难", seen)
    dlg.accept()
    (a,) = _assignments(db)
    assert a.member_id == ineligible
    assert a.override_reason == "村民代表会议决定：家庭突发困难"
    assert "脱贫户或监测对象家庭成员" in a.override_rules
    with db.read() as s:
        reasons = s.scalars(select(AuditLog.reason).where(
            AuditLog.table_name == "post_assignments")).all()
    assert any("村民代表会议决定" in (r or "") for r in reasons)
    assert page.current().override_reason == a.override_reason  # shown (and tinted) in the list


def test_leaving_the_post_needs_a_reason(qtbot, page, db, people):
    post_id, _, _ = people
    _open_for(qtbot, page, post_id, "赵六").accept()
    dlg = page.end_current("离岗")
    qtbot.addWidget(dlg)
    dlg.form["end_date"].set_value(dt.date(2025, 8, 31))
    dlg.accept()
    assert dlg.isVisible() and "原因" in dlg.banner.text()  # no reason: refused by the service
    dlg.reason.setPlainText("外出务工")
    dlg.accept()
    (a,) = _assignments(db)
    assert (a.status, a.end_date, a.end_reason) == ("离岗", dt.date(2025, 8, 31), "外出务工")


def test_over_long_agreement_number_is_named_on_its_field_and_the_typing_kept(qtbot, page, db,
                                                                            people):
    """The agreement and bank fields are checked against the field specs (PostgreSQL used to
    refuse a 61-character 协议编号 with a database error)."""
    post_id, _, _ = people
    dlg = _open_for(qtbot, page, post_id, "赵六")
    dlg.form["agreement_no"].set_value("协" * 61)
    dlg.form["bank_name"].set_value("农\x07行")
    dlg.accept()
    assert _assignments(db) == [] and dlg.isVisible()
    assert "“协议编号”有 61 个字" in dlg.form["agreement_no"].error.text()
    assert "控制字符" in dlg.form["bank_name"].error.text()
    assert dlg.form["agreement_no"].value() == "协" * 61  # what the clerk typed stays
