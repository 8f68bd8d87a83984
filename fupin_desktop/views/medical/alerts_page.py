"""返贫风险预警 (因病): households whose out-of-pocket medical cost of the year passes a threshold,
with the numbers that triggered it. Computed by services/medical_alerts on every look (never a
stored flag); from here the clerk records a 健康帮扶 measure, marks the household for monitoring
with risk 因病, opens the household, or lists its settlements."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout, QInputDialog, QLabel, QMessageBox, QPushButton, QSpinBox, QSplitter, QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ..common.context import AppContext, show_error
from ..common.record_dialog import MedicalRecordDialog
from ..common.widgets import (
    MedicalListModel, current_record, make_table, select_row, set_villages, village_combo,
)
from ..common.list_model import Column
from ..common.tasks import run_task


class AlertRow:
    """A MedicalAlert with the texts the table shows."""

    def __init__(self, alert):
        self.alert = alert
        self.risks_text = "、".join(alert.risks)
        self.reasons_text = "；".join(alert.reasons)
        self.handled = alert.monitored_for_illness or alert.health_measures > 0

    def __getattr__(self, name):
        return getattr(self.alert, name)


class AlertsPage(QWidget):
    settlements_requested = Signal(int, str)  # household id, 户编号
    loaded = Signal()  # the list was (re)computed

    def __init__(self, ctx: AppContext, notify, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.notify = ctx, notify
        self._generation = 0
        self.task = None
        self.year_box = QSpinBox()
        self.year_box.setRange(2000, 2100)
        self.year_box.setSuffix(self.tr(" (year)"))
        self.year_box.setValue(dt.date.today().year)
        self.year_box.valueChanged.connect(self.reload)
        self.village = village_combo(self.tr("All"))
        self.village.currentIndexChanged.connect(self.reload)
        self.rule_label = QLabel()
        self.rule_label.setProperty("role", "hint")
        self.count_label = QLabel()
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for label, w in ((self.tr("Year"), self.year_box), (self.tr("Village"), self.village)):
            lab = QLabel(label)
            lab.setBuddy(w)
            bar.addWidget(lab)
            bar.addWidget(w)
        bar.addSpacing(12)
        bar.addWidget(self.rule_label, 1)
        bar.addWidget(self.count_label)

        self.model = MedicalListModel([
            Column("village_name", self.tr("Village"), width=80),
            Column("household_code", self.tr("Household code"), "code", width=165),
            Column("head_name", self.tr("Household head"), width=70),
            Column("household_type", self.tr("Household type"), width=80),
            Column("monitoring_category", self.tr("Monitoring category"), width=100),
            Column("risks_text", self.tr("Risk"), width=100),
            Column("settlement_count", self.tr("Settlement count"), "int", width=74),
            Column("inpatient_count", self.tr("Inpatient"), "int", width=50),
            Column("self_paid_total", self.tr("Paid by family"), "money", width=100),
            Column("net_income", self.tr("Net income"), "money", width=100),
            Column("income_share", self.tr("Share of income"), "ratio", width=100),
            Column("health_measures", self.tr("Health measures"), "int", width=100),
            Column("reasons_text", self.tr("Why"), width=500),
        ], self)
        self.model.highlight = lambda r: not r.handled
        self.model.highlight_tip = self.tr("No health measure recorded and not monitored for illness yet")
        self.table = make_table(self.model)
        self.table.activated.connect(lambda _i: self.open_household())
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.show_details())
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.measure_button = QPushButton(self.tr("Record Health Measure…"))
        self.monitor_button = QPushButton(self.tr("Monitor (Illness)…"))
        self.open_button = QPushButton(self.tr("Open Household…"))
        self.settlements_button = QPushButton(self.tr("Show Settlements"))
        self.measure_button.clicked.connect(self.record_measure)
        self.monitor_button.clicked.connect(self.mark_monitoring)
        self.open_button.clicked.connect(self.open_household)
        self.settlements_button.clicked.connect(self.show_settlements)
        buttons = QHBoxLayout()
        for b in (self.measure_button, self.monitor_button, self.open_button, self.settlements_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lower = QWidget()
        lv = QVBoxLayout(lower)
        lv.setContentsMargins(0, 4, 0, 0)
        lv.addLayout(buttons)
        lv.addWidget(self.details, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        self.show_details()

    def set_villages(self, villages) -> None:
        set_villages(self.village, villages)

    # -- computing ---------------------------------------------------------------------------
    @Slot()
    def reload(self, *_args, keep: int | None = None) -> None:
        """Compute the list off the GUI thread (a county takes a few seconds)."""
        from ...services.medical.alerts import compute_alerts

        self._generation += 1
        gen = self._generation
        keep = keep if keep is not None else getattr(self.current(), "household_id", None)
        year, vid, db = self.year_box.value(), self.village.currentData(), self.ctx.db
        self.count_label.setText(self.tr("Computing…"))
        self.details.setText("")
        self.task = run_task(self, self.tr("Computing alerts…"),
                             lambda _p: compute_alerts(db, year, village_id=vid),
                             on_result=lambda res: self._show(res, gen, keep),
                             cancellable=False, read_only=True)

    def _show(self, res, gen: int, keep) -> None:
        from ...domain.medical_calc import money_text, ratio_text

        if gen != self._generation:
            return  # a newer filter was asked for meanwhile
        rows = [AlertRow(a) for a in res.alerts]
        self.model.set_rows(rows)
        th = res.thresholds
        self.rule_label.setText(
            self.tr("Alert when the family paid %1 yuan or more, or %2 or more of its net income")
            .replace("%1", money_text(th.self_paid_amount)).replace("%2", ratio_text(th.income_share)))
        open_ = sum(1 for r in rows if not r.handled)
        self.count_label.setText(self.tr("%1 households, %2 without action")
                                 .replace("%1", str(len(rows))).replace("%2", str(open_)))
        ids = [r.household_id for r in rows]
        select_row(self.table, ids.index(keep) if keep in ids else 0)
        self.show_details()
        self.loaded.emit()

    def focus_search(self) -> None:
        self.table.setFocus()

    def current(self):
        return current_record(self.table)

    def show_details(self) -> None:
        a = self.current()
        for b in (self.measure_button, self.monitor_button, self.open_button, self.settlements_button):
            b.setEnabled(a is not None)
        if a is None:
            self.details.setText(self.tr("No household passes the alert thresholds."))
            return
        state = (self.tr("Monitored as %1, risks: %2").replace("%1", a.monitoring_category)
                 .replace("%2", a.risks_text or "—") if a.monitoring_category
                 else self.tr("Not monitored"))
        head = self.tr("Household %1 (%2, head %3): %4 settlements, %5 inpatient; %6; %7 health measures this year.")
        head = (head.replace("%1", a.household_code).replace("%2", a.village_name)
                .replace("%3", a.head_name or "—").replace("%4", str(a.settlement_count))
                .replace("%5", str(a.inpatient_count)).replace("%6", state)
                .replace("%7", str(a.health_measures)))
        self.details.setText(head + "\n" + "\n".join(f"• {r}" for r in a.reasons))

    # -- actions -----------------------------------------------------------------------------
    @Slot()
    def record_measure(self):
        from ...services.medical.alerts import record_health_measure

        a = self.current()
        if a is None:
            return None
        fields = [("content", self.tr("Measure"), "memo", ()),
                  ("date", self.tr("Date"), "date", ()),
                  ("amount", self.tr("Amount (yuan)"), "money", ()),
                  ("responsible", self.tr("Responsible"), "text", ())]
        data = {"date": dt.date.today(),
                "content": self.tr("Medical assistance follow-up for large out-of-pocket costs")}
        dlg = MedicalRecordDialog(
            self.tr("Health Measure for Household %1").replace("%1", a.household_code), fields, data,
            lambda d: record_health_measure(self.ctx.db, a.household_id, d["content"],
                                            date=d["date"], amount=d["amount"],
                                            responsible=d["responsible"]), self)
        dlg.saved.connect(lambda _mid: self.notify("households", [a.household_id], self,
                                                   a.household_id))
        self.dialog = dlg  # tests reach the open dialog here
        dlg.open()
        return dlg

    @Slot()
    def mark_monitoring(self) -> None:
        from ...models.household import MONITORING_CATEGORIES
        from ...services.medical.alerts import default_monitoring_category, mark_for_monitoring

        a = self.current()
        if a is None:
            return
        category = None
        if not a.monitoring_category:
            default = default_monitoring_category(a.household_type)
            items = list(MONITORING_CATEGORIES)
            category, ok = QInputDialog.getItem(
                self, self.tr("Monitor (Illness)"),
                self.tr("Put household %1 under monitoring with risk 因病.\nMonitoring category:")
                .replace("%1", a.household_code), items, items.index(default), False)
            if not ok:
                return
        elif QMessageBox.question(
                self, self.tr("Monitor (Illness)"),
                self.tr("Household %1 is already monitored as %2. Add the risk 因病?")
                .replace("%1", a.household_code).replace("%2", a.monitoring_category)
        ) != QMessageBox.StandardButton.Yes:
            return
        try:
            mark_for_monitoring(self.ctx.db, a.household_id, a.version, category)
        except UserError as exc:
            show_error(self, exc)
        self.notify("households", [a.household_id], self, a.household_id)

    @Slot()
    def open_household(self):
        from ..households.dialog import HouseholdDialog

        a = self.current()
        if a is None:
            return None
        try:
            dlg = HouseholdDialog(self.ctx, a.household_id, self)
        except Exception as exc:  # noqa: BLE001 - e.g. removed meanwhile
            show_error(self, exc)
            return None
        dlg.show_page("measures")
        dlg.saved.connect(lambda hid: self.notify("households", [hid], self, hid))
        dlg.finished.connect(lambda _r: self.notify("households", [a.household_id], self,
                                                    a.household_id))
        self.dialog = dlg
        dlg.open()
        return dlg

    @Slot()
    def show_settlements(self) -> None:
        a = self.current()
        if a is not None:
            self.settlements_requested.emit(a.household_id, a.household_code)
