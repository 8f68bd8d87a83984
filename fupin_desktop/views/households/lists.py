"""The household dialog's list pages (家庭成员, 帮扶措施, 走访记录) and the small dialog that edits
one record of them. Each record is saved on its own (one transaction) by the services; a save that
fails keeps the small dialog open with what was typed and the message next to the field."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
    QPushButton, QTableView, QVBoxLayout, QWidget,
)

from ...errors import UserError, ValidationError
from ..common.correction import save_or_correct
from ..common.context import show_error
from ..common.fields import FieldForm
from ..common.list_model import Column, ListTableModel

# (name, English label, kind, choices) of an editable record's fields
FieldSpec = tuple[str, str, str, tuple]


class RecordDialog(QDialog):
    """Edit one record (a form dataclass) with ``fields``; ``save(form, correction)`` writes it
    (``correction``: None, or the reason when a closed period asked for one)."""

    def __init__(self, title: str, record, fields: list[FieldSpec],
                 save: Callable[[object, str | None], object], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.record, self.save_fn = record, save
        self.result_value = None
        layout = QVBoxLayout(self)
        self.banner = QLabel()
        self.banner.setProperty("role", "error")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        form_layout = QFormLayout()
        self.form = FieldForm(form_layout)
        for name, label, kind, choices in fields:
            self.form.add(name, label, kind, choices)
        self.form.load(record)
        layout.addLayout(form_layout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.accept)
        self.setMinimumWidth(460)

    def edited_record(self):
        """The record with the typed values, or None (messages shown) when something is wrong."""
        values, errors = self.form.values()
        if errors:
            return None
        return dataclasses.replace(self.record, **values)

    def accept(self) -> None:
        record = self.edited_record()
        if record is None:
            return
        try:
            self.result_value = save_or_correct(self, lambda correction: self.save_fn(record, correction))
        except ValidationError as exc:
            errors = exc.errors or {}
            shown = self.form.show_errors(errors)
            unplaced = [m for k, m in errors.items() if k not in self.form.fields]
            self._banner("\n".join(unplaced) if errors else str(exc))
            if shown is not None:
                shown.setFocus()
            return
        except UserError as exc:  # ConflictError included: “该记录已被他人修改，请刷新后重试”
            self._banner(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a bug: logged, the typing stays
            show_error(self, exc)
            return
        super().accept()

    def _banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))


class HouseholdListPage(QWidget):
    """One of the household dialog's lists (members, measures, visits): a table of records with
    新增 / 编辑 buttons (Enter or double-click edits)."""

    changed = Signal()

    def __init__(self, columns: list[Column], parent: QWidget | None = None):
        super().__init__(parent)
        self.model = ListTableModel(columns, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(True)
        for i, c in enumerate(columns):
            self.table.setColumnWidth(i, c.width)
        self.table.activated.connect(lambda _i: self.edit_current())
        self.buttons = QHBoxLayout()
        self.add_button = QPushButton(QCoreApplication.translate("HouseholdLists", "Add…"))
        self.edit_button = QPushButton(QCoreApplication.translate("HouseholdLists", "Edit…"))
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_current)
        self.buttons.addWidget(self.add_button)
        self.buttons.addWidget(self.edit_button)
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)
        self.household_id: int | None = None

    def set_rows(self, rows) -> None:
        keep = self.table.currentIndex().row()
        self.model.set_rows(rows)
        self.table.resizeRowsToContents()
        if rows:
            self.table.selectRow(min(max(keep, 0), len(rows) - 1))

    def current(self):
        idx = self.table.currentIndex()
        return self.model.record(idx.row()) if idx.isValid() else None

    def set_household(self, household_id: int | None) -> None:
        self.household_id = household_id
        self.setEnabled(household_id is not None)

    # subclasses: new_record(), fields(), save_new(form, correction), save_edit(form, correction),
    # title()
    @Slot()
    def add(self) -> None:
        self._run(self.new_record(), self.save_new)

    @Slot()
    def edit_current(self) -> None:
        rec = self.current()
        if rec is not None:
            self._run(rec, self.save_edit)

    def _run(self, record, save) -> RecordDialog:
        return self.open_dialog(RecordDialog(self.title(), record, self.fields(), save, self))

    def open_dialog(self, dlg: RecordDialog) -> RecordDialog:
        self.dialog = dlg  # tests reach the open dialog here
        # reload the list however the dialog ends: after a conflict it shows the current data
        dlg.finished.connect(lambda _result: self.changed.emit())
        dlg.open()
        return dlg


def measure_columns() -> list[Column]:
    return [Column("date", QCoreApplication.translate("HouseholdLists", "Date"), "date", width=90),
            Column("category", QCoreApplication.translate("HouseholdLists", "Measure type"), width=120),
            Column("content", QCoreApplication.translate("HouseholdLists", "Content"), width=330),
            Column("amount", QCoreApplication.translate("HouseholdLists", "Amount (yuan)"), "money",
                   width=100),
            Column("responsible", QCoreApplication.translate("HouseholdLists", "Responsible"),
                   width=90)]


def visit_columns() -> list[Column]:
    return [Column("date", QCoreApplication.translate("HouseholdLists", "Date"), "date", width=90),
            Column("visitor", QCoreApplication.translate("HouseholdLists", "Visitor"), width=90),
            Column("findings", QCoreApplication.translate("HouseholdLists", "Findings"), width=330),
            Column("follow_up", QCoreApplication.translate("HouseholdLists", "Follow-up"),
                   width=250)]


class MeasuresPage(HouseholdListPage):
    def __init__(self, db, parent: QWidget | None = None):
        super().__init__(measure_columns(), parent)
        self.db = db

    def title(self) -> str:
        return self.tr("Assistance Measure")

    def fields(self) -> list[FieldSpec]:
        from ...services.households.forms import MEASURE_NAMES

        return [("category", self.tr("Measure type"), "choice", MEASURE_NAMES),
                ("date", self.tr("Date"), "date", ()),
                ("content", self.tr("Content"), "memo", ()),
                ("amount", self.tr("Amount (yuan)"), "money", ()),
                ("responsible", self.tr("Responsible"), "text", ())]

    def new_record(self):
        from ...services.households.forms import MeasureForm

        return MeasureForm()

    def save_new(self, form, correction=None):
        from ...services.households.edit import add_measure

        return add_measure(self.db, self.household_id, form, correction=correction)

    def save_edit(self, form, correction=None):
        from ...services.households.edit import update_measure

        return update_measure(self.db, form, correction=correction)


class VisitsPage(HouseholdListPage):
    def __init__(self, db, parent: QWidget | None = None):
        super().__init__(visit_columns(), parent)
        self.db = db

    def title(self) -> str:
        return self.tr("Visit Record")

    def fields(self) -> list[FieldSpec]:
        return [("date", self.tr("Date"), "date", ()),
                ("visitor", self.tr("Visitor"), "text", ()),
                ("findings", self.tr("Findings"), "memo", ()),
                ("follow_up", self.tr("Follow-up"), "memo", ())]

    def new_record(self):
        from ...services.households.forms import VisitForm

        return VisitForm()

    def save_new(self, form, correction=None):
        from ...services.households.edit import add_visit

        return add_visit(self.db, self.household_id, form, correction=correction)

    def save_edit(self, form, correction=None):
        from ...services.households.edit import update_visit

        return update_visit(self.db, form, correction=correction)

