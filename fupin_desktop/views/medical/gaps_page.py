"""缺口名单: the two lists the township is asked about — members with a chronic disease (an active
card, or 慢性病 in the registry's 健康状况) but no running family-doctor signing, and signings with
no follow-up in the last N months (the setting). Each row leads straight to the fix: 签约 or 随访."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from ..common.background_load import ListLoader
from ..common.context import AppContext
from ..common.widgets import (
    MedicalListModel, current_record, make_table, select_row, set_villages, village_combo,
)
from ..common.list_model import Column


class GapsPage(QWidget):
    sign_requested = Signal(object)  # MemberChoice of an unsigned chronic patient
    follow_up_requested = Signal(object)  # SigningRow overdue for a follow-up

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.loader = ListLoader(self, self.tr("Loading…"))
        self.village = village_combo(self.tr("All"))
        self.village.currentIndexChanged.connect(self.reload)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        lab = QLabel(self.tr("Village"))
        lab.setBuddy(self.village)
        bar.addWidget(lab)
        bar.addWidget(self.village)
        bar.addStretch(1)

        self.unsigned_model = MedicalListModel([
            Column("village_name", self.tr("Village"), width=80),
            Column("household_code", self.tr("Household code"), "code", width=165),
            Column("member_name", self.tr("Full name"), width=70),
            Column("id_number", self.tr("ID number"), "code", width=165),
            Column("health", self.tr("Health"), width=110),
            Column("diseases", self.tr("Chronic diseases"), width=150),
            Column("basis", self.tr("Known from"), width=80),
        ], self)
        self.unsigned_table = make_table(self.unsigned_model)
        self.unsigned_table.activated.connect(lambda _i: self.sign_current())
        self.unsigned_title = QLabel()
        self.sign_button = QPushButton(self.tr("Sign a Family Doctor…"))
        self.sign_button.clicked.connect(self.sign_current)

        self.overdue_model = MedicalListModel([
            Column("village_name", self.tr("Village"), width=80),
            Column("household_code", self.tr("Household code"), "code", width=165),
            Column("member_name", self.tr("Full name"), width=70),
            Column("id_number", self.tr("ID number"), "code", width=165),
            Column("doctor_name", self.tr("Doctor"), width=70),
            Column("team", self.tr("Team"), width=150),
            Column("signed_date", self.tr("Signed on"), "date", width=90),
            Column("follow_up_count", self.tr("Follow-ups"), "int", width=70),
            Column("last_follow_up", self.tr("Last follow-up"), "date", width=90),
        ], self)
        self.overdue_table = make_table(self.overdue_model)
        self.overdue_table.activated.connect(lambda _i: self.follow_up_current())
        self.overdue_title = QLabel()
        self.follow_up_button = QPushButton(self.tr("Record Follow-up…"))
        self.follow_up_button.clicked.connect(self.follow_up_current)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        for title, button, table in ((self.unsigned_title, self.sign_button, self.unsigned_table),
                                     (self.overdue_title, self.follow_up_button, self.overdue_table)):
            box = QWidget()
            v = QVBoxLayout(box)
            v.setContentsMargins(0, 4, 0, 0)
            head = QHBoxLayout()
            title.setStyleSheet("font-weight: bold")
            head.addWidget(title, 1)
            head.addWidget(button)
            v.addLayout(head)
            v.addWidget(table)
            self.splitter.addWidget(box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

    def set_villages(self, villages) -> None:
        set_villages(self.village, villages)

    @Slot()
    def reload(self, *_args, keep=None) -> None:
        from ...services.medical.settings import followup_months
        from ...services.medical.signing import chronic_without_signing, signings_without_followup

        vid = self.village.currentData()
        db = self.ctx.db

        def fetch():
            unsigned = chronic_without_signing(db, village_id=vid)
            with db.read() as s:
                months = followup_months(s)
            return unsigned, months, signings_without_followup(db, months=months, village_id=vid)

        self.loader.load(fetch, self._show)

    def _show(self, lists) -> None:
        unsigned, months, overdue = lists
        self.unsigned_model.set_rows(unsigned)
        self.overdue_model.set_rows(overdue)
        select_row(self.unsigned_table, 0)
        select_row(self.overdue_table, 0)
        self.unsigned_title.setText(
            self.tr("Chronic patients without a family doctor: %1").replace("%1", str(len(unsigned))))
        self.overdue_title.setText(
            self.tr("Signings without a follow-up in the last %1 months: %2")
            .replace("%1", str(months)).replace("%2", str(len(overdue))))
        self.sign_button.setEnabled(bool(unsigned))
        self.follow_up_button.setEnabled(bool(overdue))

    def focus_search(self) -> None:
        self.unsigned_table.setFocus()

    @property
    def counts(self) -> tuple[int, int]:
        return self.unsigned_model.rowCount(), self.overdue_model.rowCount()

    @Slot()
    def sign_current(self) -> None:
        from ...services.medical.settlements import MemberChoice

        u = current_record(self.unsigned_table)
        if u is not None:
            self.sign_requested.emit(MemberChoice(u.member_id, u.member_name, u.id_number,
                                                  u.household_code, u.village_name, ""))

    @Slot()
    def follow_up_current(self) -> None:
        sg = current_record(self.overdue_table)
        if sg is not None:
            self.follow_up_requested.emit(sg)
