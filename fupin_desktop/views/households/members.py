"""家庭成员 page of the household dialog: add and edit members, and mark one 死亡 / 迁出 / … with
a date. A member is never removed here — the record and its history stay, only the status says
the person left the household."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QPushButton, QWidget

from ...models import MEMBER_STATUSES, RELATIONS
from .lists import FieldSpec, HouseholdListPage, RecordDialog
from ..common.list_model import Column


class MembersPage(HouseholdListPage):
    def __init__(self, db, parent: QWidget | None = None):
        super().__init__([
            Column("name", self.tr("Full name"), width=80),
            Column("id_number", self.tr("ID number"), "code", width=170),
            Column("sex", self.tr("Sex"), width=40),
            Column("relation", self.tr("Relation to head"), width=80),
            Column("birth_date", self.tr("Birth date"), "date", width=90),
            Column("health", self.tr("Health"), width=90),
            Column("phone", self.tr("Phone"), "code", width=110),
            Column("status", self.tr("Member status"), width=72),
            Column("status_date", self.tr("Status since"), "date", width=90),
            Column("status_note", self.tr("Status note"), width=160),
        ], parent)
        self.db = db
        self.model.highlight = lambda m: m.status != "正常"
        self.model.highlight_tip = self.tr("Deceased or moved out: kept for the record")
        self.status_button = QPushButton(self.tr("Mark Deceased / Moved Out…"))
        self.status_button.clicked.connect(self.mark_status)
        self.buttons.insertWidget(2, self.status_button)

    def title(self) -> str:
        return self.tr("Household Member")

    def fields(self) -> list[FieldSpec]:
        return [
            ("name", self.tr("Full name"), "text", ()),
            ("id_type", self.tr("ID type"), "text", ()),
            ("id_number", self.tr("ID number"), "code", ()),
            ("relation", self.tr("Relation to head"), "choice", RELATIONS),
            ("sex", self.tr("Sex (from the ID when empty)"), "choice", ("男", "女")),
            ("birth_date", self.tr("Birth date (from the ID when empty)"), "date", ()),
            ("ethnicity", self.tr("Ethnicity"), "text", ()),
            ("education", self.tr("Education"), "text", ()),
            ("school_status", self.tr("School status"), "text", ()),
            ("out_of_school_reason", self.tr("Why not in compulsory school"), "text", ()),
            ("health", self.tr("Health"), "text", ()),
            ("labour_skill", self.tr("Labour skill"), "text", ()),
            ("work_months", self.tr("Months worked away"), "int", ()),
            ("basic_medical_insurance", self.tr("Basic medical insurance"), "tristate", ()),
            ("critical_illness_insurance", self.tr("Critical illness insurance"), "tristate", ()),
            ("pension_insurance", self.tr("Pension insurance"), "tristate", ()),
            ("employee_medical_insurance", self.tr("Employee medical insurance"), "tristate", ()),
            ("low_income_support", self.tr("Receives minimum living allowance"), "tristate", ()),
            ("extreme_poverty_support", self.tr("Receives extreme-poverty support"), "tristate", ()),
            ("phone", self.tr("Phone"), "code", ()),
        ]

    def new_record(self):
        from ...services.households.forms import MemberForm

        return MemberForm(household_id=self.household_id)

    # members are in no closed period: ``correction`` is always None here
    def save_new(self, form, correction=None):
        from ...services.households.edit import add_member

        return add_member(self.db, self.household_id, form)

    def save_edit(self, form, correction=None):
        from ...services.households.edit import update_member

        return update_member(self.db, form)

    @Slot()
    def mark_status(self) -> RecordDialog | None:
        member = self.current()
        if member is None:
            return None
        record = member
        if member.status == "正常":  # offer the usual change, with today's date to correct
            record = dataclasses.replace(member, status="死亡", status_date=None, status_note=None)

        def save(form, correction=None):
            from ...services.households.edit import mark_member_status

            return mark_member_status(self.db, member.id, form.status, form.status_date,
                                      form.status_note, version=member.version)

        fields = [("status", self.tr("Member status"), "choice", MEMBER_STATUSES),
                  ("status_date", self.tr("Since (date)"), "date", ()),
                  ("status_note", self.tr("Note (e.g. where to)"), "memo", ())]
        return self.open_dialog(RecordDialog(self.tr("Status of %1").replace("%1", member.name),
                                             record, fields, save, self))
