"""人员: who holds which post, from when to when (在岗 / 离岗 / 撤销), with 上岗, open, 离岗 and
撤销. Assignments made by exception (a failed eligibility rule) are tinted and show the reason."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from ...models.posts import ASSIGNMENT_STATUSES
from ..common.context import show_error
from ..common.widgets import make_table, village_combo
from .local_search_page import LocalSearchPage
from .widgets import NOTICE, ColouredListModel
from ..common.list_model import Column


class PeoplePage(LocalSearchPage):
    CHANGE_KIND = "assignments"
    SEARCHED = ("worker_name", "id_number", "household_code", "post_name")

    def __init__(self, ctx, notify, parent: QWidget | None = None):
        super().__init__(ctx, notify, parent)
        self.village = village_combo(self.tr("All villages"))
        self.status = QComboBox()
        self.status.addItem(self.tr("All statuses"), None)
        for s in ASSIGNMENT_STATUSES:
            self.status.addItem(s, s)
        self.status.setCurrentIndex(1)  # 在岗: what the clerk works with day to day
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, ID number, household code or post (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Village")))
        top.addWidget(self.village)
        top.addWidget(QLabel(self.tr("Status")))
        top.addWidget(self.status)
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        self.leave_button = QPushButton(self.tr("Leave Post…"))
        self.revoke_button = QPushButton(self.tr("Revoke Post…"))
        self.leave_button.clicked.connect(lambda: self.end_current("离岗"))
        self.revoke_button.clicked.connect(lambda: self.end_current("撤销"))
        actions = QHBoxLayout()
        actions.addWidget(self.leave_button)
        actions.addWidget(self.revoke_button)
        actions.addStretch(1)
        self.model = ColouredListModel([
            Column("village_name", self.tr("Village"), width=80),
            Column("worker_name", self.tr("Full name"), width=70),
            Column("id_number", self.tr("ID number"), "code", width=165),
            Column("household_code", self.tr("Household code"), "code", width=165),
            Column("post_name", self.tr("Post"), width=180),
            Column("post_type", self.tr("Post type"), width=80),
            Column("wage_standard", self.tr("Wage standard"), "money", width=80),
            Column("start_date", self.tr("Start date"), "date", width=90),
            Column("end_date", self.tr("End date"), "date", width=90),
            Column("status", self.tr("Status"), width=50),
            Column("end_reason", self.tr("Reason for leaving"), width=120),
            Column("agreement_no", self.tr("Agreement number"), "code", width=100),
            Column("bank_account", self.tr("Bank account"), "code", width=170),
            Column("override_reason", self.tr("Eligibility exception"), width=200),
        ], self)
        self.model.colour = lambda a: NOTICE if a.override_reason else None
        self.model.tip = lambda a: (self.tr("Assigned by exception (%1): %2")
                                    .replace("%1", a.override_rules or "")
                                    .replace("%2", a.override_reason) if a.override_reason else None)
        self.table = make_table(self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        self.search_loaded_rows()
        self.village.currentIndexChanged.connect(lambda _i: self.reload())
        self.status.currentIndexChanged.connect(lambda _i: self.reload())

    def fetch(self) -> list:
        from ...services.posts.assignments import list_assignments

        return list_assignments(self.ctx.db, village_id=self.village.currentData(),
                                status=self.status.currentData())

    def count_text(self, n: int) -> str:
        return self.tr("%1 assignments").replace("%1", str(n))

    # -- actions -----------------------------------------------------------------------------
    def _posts(self):
        from ...services.posts.assignments import list_posts

        return list_posts(self.ctx.db)

    def open_dialog(self, assignment=None, post_id: int | None = None):
        from .assign_dialog import AssignDialog

        try:
            dlg = AssignDialog(self.ctx, self._posts(), assignment, self, post_id=post_id)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return None
        return self.show_dialog(dlg)

    @Slot()
    def new_record(self, post_id: int | None = None):
        """上岗, for the post chosen on the 岗位 page when given."""
        return self.open_dialog(None, post_id)

    def end_current(self, status: str):
        from .assign_dialog import EndDialog

        a = self.current()
        if a is None:
            return None
        return self.show_dialog(EndDialog(self.ctx, a, status, self))

    @Slot()
    def delete_current(self) -> None:
        self.end_current("撤销")  # an assignment is revoked, never deleted
