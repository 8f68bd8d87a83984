"""家庭医生签约: signings by village and search (running ones only, by default), and under them
the follow-up visits (随访) of the selected signing, each added / edited / deleted on its own."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QCheckBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QSplitter, QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ..common.context import AppContext, show_error
from ..common.list_page import ListPage
from ..common.record_dialog import MedicalRecordDialog
from ..common.widgets import (
    SEARCH_DEBOUNCE_MS,
    MedicalListModel,
    choice_of,
    current_record,
    make_table,
    select_row,
    village_combo,
)
from ..common.list_model import Column

FOLLOW_UP_METHODS = ("上门", "电话", "门诊")


class SigningPage(ListPage):
    CHANGE_KIND = "medical"

    def __init__(self, ctx: AppContext, notify, parent: QWidget | None = None):
        super().__init__(ctx, notify, parent)
        self.village = village_combo(self.tr("All"))
        self.village.currentIndexChanged.connect(self.reload)
        self.active_check = QCheckBox(self.tr("Running signings only"))
        self.active_check.setChecked(True)
        self.active_check.toggled.connect(self.reload)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search name, ID number, doctor, team (Ctrl+F)"))
        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self.search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.count_label = QLabel()
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        lab = QLabel(self.tr("Village"))
        lab.setBuddy(self.village)
        bar.addWidget(lab)
        bar.addWidget(self.village)
        bar.addWidget(self.active_check)
        bar.addSpacing(12)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count_label)

        self.model = MedicalListModel([
            Column("village_name", self.tr("Village"), width=80),
            Column("household_code", self.tr("Household code"), "code", width=165),
            Column("member_name", self.tr("Full name"), width=70),
            Column("id_number", self.tr("ID number"), "code", width=165),
            Column("doctor_name", self.tr("Doctor"), width=70),
            Column("team", self.tr("Team"), width=150),
            Column("institution", self.tr("Institution"), width=130),
            Column("signed_date", self.tr("Signed on"), "date", width=90),
            Column("end_date", self.tr("Ends on"), "date", width=90),
            Column("follow_up_count", self.tr("Follow-ups"), "int", width=70),
            Column("last_follow_up", self.tr("Last follow-up"), "date", width=90),
            Column("active", self.tr("Running"), "bool", width=50),
        ], self)
        self.model.highlight = lambda r: not r.active
        self.model.highlight_tip = self.tr("Signing has ended")
        self.table = make_table(self.model)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.show_follow_ups())

        self.fu_model = MedicalListModel([
            Column("date", self.tr("Date"), "date", width=90),
            Column("method", self.tr("How"), width=60),
            Column("doctor_name", self.tr("Doctor"), width=70),
            Column("content", self.tr("Content"), width=500),
        ], self)
        self.fu_table = make_table(self.fu_model)
        self.fu_table.activated.connect(lambda _i: self.edit_follow_up())
        self.fu_title = QLabel(self.tr("Follow-up visits"))
        self.add_fu_button = QPushButton(self.tr("Add Follow-up…"))
        self.edit_fu_button = QPushButton(self.tr("Edit Follow-up…"))
        self.delete_fu_button = QPushButton(self.tr("Delete Follow-up"))
        self.add_fu_button.clicked.connect(self.add_follow_up)
        self.edit_fu_button.clicked.connect(self.edit_follow_up)
        self.delete_fu_button.clicked.connect(self.delete_follow_up)
        fu_bar = QHBoxLayout()
        fu_bar.addWidget(self.fu_title, 1)
        for b in (self.add_fu_button, self.edit_fu_button, self.delete_fu_button):
            fu_bar.addWidget(b)
        lower = QWidget()
        lv = QVBoxLayout(lower)
        lv.setContentsMargins(0, 4, 0, 0)
        lv.addLayout(fu_bar)
        lv.addWidget(self.fu_table)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

    def fetch(self) -> list:
        from ...services.medical.signing import list_signings

        self.search_timer.stop()  # a reload for another reason takes the typed text too
        return list_signings(self.ctx.db, village_id=self.village.currentData(),
                             text=self.search.text(), active_only=self.active_check.isChecked())

    def show_rows(self, rows, keep) -> None:
        self.model.set_rows(rows)
        self.count_label.setText(self.tr("%1 signings").replace("%1", f"{len(rows):,}"))
        self.select_kept(rows, keep)
        self.show_follow_ups()

    def show_follow_ups(self) -> None:
        from ...services.medical.signing import list_follow_ups

        sg = self.current()
        rows = list_follow_ups(self.ctx.db, sg.id) if sg is not None else []
        self.fu_model.set_rows(rows)
        if rows:
            select_row(self.fu_table, len(rows) - 1)
        self.fu_title.setText(
            self.tr("Follow-up visits of %1 (%2)").replace("%1", sg.member_name)
            .replace("%2", str(len(rows))) if sg is not None else self.tr("Follow-up visits"))
        for b in (self.add_fu_button, self.edit_fu_button, self.delete_fu_button):
            b.setEnabled(sg is not None)

    # -- signings ----------------------------------------------------------------------------
    def signing_fields(self) -> list:
        return [("doctor_name", self.tr("Doctor"), "text", ()),
                ("team", self.tr("Team"), "text", ()),
                ("institution", self.tr("Institution"), "text", ()),
                ("doctor_phone", self.tr("Doctor's phone"), "code", ()),
                ("signed_date", self.tr("Signed on"), "date", ()),
                ("end_date", self.tr("Ends on"), "date", ()),
                ("note", self.tr("Note"), "memo", ())]

    def follow_up_fields(self) -> list:
        return [("date", self.tr("Date"), "date", ()),
                ("method", self.tr("How"), "choice", FOLLOW_UP_METHODS),
                ("doctor_name", self.tr("Doctor"), "text", ()),
                ("content", self.tr("Content"), "memo", ())]

    def open_dialog(self, signing=None, member=None):
        """The signing's form; a new signing for ``member`` (a MemberChoice) when given."""
        from ...services.medical.settlements import search_members
        from ...services.medical.signing import save_signing

        if signing is None:
            title, data = self.tr("New Family-Doctor Signing"), {"member_id": member}
        else:
            title = self.tr("Family-Doctor Signing of %1").replace("%1", signing.member_name)
            data = {**signing.form_data(), "member_id": choice_of(signing)}
        signing_id, version = (signing.id, signing.version) if signing is not None else (None, None)
        return self.show_dialog(MedicalRecordDialog(
            title, self.signing_fields(), data,
            lambda d: save_signing(self.ctx.db, d, signing_id, version), self,
            member_label=self.tr("Member"), search=lambda t: search_members(self.ctx.db, t)))

    @Slot()
    def new_record(self, member=None):
        return self.open_dialog(None, member)

    def delete_prompt(self, signing) -> tuple[str, str]:
        return self.tr("Delete Signing"), f"{signing.member_name} {signing.doctor_name}"

    def delete_record(self, signing, reason: str) -> None:
        from ...services.medical.signing import delete_signing

        delete_signing(self.ctx.db, signing.id, signing.version, reason)

    # -- follow-ups --------------------------------------------------------------------------
    def follow_up_dialog(self, signing, fu=None) -> MedicalRecordDialog:
        from ...services.medical.signing import save_follow_up

        data = ({"date": fu.date, "content": fu.content, "method": fu.method,
                 "doctor_name": fu.doctor_name} if fu is not None
                else {"doctor_name": signing.doctor_name})
        title = (self.tr("Follow-up of %1") if fu is not None
                 else self.tr("New Follow-up of %1")).replace("%1", signing.member_name)
        dlg = MedicalRecordDialog(
            title, self.follow_up_fields(), data,
            lambda d: save_follow_up(self.ctx.db, signing.id, d,
                                     fu.id if fu else None, fu.version if fu else None), self)
        dlg.saved.connect(lambda _r: self.notify("medical", [signing.id], self, signing.id))
        self.dialog = dlg
        dlg.open()
        return dlg

    @Slot()
    def add_follow_up(self):
        sg = self.current()
        return self.follow_up_dialog(sg) if sg is not None else None

    @Slot()
    def edit_follow_up(self):
        sg, fu = self.current(), current_record(self.fu_table)
        return self.follow_up_dialog(sg, fu) if sg is not None and fu is not None else None

    @Slot()
    def delete_follow_up(self) -> None:
        from ...services.medical.signing import delete_follow_up

        sg, fu = self.current(), current_record(self.fu_table)
        if sg is None or fu is None:
            return
        if QMessageBox.question(self, self.tr("Delete Follow-up"),
                                self.tr("Delete the follow-up of %1 on %2?")
                                .replace("%1", sg.member_name).replace("%2", fu.date.isoformat())
                                ) != QMessageBox.StandardButton.Yes:
            return
        try:
            delete_follow_up(self.ctx.db, fu.id, fu.version)
        except UserError as exc:
            show_error(self, exc)
        self.notify("medical", [sg.id], self, sg.id)
