"""慢性病卡: cards by village, disease, status and search; 新增 / 打开 / 删除 a card; the editable
disease list (病种维护). Cards of members without a running family-doctor signing are
highlighted (the same members the 缺口名单 page lists)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QInputDialog, QLabel,
    QLineEdit, QMessageBox, QPushButton, QVBoxLayout, QWidget,
)

from ...errors import UserError
from ...models.medical import CARD_STATUSES
from ..common.context import AppContext
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

REVIEW_SOON_DAYS = 30


class ChronicPage(ListPage):
    CHANGE_KIND = "medical"

    def __init__(self, ctx: AppContext, notify, parent: QWidget | None = None):
        super().__init__(ctx, notify, parent)
        self.village = village_combo(self.tr("All"))
        self.disease_box = QComboBox()
        self.disease_box.addItem(self.tr("All"), None)
        self.status_box = QComboBox()
        self.status_box.addItem(self.tr("All"), None)
        for s in CARD_STATUSES:
            self.status_box.addItem(s, s)
        self.review_check = QCheckBox(self.tr("Review due within %1 days").replace("%1", str(REVIEW_SOON_DAYS)))
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search name, ID number, card number (Ctrl+F)"))
        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self.search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        for box in (self.village, self.disease_box, self.status_box):
            box.currentIndexChanged.connect(self.reload)
        self.review_check.toggled.connect(self.reload)
        self.diseases_button = QPushButton(self.tr("Disease List…"))
        self.diseases_button.clicked.connect(self.edit_diseases)
        self.count_label = QLabel()
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for label, w in ((self.tr("Village"), self.village), (self.tr("Disease"), self.disease_box),
                         (self.tr("Status"), self.status_box)):
            lab = QLabel(label)
            lab.setBuddy(w)
            bar.addWidget(lab)
            bar.addWidget(w)
        bar.addWidget(self.review_check)
        bar.addSpacing(12)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count_label)
        bar.addWidget(self.diseases_button)

        self.model = MedicalListModel([
            Column("village_name", self.tr("Village"), width=80),
            Column("household_code", self.tr("Household code"), "code", width=165),
            Column("member_name", self.tr("Full name"), width=70),
            Column("id_number", self.tr("ID number"), "code", width=165),
            Column("disease_name", self.tr("Disease"), width=100),
            Column("card_no", self.tr("Card number"), "code", width=130),
            Column("approved_date", self.tr("Approved on"), "date", width=90),
            Column("review_date", self.tr("Review due"), "date", width=90),
            Column("status", self.tr("Status"), width=60),
            Column("signed", self.tr("Family doctor"), "bool", width=70),
            Column("note", self.tr("Note"), width=120),
        ], self)
        self.model.highlight = lambda r: not r.signed
        self.model.highlight_tip = self.tr("No family-doctor signing")
        self.table = make_table(self.model, sortable=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def _load_diseases(self) -> list:
        from ...services.medical.chronic import list_disease_types

        types_ = list_disease_types(self.ctx.db, include_inactive=True)
        keep = self.disease_box.currentData()
        self.disease_box.blockSignals(True)
        while self.disease_box.count() > 1:
            self.disease_box.removeItem(1)
        for t in types_:
            self.disease_box.addItem(t.name, t.id)
        self.disease_box.setCurrentIndex(max(0, self.disease_box.findData(keep)))
        self.disease_box.blockSignals(False)
        return types_

    def fetch(self) -> list:
        from ...services.medical.chronic import list_chronic_cards

        self.search_timer.stop()  # a reload for another reason takes the typed text too
        self._load_diseases()
        due = (dt.date.today() + dt.timedelta(days=REVIEW_SOON_DAYS)
               if self.review_check.isChecked() else None)
        return list_chronic_cards(self.ctx.db, village_id=self.village.currentData(),
                                  disease_id=self.disease_box.currentData(),
                                  status=self.status_box.currentData(),
                                  text=self.search.text(), review_due_by=due)

    def show_rows(self, rows, keep) -> None:
        self.model.set_rows(rows)
        unsigned = sum(1 for r in rows if not r.signed)
        self.count_label.setText(self.tr("%1 cards, %2 without a family doctor")
                                 .replace("%1", f"{len(rows):,}").replace("%2", f"{unsigned:,}"))
        self.select_kept(rows, keep)

    # -- editing -----------------------------------------------------------------------------
    def _fields(self) -> list:
        from ...services.medical.chronic import list_disease_types

        diseases = [(t.id, t.name + ("" if t.active else self.tr(" (no longer used)")))
                    for t in list_disease_types(self.ctx.db, include_inactive=True)]
        return [("disease_id", self.tr("Disease"), "lookup", diseases),
                ("card_no", self.tr("Card number"), "code", ()),
                ("approved_date", self.tr("Approved on"), "date", ()),
                ("review_date", self.tr("Review due"), "date", ()),
                ("status", self.tr("Status"), "choice", CARD_STATUSES),
                ("note", self.tr("Note"), "memo", ())]

    def open_dialog(self, card=None, member=None) -> MedicalRecordDialog:
        """The card's form; a new card for ``member`` (a MemberChoice) when given."""
        from ...services.medical.chronic import save_chronic_card
        from ...services.medical.settlements import search_members

        if card is None:
            title = self.tr("New Chronic Disease Card")
            data = {"member_id": member, "status": "有效"}
        else:
            title = self.tr("Chronic Disease Card of %1").replace("%1", card.member_name)
            data = {**card.form_data(), "member_id": choice_of(card)}
        card_id, version = (card.id, card.version) if card is not None else (None, None)
        return self.show_dialog(MedicalRecordDialog(
            title, self._fields(), data,
            lambda d: save_chronic_card(self.ctx.db, d, card_id, version), self,
            member_label=self.tr("Member"), search=lambda t: search_members(self.ctx.db, t)))

    @Slot()
    def new_record(self, member=None) -> MedicalRecordDialog:
        return self.open_dialog(None, member)

    def delete_prompt(self, card) -> tuple[str, str]:
        return self.tr("Delete Card"), f"{card.member_name} {card.disease_name}"

    def delete_record(self, card, reason: str) -> None:
        from ...services.medical.chronic import delete_chronic_card

        delete_chronic_card(self.ctx.db, card.id, card.version, reason)

    @Slot()
    def edit_diseases(self) -> None:
        DiseaseListDialog(self.ctx, self).exec()
        self.notify("medical", [], self, None)


class DiseaseListDialog(QDialog):
    """病种维护: add, rename, stop using. A disease with cards is never deleted."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Chronic Disease List"))
        self.model = MedicalListModel([
            Column("name", self.tr("Disease"), width=160),
            Column("active", self.tr("In use"), "bool", width=60),
            Column("card_count", self.tr("Cards"), "int", width=60),
        ], self)
        self.model.highlight = lambda t: not t.active
        self.table = make_table(self.model)
        self.table.activated.connect(lambda _i: self.rename())
        add = QPushButton(self.tr("Add…"))
        rename = QPushButton(self.tr("Rename…"))
        self.toggle_button = QPushButton(self.tr("Stop / Resume Using"))
        add.clicked.connect(self.add)
        rename.clicked.connect(self.rename)
        self.toggle_button.clicked.connect(self.toggle)
        row = QHBoxLayout()
        for b in (add, rename, self.toggle_button):
            row.addWidget(b)
        row.addStretch(1)
        hint = QLabel(self.tr("A disease no longer used stays on its old cards but is not offered for new ones."))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(420, 420)
        self.reload()

    def reload(self) -> None:
        from ...services.medical.chronic import list_disease_types

        keep = self.table.currentIndex().row()
        self.model.set_rows(list_disease_types(self.ctx.db, include_inactive=True))
        select_row(self.table, max(keep, 0))

    def _save(self, fn) -> None:
        try:
            fn()
        except UserError as exc:
            QMessageBox.warning(self, self.windowTitle(), str(exc))
        self.reload()

    @Slot()
    def add(self) -> None:
        from ...services.medical.chronic import save_disease_type

        name, ok = QInputDialog.getText(self, self.tr("Add Disease"), self.tr("Disease name"))
        if ok and name.strip():
            self._save(lambda: save_disease_type(self.ctx.db, name))

    @Slot()
    def rename(self) -> None:
        from ...services.medical.chronic import save_disease_type

        t = current_record(self.table)
        if t is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("Rename Disease"), self.tr("Disease name"),
                                        text=t.name)
        if ok and name.strip() and name.strip() != t.name:
            self._save(lambda: save_disease_type(self.ctx.db, name, t.id, t.version, t.active))

    @Slot()
    def toggle(self) -> None:
        from ...services.medical.chronic import save_disease_type

        t = current_record(self.table)
        if t is not None:
            self._save(lambda: save_disease_type(self.ctx.db, t.name, t.id, t.version, not t.active))
