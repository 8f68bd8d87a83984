"""就医结算: settlements filtered by period (年 / 季 / 月), village, type of care, below the policy
target and a search box, newest first; the totals per payer of everything the filter matches sit
under the table (summed in SQL, so they hold for the whole filter, not just the rows painted)."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from ...models.medical import CARE_TYPES
from ..common.context import AppContext, show_error
from ..common.list_page import ListPage
from ..common.widgets import (
    SEARCH_DEBOUNCE_MS,
    PagedTableModel,
    PeriodPicker,
    make_table,
    select_row,
    village_combo,
)
from ..common.list_model import Column


class SettlementsPage(ListPage):
    """Its rows are fetched a page at a time (``reload`` is its own); the settlement form is the
    tab's (``MedicalTab._open_settlement``)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, None, parent)
        self.household: tuple[int, str] | None = None  # (id, 户编号) when showing one household
        self.period = PeriodPicker(allow_all=True)
        self.period.changed.connect(self.reload)
        self.village = village_combo(self.tr("All"))
        self.village.currentIndexChanged.connect(self.reload)
        self.type_box = QComboBox()
        self.type_box.addItem(self.tr("All"), None)
        for t in CARE_TYPES:
            self.type_box.addItem(t, t)
        self.type_box.currentIndexChanged.connect(self.reload)
        self.below_check = QCheckBox(self.tr("Below target ratio"))
        self.below_check.setToolTip(self.tr(
            "Only settlements whose reimbursement ratio within policy is below the year's target"))
        self.below_check.toggled.connect(self.reload)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(
            self.tr("Search name, ID number, settlement number, hospital, diagnosis (Ctrl+F)"))
        self.search.setMinimumWidth(240)
        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self.search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.search.returnPressed.connect(self._search_enter)
        self.household_button = QPushButton()
        self.household_button.setToolTip(self.tr("Show all households again"))
        self.household_button.clicked.connect(lambda: self.set_household(None))
        self.household_button.hide()
        self.count_label = QLabel()

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for label, w in ((self.tr("Period"), self.period), (self.tr("Village"), self.village),
                         (self.tr("Type of care"), self.type_box)):
            lab = QLabel(label)
            lab.setBuddy(w)
            bar.addWidget(lab)
            bar.addWidget(w)
        bar.addWidget(self.below_check)
        bar.addWidget(self.household_button)
        bar.addSpacing(12)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count_label)

        self.model = PagedTableModel([
            Column("settlement_date", self.tr("Settlement date"), "date", width=90),
            Column("village_name", self.tr("Village"), width=80),
            Column("display_name", self.tr("Full name"), width=70),
            Column("id_number", self.tr("ID number"), "code", width=165),
            Column("hospital_name", self.tr("Hospital"), width=140),
            Column("care_type", self.tr("Type of care"), width=92),
            Column("total_cost", self.tr("Total cost"), "money", width=92),
            Column("policy_cost", self.tr("Within policy"), "money", width=92),
            Column("basic_insurance", self.tr("Basic insurance"), "money", width=92),
            Column("critical_insurance", self.tr("Critical illness"), "money", width=84),
            Column("medical_assistance", self.tr("Medical assistance"), "money", width=84),
            Column("other_support", self.tr("Other support"), "money", width=78),
            Column("self_paid", self.tr("Paid by patient"), "money", width=92),
            Column("policy_ratio", self.tr("Ratio"), "ratio", width=70),
            Column("settlement_no", self.tr("Settlement number"), "code", width=175),
            Column("diagnosis", self.tr("Diagnosis"), width=120),
        ], self)
        self.model.highlight = lambda r: r.below_target
        self.model.highlight_tip = self.tr(
            "Reimbursement ratio within policy below the year's target for this type of care")
        self.table = make_table(self.model)
        self.totals = None  # SettlementTotals of the current filter
        self.totals_label = QLabel()
        self.totals_label.setTextFormat(Qt.TextFormat.RichText)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals_label)

    # -- filter ------------------------------------------------------------------------------
    def set_household(self, household: tuple[int, str] | None) -> None:
        """Show only one household's settlements (from the alert list), or all again."""
        self.household = household
        self.household_button.setVisible(household is not None)
        if household is not None:
            self.household_button.setText(self.tr("Household %1 ✕").replace("%1", household[1]))
        self.reload()

    def show_household(self, household: tuple[int, str], period) -> None:
        """The settlements of one household in ``period`` (from the alert list)."""
        self.household = household
        self.household_button.setText(self.tr("Household %1 ✕").replace("%1", household[1]))
        self.household_button.show()
        self.period.set_period(period)  # reloads

    def current_filter(self):
        from ...services.medical.settlements import SettlementFilter

        return SettlementFilter(
            period=self.period.period(), village_id=self.village.currentData(),
            care_type=self.type_box.currentData(), below_target_only=self.below_check.isChecked(),
            household_id=self.household[0] if self.household else None,
            text=self.search.text().strip() or None)

    @Slot()
    def reload(self, *_args, keep: int | None = None) -> None:
        from ...services.medical import settlements as ms

        self.search_timer.stop()
        keep = keep if keep is not None else self.current_id()
        flt = self.current_filter()
        db = self.ctx.db
        try:
            count = ms.count_settlements(db, flt)
            totals = ms.settlement_totals(db, flt)
        except Exception as exc:  # noqa: BLE001 - a broken filter must not kill the tab
            show_error(self, exc)
            return
        self.model.set_source(count, lambda offset, limit: ms.list_settlements(
            db, dataclasses.replace(flt, limit=limit, offset=offset)))
        self.count_label.setText(self.tr("%1 settlements").replace("%1", f"{count:,}"))
        self.totals_label.setText(self.totals_text(totals))
        row = self.model.row_of(keep) if keep is not None else -1
        if row < 0 and count:
            row = 0
        select_row(self.table, row)

    def totals_text(self, t) -> str:
        """The footer: one small table of the totals per payer of everything the filter matches."""
        from ...domain.medical_calc import money_text, ratio_text

        self.totals = t
        if not t.count:
            return self.tr("No settlements match the filter.")
        cells = [
            (self.tr("Total"), self.tr("%1 settlements (%2 inpatient)")
             .replace("%1", f"{t.count:,}").replace("%2", f"{t.inpatient_count:,}")),
            (self.tr("Total cost"), money_text(t.total_cost)),
            (self.tr("Within policy"), money_text(t.policy_cost)),
            (self.tr("Basic insurance"), money_text(t.basic_insurance)),
            (self.tr("Critical illness"), money_text(t.critical_insurance)),
            (self.tr("Medical assistance"), money_text(t.medical_assistance)),
            (self.tr("Other support"), money_text(t.other_support)),
            (self.tr("Paid by patient"), money_text(t.self_paid)),
            (self.tr("Ratio within policy"), ratio_text(t.policy_ratio) or "—"),
            (self.tr("Below target"), f"{t.below_target_count:,}"),
        ]
        def cell(tag: str, i: int, text: str) -> str:
            align = "left" if i == 0 else "right"
            return f"<{tag} align='{align}' style='padding: 1px 0 1px 18px'>{text}</{tag}>"

        head = "".join(cell("th", i, h) for i, (h, _v) in enumerate(cells))
        vals = "".join(cell("td", i, v) for i, (_h, v) in enumerate(cells))
        return f"<table cellspacing='0'><tr>{head}</tr><tr>{vals}</tr></table>"

    @Slot()
    def _search_enter(self) -> None:
        self.reload()
        self.table.setFocus()

    # -- selection ---------------------------------------------------------------------------
    def select_id(self, settlement_id: int) -> None:
        row = self.model.row_of(settlement_id)
        if row >= 0:
            select_row(self.table, row)
